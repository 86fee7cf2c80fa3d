package control

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cbsim/cbsim/simulator"
)

// receiver is a loopback tracker that answers 200, or 500 while fail is set.
type receiver struct {
	URL  string
	fail atomic.Bool
	hits atomic.Int64
}

func newReceiver(t *testing.T) *receiver {
	t.Helper()
	rc := &receiver{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rc.hits.Add(1)
		if rc.fail.Load() {
			w.WriteHeader(http.StatusInternalServerError)
		}
	}))
	t.Cleanup(srv.Close)
	rc.URL = srv.URL
	return rc
}

// replayAnswer is the part of a POST /journal/replay answer the tests read.
type replayAnswer struct {
	Deliveries []simulator.DeliveryRecord
	Error      string
	Param      string
}

// TestReplayEndpoint: step by step against a receiver that fails, then
// answers: a replay of a failed delivery is journaled as a new one that
// names it; a delivered one is a 400 naming n; an unknown number a 404;
// "since" resends each chain of failures once.
func TestReplayEndpoint(t *testing.T) {
	rc := newReceiver(t)
	sim := newSim(t, rc.URL)
	clock := &simulator.Clock{Base: func() time.Time { return simulator.DefaultTime }}
	sim.Clock = clock
	srv := serve(t, sim)
	fire := func() {
		t.Helper()
		if code, body := call(t, srv, "POST", "/fire", `{"event":"initial_purchase","role":"affiliate","url":"`+rc.URL+`/p?c={tid}"}`); code != 200 {
			t.Fatalf("fire: %d %s", code, body)
		}
	}
	rc.fail.Store(true)
	fire() // 0: failed
	t1 := clock.Advance(time.Hour).Format(time.RFC3339Nano)
	fire() // 1: failed
	fire() // 2: failed
	steps := []struct {
		name   string
		fail   bool   // the receiver fails
		body   string // POST /journal/replay
		status int
		param  string // of an error
		want   string // "N<-OF delivered|failed" per replay
	}{
		{"replay still failing", true, `{"n":1}`, 200, "", "3<-1 failed"},
		{"replay of the replay", false, `{"n":3}`, 200, "", "4<-3 delivered"},
		{"delivered", false, `{"n":4}`, 400, "n", ""},
		{"unknown", false, `{"n":99}`, 404, "n", ""},
		{"neither", false, `{}`, 400, "n", ""},
		{"both", false, `{"n":0,"since":"` + t1 + `"}`, 400, "since", ""},
		{"bad since", false, `{"since":"yesterday"}`, 400, "since", ""},
		{"unknown field", false, `{"m":1}`, 400, "", ""},
		{"since: 2 only (0 is older, 1 and 3 replayed)", false, `{"since":"` + t1 + `"}`, 200, "", "5<-2 delivered"},
		{"since again: none", false, `{"since":"` + t1 + `"}`, 200, "", ""},
	}
	for _, s := range steps {
		rc.fail.Store(s.fail)
		code, body := call(t, srv, "POST", "/journal/replay", s.body)
		var a replayAnswer
		if err := json.Unmarshal([]byte(body), &a); err != nil {
			t.Fatalf("%s: %v in %s", s.name, err, body)
		}
		if code != s.status || a.Param != s.param {
			t.Fatalf("%s: %d %s; want %d naming %q", s.name, code, body, s.status, s.param)
		}
		if code != 200 {
			continue
		}
		if a.Deliveries == nil {
			t.Fatalf("%s: deliveries is null, want a list: %s", s.name, body)
		}
		var got []string
		for _, d := range a.Deliveries {
			if d.N == nil || d.ReplayOf == nil {
				t.Fatalf("%s: a replay without n or replay_of: %s", s.name, body)
			}
			got = append(got, fmt.Sprintf("%d<-%d %s", *d.N, *d.ReplayOf, map[bool]string{true: "delivered", false: "failed"}[d.Delivered]))
		}
		if strings.Join(got, ", ") != s.want {
			t.Fatalf("%s: replays %q, want %q", s.name, got, s.want)
		}
	}
	// the journal page numbers its deliveries and marks the replays
	_, body := call(t, srv, "GET", "/journal", "")
	var page struct{ Deliveries []map[string]any }
	if err := json.Unmarshal([]byte(body), &page); err != nil {
		t.Fatal(err)
	}
	if len(page.Deliveries) != 6 || page.Deliveries[5]["n"] != 5.0 || page.Deliveries[5]["replay_of"] != 2.0 || page.Deliveries[0]["replay_of"] != nil {
		t.Fatalf("journal: %s", body)
	}
}
