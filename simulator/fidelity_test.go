package simulator

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/cbsim/cbsim/simulator/money"
)

// The golden tests of what ClickBank would send (docs/clickbank.md §2, §4,
// §5): each expected URL below is computed by hand from the rules, not
// copied from a run.

// fidelityCatalog sells one front end at 100.00 USD and one upsell at 97.00
// USD, both at 50%, with a EUR rate of 1.0834.
func fidelityCatalog(t *testing.T) *Catalog {
	t.Helper()
	c, err := ParseCatalog("fidelity.json", []byte(`{
  "vendors": [{"nickname": "ven01", "commission": "50"}],
  "affiliates": [{"nickname": "aff01"}],
  "products": [
    {"item": "FE", "vendor": "ven01", "title": "Front end", "price": "100.00"},
    {"item": "UP", "vendor": "ven01", "title": "Upsell", "price": "97.00"}
  ],
  "funnels": [{"name": "f", "vendor": "ven01", "front": "FE", "upsells": [{"item": "UP", "accept": true}]}],
  "rates": {"EUR": "1.0834"}
}`))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestGoldenVendorGetsNoAffiliateOnlyMacros: a vendor integration whose
// template still has {tid} and {aff_sub1}, on an affiliate's sale, sends
// both empty and keeps {affiliate_earnings}; the journal says why.
func TestGoldenVendorGetsNoAffiliateOnlyMacros(t *testing.T) {
	var got []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { got = append(got, r.URL.RequestURI()) }))
	defer srv.Close()
	in := Integration{Name: "vend", Role: RoleVendor, Active: true, Events: []EventType{InitialPurchase},
		URL: srv.URL + "/postback?clickid={tid}&sub1={aff_sub1}&sum={affiliate_earnings}&vsum={vendor_earnings}&type=InitialPurchase"}
	sim := New(fidelityCatalog(t), []Integration{in})
	res, err := sim.Fire(context.Background(), FireRequest{Event: InitialPurchase, Role: RoleVendor, Integration: "vend",
		Item: "FE", Affiliate: "aff01", TID: "abc123", VTID: "v1", Tracking: map[string]string{"aff_sub1": "spring"}})
	if err != nil {
		t.Fatal(err)
	}
	// $100.00 at 50%: net 92.5% − 1.00 = 91.50, half each.
	const want = "/postback?clickid=&sub1=&sum=45.75&vsum=45.75&type=InitialPurchase"
	if len(got) != 1 || got[0] != want {
		t.Fatalf("tracker got %q, want [%q]", got, want)
	}
	if u := res.Deliveries[0].URL; u != srv.URL+want {
		t.Errorf("journaled URL %q", u)
	}
	notes := sim.Journal.Notes()
	if len(notes) != 1 || notes[0].Kind != MacroWithheld || !strings.Contains(notes[0].Text, "{tid}, {aff_sub1}") {
		t.Errorf("journal notes %v; want one %s note naming {tid}, {aff_sub1}", notes, MacroWithheld)
	}

	// The fixture's opt-out keeps cbsim's old behaviour.
	in.SendOtherRoleMacros = true
	sim = New(fidelityCatalog(t), []Integration{in})
	res, _ = sim.Fire(context.Background(), FireRequest{Event: InitialPurchase, Role: RoleVendor, Integration: "vend",
		Item: "FE", Affiliate: "aff01", TID: "abc123", Tracking: map[string]string{"aff_sub1": "spring"}, DryRun: true})
	if u := res.Deliveries[0].URL; !strings.Contains(u, "?clickid=abc123&sub1=spring&") {
		t.Errorf("with role_specific_macros=send: %q", u)
	}
}

// TestGoldenTestFires: a Test fire carries placeholders only where a real
// event of its type has a value, and names the integration's own role.
func TestGoldenTestFires(t *testing.T) {
	const tmpl = "http://t.test/postback?clickid={click_id}&tid={tid}&sum={affiliate_earnings}&zip={postal_code}&order={order_id}&role={role}&type={event_type}"
	for _, c := range []struct {
		event EventType
		role  Role
		want  string
	}{
		{OrderFormImpression, RoleAffiliate, "http://t.test/postback?clickid=clickid&tid=tid&sum=0.00&zip=&order=&role=affiliate&type=order_form_impression"},
		{InitialPurchase, RoleAffiliate, "http://t.test/postback?clickid=clickid&tid=tid&sum=4.13&zip=12345&order=ABC12345&role=affiliate&type=initial_purchase"},
		{OrderFormImpression, RoleVendor, "http://t.test/postback?clickid=clickid&tid=&sum=0.00&zip=&order=&role=vendor&type=order_form_impression"},
		{UpsellPurchase, RoleVendor, "http://t.test/postback?clickid=clickid&tid=&sum=4.13&zip=12345&order=ABC12345&role=vendor&type=upsell_purchase"},
	} {
		in := Integration{Name: "i", Role: c.role, Active: true, Events: []EventType{c.event}, URL: tmpl}
		d, err := BuildTest(c.event, in)
		if err != nil {
			t.Fatal(err)
		}
		if d.URL != c.want {
			t.Errorf("Test %s to the %s integration:\n got %s\nwant %s", c.event, c.role, d.URL, c.want)
		}
	}
}

// TestGoldenOneOrderOneCurrency: after a EUR front end the USD upsell is
// charged in EUR too; earnings stay USD.
func TestGoldenOneOrderOneCurrency(t *testing.T) {
	c := fidelityCatalog(t)
	fe := c.Products["FE"]
	fe.Price, fe.Currency = 3700, "EUR"
	c.Products["FE"] = fe
	in := Integration{Name: "a", Role: RoleAffiliate, Active: true, Events: []EventType{InitialPurchase, UpsellPurchase},
		URL: "http://t.test/postback?cur={currency}&paid={total_transaction_amount}&sum={affiliate_earnings}&vsum={vendor_earnings}"}
	sim := New(c, []Integration{in})
	w, err := c.Walk(Journey{Funnel: "f", Affiliate: "aff01", TID: "t1"}, NewRand(1), DefaultTime)
	if err != nil {
		t.Fatal(err)
	}
	var urls []string
	for _, d := range sim.Plan(w.Events) {
		if d.Skipped == "" {
			urls = append(urls, d.URL)
		}
	}
	want := []string{
		// EUR 37.00 × 1.0834 = USD 40.0858 → 40.09; net round(37.08325) − 1.00 = 36.08; half 18.04.
		"http://t.test/postback?cur=EUR&paid=37.00&sum=18.04&vsum=18.04",
		// USD 97.00 / 1.0834 = EUR 89.5330 → 89.53; net round(89.725) − 1.00 = 88.73; 44.365 → 44.37.
		"http://t.test/postback?cur=EUR&paid=89.53&sum=44.37&vsum=44.36",
	}
	if strings.Join(urls, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(urls, "\n"), strings.Join(want, "\n"))
	}
}

// TestGoldenRounding: $37.00 at 50% under both rounding rules.
func TestGoldenRounding(t *testing.T) {
	for _, c := range []struct {
		rounding money.Rounding
		want     string
	}{
		// 92.5% of 37.00 = 34.225 → 34.23; net 33.23; 16.615 → 16.62 to the affiliate.
		{money.RoundNet, "http://t.test/postback?sum=16.62&vsum=16.61"},
		// 7.5% of 37.00 = 2.775 → 2.78; fee 3.78; net 33.22; 16.61 each.
		{money.RoundFee, "http://t.test/postback?sum=16.61&vsum=16.61"},
	} {
		cat := fidelityCatalog(t)
		cat.Rounding = c.rounding
		in := Integration{Name: "a", Role: RoleAffiliate, Active: true, Events: []EventType{InitialPurchase},
			URL: "http://t.test/postback?sum={affiliate_earnings}&vsum={vendor_earnings}"}
		sim := New(cat, []Integration{in})
		res, err := sim.Fire(context.Background(), FireRequest{Event: InitialPurchase, Role: RoleAffiliate, Item: "FE",
			Price: cents("37.00"), Affiliate: "aff01", TID: "t1", At: time.Unix(0, 0), DryRun: true})
		if err != nil {
			t.Fatal(err)
		}
		if got := res.Deliveries[0].URL; got != c.want {
			t.Errorf("rounding %s: got %s, want %s", c.rounding, got, c.want)
		}
	}
}
