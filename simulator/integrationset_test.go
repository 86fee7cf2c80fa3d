package simulator

import (
	"context"
	"errors"
	"sync"
	"testing"
)

// TestSetIntegrations: bad integrations are refused naming the field, and
// change nothing; good ones replace the set.
func TestSetIntegrations(t *testing.T) {
	c, ins := defaults(t)
	good := Integration{Name: "x", Role: RoleVendor, Active: true, Events: []EventType{InitialPurchase}, URL: "http://127.0.0.1:1/p"}
	with := func(f func(*Integration)) []Integration {
		in := good
		f(&in)
		return []Integration{in}
	}
	for _, c := range []struct {
		name  string
		ins   []Integration
		param string
	}{
		{"no name", with(func(in *Integration) { in.Name = "" }), "name"},
		{"twice", []Integration{good, good}, "name"},
		{"no role", with(func(in *Integration) { in.Role = "" }), "role"},
		{"no events", with(func(in *Integration) { in.Events = nil }), "events"},
		{"bad event", with(func(in *Integration) { in.Events = []EventType{"refund"} }), "events"},
		{"ftp", with(func(in *Integration) { in.URL = "ftp://x/" }), "url"},
		{"empty url", with(func(in *Integration) { in.URL = "" }), "url"},
		{"urls without per_event", with(func(in *Integration) { in.URLs = map[EventType]string{InitialPurchase: "http://x/"} }), "urls"},
		{"per_event without its url", with(func(in *Integration) { in.PerEvent, in.URL = true, "" }), "urls"},
		{"per_event with url", with(func(in *Integration) { in.PerEvent = true }), "url"},
	} {
		t.Run(c.name, func(t *testing.T) {
			sim := New(nil, ins)
			err := sim.SetIntegrations(c.ins)
			if pe, ok := errors.AsType[*ParamError](err); !ok || pe.Param != c.param {
				t.Fatalf("SetIntegrations = %v; want a ParamError naming %s", err, c.param)
			}
			if got := sim.CurrentIntegrations(); len(got) != len(ins) {
				t.Fatalf("a refused set changed the integrations to %d", len(got))
			}
		})
	}
	sim := New(c, ins)
	if err := sim.SetIntegrations([]Integration{good}); err != nil {
		t.Fatal(err)
	}
	if got := sim.CurrentIntegrations(); len(got) != 1 || got[0].Name != "x" {
		t.Fatalf("after SetIntegrations: %+v", got)
	}
}

// TestSetIntegrationsWhileFiring: swapping the integrations while events
// fire is safe (run with -race).
func TestSetIntegrationsWhileFiring(t *testing.T) {
	c, ins := defaults(t)
	rc := newSwitchable(t)
	rc.ok.Store(true)
	sim := New(c, ins)
	if err := sim.Rebase(rc.URL); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := range 50 {
			cur := sim.CurrentIntegrations()
			cur[0].Active = i%2 == 0
			if err := sim.SetIntegrations(cur); err != nil {
				t.Error(err)
				return
			}
		}
	})
	wg.Go(func() {
		for range 20 {
			if _, err := sim.Fire(context.Background(), FireRequest{Event: InitialPurchase, Role: RoleVendor}); err != nil {
				// a fire may find no active integration of its role while [0] is off
				var nf *NotFoundError
				if errors.As(err, &nf) {
					t.Error(err)
				}
			}
			sim.Plan(nil)
		}
	})
	wg.Wait()
}
