package tracker_test

import (
	"context"
	"testing"

	"github.com/cbsim/cbsim/redtrack"
	"github.com/cbsim/cbsim/tracker"
)

func TestRestartDurability(t *testing.T) {
	path := tempDB(t)
	cfg := tracker.Config{DBPath: path, APIKey: testKey, Campaigns: []tracker.Campaign{{Name: "camp", OfferURL: "http://127.0.0.1:8700/hop?tid={clickid}"}}}

	f := newFixture(t, cfg)
	id := f.click()
	hasStatus(200)(t, f.postback("clickid", id, "sum", "45.75", "zip", "90210"))
	hasStatus(404)(t, f.postback("clickid", "nope"))
	f.srv.Close()

	// Reopen with a changed offer URL: data stays, the campaign is updated.
	cfg.Campaigns[0].OfferURL = "http://127.0.0.1:9999/hop?tid={clickid}"
	g := newFixture(t, cfg)
	items, total := g.items("/conversions")
	if total != 1 || items[0]["clickid"] != id || items[0]["payout"] != 45.75 {
		t.Fatalf("after restart: %v", items)
	}
	if _, n := g.items("/tracks"); n != 1 {
		t.Errorf("after restart: %d clicks, want 1", n)
	}
	if _, n := g.items("/rejections"); n != 1 {
		t.Errorf("after restart: %d rejections, want 1", n)
	}
	if _, n := g.items("/api/campaigns"); n != 1 {
		t.Errorf("after restart: %d campaigns, want 1", n)
	}
	// The click still converts, and duplicates are judged against old data.
	hasField("duplicate_status", "repeated")(t, g.postback("clickid", id))
	if r := g.get("/camp"); r.header.Get("Location")[:22] != "http://127.0.0.1:9999/" {
		t.Errorf("offer URL not updated: %s", r.header.Get("Location"))
	}
	// The client sees the same data.
	c := &redtrack.Client{BaseURL: g.srv.URL, APIKey: testKey, HTTPClient: g.srv.Client()}
	from, to := redtrack.Window(g.clock.Now())
	convs, err := c.Conversions(context.Background(), redtrack.Query{ClickID: id, From: from, To: to})
	if err != nil || len(convs) != 2 || convs[0].PayoutCents() != 4575 {
		t.Errorf("client: %v, %v", convs, err)
	}
}
