package simulator

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

func TestControlAPI(t *testing.T) {
	var hits atomic.Int64
	trk := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Write([]byte(`{"status":"ok"}`))
	}))
	t.Cleanup(trk.Close)
	c, ins := defaults(t)
	sim := New(c, ins)
	if err := sim.Rebase(trk.URL); err != nil {
		t.Fatal(err)
	}
	srv, err := NewServer(sim)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })

	post := func(path, body string) (int, map[string]any) {
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
			Deliveries []DeliveryRecord `json:"deliveries"`
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
