package load

import (
	"strings"
	"testing"
	"time"
)

func TestParseFaults(t *testing.T) {
	tests := []struct {
		in   string
		want Faults
		err  string
	}{
		{"", Faults{}, ""},
		{"duplicate=0.05,reorder=0.02,delay=50ms", Faults{Duplicate: 0.05, Reorder: 0.02, Delay: 50 * time.Millisecond, DelayRate: DefaultDelayRate}, ""},
		{"delay=1s, delay-rate=0.5", Faults{Delay: time.Second, DelayRate: 0.5}, ""},
		{"duplicate=1.5", Faults{}, "duplicate=1.5 is not a probability"},
		{"duplicate", Faults{}, `"duplicate" has no =`},
		{"jitter=0.1", Faults{}, `unknown fault "jitter"`},
		{"delay=soon", Faults{}, "delay=soon is not a duration"},
		{"delay-rate=0.5", Faults{}, "delay-rate needs a delay"},
		{"reorder=0.1,reorder=0.2", Faults{}, "reorder given twice"},
	}
	for _, tt := range tests {
		f, err := ParseFaults(tt.in)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) || !strings.Contains(err.Error(), `--fault "`+tt.in+`"`) || !strings.Contains(err.Error(), "allowed:") {
				t.Errorf("%q: error %v, want %q quoting the flag", tt.in, err, tt.err)
			}
			continue
		}
		if err != nil || f != tt.want {
			t.Errorf("%q: got %+v %v, want %+v", tt.in, f, err, tt.want)
		}
	}
	if s := (Faults{Duplicate: 0.05, Delay: 50 * time.Millisecond, DelayRate: 0.1}).String(); s != "duplicate=0.05,delay=50ms,delay-rate=0.1" {
		t.Errorf("String: %s", s)
	}
	if (Faults{}).String() != "none" {
		t.Error("zero String")
	}
}

func TestFaultPlan(t *testing.T) {
	none := Faults{}.plan(1, 4, nil)
	if len(none) != 4 || !isIdentity(none) {
		t.Fatalf("no faults: %+v", none)
	}
	f := Faults{Duplicate: 0.3, Reorder: 0.3, Delay: 10 * time.Millisecond, DelayRate: 0.3}
	var dups, reordered, delayed int
	for k := range uint64(1000) {
		items := f.plan(Mix(9, k), 4, nil)
		again := f.plan(Mix(9, k), 4, nil)
		if len(items) != len(again) {
			t.Fatal("plan is not deterministic")
		}
		seen := map[int]int{}
		for i, it := range items {
			if it != again[i] {
				t.Fatal("plan is not deterministic")
			}
			seen[it.pb]++
			switch it.fault {
			case FaultDuplicate:
				dups++
			case FaultReordered:
				reordered++
			case FaultDelayed:
				delayed++
				if it.hold <= 0 || it.hold > f.Delay {
					t.Errorf("hold %v outside (0, %v]", it.hold, f.Delay)
				}
			}
		}
		for pb := range 4 {
			if seen[pb] < 1 || seen[pb] > 2 {
				t.Fatalf("postback %d planned %d times", pb, seen[pb])
			}
		}
	}
	if dups < 900 || dups > 1500 || reordered == 0 || delayed < 900 || delayed > 1500 {
		t.Errorf("over 4000 postbacks: %d duplicates, %d reordered, %d delayed", dups, reordered, delayed)
	}
}
