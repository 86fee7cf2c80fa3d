package simulator

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/cbsim/cbsim/simulator/ins"
)

// upsellCatalog is a funnel of three upsells and one of none, with a
// flow id given in the fixture.
const upsellCatalog = `{
  "vendors": [{"nickname": "ven01"}],
  "affiliates": [{"nickname": "aff01"}],
  "products": [
    {"item": "FE", "vendor": "ven01", "title": "Front", "price": "37.00"},
    {"item": "UP1", "vendor": "ven01", "title": "Upsell 1", "price": "47.00"},
    {"item": "UP2", "vendor": "ven01", "title": "Upsell 2", "price": "97.00"},
    {"item": "UP3", "vendor": "ven01", "title": "Upsell 3", "price": "17.00"}
  ],
  "funnels": [
    {"name": "three", "vendor": "ven01", "front": "FE", "upsell_flow_id": 40689,
     "upsells": [{"item": "UP1"}, {"item": "UP2"}, {"item": "UP3"}]},
    {"name": "none", "vendor": "ven01", "front": "FE"}
  ]
}`

// vendorSales returns the vendor's SALE notifications of a dry journey
// run with seed 7 (INS endpoints of both roles).
func vendorSales(t *testing.T, sim *Simulator, j Journey) []*ins.Notification {
	t.Helper()
	jr := newJourneyReceiver(t)
	s := journeySim(t, jr)
	s.Catalog = sim.Catalog
	_, out := runJourney(t, s, j, true)
	var ns []*ins.Notification
	for _, d := range out.INS {
		if d.Error != "" {
			t.Fatalf("notification not built: %s", d.Error)
		}
		if d.Role == ins.Vendor {
			ns = append(ns, d.Notification)
		}
	}
	return ns
}

// TestJourneyINSUpsellBlock: in a funnel with upsells, the front end's
// SALE carries only the flow id and the session, each upsell's all four
// keys, with a path of the answers so far (docs/clickbank.md §6.2, §6.4);
// the session is the order's, starts with the original receipt's first 6
// characters, and the same seed gives the same block.
func TestJourneyINSUpsellBlock(t *testing.T) {
	t.Parallel()
	own, err := ParseCatalog("upsell.json", []byte(upsellCatalog))
	if err != nil {
		t.Fatal(err)
	}
	defaults := defaultSim(t).Catalog
	cases := []struct {
		name    string
		c       *Catalog
		funnel  string
		accept  []bool
		flow    int // 0 = the funnel's
		paths   []string
		upItems []string
	}{
		{"keto both", defaults, "keto", nil, 0, []string{"a", "aa"}, []string{"KETO-UP1", "KETO-UP2"}},
		{"keto decline then accept", defaults, "keto", []bool{false, true}, 0, []string{"da"}, []string{"KETO-UP2"}},
		{"keto accept then decline", defaults, "keto", []bool{true, false}, 0, []string{"a"}, []string{"KETO-UP1"}},
		{"three a-d-a", own, "three", []bool{true, false, true}, 40689, []string{"a", "ada"}, []string{"UP1", "UP3"}},
		{"three d-a-a", own, "three", []bool{false, true, true}, 40689, []string{"da", "daa"}, []string{"UP2", "UP3"}},
		{"three declined", own, "three", []bool{false, false, false}, 40689, nil, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			sim := New(tc.c, nil)
			j := Journey{Funnel: tc.funnel, Affiliate: DefaultAffiliate, Accept: tc.accept}
			ns := vendorSales(t, sim, j)
			if len(ns) != 1+len(tc.paths) {
				t.Fatalf("%d vendor notifications, want %d", len(ns), 1+len(tc.paths))
			}
			flow := tc.flow
			if flow == 0 {
				flow = tc.c.Funnels[tc.funnel].FlowID()
			}
			front := ns[0]
			u := front.Upsell
			if u == nil {
				t.Fatal("front end: no upsell block")
			}
			if u.UpsellFlowID != flow || u.UpsellOriginalReceipt != "" || u.UpsellPath != "" {
				t.Errorf("front end: block %+v, want only flow id %d and a session", *u, flow)
			}
			session := u.UpsellSession
			if len(session) != 10 || session[:6] != front.Receipt[:6] || strings.Trim(session, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") != "" {
				t.Errorf("front end: session %q, want 10 of [A-Z0-9] starting with %q", session, front.Receipt[:6])
			}
			for i, n := range ns[1:] {
				want := ins.UpsellBlock{UpsellOriginalReceipt: front.Receipt, UpsellFlowID: flow, UpsellSession: session, UpsellPath: tc.paths[i]}
				if n.Upsell == nil || *n.Upsell != want {
					t.Errorf("upsell %d: block %+v, want %+v", i+1, n.Upsell, want)
				}
				if n.LineItems[0].ItemNo != tc.upItems[i] || n.LineItems[0].LineItemType != ins.Upsell {
					t.Errorf("upsell %d: item %s %s, want %s UPSELL", i+1, n.LineItems[0].ItemNo, n.LineItems[0].LineItemType, tc.upItems[i])
				}
			}
			again := vendorSales(t, sim, j)
			for i := range ns {
				if *again[i].Upsell != *ns[i].Upsell {
					t.Errorf("notification %d: same seed gave %+v then %+v", i, *ns[i].Upsell, *again[i].Upsell)
				}
			}
		})
	}
}

// TestJourneyINSNoUpsellFlow: a funnel without upsells has no upsell flow,
// so its purchase has no upsell block.
func TestJourneyINSNoUpsellFlow(t *testing.T) {
	t.Parallel()
	c, err := ParseCatalog("upsell.json", []byte(upsellCatalog))
	if err != nil {
		t.Fatal(err)
	}
	ns := vendorSales(t, New(c, nil), Journey{Funnel: "none"})
	if len(ns) != 1 || ns[0].Upsell != nil {
		t.Fatalf("notifications %d, block %+v; want one without an upsell block", len(ns), ns[0].Upsell)
	}
}

// TestWalkUpsellSessionDeterministic: the same walk with the same seed
// gives the same flow id, session and path, and the impression has none.
// (That they draw nothing from the seed is what the unchanged golden
// postbacks of golden_test.go show.)
func TestWalkUpsellSessionDeterministic(t *testing.T) {
	t.Parallel()
	c := defaultSim(t).Catalog
	w1, err := c.Walk(Journey{Funnel: "keto", Accept: []bool{false, true}}, NewRand(3), DefaultTime)
	if err != nil {
		t.Fatal(err)
	}
	w2, err := c.Walk(Journey{Funnel: "keto", Accept: []bool{false, true}}, NewRand(3), DefaultTime)
	if err != nil {
		t.Fatal(err)
	}
	for i := range w1.Events {
		a, b := w1.Events[i], w2.Events[i]
		if a.UpsellSession != b.UpsellSession || a.UpsellPath != b.UpsellPath || a.UpsellFlowID != b.UpsellFlowID {
			t.Errorf("event %d: %s %s %d then %s %s %d", i, a.UpsellSession, a.UpsellPath, a.UpsellFlowID, b.UpsellSession, b.UpsellPath, b.UpsellFlowID)
		}
	}
	if ev := w1.Events[0]; ev.UpsellSession != "" || ev.UpsellFlowID != 0 {
		t.Errorf("order form impression carries session %q flow %d", ev.UpsellSession, ev.UpsellFlowID)
	}
}

// TestBuildINSAdHocUpsell: an upsell built without a walk names its
// product's funnel's flow, a session of its fresh original receipt and
// the path "a" (docs/clickbank.md §6.4).
func TestBuildINSAdHocUpsell(t *testing.T) {
	t.Parallel()
	sim := defaultSim(t)
	sale := FireRequest{Item: "KETO-UP2", Event: UpsellPurchase, Seed: 5}
	ns, _, err := sim.BuildINS(INSRequest{Type: ins.Sale, Role: ins.Vendor, Sale: sale})
	if err != nil {
		t.Fatal(err)
	}
	u := ns[0].Upsell
	if u == nil {
		t.Fatal("no upsell block")
	}
	orig := u.UpsellOriginalReceipt
	if len(orig) != 8 || u.UpsellFlowID != sim.Catalog.Funnels["keto"].FlowID() || u.UpsellPath != "a" ||
		len(u.UpsellSession) != 10 || u.UpsellSession[:6] != orig[:6] {
		t.Errorf("block %+v, want keto's flow %d, a session of %q and path a", *u, sim.Catalog.Funnels["keto"].FlowID(), orig)
	}
}

// TestCatalogUpsellFlowID: a funnel's flow id is the fixture's
// upsell_flow_id, else 5 digits derived from its vendor and name; a bad
// one is an error naming the file, line and field.
func TestCatalogUpsellFlowID(t *testing.T) {
	t.Parallel()
	c, err := ParseCatalog("upsell.json", []byte(upsellCatalog))
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Funnels["three"].FlowID(); got != 40689 {
		t.Errorf("three: flow id %d, want the fixture's 40689", got)
	}
	def := c.Funnels["none"].FlowID()
	if def < 10000 || def > 99999 {
		t.Errorf("none: default flow id %d, want 5 digits", def)
	}
	if again := (Funnel{Name: "none", Vendor: "ven01"}).FlowID(); again != def {
		t.Errorf("default flow id %d then %d", def, again)
	}
	head := `{"vendors":[{"nickname":"ven01"}],"products":[{"item":"A","vendor":"ven01","title":"t","price":"10"}],` + "\n" + `"funnels":[` + "\n"
	for _, tc := range []struct{ name, funnel, want string }{
		{"zero", `{"name":"f","vendor":"ven01","front":"A","upsell_flow_id":0}`, "cat.json:3: funnels[0].upsell_flow_id: upsell flow id 0"},
		{"negative", `{"name":"f","vendor":"ven01","front":"A","upsell_flow_id":-4}`, "cat.json:3: funnels[0].upsell_flow_id: upsell flow id -4"},
		{"too big", `{"name":"f","vendor":"ven01","front":"A","upsell_flow_id":2147483648}`, "cat.json:3: funnels[0].upsell_flow_id: upsell flow id 2147483648"},
		{"string", `{"name":"f","vendor":"ven01","front":"A","upsell_flow_id":"40689"}`, "upsell_flow_id"},
		{"fraction", `{"name":"f","vendor":"ven01","front":"A","upsell_flow_id":4.5}`, "upsell_flow_id"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := LoadCatalog(fstest.MapFS{"cat.json": {Data: []byte(head + tc.funnel + "]}")}}, "cat.json")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error = %v, want it to contain %q", err, tc.want)
			}
		})
	}
}
