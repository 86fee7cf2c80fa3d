package storefront

import (
	"net/url"
	"strings"
	"testing"

	"github.com/cbsim/cbsim/simulator"
	"github.com/cbsim/cbsim/simulator/ins"
	"github.com/cbsim/cbsim/simulator/money"
)

const iPhoneSafari = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"

// walkToThanks walks hop → sales page → order form → purchase → upsell 1
// accepted → upsell 2 declined → thank-you, and returns the thank-you
// page.
func walkToThanks(t *testing.T, w *world, b *buyer, card string) resp {
	t.Helper()
	p := b.get(w.srv.URL + "/hop?affiliate=aff01&vendor=ven01&tid=abc_123&aff_sub1=spring&vtid=v77&lp=b")
	if p.status != 200 || p.url.Path != "/vendor/ven01/" {
		t.Fatalf("hop landed on %s with %d:\n%s", p.url, p.status, p.body)
	}
	q := p.url.Query()
	for name, want := range map[string]string{"affiliate": "aff01", "tid": "abc_123", "aff_sub1": "spring", "vtid": "v77", "lp": "b"} {
		if got := q.Get(name); got != want {
			t.Errorf("sales page %s = %q, want %q (passed through by the hop)", name, got, want)
		}
	}
	if len(q.Get("hopId")) != 36 {
		t.Errorf("sales page hopId %q, want a UUID", q.Get("hopId"))
	}
	buy, err := p.url.Parse(link(t, p.body, "buy-KETO-FE"))
	if err != nil {
		t.Fatal(err)
	}
	bq := buy.Query()
	if buy.Path != "/pay/ven01" || bq.Get("cbitems") != "KETO-FE" || bq.Get("vtid") != "v77" || bq.Get("lp") != "b" || bq.Has("tid") || bq.Has("hopId") || bq.Has("aff_sub1") {
		t.Errorf("buy link %s: want /pay/ven01 with cbitems, vtid and the vendor variable lp only", buy)
	}
	f := b.get(buy.String())
	if f.status != 200 || !strings.Contains(f.body, `<code id="test-card">`+DefaultTestCard+`</code>`) || !strings.Contains(f.body, "Referred by affiliate aff01") {
		t.Fatalf("order form %d, want the test card hint and the affiliate:\n%s", f.status, f.body)
	}
	if n := len(w.rc.of("/ven")); !w.shared && n != 1 {
		t.Fatalf("after the order form the vendor got %d postbacks, want 1 Order Form Impression", n)
	}
	up1 := b.submit(f, "order-form", map[string]string{"name": "Ann Buyer", "email": "ann@example.com", "card_number": card,
		"expiry": "12/30", "cvv": "123", "country": "gb", "state": "", "zip": "SW1A 1AA"})
	if up1.status != 200 || up1.url.Path != "/vendor/ven01/upsell/1" {
		t.Fatalf("purchase led to %s (%d):\n%s", up1.url, up1.status, up1.body)
	}
	up2 := b.submit(up1, "accept", nil)
	if up2.url.Path != "/vendor/ven01/upsell/2" {
		t.Fatalf("accepting led to %s (%d):\n%s", up2.url, up2.status, up2.body)
	}
	thanks := b.submit(up2, "decline", nil)
	if thanks.status != 200 || thanks.url.Path != "/vendor/ven01/thanks" {
		t.Fatalf("declining led to %s (%d):\n%s", thanks.url, thanks.status, thanks.body)
	}
	if !strings.Contains(thanks.body, "<li>lp=b</li>") {
		t.Errorf("thank-you page does not list the vendor variable lp=b of the pay link:\n%s", thanks.body)
	}
	// a stale form (the accept of upsell 1 again) buys nothing and goes on
	if again := b.submit(up1, "accept", nil); again.url.Path != "/vendor/ven01/thanks" {
		t.Errorf("re-sending upsell 1's accept led to %s, want the thank-you page", again.url)
	}
	return thanks
}

func TestBuyerWalksThePages(t *testing.T) {
	c, _, err := simulator.LoadDefaults()
	if err != nil {
		t.Fatal(err)
	}
	split := func(item string) money.Split {
		p := c.Products[item]
		return money.Sale{Price: p.Price, Commission: p.Commission, HasAffiliate: true, Rounding: c.Rounding}.Split()
	}
	for _, tc := range []struct {
		name string
		card string
		test bool
	}{
		{"card", "4242 4242 4242 4242", false},
		{"test card", DefaultTestCard, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t, Options{Seed: 42})
			thanks := walkToThanks(t, w, w.buyer(t, iPhoneSafari), tc.card)
			if got := strings.Contains(thanks.body, `id="test-order"`); got != tc.test {
				t.Errorf("thank-you page marks a test order: %v, want %v", got, tc.test)
			}

			ven, aff := w.rc.of("/ven"), w.rc.of("/aff")
			wantTypes := func(got []url.Values, want ...simulator.EventType) {
				t.Helper()
				var g, wt []string
				for _, q := range got {
					g = append(g, q.Get("type"))
				}
				for _, e := range want {
					wt = append(wt, string(e))
				}
				if strings.Join(g, ",") != strings.Join(wt, ",") {
					t.Errorf("postbacks %v, want %v", g, wt)
				}
			}
			wantTypes(ven, simulator.OrderFormImpression, simulator.InitialPurchase, simulator.UpsellPurchase)
			if tc.test {
				wantTypes(aff, simulator.OrderFormImpression) // the impression comes before the card
			} else {
				wantTypes(aff, simulator.OrderFormImpression, simulator.InitialPurchase, simulator.UpsellPurchase)
			}
			if len(ven) != 3 {
				t.FailNow()
			}
			ip, up := ven[1], ven[2]
			if ip.Get("receipt") == "" || ip.Get("order") != ip.Get("receipt") || up.Get("order") != ip.Get("receipt") || up.Get("receipt") == ip.Get("receipt") {
				t.Errorf("receipts: initial %s order %s, upsell %s order %s; want the upsell in the initial's order with its own receipt",
					ip.Get("receipt"), ip.Get("order"), up.Get("receipt"), up.Get("order"))
			}
			for _, r := range []string{ip.Get("receipt"), up.Get("receipt")} {
				if !strings.Contains(thanks.body, `id="receipt-`+r+`"`) {
					t.Errorf("thank-you page does not list receipt %s:\n%s", r, thanks.body)
				}
			}
			events := map[string]bool{}
			check := func(role string, q url.Values, i int) {
				t.Helper()
				if events[q.Get("event")] {
					t.Errorf("%s postback %d repeats event id %s", role, i, q.Get("event"))
				}
				events[q.Get("event")] = true
				want := map[string]string{"device": "mobile", "browser": "Safari", "affiliate": "aff01", "tid": "", "vtid": "v77", "aff_sub1": ""}
				if role == "aff" {
					want["tid"], want["vtid"], want["aff_sub1"] = "abc_123", "", "spring"
				}
				if i > 0 { // a purchase: the form's geography, the split
					item := "KETO-FE"
					if i == 2 {
						item = "KETO-UP1"
					}
					sp := split(item)
					want["country"], want["zip"], want["item"] = "GB", "SW1A 1AA", item
					want["aff"], want["ven"] = sp.Affiliate.String(), sp.Vendor.String()
				} else {
					want["aff"], want["ven"], want["zip"], want["receipt"] = "0.00", "0.00", "", ""
				}
				for k, v := range want {
					if got := q.Get(k); got != v {
						t.Errorf("%s postback %d (%s): %s = %q, want %q", role, i, q.Get("type"), k, got, v)
					}
				}
			}
			for i, q := range ven {
				check("ven", q, i)
			}
			for i, q := range aff {
				events = map[string]bool{} // the affiliate's postbacks repeat the vendor's event ids
				check("aff", q, i)
			}
		})
	}
}

// TestUpsellChainInINS: the order the pages build is the order a walk
// builds: its INS notifications link the upsell to the initial purchase
// (original receipt, upsell flow id, session, path).
func TestUpsellChainInINS(t *testing.T) {
	w := newWorld(t, Options{Seed: 9})
	w.sim.INSEndpoints = []simulator.INSEndpoint{{Role: ins.Vendor, Target: simulator.INSTarget{URLs: []string{w.rc.srv.URL + "/ins"}, Secret: "SECRETKEY1"}}}
	walkToThanks(t, w, w.buyer(t, iPhoneSafari), "4242424242424242")
	ds := w.sim.Journal.INSDeliveries()
	if len(ds) != 2 || len(w.rc.of("/ins")) != 2 {
		t.Fatalf("%d INS deliveries journaled, %d received; want the initial purchase's and the upsell's", len(ds), len(w.rc.of("/ins")))
	}
	first, up := ds[0].Notification, ds[1].Notification
	if first == nil || up == nil || up.Upsell == nil || first.Upsell == nil {
		t.Fatalf("notifications without an upsell block: %+v, %+v", first, up)
	}
	flow := w.sim.Catalog.Funnels["keto"].FlowID()
	u := up.Upsell
	if u.UpsellOriginalReceipt != first.Receipt || u.UpsellFlowID != flow || u.UpsellSession != first.Upsell.UpsellSession ||
		!strings.HasPrefix(u.UpsellSession, first.Receipt[:6]) || u.UpsellPath != "a" {
		t.Errorf("upsell block %+v; want original %s, flow %d, the first purchase's session, path a", *u, first.Receipt, flow)
	}
	if ds[0].Type != ins.Sale || !ds[1].Delivered {
		t.Errorf("INS %s delivered %v, want SALE delivered", ds[0].Type, ds[1].Delivered)
	}
}

// TestProductWithoutUpsells: a pay link of a product no funnel fronts
// sells it alone, straight to the thank-you page; without a hop it is a
// direct sale.
func TestProductWithoutUpsells(t *testing.T) {
	w := newWorld(t, Options{})
	b := w.buyer(t, "")
	f := b.get(w.srv.URL + "/pay/ven01?cbitems=keto-up1&country=US&zipcode=10001&name=Bo&email=bo%40example.com")
	if _, fields := form(t, f.body, "order-form"); fields.Get("name") != "Bo" || fields.Get("email") != "bo@example.com" || fields.Get("country") != "US" || fields.Get("zip") != "10001" {
		t.Errorf("prefill %v, want name, email, country and zip from the pay link", fields)
	}
	thanks := b.submit(f, "order-form", map[string]string{"card_number": "4242424242424242", "expiry": "12/30", "cvv": "1234"})
	if thanks.url.Path != "/vendor/ven01/thanks" || strings.Count(thanks.body, `data-receipt="`) != 1 {
		t.Fatalf("a product alone led to %s (%d):\n%s", thanks.url, thanks.status, thanks.body)
	}
	ven := w.rc.of("/ven")
	if len(ven) != 2 || ven[1].Get("item") != "KETO-UP1" || ven[1].Get("affiliate") != "" || ven[1].Get("zip") != "10001" || ven[1].Get("country") != "US" {
		t.Errorf("vendor postbacks %v, want impression and a direct purchase of KETO-UP1 in 10001, US", ven)
	}
	if aff := w.rc.of("/aff"); len(aff) != 0 {
		t.Errorf("a direct sale fired %d affiliate postbacks", len(aff))
	}
}
