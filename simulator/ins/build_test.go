package ins

import (
	"strings"
	"testing"
	"time"

	"github.com/cbsim/cbsim/simulator/ids"
	"github.com/cbsim/cbsim/simulator/money"
)

// sale is a small referred order: $100.00 at 50%, ClickBank's own worked
// example (docs/clickbank.md §5).
func sale(t TransactionType) Order {
	return Order{
		Type: t, Time: time.Date(2026, 1, 15, 20, 0, 0, 0, time.UTC),
		Receipt: "ABCD1234", Payment: 2, Vendor: "ven01", Affiliate: "aff01",
		Items: []Item{{No: "sku-1", Title: "Product", Price: 10000, Commission: 5000,
			Plan: &Plan{Rebill: 10000, Payments: 3}}},
		TID: "tid_1", VTID: "vtid_1",
	}
}

func TestBuildRoles(t *testing.T) {
	for _, typ := range TransactionTypes {
		t.Run(string(typ), func(t *testing.T) {
			ns, err := Build(sale(typ))
			if err != nil {
				t.Fatal(err)
			}
			want := []Role{Vendor, Affiliate}
			if typ.IsTest() {
				want = []Role{Vendor}
			}
			if len(ns) != len(want) {
				t.Fatalf("%d notifications, want %d", len(ns), len(want))
			}
			for i, n := range ns {
				if n.Role != want[i] {
					t.Errorf("notification %d: role %s, want %s", i, n.Role, want[i])
				}
				code := "vtid_1"
				if n.Role == Affiliate {
					code = "tid_1"
				}
				if len(n.TrackingCodes) != 1 || n.TrackingCodes[0] != code {
					t.Errorf("%s: trackingCodes %v, want [%s]", n.Role, n.TrackingCodes, code)
				}
			}
		})
	}
	direct := sale(Sale)
	direct.Affiliate, direct.TID = "", ""
	ns, err := Build(direct)
	if err != nil {
		t.Fatal(err)
	}
	if len(ns) != 1 || ns[0].Role != Vendor {
		t.Fatalf("a sale without an affiliate: %d notifications", len(ns))
	}
	b, _ := ns[0].Marshal()
	if strings.Contains(string(b), `"affiliate"`) || strings.Contains(string(b), "affiliatePayout") {
		t.Errorf("a sale without an affiliate prints an affiliate: %s", b)
	}
	// The vendor keeps the whole net.
	if want := money.SplitSale(10000, 5000, false).Vendor; ns[0].TotalAccountAmount != want {
		t.Errorf("vendor alone gets %s, want %s", ns[0].TotalAccountAmount, want)
	}
}

// TestBuildMoney checks each type's amounts against the postbacks' split.
func TestBuildMoney(t *testing.T) {
	for _, tc := range []struct {
		typ    TransactionType
		price  money.Cents // the split's price
		rebill bool
	}{
		{Sale, 10000, false}, {TestSale, 10000, false}, {Test, 10000, false},
		{Bill, 10000, true}, {TestBill, 10000, true},
		{Refund, -10000, false}, {Chargeback, -10000, false}, {TestRefund, -10000, false},
		{InsufFunds, 0, false}, {CancelRebill, 0, false}, {UncancelRebill, 0, false},
	} {
		t.Run(string(tc.typ), func(t *testing.T) {
			o := sale(tc.typ)
			o.Items[0].Price = 3700 // under $40: the rebill rate applies
			o.Items[0].USD = 3700
			price := tc.price * 37 / 100
			sp := money.Sale{Price: price, Commission: 5000, HasAffiliate: true, Rebill: tc.rebill}.Split()
			v, err := o.For(Vendor)
			if err != nil {
				t.Fatal(err)
			}
			if v.TotalAccountAmount != sp.Vendor || v.TotalOrderAmount != sp.Price {
				t.Errorf("vendor: account %s order %s, want %s %s", v.TotalAccountAmount, v.TotalOrderAmount, sp.Vendor, sp.Price)
			}
			if tc.typ.IsTest() {
				return
			}
			a, err := o.For(Affiliate)
			if err != nil {
				t.Fatal(err)
			}
			if a.TotalAccountAmount != sp.Affiliate {
				t.Errorf("affiliate: account %s, want %s", a.TotalAccountAmount, sp.Affiliate)
			}
		})
	}
	// The rebill rate differs from the sale's under $40: the test above
	// would not notice a builder that ignored it unless they differ.
	s := money.Sale{Price: 3700, Commission: 5000, HasAffiliate: true}.Split()
	r := money.Sale{Price: 3700, Commission: 5000, HasAffiliate: true, Rebill: true}.Split()
	if s.Affiliate == r.Affiliate {
		t.Fatal("the rebill and sale splits of $37.00 coincide; pick another price")
	}
}

// TestBuildRefundOfARebill: a refund or chargeback of a rebill's receipt
// (-B002) takes back what the rebill paid, at the rebill's rate, not the
// sale's: its mirror image (docs/clickbank.md §6.2).
func TestBuildRefundOfARebill(t *testing.T) {
	bill := sale(Bill)
	bill.Items[0].Price, bill.Items[0].USD = 3700, 3700
	bill.Receipt, bill.Payment = "RCPT0001", 2
	paid := map[Role]money.Cents{}
	for _, r := range []Role{Vendor, Affiliate} {
		n, err := bill.For(r)
		if err != nil {
			t.Fatal(err)
		}
		paid[r] = n.TotalAccountAmount
	}
	for _, typ := range []TransactionType{Refund, Chargeback} {
		o := sale(typ)
		o.Items[0].Price, o.Items[0].USD = 3700, 3700
		o.Receipt = "RCPT0001-B002"
		for _, r := range []Role{Vendor, Affiliate} {
			n, err := o.For(r)
			if err != nil {
				t.Fatal(err)
			}
			if n.TotalAccountAmount != -paid[r] {
				t.Errorf("%s of the rebill RCPT0001-B002, %s: account %s, want %s (minus what the BILL paid)", typ, r, n.TotalAccountAmount, -paid[r])
			}
		}
	}
}

// TestBuildCurrency: the order total is in the order's currency, the
// account amounts are the split of the USD price.
func TestBuildCurrency(t *testing.T) {
	o := sale(Sale)
	o.Currency = "EUR"
	o.Items[0].Price, o.Items[0].USD = 8953, 9700
	n, err := o.For(Affiliate)
	if err != nil {
		t.Fatal(err)
	}
	if n.Currency != "EUR" || n.TotalOrderAmount != 8953 {
		t.Errorf("currency %s total %s, want EUR 89.53", n.Currency, n.TotalOrderAmount)
	}
	if want := money.SplitSale(9700, 5000, true).Affiliate; n.TotalAccountAmount != want {
		t.Errorf("affiliate %s, want %s (the USD split)", n.TotalAccountAmount, want)
	}
}

func TestBuildReceipts(t *testing.T) {
	for _, tc := range []struct {
		typ     TransactionType
		payment int
		want    string
	}{
		{Sale, 0, "ABCD1234"}, {Bill, 2, "ABCD1234-B002"}, {Bill, 3, "ABCD1234-B003"},
		{TestBill, 12, "ABCD1234-B012"}, {InsufFunds, 4, "ABCD1234-B004"},
		{Refund, 0, "ABCD1234"}, {Test, 0, ids.TestReceipt}, {CancelRebill, 0, "ABCD1234"},
	} {
		o := sale(tc.typ)
		o.Payment = tc.payment
		n, err := o.For(Vendor)
		if err != nil {
			t.Fatalf("%s payment %d: %v", tc.typ, tc.payment, err)
		}
		if n.Receipt != tc.want {
			t.Errorf("%s payment %d: receipt %s, want %s", tc.typ, tc.payment, n.Receipt, tc.want)
		}
	}
}

func TestBuildPlan(t *testing.T) {
	for _, tc := range []struct {
		typ                  TransactionType
		payment              int
		status               string
		processed, remaining int
		next                 bool
	}{
		{Sale, 0, "ACTIVE", 1, 2, true},
		{Bill, 2, "ACTIVE", 2, 1, true},
		{Bill, 3, "COMPLETED", 3, 0, false},
		{InsufFunds, 2, "ACTIVE", 1, 2, true},
		{CancelRebill, 0, "CANCELED", 1, 2, false},
		{Refund, 0, "CANCELED", 1, 2, false},
	} {
		o := sale(tc.typ)
		o.Payment = tc.payment
		n, err := o.For(Vendor)
		if err != nil {
			t.Fatal(err)
		}
		p := n.LineItems[0].PaymentPlan
		if p.RebillStatus != tc.status || p.PaymentsProcessed != tc.processed || p.PaymentsRemaining != tc.remaining || p.NextPaymentDate.IsZero() == tc.next {
			t.Errorf("%s payment %d: %+v, want %s %d/%d next %v", tc.typ, tc.payment, p, tc.status, tc.processed, tc.remaining, tc.next)
		}
	}
}

func TestBuildUpsell(t *testing.T) {
	o := sale(Sale)
	o.Receipt = "UPSL5678"
	o.Items = []Item{{No: "sku-up", Title: "Upsell", Type: Upsell, Price: 9700, Commission: 5000}}
	o.Upsell = &UpsellBlock{UpsellOriginalReceipt: "ABCD1234", UpsellFlowID: 40689, UpsellSession: "ABCD1234XY", UpsellPath: "daa"}
	n, err := o.For(Vendor)
	if err != nil {
		t.Fatal(err)
	}
	b, err := n.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	o.Upsell.UpsellPath = "changed later" // the notification keeps its own copy
	if n.Upsell.UpsellPath != "daa" {
		t.Errorf("the notification shares the order's upsell block")
	}
	for _, want := range []string{
		`"receipt":"UPSL5678"`, `"lineItemType":"UPSELL"`,
		`"upsell":{"upsellOriginalReceipt":"ABCD1234","upsellFlowId":40689,"upsellSession":"ABCD1234XY","upsellPath":"daa"}`,
	} {
		if !strings.Contains(string(b), want) {
			t.Errorf("missing %s in %s", want, b)
		}
	}
}

func TestBuildErrors(t *testing.T) {
	for _, tc := range []struct {
		name  string
		edit  func(*Order)
		role  Role
		wants string
	}{
		{"unknown type", func(o *Order) { o.Type = "SALES" }, Vendor, `unknown INS transaction type "SALES"`},
		{"unknown version", func(o *Order) { o.Version = "9.0" }, Vendor, `unknown INS version "9.0"`},
		{"no vendor", func(o *Order) { o.Vendor = "" }, Vendor, "Vendor is empty"},
		{"no items", func(o *Order) { o.Items = nil }, Vendor, "Items is empty"},
		{"no time", func(o *Order) { o.Time = time.Time{} }, Vendor, "Time is zero"},
		{"no receipt", func(o *Order) { o.Receipt = "" }, Vendor, "Receipt is empty"},
		{"rebill without payment", func(o *Order) { o.Type, o.Payment = Bill, 1 }, Vendor, "Payment 1"},
		{"rebill without plan", func(o *Order) { o.Type, o.Items[0].Plan = Bill, nil }, Vendor, "has no Plan"},
		{"bad item type", func(o *Order) { o.Items[0].Type = "CART" }, Vendor, `Items[0]: Type "CART"`},
		{"negative price", func(o *Order) { o.Items[0].Price = -1 }, Vendor, "not negative"},
		{"bad payment method", func(o *Order) { o.PaymentMethod = "BITCOIN" }, Vendor, `PaymentMethod "BITCOIN"`},
		{"attempt 6", func(o *Order) { o.Attempt = 6 }, Vendor, "Attempt 6"},
		{"affiliate of a direct sale", func(o *Order) { o.Affiliate = "" }, Affiliate, "no affiliate"},
		{"affiliate of a test", func(o *Order) { o.Type = TestSale }, Affiliate, "vendor only"},
		{"unknown role", func(o *Order) {}, "JV_UPSELL", `unknown role "JV_UPSELL"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := sale(Sale)
			tc.edit(&o)
			_, err := o.For(tc.role)
			if err == nil || !strings.Contains(err.Error(), tc.wants) {
				t.Fatalf("err = %v, want it to say %q", err, tc.wants)
			}
		})
	}
}

func TestTrackingParamsOrder(t *testing.T) {
	got := trackingParams(map[string]string{"zeta": "1", "aff_sub2": "b", "traffic_source": "fb", "alpha": "2", "gclid": "g"})
	want := Params{{"traffic_source", "fb"}, {"aff_sub2", "b"}, {"gclid", "g"}, {"alpha", "2"}, {"zeta", "1"}}
	if len(got) != len(want) {
		t.Fatalf("%v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("%v, want %v", got, want)
		}
	}
}

func TestPacific(t *testing.T) {
	for _, tc := range []struct {
		utc  time.Time
		zone string
	}{
		{time.Date(2026, 3, 8, 9, 59, 59, 0, time.UTC), "PST"}, // 01:59:59 PST, second Sunday of March
		{time.Date(2026, 3, 8, 10, 0, 0, 0, time.UTC), "PDT"},  // 03:00 PDT
		{time.Date(2026, 11, 1, 8, 59, 59, 0, time.UTC), "PDT"},
		{time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC), "PST"},
		{time.Date(2025, 3, 9, 10, 0, 0, 0, time.UTC), "PDT"}, // 2025's second Sunday
		{time.Date(2025, 3, 8, 10, 0, 0, 0, time.UTC), "PST"},
		{time.Date(2026, 1, 15, 20, 0, 0, 0, time.UTC), "PST"},
		{time.Date(2026, 7, 4, 0, 0, 0, 0, time.UTC), "PDT"},
	} {
		got := Pacific(tc.utc)
		if z, _ := got.Zone(); z != tc.zone || !got.Equal(tc.utc) {
			t.Errorf("Pacific(%s) = %s, want %s", tc.utc, got, tc.zone)
		}
	}
}
