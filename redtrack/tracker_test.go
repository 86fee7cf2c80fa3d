package redtrack_test

import (
	"context"
	"errors"
	"net/url"
	"testing"
	"time"

	"github.com/cbsim/cbsim/redtrack"
	"github.com/cbsim/cbsim/tracker"
)

// TestAgainstTracker runs the client against the reference tracker.
func TestAgainstTracker(t *testing.T) {
	srv, err := tracker.NewServer(tracker.Config{APIKey: "k1", DuplicateMode: tracker.ModeNewMarked})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	ctx := context.Background()
	c := &redtrack.Client{BaseURL: srv.URL, APIKey: "k1", HTTPClient: srv.Client()}

	cp, err := c.CreateCampaign(ctx, redtrack.Campaign{Title: "aff", CBSim: &redtrack.CampaignCBSim{OfferURL: "http://127.0.0.1:8700/hop?tid={clickid}"}})
	if err != nil || cp.ID == "" || cp.Status != 1 || cp.OfferURL() != "http://127.0.0.1:8700/hop?tid={clickid}" {
		t.Fatalf("CreateCampaign = %+v, %v", cp, err)
	}
	id, err := c.Click(ctx, "aff", url.Values{"sub1": {"x"}, "utm_source": {"fb"}})
	if err != nil {
		t.Fatal(err)
	}
	postback := func(q url.Values) {
		t.Helper()
		resp, err := srv.Client().Get(srv.URL + "/postback?" + q.Encode())
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	for _, sum := range []string{"1.00", "2.00", "3.00"} {
		postback(url.Values{"clickid": {id}, "sum": {sum}, "type": {"UpsellPurchase"}, "zip": {"90210"}, "src": {"fb"}})
	}
	postback(url.Values{"clickid": {id}, "sum": {"45.75"}, "order_id": {"R1"}, "eventid": {"ev-1"}, "rdtk_event_id": {"tok-1"}})
	postback(url.Values{"clickid": {"nope"}})

	all, err := c.Conversions(ctx, redtrack.Query{ClickID: id, PerPage: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 4 {
		t.Fatalf("%d conversions, want 4", len(all))
	}
	ups, err := c.Conversions(ctx, redtrack.Query{Type: "UpsellPurchase", PerPage: 2})
	if err != nil || len(ups) != 3 || ups[2].PayoutCents() != 300 || ups[0].DuplicateStatus != redtrack.DuplicateNew ||
		ups[1].DuplicateStatus != redtrack.DuplicateRepeated || ups[0].PSub[1] != "90210" || ups[0].Campaign != "aff" ||
		ups[0].CampaignID != cp.ID || ups[0].Sub[0] != "x" || ups[0].Types[2] != 1 || ups[0].CBSim == nil || ups[0].CBSim.Params["src"] != "fb" {
		t.Errorf("upsells = %+v, %v", ups, err)
	}
	if p := ups[0].PostbackParams(redtrack.ClickBankPostbackParams()); p["zip"] != "90210" || p["src"] != "fb" {
		t.Errorf("postback params = %v", p)
	}
	ip := all[3]
	if ip.Type != "InitialPurchase" || ip.Order != "R1" || ip.PayoutCents() != 4575 || ip.Currency != "USD" || ip.Status != "other" ||
		ip.DeduplicateToken != "tok-1" || ip.PSub[0] != "ev-1" || ip.PSub[2] != "R1" || ip.DuplicateStatusName() != "new" {
		t.Errorf("initial purchase = %+v", ip)
	}
	// A window that misses today finds nothing.
	old, err := c.Conversions(ctx, redtrack.Query{ClickID: id, From: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2020, 1, 2, 0, 0, 0, 0, time.UTC)})
	if err != nil || len(old) != 0 {
		t.Errorf("conversions of 2020 = %v, %v", old, err)
	}
	tracks, err := c.Tracks(ctx, redtrack.Query{ClickID: id})
	if err != nil || len(tracks) != 1 || tracks[0].ID != id || tracks[0].Sub[0] != "x" || tracks[0].CBSim == nil || tracks[0].CBSim.Subs["utm_source"] != "fb" {
		t.Errorf("tracks = %+v, %v", tracks, err)
	}
	rej, err := c.Rejections(ctx)
	if err != nil || len(rej) != 1 || rej[0].Status != 404 || rej[0].Param != "clickid" || rej[0].Path != "/postback" {
		t.Errorf("rejections = %+v, %v", rej, err)
	}

	bad := &redtrack.Client{BaseURL: srv.URL, APIKey: "wrong", HTTPClient: srv.Client()}
	_, err = bad.Conversions(ctx, redtrack.Query{})
	if apiErr, ok := errors.AsType[*redtrack.APIError](err); !ok || apiErr.Status != 401 {
		t.Errorf("wrong key: err = %v, want *APIError 401", err)
	}
	if _, err := c.Click(ctx, "unknown", nil); err == nil {
		t.Error("click on unknown campaign succeeded")
	}
}

// TestEnsureCampaign creates a campaign once and finds it the second time,
// so runs against a long-lived tracker can be repeated.
func TestEnsureCampaign(t *testing.T) {
	srv, err := tracker.NewServer(tracker.Config{APIKey: "k1"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	ctx := context.Background()
	c := &redtrack.Client{BaseURL: srv.URL, APIKey: "k1", HTTPClient: srv.Client()}
	first, err := c.EnsureCampaign(ctx, "aff", "http://127.0.0.1:8700/hop?tid={clickid}")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.EnsureCampaign(ctx, "aff-2", "http://127.0.0.1:8700/hop?tid={clickid}"); err != nil {
		t.Fatal(err)
	}
	again, err := c.EnsureCampaign(ctx, "aff", "http://127.0.0.1:8700/other?tid={clickid}")
	if err != nil {
		t.Fatal(err)
	}
	if again.ID != first.ID || again.OfferURL() != first.OfferURL() || first.ID == "" {
		t.Fatalf("second EnsureCampaign = %+v, want the first %+v unchanged", again, first)
	}
	if _, err := (&redtrack.Client{BaseURL: srv.URL, APIKey: "wrong"}).EnsureCampaign(ctx, "x", "http://h/?tid={clickid}"); err == nil {
		t.Fatal("EnsureCampaign with a wrong key succeeded")
	}
}
