package simulator

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"testing/fstest"
	"time"

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
			res, err := Fire(context.Background(), c, nil, FireRequest{Event: tc.event, Role: tc.role, URL: tc.tmpl,
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
		res, err := Fire(context.Background(), c, nil, FireRequest{Event: UpsellPurchase, Role: RoleAffiliate, Integrations: ins,
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
		{FireRequest{Event: InitialPurchase, Role: RoleAffiliate}, "--url"},
		{FireRequest{Event: InitialPurchase, Role: RoleAffiliate, URL: "ftp://x"}, "http://"},
		{FireRequest{Event: InitialPurchase, Role: RoleAffiliate, URL: u, Item: "NOPE"}, `item "NOPE" is not in the catalog`},
		{FireRequest{Event: InitialPurchase, Role: RoleAffiliate, URL: u, Price: cents("2.00")}, "0.00 or at least 3.00"},
		{FireRequest{Event: InitialPurchase, Role: RoleAffiliate, URL: u, Item: "KETO-FE", Currency: "XYZ"}, `currency "XYZ"`},
		{FireRequest{Event: InitialPurchase, Role: RoleAffiliate, URL: u, Item: "KETO-FE", VTID: "_bad"}, "vtid"},
		{FireRequest{Event: InitialPurchase, Role: RoleAffiliate, URL: u, Item: "KETO-FE", Affiliate: "x"}, "affiliate: nickname"},
		{FireRequest{Event: InitialPurchase, Role: RoleAffiliate, URL: u, Item: "KETO-FE", Affiliate: "aff01", Tracking: map[string]string{"sub9": "x"}}, `unknown tracking parameter "sub9"`},
	}
	for _, tc := range cases {
		_, err := Fire(context.Background(), c, nil, tc.req)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Fire(%+v) error = %v, want it to mention %q", tc.req, err, tc.want)
		}
	}
}

func TestFireTestCardSkipsAffiliate(t *testing.T) {
	c, ins := defaults(t)
	for _, role := range []Role{RoleAffiliate, RoleVendor} {
		res, err := Fire(context.Background(), c, nil, FireRequest{Event: InitialPurchase, Role: role, Integrations: ins,
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
	res, err := Fire(context.Background(), c, nil, FireRequest{Event: InitialPurchase, Role: RoleAffiliate, TestFire: true, DryRun: true,
		URL: "http://127.0.0.1:9/p?s1={aff_sub1}&r={receipt_id}&c={tid}"})
	if err != nil {
		t.Fatal(err)
	}
	q := query(t, res.Deliveries[0].URL)
	if q.Get("s1") != "affsub1" || q.Get("r") != "ABC12345" || !res.Deliveries[0].TestFire {
		t.Fatalf("test fire URL %s", res.Deliveries[0].URL)
	}
}

func TestWalkFunnel(t *testing.T) {
	c, _ := defaults(t)
	w, err := c.Walk(Journey{Funnel: "keto", Affiliate: "aff01", TID: "5f8a1b2c3d4e5f6a7b8c9d0e",
		Tracking: map[string]string{"aff_sub1": "spring"}}, NewRand(9), time.Unix(0, 0))
	if err != nil {
		t.Fatal(err)
	}
	var types []string
	for _, e := range w.Events {
		types = append(types, string(e.Type))
	}
	if got := strings.Join(types, ","); got != "order_form_impression,initial_purchase,upsell_purchase,upsell_purchase" {
		t.Fatalf("events = %s", got)
	}
	ids, receipts := map[string]bool{}, map[string]bool{}
	first := w.Events[1]
	for i, e := range w.Events {
		if ids[e.ID] {
			t.Errorf("event %d repeats event id %s", i, e.ID)
		}
		ids[e.ID] = true
		if e.Type == OrderFormImpression {
			if e.Receipt != "" || e.Split.Affiliate != 0 {
				t.Errorf("impression has receipt %q, earnings %s", e.Receipt, e.Split.Affiliate)
			}
			continue
		}
		if receipts[e.Receipt] {
			t.Errorf("receipt %s repeated", e.Receipt)
		}
		receipts[e.Receipt] = true
		if e.OrderID != first.Receipt {
			t.Errorf("event %d order id %s, want the first receipt %s", i, e.OrderID, first.Receipt)
		}
		if e.TID != "5f8a1b2c3d4e5f6a7b8c9d0e" || e.Tracking["aff_sub1"] != "spring" {
			t.Errorf("event %d lost the tracking: tid %q, %v", i, e.TID, e.Tracking)
		}
		sp := e.Split
		if sp.Vendor+sp.Affiliate+sp.Fee != sp.Price {
			t.Errorf("event %d split %+v does not add up", i, sp)
		}
	}
	if w.Events[3].Original != w.Events[2].Receipt {
		t.Errorf("second upsell follows %s, want %s", w.Events[3].Original, w.Events[2].Receipt)
	}

	declined, err := c.Walk(Journey{Funnel: "keto", Affiliate: "aff01", Accept: []bool{false, true}}, NewRand(9), time.Unix(0, 0))
	if err != nil || len(declined.Events) != 3 || declined.Events[2].Item != "KETO-UP2" {
		t.Fatalf("declining upsell 1: %v, %d events", err, len(declined.Events))
	}
}

func TestWalkTIDRules(t *testing.T) {
	c, _ := defaults(t)
	cases := []struct {
		rule     string
		tid      string
		wantTID  string
		wantNote string
	}{
		{"current", "5f8a1b2c3d4e5f6a7b8c9d0e", "5f8a1b2c3d4e5f6a7b8c9d0e", ""},
		{"legacy24", "5f8a1b2c3d4e5f6a7b8c9d0e", "5F8A1B2C3D4E5F6A7B8C9D0E", "tid changed"},
		{"current", "Bad-TID", "", "tid dropped"},
	}
	for _, tc := range cases {
		j := Journey{Funnel: "keto", Affiliate: "aff01", TID: tc.tid}
		if tc.rule == "legacy24" {
			j.TIDRule = 1
		}
		w, err := c.Walk(j, NewRand(1), time.Unix(0, 0))
		if err != nil {
			t.Fatal(err)
		}
		if w.Events[1].TID != tc.wantTID {
			t.Errorf("%s %q: tid %q, want %q", tc.rule, tc.tid, w.Events[1].TID, tc.wantTID)
		}
		note := strings.Join(w.Notes, ";")
		if (tc.wantNote == "") != (note == "") || !strings.Contains(note, tc.wantNote) {
			t.Errorf("%s %q: notes %q, want %q", tc.rule, tc.tid, note, tc.wantNote)
		}
	}
}

func TestMultiCurrencyEarningsInUSD(t *testing.T) {
	c, _ := defaults(t)
	w, err := c.Walk(Journey{Funnel: "fitness-eur", Affiliate: "aff01"}, NewRand(3), time.Unix(0, 0))
	if err != nil {
		t.Fatal(err)
	}
	e := w.Events[1]
	// 39.00 EUR at 1.08 = 42.12 USD; net = round(42.12*0.925) - 1.00 = 37.96; 75% = 28.47.
	if e.Currency != "EUR" || e.Amount.String() != "39.00" || e.Split.Price.String() != "42.12" || e.Split.Affiliate.String() != "28.47" {
		t.Fatalf("EUR sale: currency %s amount %s, split %+v", e.Currency, e.Amount, e.Split)
	}
	v := e.Values(RoleAffiliate, "aff01")
	if v["currency"] != "EUR" || v["total_transaction_amount"] != "39.00" || v["affiliate_earnings"] != "28.47" {
		t.Fatalf("values: %v", v)
	}
}

func TestLoadCatalogErrorsSayWhere(t *testing.T) {
	good := `{"vendors":[{"nickname":"ven01"}],` + "\n"
	cases := []struct {
		name, data, want string
	}{
		{"bad nickname", `{"vendors":[` + "\n" + `{"nickname":"v!"}]}`, "cat.json:2: vendors[0].nickname: nickname \"v!\""},
		{"unknown vendor", good + `"products":[{"item":"A","vendor":"nope","title":"t","price":"10"}]}`, "cat.json:2: products[0].vendor: unknown vendor \"nope\""},
		{"cheap price", good + `"products":[{"item":"A","vendor":"ven01","title":"t",` + "\n" + `"price":"1.50"}]}`, "cat.json:3: products[0].price: price 1.50 is not allowed"},
		{"bad price", good + `"products":[{"item":"A","vendor":"ven01","title":"t","price":"ten"}]}`, "products[0].price"},
		{"no rate", good + `"products":[{"item":"A","vendor":"ven01","title":"t","price":"10","currency":"EUR"}]}`, "currency \"EUR\" has no rate"},
		{"unknown field", good + `"colour":"red"}`, "cat.json:2: unknown field \"colour\""},
		{"funnel item of another vendor", `{"vendors":[{"nickname":"ven01"},{"nickname":"ven02"}],"products":[{"item":"A","vendor":"ven02","title":"t","price":"10"}],` + "\n" + `"funnels":[{"name":"f","vendor":"ven01","front":"A"}]}`, "cat.json:2: funnels[0].front: item \"A\" belongs to vendor \"ven02\""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := LoadCatalog(fstest.MapFS{"cat.json": {Data: []byte(tc.data)}}, "cat.json")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error = %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

func TestParseIntegrationsErrors(t *testing.T) {
	cases := []struct{ data, want string }{
		{`{"integrations":[{"name":"a","role":"owner","events":["initial_purchase"],"url":"http://x/"}]}`, `integrations[0].role: unknown role "owner"`},
		{`{"integrations":[{"name":"a","role":"vendor","events":["refund"],"url":"http://x/"}]}`, `integrations[0].events[0]: unknown event type "refund"`},
		{`{"integrations":[{"name":"a","role":"vendor","events":["initial_purchase","upsell_purchase"],"per_event":true,"urls":{"initial_purchase":"http://x/"}}]}`, "event upsell_purchase is selected but has no URL"},
		{`{"integrations":[{"name":"a","role":"vendor","events":["initial_purchase"],"url":"x.com"}]}`, "must start with http://"},
		{`{"integrations":[{"name":"a","role":"vendor","events":[],"url":"http://x/"}]}`, "select at least one event type"},
	}
	for _, tc := range cases {
		_, err := ParseIntegrations("i.json", []byte(tc.data))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("error = %v, want it to contain %q", err, tc.want)
		}
	}
}

func TestLint(t *testing.T) {
	_, ins := defaults(t)
	if f := Lint(ins); len(f) != 0 {
		t.Fatalf("default integrations have findings: %v", f)
	}
	data := []byte(`{"integrations":[
{"name":"v","role":"vendor","events":["initial_purchase"],"url":"http://t/postback?clickid={tid}&sum={vendor_earnings}&type=IP"},
{"name":"a","role":"affiliate","events":["initial_purchase"],"url":"http://t/postback?clickid={tid}&sum={vendor_earnings}&x={bogus}&type=IP"},
{"name":"n","role":"affiliate","events":["initial_purchase"],"url":"http://t/postback?sum={affiliate_earnings}&type=IP"},
{"name":"s","role":"affiliate","events":["initial_purchase","upsell_purchase"],"url":"http://t/postback?clickid={tid}"},
{"name":"p","role":"affiliate","events":["initial_purchase","upsell_purchase"],"per_event":true,"urls":{"initial_purchase":"http://t/postback?clickid={tid}&type=X","upsell_purchase":"http://t/postback?clickid={tid}&type=X"}}
]}`)
	fs, err := LintFile("i.json", data)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, f := range fs {
		lines = append(lines, f.String())
	}
	got := strings.Join(lines, "\n")
	for _, want := range []string{
		`i.json:2: integration "v": {tid} is an affiliate macro; a vendor integration should use {vtid}`,
		`i.json:3: integration "a": {vendor_earnings} is a vendor macro; an affiliate integration should use {affiliate_earnings}`,
		`i.json:3: integration "a": unknown macro {bogus} is sent literally`,
		`i.json:4: integration "n": URL has no click id macro ({tid})`,
		`i.json:5: integration "s": 2 event types share one URL without type=`,
		`integration "p": events initial_purchase, upsell_purchase all send type=X`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("findings lack %q; got:\n%s", want, got)
		}
	}
	if len(fs) != 6 {
		t.Errorf("%d findings, want 6:\n%s", len(fs), got)
	}
}
