package tracker_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/cbsim/cbsim/tracker"
)

// BenchmarkPostbackUnique measures unique postbacks per second into a
// file-backed store through the HTTP handler (no network), 64 clients at
// once, spread over 1000 clicks; every postback carries a fresh
// rdtk_event_id, so each one creates a conversion. It runs under the default
// mode (new) and under ignore_event_id, whose unique index is checked on
// every insert.
func BenchmarkPostbackUnique(b *testing.B) {
	for _, mode := range []tracker.Mode{tracker.ModeNew, tracker.ModeIgnoreEventID} {
		b.Run("mode="+string(mode), func(b *testing.B) { benchPostbacks(b, mode) })
	}
}

func benchPostbacks(b *testing.B, mode tracker.Mode) {
	tr, err := tracker.Open(tracker.Config{
		DBPath:        tempDBB(b),
		DuplicateMode: mode,
		Campaigns:     []tracker.Campaign{{Name: "camp", OfferURL: "http://127.0.0.1:8700/hop?tid={clickid}"}},
	})
	if err != nil {
		b.Fatal(err)
	}
	defer tr.Close()
	h := tr.Handler()
	const clicks = 1000
	ids := make([]string, clicks)
	for i := range ids {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/camp?format=json", nil))
		var out struct{ ClickID string }
		if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil || rec.Code != 200 {
			b.Fatalf("click: %d %s", rec.Code, rec.Body)
		}
		ids[i] = out.ClickID
	}
	var n atomic.Int64
	var failed atomic.Int64
	// Many clients at once, as a tracker under load sees them: 32 per CPU.
	b.SetParallelism(32)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := n.Add(1)
			target := "/postback?clickid=" + ids[i%clicks] + "&type=UpsellPurchase&sum=12.34&status=approved&rdtk_event_id=" +
				strconv.FormatInt(i, 10) + "&eventid=ev" + strconv.FormatInt(i, 10) + "&zip=90210&order_id=ABCD1234"
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
			if rec.Code != http.StatusOK {
				failed.Add(1)
			}
		}
	})
	b.StopTimer()
	if f := failed.Load(); f > 0 {
		b.Fatalf("%d postbacks failed", f)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "postbacks/s")
}

// tempDBB is the benchmark database: in $BENCH_DIR when set (to compare
// disks, e.g. /dev/shm), else in a fresh temporary directory.
func tempDBB(b *testing.B) string {
	if d := os.Getenv("BENCH_DIR"); d != "" {
		return d + "/bench.db"
	}
	return b.TempDir() + "/bench.db"
}
