package ins

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/cbsim/cbsim/simulator/money"
)

var update = flag.Bool("update", false, "rewrite testdata/golden from the fixed orders")

// goldenOrder is the fixed order behind the golden payloads of type t in
// version v: a $37.00 monthly subscription and a $9.95 order bump at 50%,
// referred by aff01, bought in an upsell flow. Rebill-only types carry the
// subscription alone.
func goldenOrder(t TransactionType, v string) Order {
	consent := false
	o := Order{
		Type:    t,
		Version: v,
		Time:    time.Date(2026, 3, 10, 18, 20, 15, 0, time.UTC),
		Receipt: "K7Q2M9XA",
		Vendor:  "fitvendor",
		// aff01 is the bundled fixtures' affiliate.
		Affiliate: "aff01",
		Items: []Item{
			{No: "keto-30", Title: "Keto Reset 30-Day Plan", Type: Original, Price: 3700, Commission: 5000,
				DownloadURL: "https://fitvendor.example/thanks?item=keto-30&cbreceipt=K7Q2M9XA",
				Plan:        &Plan{Frequency: "MONTHLY", Rebill: 3700}},
			{No: "keto-bump", Title: `Recipes "Quick & Easy" – Vol. 1`, Type: Bump, Price: 995, Commission: 5000},
		},
		Buyer: Buyer{FirstName: "Ana", LastName: "Müller", Email: "ana@example.com", Phone: "3105550100",
			Address: Address{Address1: "9641 Sunset Blvd", City: "Beverly Hills", County: "LOS ANGELES", State: "CA", PostalCode: "90210", Country: "US"}},
		TID:             "5f8a1b2c3d4e5f6a7b8c9d0e",
		VTID:            "v_1029",
		Tracking:        map[string]string{"aff_sub1": "spring sale", "traffic_source": "facebook"},
		Common:          Params{{"deviceType", "desktop"}, {"browser", "Chrome"}, {"country", "US"}, {"state", "CA"}},
		VendorVariables: Params{{"cbitems", "keto-30"}, {"cbfid", "51042"}},
		Upsell:          &UpsellBlock{UpsellFlowID: 40689, UpsellSession: "K7Q2M9XAPL"},
		DeclinedConsent: &consent,
	}
	switch t {
	case Bill, TestBill, InsufFunds, CancelRebill, UncancelRebill:
		o.Items = o.Items[:1]
		o.Upsell = nil
		o.Payment = 2
		o.Time = o.Time.AddDate(0, 1, 0)
	}
	return o
}

// goldenPath is testdata/golden/<version>/<TYPE>_<ROLE>.json.
func goldenPath(v string, t TransactionType, r Role) string {
	return filepath.Join("testdata", "golden", v, fmt.Sprintf("%s_%s.json", t, r))
}

// goldenSet builds every golden payload: path → bytes.
func goldenSet(t *testing.T) map[string][]byte {
	t.Helper()
	set := map[string][]byte{}
	for _, v := range Versions {
		for _, typ := range TransactionTypes {
			ns, err := Build(goldenOrder(typ, v))
			if err != nil {
				t.Fatalf("%s %s: %v", v, typ, err)
			}
			for _, n := range ns {
				b, err := n.Marshal()
				if err != nil {
					t.Fatalf("%s %s %s: %v", v, typ, n.Role, err)
				}
				set[goldenPath(v, typ, n.Role)] = b
			}
		}
	}
	return set
}

// TestGoldenPayloads pins every version × type × role payload byte for
// byte. -update rewrites them; review the difference.
func TestGoldenPayloads(t *testing.T) {
	set := goldenSet(t)
	if *update {
		if err := os.RemoveAll(filepath.Join("testdata", "golden")); err != nil {
			t.Fatal(err)
		}
		for path, b := range set {
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	onDisk, err := filepath.Glob(filepath.Join("testdata", "golden", "*", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range onDisk {
		if _, ok := set[path]; !ok {
			t.Errorf("%s: no version × type × role produces it (stale; -update removes it)", path)
		}
	}
	for path, got := range set {
		want, err := os.ReadFile(path)
		if err != nil {
			t.Errorf("%v (create it with go test ./simulator/ins -run TestGoldenPayloads -update)", err)
			continue
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs:\n got %s\nwant %s\n(-update refreshes it if the change is intended)", path, got, want)
		}
	}
	// 3 versions × (11 vendor + 7 affiliate notifications).
	if want := len(Versions) * (len(TransactionTypes) + 7); len(set) != want {
		t.Errorf("%d golden payloads, want %d", len(set), want)
	}
}

// readGolden returns every golden file and its version, type and role
// (from its path).
func readGolden(t *testing.T) []golden {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join("testdata", "golden", "*", "*.json"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no golden files (%v): run go test ./simulator/ins -run TestGoldenPayloads -update", err)
	}
	var out []golden
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		g := golden{path: p, version: filepath.Base(filepath.Dir(p)), body: b}
		name := filepath.Base(p)
		name = name[:len(name)-len(".json")]
		i := bytes.LastIndexByte([]byte(name), '_')
		g.typ, g.role = TransactionType(name[:i]), Role(name[i+1:])
		out = append(out, g)
	}
	return out
}

type golden struct {
	path, version string
	typ           TransactionType
	role          Role
	body          []byte
}

// TestGoldenMoney checks the amounts of the golden files read with
// encoding/json against the split computed here with simulator/money:
// for every version and type, vendor + affiliate + ClickBank's fee equals
// the order total, each party's total is the sum of its line items, and
// the vendor's affiliatePayout is the affiliate's accountAmount.
func TestGoldenMoney(t *testing.T) {
	type key struct {
		v   string
		typ TransactionType
	}
	byKey := map[key]map[Role]map[string]any{}
	for _, g := range readGolden(t) {
		k := key{g.version, g.typ}
		if byKey[k] == nil {
			byKey[k] = map[Role]map[string]any{}
		}
		byKey[k][g.role] = decodeJSON(t, g.path, g.body)
	}
	for k, roles := range byKey {
		o := goldenOrder(k.typ, k.v)
		// ClickBank's fee, from the same inputs the builder took.
		var fee, price money.Cents
		sign := money.Cents(1)
		switch k.typ {
		case Refund, Chargeback, TestRefund:
			sign = -1
		case InsufFunds, CancelRebill, UncancelRebill:
			sign = 0
		}
		for _, it := range o.Items {
			sp := money.Sale{Price: sign * it.Price, Commission: it.Commission, HasAffiliate: true,
				Rebill: k.typ == Bill || k.typ == TestBill}.Split()
			fee += sp.Fee
			price += sp.Price
		}
		vendor := roles[Vendor]
		if vendor == nil {
			t.Fatalf("%s %s: no vendor notification", k.v, k.typ)
		}
		total := cents(t, vendor["totalOrderAmount"])
		if total != price {
			t.Errorf("%s %s: totalOrderAmount %s, want the items' %s", k.v, k.typ, total, price)
		}
		v := cents(t, vendor["totalAccountAmount"])
		var a money.Cents
		if aff := roles[Affiliate]; aff != nil {
			a = cents(t, aff["totalAccountAmount"])
			if cents(t, aff["totalOrderAmount"]) != total {
				t.Errorf("%s %s: the two roles disagree on totalOrderAmount", k.v, k.typ)
			}
			checkItemsSum(t, k.v, k.typ, Affiliate, aff)
			vi, ai := vendor["lineItems"].([]any), aff["lineItems"].([]any)
			for i := range vi {
				payout := vi[i].(map[string]any)["affiliatePayout"]
				if k.v == Version6 {
					if payout != nil {
						t.Errorf("%s %s: 6.0 has no affiliatePayout", k.v, k.typ)
					}
					continue
				}
				if cents(t, payout) != cents(t, ai[i].(map[string]any)["accountAmount"]) {
					t.Errorf("%s %s: lineItems[%d]: vendor's affiliatePayout %v, affiliate's accountAmount %v", k.v, k.typ, i, payout, ai[i].(map[string]any)["accountAmount"])
				}
			}
		} else if !k.typ.IsTest() {
			t.Errorf("%s %s: a referred order has an affiliate notification", k.v, k.typ)
		} else {
			// Test types go to the vendor only; the affiliate's share is
			// still taken from the sale.
			for _, it := range o.Items {
				a += money.Sale{Price: sign * it.Price, Commission: it.Commission, HasAffiliate: true,
					Rebill: k.typ == TestBill}.Split().Affiliate
			}
		}
		checkItemsSum(t, k.v, k.typ, Vendor, vendor)
		if v+a+fee != total {
			t.Errorf("%s %s: vendor %s + affiliate %s + fee %s = %s, want the order total %s", k.v, k.typ, v, a, fee, v+a+fee, total)
		}
		if sign == 0 && (v != 0 || a != 0 || total != 0) {
			t.Errorf("%s %s moves no money, but prints %s, %s, %s", k.v, k.typ, v, a, total)
		}
	}
}

func checkItemsSum(t *testing.T, v string, typ TransactionType, r Role, n map[string]any) {
	t.Helper()
	var sum money.Cents
	for _, li := range n["lineItems"].([]any) {
		sum += cents(t, li.(map[string]any)["accountAmount"])
	}
	if got := cents(t, n["totalAccountAmount"]); got != sum {
		t.Errorf("%s %s %s: totalAccountAmount %s, the line items sum to %s", v, typ, r, got, sum)
	}
}

func TestGoldenRoundTrip(t *testing.T) {
	for _, g := range readGolden(t) {
		t.Run(g.path, func(t *testing.T) {
			env, err := Encode(g.body, testSecret, Options{Version: g.version, Rand: seeded(7)})
			if err != nil {
				t.Fatal(err)
			}
			got, err := Decode(env, testSecret)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, g.body) {
				t.Fatalf("Decode(Encode(p)) = %s\nwant %s", got, g.body)
			}
			n, err := Parse(got)
			if err != nil {
				t.Fatal(err)
			}
			if n.Version != g.version || n.TransactionType != g.typ || n.Role != g.role {
				t.Fatalf("Parse: version %s type %s role %s, the path says %s %s %s", n.Version, n.TransactionType, n.Role, g.version, g.typ, g.role)
			}
			again, err := n.Marshal()
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(again, g.body) {
				t.Fatalf("Marshal(Parse(p)) = %s\nwant %s", again, g.body)
			}
		})
	}
}

// TestGoldenSetMatchesRoles checks the golden set against the rule: every
// type goes to the vendor; the affiliate gets the non-test types.
func TestGoldenSetMatchesRoles(t *testing.T) {
	got := map[string][]Role{}
	for _, g := range readGolden(t) {
		got[g.version+" "+string(g.typ)] = append(got[g.version+" "+string(g.typ)], g.role)
	}
	for _, v := range Versions {
		for _, typ := range TransactionTypes {
			want := []Role{Affiliate, Vendor}
			if typ.IsTest() {
				want = []Role{Vendor}
			}
			roles := got[v+" "+string(typ)]
			slices.Sort(roles)
			if !slices.Equal(roles, want) {
				t.Errorf("%s %s: roles %v, want %v", v, typ, roles, want)
			}
		}
	}
}
