package simulator

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/cbsim/cbsim/simulator/money"
)

func defaults(t *testing.T) (*Catalog, []Integration) {
	t.Helper()
	c, ins, err := LoadDefaults()
	if err != nil {
		t.Fatalf("load defaults: %v", err)
	}
	return c, ins
}

func cents(s string) *money.Cents {
	c, err := money.Parse(s)
	if err != nil {
		panic(err)
	}
	return &c
}

func pct(s string) *money.Percent {
	p, err := money.ParsePercent(s)
	if err != nil {
		panic(err)
	}
	return &p
}

// query parses the query of a built URL.
func query(t *testing.T, raw string) url.Values {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatalf("built URL %q does not parse: %v", raw, err)
	}
	return u.Query()
}

func TestFireMapsClickIDAndSumPerRole(t *testing.T) {
	c, _ := defaults(t)
	cases := []struct {
		name          string
		event         EventType
		role          Role
		tmpl          string
		tid, vtid     string
		wantClick     string
		wantSum       string
		wantOrderSame bool
	}{
		{"affiliate initial", InitialPurchase, RoleAffiliate, "http://127.0.0.1:9/postback?clickid={tid}&sum={affiliate_earnings}&type=InitialPurchase", "abc123", "", "abc123", "45.75", true},
		{"vendor initial", InitialPurchase, RoleVendor, "http://127.0.0.1:9/postback?clickid={vtid}&sum={vendor_earnings}&type=InitialPurchase", "", "v_77", "v_77", "45.75", true},
		{"affiliate impression", OrderFormImpression, RoleAffiliate, "http://127.0.0.1:9/postback?clickid={tid}&sum={affiliate_earnings}&type=OFI", "abc123", "", "abc123", "0.00", false},
		{"vendor impression", OrderFormImpression, RoleVendor, "http://127.0.0.1:9/postback?clickid={vtid}&sum={vendor_earnings}&type=OFI", "", "v_77", "v_77", "0.00", false},
		{"affiliate upsell", UpsellPurchase, RoleAffiliate, "http://127.0.0.1:9/postback?clickid={tid}&sum={affiliate_earnings}&type=Upsell", "abc123", "", "abc123", "45.75", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res, err := New(c, nil).Fire(context.Background(), FireRequest{Event: tc.event, Role: tc.role, URL: tc.tmpl,
				Affiliate: "aff01", Price: cents("100.00"), Commission: pct("50"), TID: tc.tid, VTID: tc.vtid, DryRun: true})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Deliveries) != 1 {
				t.Fatalf("%d deliveries, want 1", len(res.Deliveries))
			}
			q := query(t, res.Deliveries[0].URL)
			if q.Get("clickid") != tc.wantClick || q.Get("sum") != tc.wantSum {
				t.Fatalf("URL %s: clickid=%q sum=%q, want %q and %q", res.Deliveries[0].URL, q.Get("clickid"), q.Get("sum"), tc.wantClick, tc.wantSum)
			}
			ev := res.Event
			if tc.wantOrderSame && ev.OrderID != ev.Receipt {
				t.Errorf("initial purchase: order id %q != receipt %q", ev.OrderID, ev.Receipt)
			}
			if tc.event == UpsellPurchase && (ev.OrderID == ev.Receipt || ev.Original != ev.OrderID) {
				t.Errorf("upsell: receipt %q, order %q, original %q: want a new receipt linked to the order", ev.Receipt, ev.OrderID, ev.Original)
			}
		})
	}
}

func TestFireSameSeedSameURL(t *testing.T) {
	c, ins := defaults(t)
	fire := func(seed uint64) string {
		res, err := New(c, ins).Fire(context.Background(), FireRequest{Event: UpsellPurchase, Role: RoleAffiliate,
			Affiliate: "aff01", TID: "abc", Seed: seed, Item: "KETO-UP1", DryRun: true})
		if err != nil {
			t.Fatal(err)
		}
		return res.Deliveries[0].URL
	}
	a, b, other := fire(42), fire(42), fire(43)
	if a != b {
		t.Fatalf("seed 42 gave two URLs:\n%s\n%s", a, b)
	}
	if a == other {
		t.Fatalf("seeds 42 and 43 gave the same URL %s", a)
	}
}

func TestFireErrors(t *testing.T) {
	c, _ := defaults(t)
	u := "http://127.0.0.1:9/p?c={tid}"
	cases := []struct {
		req  FireRequest
		want string
	}{
		{FireRequest{Role: RoleAffiliate, URL: u}, "event: required"},
		{FireRequest{Event: InitialPurchase, URL: u}, "role: required"},
		{FireRequest{Event: InitialPurchase, Role: RoleAffiliate}, "give a url or an integration file"},
		{FireRequest{Event: InitialPurchase, Role: RoleAffiliate, URL: u, Integration: "x"}, "not both"},
		{FireRequest{Event: InitialPurchase, Role: RoleAffiliate, URL: "ftp://x"}, "http://"},
		{FireRequest{Event: InitialPurchase, Role: RoleAffiliate, URL: u, Item: "NOPE"}, `item: unknown item "NOPE"`},
		{FireRequest{Event: InitialPurchase, Role: RoleAffiliate, URL: u, Price: cents("2.00")}, "0.00 or at least 3.00"},
		{FireRequest{Event: InitialPurchase, Role: RoleAffiliate, URL: u, Item: "KETO-FE", Currency: "XYZ"}, `currency "XYZ"`},
		{FireRequest{Event: InitialPurchase, Role: RoleAffiliate, URL: u, Item: "KETO-FE", VTID: "_bad"}, "vtid: "},
		{FireRequest{Event: InitialPurchase, Role: RoleAffiliate, URL: u, Item: "KETO-FE", Affiliate: "x"}, "affiliate: nickname"},
		{FireRequest{Event: InitialPurchase, Role: RoleAffiliate, URL: u, Item: "KETO-FE", Affiliate: "aff01", Tracking: map[string]string{"sub9": "x"}}, `params: unknown tracking parameter "sub9"`},
	}
	for _, tc := range cases {
		_, err := New(c, nil).Fire(context.Background(), tc.req)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Fire(%+v) error = %v, want it to mention %q", tc.req, err, tc.want)
		}
	}
}

func TestFireTestCardSkipsAffiliate(t *testing.T) {
	c, ins := defaults(t)
	for _, role := range []Role{RoleAffiliate, RoleVendor} {
		res, err := New(c, ins).Fire(context.Background(), FireRequest{Event: InitialPurchase, Role: role,
			Item: "KETO-FE", Affiliate: "aff01", TID: "abc", VTID: "v1", TestCard: true, DryRun: true})
		if err != nil {
			t.Fatal(err)
		}
		skipped := res.Deliveries[0].Skipped != ""
		if skipped != (role == RoleAffiliate) {
			t.Errorf("%s integration on a test-card order: skipped=%v (%q)", role, skipped, res.Deliveries[0].Skipped)
		}
	}
}

func TestFireTestFireSendsPlaceholders(t *testing.T) {
	c, _ := defaults(t)
	res, err := New(c, nil).Fire(context.Background(), FireRequest{Event: InitialPurchase, Role: RoleAffiliate, TestFire: true, DryRun: true,
		URL: "http://127.0.0.1:9/p?s1={aff_sub1}&r={receipt_id}&c={tid}"})
	if err != nil {
		t.Fatal(err)
	}
	q := query(t, res.Deliveries[0].URL)
	if q.Get("s1") != "affsub1" || q.Get("r") != "ABC12345" || !res.Deliveries[0].TestFire {
		t.Fatalf("test fire URL %s", res.Deliveries[0].URL)
	}
}

// TestFireJournalsUnlessDry: a fire journals its notes and deliveries; a
// dry run returns them and journals nothing.
func TestFireJournalsUnlessDry(t *testing.T) {
	trk := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	t.Cleanup(trk.Close)
	c, _ := defaults(t)
	for _, dry := range []bool{true, false} {
		sim := New(c, nil)
		res, err := sim.Fire(context.Background(), FireRequest{Event: InitialPurchase, Role: RoleAffiliate, Affiliate: DefaultAffiliate,
			TID: "Bad TID!", URL: trk.URL + "/postback?clickid={tid}", DryRun: dry})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Notes) != 1 || res.Notes[0].Kind != TIDDropped || len(res.Deliveries) != 1 {
			t.Fatalf("dry=%v: notes %v, %d deliveries; want the dropped TID and one delivery", dry, res.Notes, len(res.Deliveries))
		}
		notes, ds := sim.Journal.Notes(), sim.Journal.Deliveries()
		if dry && (len(notes) != 0 || len(ds) != 0) {
			t.Errorf("a dry run journaled %d notes and %d deliveries", len(notes), len(ds))
		}
		if !dry && (len(notes) != 1 || len(ds) != 1 || !ds[0].Delivered) {
			t.Errorf("a fire journaled notes %v and deliveries %+v; want the note and the delivered postback", notes, ds)
		}
	}
}
