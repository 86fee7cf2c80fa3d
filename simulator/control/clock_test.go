package control

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/cbsim/cbsim/simulator"
)

// TestClock: GET /clock reads the simulator's clock, POST moves it by a
// duration or whole days or sets it; faults name their field.
func TestClock(t *testing.T) {
	sim := newSim(t, "http://127.0.0.1:1")
	base := simulator.DefaultTime
	sim.Clock = &simulator.Clock{Base: func() time.Time { return base }}
	srv := serve(t, sim)
	for _, s := range []struct {
		name, method, body string
		status             int
		param              string
		now, offset        string
	}{
		{"read", "GET", "", 200, "", base.Format(time.RFC3339Nano), "0s"},
		{"60 days", "POST", `{"advance":"60d"}`, 200, "", base.Add(60 * 24 * time.Hour).Format(time.RFC3339Nano), "1440h0m0s"},
		{"back 36h", "POST", `{"advance":"-36h"}`, 200, "", base.Add(1404 * time.Hour).Format(time.RFC3339Nano), "1404h0m0s"},
		{"set", "POST", `{"set":"2027-01-01T00:00:00Z"}`, 200, "", "2027-01-01T00:00:00Z", time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC).Sub(base).String()},
		{"neither", "POST", `{}`, 400, "advance", "", ""},
		{"both", "POST", `{"advance":"1h","set":"2027-01-01T00:00:00Z"}`, 400, "set", "", ""},
		{"bad advance", "POST", `{"advance":"soon"}`, 400, "advance", "", ""},
		{"too many days", "POST", `{"advance":"99999d"}`, 400, "advance", "", ""},
		{"bad set", "POST", `{"set":"tomorrow"}`, 400, "set", "", ""},
		{"no PUT", "PUT", `{}`, 405, "", "", ""},
	} {
		code, body := call(t, srv, s.method, "/clock", s.body)
		var a struct{ Now, Offset, Error, Param string }
		if err := json.Unmarshal([]byte(body), &a); err != nil {
			t.Fatalf("%s: %v in %s", s.name, err, body)
		}
		if code != s.status || a.Param != s.param || a.Now != s.now || a.Offset != s.offset {
			t.Fatalf("%s: %d %s; want %d, param %q, now %s, offset %s", s.name, code, body, s.status, s.param, s.now, s.offset)
		}
	}
}

// TestClockMadeWhenNil: a simulator without a clock gets one, at the real
// time, so POST /clock has something to move.
func TestClockMadeWhenNil(t *testing.T) {
	sim := newSim(t, "http://127.0.0.1:1")
	srv := serve(t, sim)
	if sim.Clock == nil {
		t.Fatal("the handler left sim.Clock nil")
	}
	code, body := call(t, srv, "POST", "/clock", `{"advance":"1d"}`)
	if code != 200 || sim.Clock.Offset() != 24*time.Hour {
		t.Fatalf("advance 1d: %d %s, offset %s", code, body, sim.Clock.Offset())
	}
}
