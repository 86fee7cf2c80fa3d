package simulator

import (
	"fmt"
	"testing"
)

// TestAppendURLMatchesBuild walks every funnel of the default catalog
// many times, with and without an affiliate, click ids with characters to
// escape, tracking parameters, test cards and abandoned forms, and checks
// that AppendURL gives Build's URL byte for byte, and skips exactly when
// Build does, for the default integrations and variants of them
// (per-event URLs, other-role macros sent, another account, inactive).
func TestAppendURLMatchesBuild(t *testing.T) {
	c, ins, err := LoadDefaults()
	if err != nil {
		t.Fatal(err)
	}
	var all []Integration
	for _, in := range ins {
		all = append(all, in)
		send := in
		send.SendOtherRoleMacros = true
		all = append(all, send)
		other := in
		other.Account = "someone-else"
		all = append(all, other)
		off := in
		off.Active = false
		all = append(all, off)
		per := in
		per.PerEvent = true
		per.URLs = map[EventType]string{}
		for i, e := range in.Events {
			if i%2 == 0 { // the others have no URL: skipped
				per.URLs[e] = in.URL + "&per={event_type}&v={vtid}&t={tid}&s={aff_sub1}/{country}"
			}
		}
		all = append(all, per)
	}
	var buf []byte
	var built, skipped int
	for _, funnel := range c.FunnelNames() {
		for seed := range uint64(60) {
			j := Journey{Funnel: funnel, TID: fmt.Sprintf("t %d&x=ü", seed), VTID: fmt.Sprintf("v_%d", seed)}
			if seed%5 != 0 {
				j.Affiliate = "aff01"
			}
			if seed%3 == 0 {
				j.Tracking = map[string]string{"aff_sub1": "spring sale", "traffic_source": "fb"}
			}
			j.TestCard = seed%7 == 0
			j.Abandon = seed%11 == 0
			w, err := c.Walk(j, NewRand(seed), DefaultTime)
			if err != nil {
				t.Fatalf("%s seed %d: %v", funnel, seed, err)
			}
			for i := range w.Events {
				ev := &w.Events[i]
				for _, in := range all {
					d := Build(ev, in)
					var ok bool
					buf, ok = AppendURL(append(buf[:0], "prefix"...), ev, in)
					switch {
					case ok != (d.Skipped == ""):
						t.Fatalf("%s seed %d %s, integration %+v: AppendURL fires %v; Build skipped %q", funnel, seed, ev.Type, in, ok, d.Skipped)
					case !ok && string(buf) != "prefix":
						t.Fatalf("%s seed %d %s: a skipped AppendURL changed dst to %q", funnel, seed, ev.Type, buf)
					case ok && string(buf) != "prefix"+d.URL:
						t.Fatalf("%s seed %d %s, integration %q:\nAppendURL %q\nBuild     %q", funnel, seed, ev.Type, in.Name, buf[len("prefix"):], d.URL)
					}
					if ok {
						built++
					} else {
						skipped++
					}
				}
			}
		}
	}
	if built < 1000 || skipped == 0 {
		t.Errorf("compared %d URLs and %d skips; want many of both", built, skipped)
	}
}
