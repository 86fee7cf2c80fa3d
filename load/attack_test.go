package load

import (
	"context"
	"fmt"
	"maps"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cbsim/cbsim/simulator"
)

// runAttack runs an attacker made from cfg (Source filled in when nil,
// integrations rebased on cfg.Target) and collects its results.
func runAttack(t *testing.T, ctx context.Context, cfg *Config) []Result {
	t.Helper()
	if cfg.Source == nil {
		c, ins, err := simulator.LoadDefaults()
		if err != nil {
			t.Fatal(err)
		}
		for i := range ins {
			if ins[i], err = ins[i].Rebase(cfg.Target); err != nil {
				t.Fatal(err)
			}
		}
		if cfg.Source, err = NewSource(SourceConfig{Catalog: c, Integrations: ins}); err != nil {
			t.Fatal(err)
		}
	}
	a, err := NewAttacker(*cfg)
	if err != nil {
		t.Fatal(err)
	}
	ch := make(chan []Result)
	done := make(chan error, 1)
	go func() { done <- a.Attack(ctx, ch) }()
	var out []Result
	for {
		select {
		case b := <-ch:
			if len(b) > BatchSize {
				t.Errorf("batch of %d results", len(b))
			}
			out = append(out, b...)
		case err := <-done:
			if err != nil {
				t.Fatalf("attack: %v", err)
			}
			return out
		}
	}
}

// expected builds journeys 0..total-1 of sh the way the engine does and
// returns the planned deliveries: URL → how many times, and counts by
// event and by fault.
func expected(t *testing.T, s *Source, seed uint64, sh Shard, total uint64, f Faults) (map[string]int, map[simulator.EventType]int, map[Fault]int) {
	t.Helper()
	urls, events, faults := map[string]int{}, map[simulator.EventType]int{}, map[Fault]int{}
	b := s.NewBuilder()
	for local := range sh.Journeys(total) {
		k := sh.Global(local)
		mix := Mix(seed, k)
		p := s.Plan(mix)
		pbs, err := b.Build(mix, p, syntheticID(seed, simulator.RoleAffiliate, k), syntheticID(seed, simulator.RoleVendor, k))
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range f.plan(mix, len(pbs), nil) {
			urls[requestURI(pbs[it.pb].URL)]++
			events[pbs[it.pb].Event]++
			faults[it.fault]++
		}
	}
	return urls, events, faults
}

func TestAttackSendsEveryJourney(t *testing.T) {
	tests := []struct {
		name   string
		shard  Shard
		faults Faults
	}{
		{"whole", Shard{}, Faults{}},
		{"shard 1/3", Shard{1, 3}, Faults{}},
		{"faults", Shard{}, Faults{Duplicate: 0.2, Reorder: 0.3, Delay: 5 * time.Millisecond, DelayRate: 0.2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newRawServer(t, func(int) string { return ok200 })
			const total, seed = 90, 11
			cfg := Config{Target: srv.url(), Journeys: total, Connections: 4, Seed: seed, Shard: tt.shard, Faults: tt.faults}
			results := runAttack(t, context.Background(), &cfg)
			wantURLs, wantEvents, wantFaults := expected(t, cfg.Source, seed, tt.shard, total, tt.faults)
			events, faults := map[simulator.EventType]int{}, map[Fault]int{}
			journeys := map[uint64]bool{}
			for _, r := range results {
				if r.Kind != KindPostback || !r.OK() || r.Status != 200 {
					t.Fatalf("result %+v", r)
				}
				if tt.shard.Count > 0 && int(r.Journey%uint64(tt.shard.Count)) != tt.shard.Index {
					t.Fatalf("journey %d is not shard %s's", r.Journey, tt.shard)
				}
				journeys[r.Journey] = true
				events[r.Event]++
				faults[r.Fault]++
			}
			if uint64(len(journeys)) != tt.shard.Journeys(total) {
				t.Errorf("%d journeys ran, want %d", len(journeys), tt.shard.Journeys(total))
			}
			for ev, n := range wantEvents {
				if events[ev] != n {
					t.Errorf("%s: %d postbacks, want %d", ev, events[ev], n)
				}
			}
			for f, n := range wantFaults {
				if faults[f] != n {
					t.Errorf("fault %s: %d, want %d", f, faults[f], n)
				}
			}
			if tt.faults != (Faults{}) && (wantFaults[FaultDuplicate] == 0 || wantFaults[FaultReordered] == 0 || wantFaults[FaultDelayed] == 0) {
				t.Errorf("the seed gives no fault of some kind: %v", wantFaults)
			}
			srv.mu.Lock()
			got := map[string]int{}
			for _, p := range srv.paths {
				got[p]++
			}
			srv.mu.Unlock()
			for u, n := range wantURLs {
				if got[u] != n {
					t.Errorf("%s received %d times, want %d", u, got[u], n)
				}
			}
			if len(got) != len(wantURLs) {
				t.Errorf("server saw %d distinct URLs, want %d", len(got), len(wantURLs))
			}
		})
	}
}

func TestAttackSurvivesTracker(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	down := "http://" + ln.Addr().String()
	ln.Close()
	mixed := newRawServer(t, func(n int) string {
		switch n % 5 {
		case 0:
			return "RESET"
		case 1:
			return "CLOSE:garbage\r\n\r\n"
		case 2:
			return "HTTP/1.1 503 Busy\r\nContent-Length: 0\r\n\r\n"
		case 3:
			return "HTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\nrefused"
		}
		return ok200
	})
	hang := newRawServer(t, func(int) string { return "" })
	tests := []struct {
		name    string
		target  string
		timeout time.Duration
		want    []Reason // reasons that must appear
	}{
		{"down", down, time.Second, []Reason{ReasonConnect}},
		{"mixed", mixed.url(), time.Second, []Reason{ReasonOK, ReasonReset, ReasonBadResponse, ReasonStatus5xx, ReasonRefused}},
		{"hangs", hang.url(), 20 * time.Millisecond, []Reason{ReasonTimeout}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			results := runAttack(t, context.Background(), &Config{Target: tt.target, Journeys: 20, Connections: 3, Timeout: tt.timeout,
				Refused: func(_ int, body []byte) bool { return string(body) == "refused" }})
			seen := map[Reason]int{}
			for _, r := range results {
				seen[r.Reason]++
			}
			for _, want := range tt.want {
				if seen[want] == 0 {
					t.Errorf("no %s result; saw %v", want, seen)
				}
			}
			if len(results) < 20 {
				t.Errorf("%d results for 20 journeys", len(results))
			}
		})
	}
}

func TestAttackStops(t *testing.T) {
	hang := newRawServer(t, func(int) string { return "" })
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		deadline := time.Now().Add(10 * time.Second)
		for hang.requests() < 2 && time.Now().Before(deadline) {
			time.Sleep(time.Millisecond)
		}
		cancel()
	}()
	results := runAttack(t, ctx, &Config{Target: hang.url(), Connections: 2, Timeout: time.Hour})
	for _, r := range results {
		if r.Reason != ReasonCanceled {
			t.Errorf("after cancel: %+v", r)
		}
	}

	ok := newRawServer(t, func(int) string { return ok200 })
	results = runAttack(t, context.Background(), &Config{Target: ok.url(), Duration: 50 * time.Millisecond, Connections: 2, Pacer: ConstantPacer{Freq: 1, Per: time.Hour}})
	if len(results) == 0 {
		t.Error("a paced run sent nothing")
	}
	journeys := map[uint64]bool{}
	for _, r := range results {
		journeys[r.Journey] = true
	}
	if len(journeys) != 1 {
		t.Errorf("1/h over 50ms ran %d journeys, want 1", len(journeys))
	}
}

func TestAttackClicks(t *testing.T) {
	srv := newRawServer(t, func(int) string { return ok200 })
	var n int
	click := ClickFunc(func(ctx context.Context, role simulator.Role) (string, error) {
		n++
		return strings.Repeat("c", 23) + string(rune('a'+n%26)), nil
	})
	results := runAttack(t, context.Background(), &Config{Target: srv.url(), Journeys: 10, Connections: 1, Clicks: click})
	var clicks, postbacks int
	for _, r := range results {
		if r.Kind == KindClick {
			clicks++
		} else {
			postbacks++
		}
	}
	if clicks < 10 || postbacks < 40 {
		t.Errorf("%d clicks, %d postbacks for 10 journeys", clicks, postbacks)
	}
}

func TestNewAttackerErrors(t *testing.T) {
	s := newTestSource(t, nil)
	for _, cfg := range []Config{
		{Target: "nowhere", Source: s},
		{Target: "http://127.0.0.1:1"},
		{Target: "http://127.0.0.1:1", Source: s, Shard: Shard{4, 4}},
	} {
		if _, err := NewAttacker(cfg); err == nil {
			t.Errorf("%+v: no error", cfg)
		}
	}
}

// ExampleAttacker runs 10 journeys of the default catalog against a
// tracker and counts the postbacks by event and outcome.
func ExampleAttacker() {
	tracker := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer tracker.Close()

	catalog, integrations, err := simulator.LoadDefaults()
	if err != nil {
		panic(err)
	}
	for i := range integrations {
		integrations[i], _ = integrations[i].Rebase(tracker.URL)
	}
	src, err := NewSource(SourceConfig{Catalog: catalog, Integrations: integrations})
	if err != nil {
		panic(err)
	}
	pacer, _ := ParseRate("max", 0)
	a, err := NewAttacker(Config{Target: tracker.URL, Source: src, Pacer: pacer, Journeys: 10, Connections: 4, Seed: 1})
	if err != nil {
		panic(err)
	}
	results := make(chan []Result)
	done := make(chan error, 1)
	go func() {
		done <- a.Attack(context.Background(), results)
		close(results) // Attack leaves its channel to the caller
	}()
	counts := map[string]int{}
	for batch := range results {
		for _, r := range batch {
			counts[fmt.Sprintf("%s %s %s", r.Role, r.Event, r.Reason)]++
		}
	}
	if err := <-done; err != nil {
		panic(err)
	}
	for _, k := range slices.Sorted(maps.Keys(counts)) {
		fmt.Println(k, counts[k])
	}
	// Output:
	// affiliate initial_purchase ok 10
	// affiliate order_form_impression ok 10
	// affiliate upsell_purchase ok 16
	// vendor initial_purchase ok 4
	// vendor order_form_impression ok 4
	// vendor upsell_purchase ok 4
}

// TestAttackDelayDoesNotBlock holds half the postbacks for an hour: the
// worker (one connection) must still send every other postback of every
// journey; the run is then canceled and the held ones are not sent.
func TestAttackDelayDoesNotBlock(t *testing.T) {
	srv := newRawServer(t, func(int) string { return ok200 })
	const total, seed = 20, 3
	f := Faults{Delay: time.Hour, DelayRate: 0.5}
	cfg := Config{Target: srv.url(), Journeys: total, Connections: 1, Seed: seed, Faults: f}
	c, ins, _ := simulator.LoadDefaults()
	for i := range ins {
		ins[i], _ = ins[i].Rebase(cfg.Target)
	}
	cfg.Source, _ = NewSource(SourceConfig{Catalog: c, Integrations: ins})
	_, _, faults := expected(t, cfg.Source, seed, Shard{}, total, f)
	prompt := faults[FaultNone] + faults[FaultReordered]
	if faults[FaultDelayed] == 0 || prompt == 0 {
		t.Fatalf("the seed holds nothing back: %v", faults)
	}
	a, err := NewAttacker(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ch := make(chan []Result)
	done := make(chan error, 1)
	go func() { done <- a.Attack(ctx, ch) }()
	var got []Result
	for {
		select {
		case b := <-ch:
			got = append(got, b...)
			if len(got) >= prompt {
				cancel()
			}
			continue
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
		}
		break
	}
	if len(got) != prompt {
		t.Errorf("%d results, want the %d postbacks not held", len(got), prompt)
	}
	for _, r := range got {
		if r.Fault == FaultDelayed {
			t.Errorf("a postback held for an hour was sent: %+v", r)
		}
	}
}
