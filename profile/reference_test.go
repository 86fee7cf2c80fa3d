package profile_test

import (
	"context"
	"net/url"
	"testing"
	"time"

	"github.com/cbsim/cbsim/profile"
	"github.com/cbsim/cbsim/tracker"
)

// TestReferenceTracker: the bundled cbsim profile drives cbsim's reference
// tracker end to end: campaigns created through its API, clicks,
// postbacks renamed from a RedTrack-spelled query, conversions read back
// with their types, event ids, params and duplicate marks, and Check
// passing every part.
func TestReferenceTracker(t *testing.T) {
	srv, err := tracker.NewServer(tracker.Config{APIKey: "k1", DuplicateMode: tracker.ModeNewMarked})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	p, err := profile.Load("cbsim")
	if err != nil {
		t.Fatal(err)
	}
	tr, err := p.Bind(profile.Config{TrackerURL: srv.URL, APIKey: "k1", HTTPClient: srv.Client(), Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tr.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()

	for _, role := range []string{profile.RoleAffiliate, profile.RoleVendor} {
		c, err := tr.Click(ctx, role)
		if err != nil {
			t.Fatalf("%s click: %v", role, err)
		}
		q, dropped := tr.Rename(url.Values{"clickid": {c.ID}, "sum": {"45.75"}, "type": {"InitialPurchase"}, "eventid": {"ev1"}, "zip": {"90210"}, "src": {"fb"}})
		if len(dropped) != 0 {
			t.Errorf("dropped %v", dropped)
		}
		for range 2 {
			resp, err := srv.Client().Get(tr.PostbackBase() + "?" + q.Encode())
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != 200 {
				t.Fatalf("postback: HTTP %d", resp.StatusCode)
			}
		}
		cs, err := tr.Conversions(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(cs) != 2 || cs[0].Payout != 4575 || cs[0].Type != "InitialPurchase" || cs[0].EventID != "ev1" || cs[0].Params["zip"] != "90210" ||
			cs[0].Params["src"] != "fb" || cs[0].DuplicateStatus != "new" || cs[1].DuplicateStatus != "repeated" || cs[0].Currency != "USD" {
			t.Errorf("%s conversions = %+v", role, cs)
		}
		if kept, err := tr.ClickKept(ctx, c.ID); err != nil || !kept {
			t.Errorf("ClickKept = %t, %v", kept, err)
		}
	}
	for _, r := range profile.Check(ctx, tr) {
		if !r.OK {
			t.Errorf("%s", r)
		}
	}
}
