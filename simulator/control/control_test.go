package control

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/cbsim/cbsim/simulator"
)

// newSim returns a simulator over the default fixtures pointed at trk.
func newSim(t *testing.T, trk string) *simulator.Simulator {
	t.Helper()
	c, ins, err := simulator.LoadDefaults()
	if err != nil {
		t.Fatal(err)
	}
	sim := simulator.New(c, ins)
	if err := sim.Rebase(trk); err != nil {
		t.Fatal(err)
	}
	return sim
}

// serve starts the control API of sim and closes it with the test.
func serve(t *testing.T, sim *simulator.Simulator) *Server {
	t.Helper()
	srv, err := NewServer(sim)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv
}

// post sends body to the control API and decodes the JSON reply.
func post(t *testing.T, srv *Server, path, body string) (int, map[string]any) {
	t.Helper()
	resp, err := http.Post(srv.URL+path, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatalf("%s: reply is not JSON: %v", path, err)
	}
	return resp.StatusCode, out
}

func TestControlAPI(t *testing.T) {
	var hits atomic.Int64
	trk := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Write([]byte(`{"status":"ok"}`))
	}))
	t.Cleanup(trk.Close)
	sim := newSim(t, trk.URL)
	srv := serve(t, sim)
	post := func(path, body string) (int, map[string]any) {
		t.Helper()
		return post(t, srv, path, body)
	}

	t.Run("Fire", func(t *testing.T) {
		status, out := post("/fire", `{"event":"initial_purchase","role":"affiliate","tid":"abc123","price":"100.00","commission":"50"}`)
		if status != 200 {
			t.Fatalf("status %d: %v", status, out)
		}
		ds := out["deliveries"].([]any)
		d := ds[0].(map[string]any)
		if !strings.Contains(d["url"].(string), "clickid=abc123&sum=45.75") || d["status"].(float64) != 200 || d["values"].(map[string]any)["tid"] != "abc123" {
			t.Fatalf("delivery %v", d)
		}
	})
	t.Run("Journey", func(t *testing.T) {
		before := hits.Load()
		status, out := post("/journeys", `{"funnel":"keto","affiliate":"aff01","tid":"abc","accept":[true,false]}`)
		if status != 200 {
			t.Fatalf("status %d: %v", status, out)
		}
		if got := hits.Load() - before; got != 3 {
			t.Fatalf("tracker got %d postbacks, want 3 (impression, purchase, one upsell)", got)
		}
	})
	t.Run("RequestsWithoutSeedDiffer", func(t *testing.T) {
		ids := map[string]bool{}
		for range 3 {
			_, out := post("/fire", `{"event":"initial_purchase","role":"affiliate","tid":"abc","dry_run":true}`)
			d := out["deliveries"].([]any)[0].(map[string]any)
			ids[d["event_id"].(string)+d["receipt"].(string)] = true
		}
		_, a := post("/fire", `{"event":"initial_purchase","role":"affiliate","tid":"abc","dry_run":true,"seed":9}`)
		_, b := post("/fire", `{"event":"initial_purchase","role":"affiliate","tid":"abc","dry_run":true,"seed":9}`)
		if len(ids) != 3 || a["deliveries"].([]any)[0].(map[string]any)["url"] != b["deliveries"].([]any)[0].(map[string]any)["url"] {
			t.Fatalf("unseeded requests gave %d distinct events of 3; seeded ones must repeat", len(ids))
		}
	})
	t.Run("ErrUnknownEvent", func(t *testing.T) {
		status, out := post("/fire", `{"event":"refund","role":"affiliate"}`)
		if status != 400 || out["param"] != "event" || !strings.Contains(out["error"].(string), "allowed:") {
			t.Fatalf("status %d, %v", status, out)
		}
	})
	t.Run("ErrUnknownField", func(t *testing.T) {
		status, out := post("/fire", `{"event":"initial_purchase","role":"affiliate","colour":"red"}`)
		if status != 400 || !strings.Contains(out["error"].(string), "colour") {
			t.Fatalf("status %d, %v", status, out)
		}
	})
	t.Run("ErrUnknownFunnel", func(t *testing.T) {
		status, out := post("/journeys", `{"funnel":"nope"}`)
		if status != 404 || out["param"] != "funnel" {
			t.Fatalf("status %d, %v", status, out)
		}
	})
	t.Run("Journal", func(t *testing.T) {
		resp, err := http.Get(srv.URL + "/journal")
		if err != nil {
			t.Fatal(err)
		}
		var out struct {
			Deliveries []simulator.DeliveryRecord `json:"deliveries"`
		}
		json.NewDecoder(resp.Body).Decode(&out)
		resp.Body.Close()
		if len(out.Deliveries) < 4 {
			t.Fatalf("journal has %d deliveries", len(out.Deliveries))
		}
		req, _ := http.NewRequest(http.MethodDelete, srv.URL+"/journal", nil)
		if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 204 {
			t.Fatalf("DELETE /journal: %v %v", resp, err)
		}
		if n := len(sim.Journal.Deliveries()); n != 0 {
			t.Fatalf("journal kept %d deliveries after DELETE", n)
		}
	})
}

// TestDryRunJournalsNothing: a dry run of /fire and of /journeys builds the
// deliveries and their notes and leaves the journal as it was (a dry /fire
// used to journal its notes while a dry /journeys did not).
func TestDryRunJournalsNothing(t *testing.T) {
	sim := newSim(t, "http://127.0.0.1:9") // nothing must be sent
	srv := serve(t, sim)
	for _, c := range []struct{ path, body string }{
		{"/fire", `{"event":"initial_purchase","role":"affiliate","tid":"BAD TID!","dry_run":true}`},
		{"/journeys", `{"funnel":"keto","affiliate":"aff01","tid":"BAD TID!","dry_run":true}`},
	} {
		status, out := post(t, srv, c.path, c.body)
		if status != 200 {
			t.Fatalf("%s: status %d: %v", c.path, status, out)
		}
		notes := out["notes"].([]any)
		if len(notes) != 1 || !strings.HasPrefix(notes[0].(string), "tid dropped") {
			t.Errorf("%s: notes %v; want the dropped TID", c.path, notes)
		}
		if len(out["deliveries"].([]any)) == 0 {
			t.Errorf("%s: a dry run built no delivery", c.path)
		}
		if n, d := len(sim.Journal.Notes()), len(sim.Journal.Deliveries()); n != 0 || d != 0 {
			t.Errorf("%s: a dry run journaled %d notes and %d deliveries; want none", c.path, n, d)
		}
	}
}

// TestConcurrentFires: fires run side by side. The tracker holds every
// postback until all of them are in flight at once, so fires that ran one
// after another would never get there: the first would wait until the
// dispatcher's timeout and fail. No clock decides the outcome.
func TestConcurrentFires(t *testing.T) {
	const fires = 6
	var inFlight atomic.Int64
	allIn := make(chan struct{})
	trk := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if inFlight.Add(1) == fires {
			close(allIn)
		}
		select {
		case <-allIn:
		case <-r.Context().Done():
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	}))
	t.Cleanup(trk.Close)
	srv := serve(t, newSim(t, trk.URL))
	var wg sync.WaitGroup
	for range fires {
		wg.Go(func() {
			status, out := post(t, srv, "/fire", `{"event":"initial_purchase","role":"affiliate","tid":"abc"}`)
			d := out["deliveries"].([]any)[0].(map[string]any)
			if status != 200 || d["status"].(float64) != 200 {
				t.Errorf("status %d, delivery %v: the postbacks were not all in flight at once", status, d)
			}
		})
	}
	wg.Wait()
}

func TestErrors(t *testing.T) {
	srv := serve(t, newSim(t, "http://127.0.0.1:9"))
	for _, c := range []struct {
		name, method, path, body string
		status                   int
		param, says              string
	}{
		{"UnknownIntegration", "POST", "/fire", `{"event":"initial_purchase","role":"affiliate","integration":"nope"}`, 404, "integration", "unknown integration"},
		{"UnknownItem", "POST", "/fire", `{"event":"initial_purchase","role":"affiliate","item":"NOPE"}`, 404, "item", "give a price"},
		{"BadPrice", "POST", "/fire", `{"event":"initial_purchase","role":"affiliate","price":"1.00","dry_run":true}`, 400, "price", "at least 3.00"},
		{"UnknownAffiliate", "POST", "/journeys", `{"funnel":"keto","affiliate":"nobody1"}`, 404, "affiliate", "unknown affiliate"},
		{"BadParam", "POST", "/journeys", `{"funnel":"keto","affiliate":"aff01","params":{"colour":"red"}}`, 400, "params", "unknown tracking parameter"},
		{"EmptyBody", "POST", "/fire", ``, 400, "", "must be a JSON object"},
		{"Method", "GET", "/fire", ``, 405, "", "allowed: POST"},
		{"NoEndpoint", "GET", "/nope", ``, 404, "", "no such endpoint"},
	} {
		t.Run(c.name, func(t *testing.T) {
			req, _ := http.NewRequest(c.method, srv.URL+c.path, strings.NewReader(c.body))
			req.Header.Set("Content-Type", "application/json")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var out map[string]string
			if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
				t.Fatalf("reply is not a JSON error: %v", err)
			}
			if resp.StatusCode != c.status || out["param"] != c.param || !strings.Contains(out["error"], c.says) {
				t.Errorf("status %d, body %v; want %d, param %q, an error saying %q", resp.StatusCode, out, c.status, c.param, c.says)
			}
		})
	}
}

// TestIntegrationsNameTheFixtureFields: GET /integrations says
// role_specific_macros as the fixture does.
func TestIntegrationsNameTheFixtureFields(t *testing.T) {
	sim := newSim(t, "http://127.0.0.1:1")
	sim.Integrations[0].SendOtherRoleMacros = true
	srv := serve(t, sim)
	resp, err := http.Get(srv.URL + "/integrations")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var got []map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&got); err != nil {
		t.Fatal(err)
	}
	if len(got) < 2 || got[0]["role_specific_macros"] != "send" || got[1]["role_specific_macros"] != "empty" {
		t.Fatalf("GET /integrations = %v; want role_specific_macros send, then empty", got)
	}
}
