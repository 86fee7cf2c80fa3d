package load

import (
	"runtime"
	"testing"
)

func TestReadUsage(t *testing.T) {
	u := ReadUsage()
	switch runtime.GOOS {
	case "linux", "darwin":
		if !u.Known {
			t.Fatal("usage unknown on a platform with getrusage")
		}
		// A Go test binary has run for some CPU time and maps megabytes.
		if u.CPU <= 0 {
			t.Errorf("cpu %v, want more than 0", u.CPU)
		}
		if u.PeakRSS < 1<<20 || u.PeakRSS > 1<<40 {
			t.Errorf("peak rss %d bytes, want between 1 MiB and 1 TiB (a wrong unit?)", u.PeakRSS)
		}
	default:
		if u.Known {
			t.Errorf("usage %+v known on %s", u, runtime.GOOS)
		}
	}
}

func TestMetricsUsage(t *testing.T) {
	m := NewMetrics()
	m.Add(&Result{Kind: KindPostback})
	r := m.Report(RunParams{}, nil)
	if runtime.GOOS == "linux" && (!r.UsageKnown || r.PeakRSSBytes <= 0 || r.CPUNS < 0) {
		t.Errorf("usage known %v, cpu %d ns, peak rss %d", r.UsageKnown, r.CPUNS, r.PeakRSSBytes)
	}
}
