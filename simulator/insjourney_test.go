package simulator

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cbsim/cbsim/simulator/ins"
	"github.com/cbsim/cbsim/simulator/money"
)

// hit is one request the journey receiver got: a postback (its query) or
// an INS notification (opened).
type hit struct {
	path  string
	query url.Values
	n     *ins.Notification
	err   error
}

// journeyReceiver takes postbacks on /pb/… and INS on /ins/…, in one log
// so that the order of the two kinds shows; /ins/fail… answers 500.
type journeyReceiver struct {
	*httptest.Server
	mu   sync.Mutex // guards hits
	hits []hit
}

func newJourneyReceiver(t *testing.T) *journeyReceiver {
	t.Helper()
	jr := &journeyReceiver{}
	jr.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := hit{path: r.URL.Path, query: r.URL.Query()}
		if strings.HasPrefix(r.URL.Path, "/ins/") {
			body, _ := io.ReadAll(r.Body)
			var plain []byte
			if plain, h.err = ins.Decode(body, testINSSecret); h.err == nil {
				h.n, h.err = ins.Parse(plain)
			}
		}
		jr.mu.Lock()
		jr.hits = append(jr.hits, h)
		jr.mu.Unlock()
		if strings.HasPrefix(r.URL.Path, "/ins/fail") {
			w.WriteHeader(http.StatusInternalServerError)
		}
	}))
	t.Cleanup(jr.Close)
	return jr
}

// got returns the hits whose path starts with prefix; every INS must have
// opened.
func (jr *journeyReceiver) got(t *testing.T, prefix string) []hit {
	t.Helper()
	jr.mu.Lock()
	defer jr.mu.Unlock()
	var out []hit
	for _, h := range jr.hits {
		if h.err != nil {
			t.Fatalf("%s did not open: %v", h.path, h.err)
		}
		if strings.HasPrefix(h.path, prefix) {
			out = append(out, h)
		}
	}
	return out
}

// journeySim is the default catalog with a vendor and an affiliate
// postback integration and INS endpoints of both roles at jr.
func journeySim(t *testing.T, jr *journeyReceiver) *Simulator {
	t.Helper()
	sim := defaultSim(t)
	events := []EventType{InitialPurchase, UpsellPurchase}
	sim.Integrations = []Integration{
		{Name: "ven", Role: RoleVendor, Active: true, Events: events, URL: jr.URL + "/pb/vendor?sum={vendor_earnings}&r={receipt_id}"},
		{Name: "aff", Role: RoleAffiliate, Active: true, Events: events, URL: jr.URL + "/pb/affiliate?sum={affiliate_earnings}&r={receipt_id}"},
	}
	sim.INS = &INSSender{TimeFactor: 1e-7}
	sim.INSEndpoints = []INSEndpoint{
		{Role: ins.Vendor, Target: INSTarget{URLs: []string{jr.URL + "/ins/vendor"}, Secret: testINSSecret}},
		{Role: ins.Affiliate, Target: INSTarget{URLs: []string{jr.URL + "/ins/affiliate"}, Secret: testINSSecret}},
	}
	return sim
}

func runJourney(t *testing.T, sim *Simulator, j Journey, dry bool) (Walk, Outcome) {
	t.Helper()
	w, out, err := sim.RunAll(context.Background(), j, NewRand(7), DefaultTime, dry)
	if err != nil {
		t.Fatal(err)
	}
	return w, out
}

// amount parses a postback's sum.
func amount(t *testing.T, s string) money.Cents {
	t.Helper()
	c, err := money.Parse(strings.TrimPrefix(s, "-"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.HasPrefix(s, "-") {
		c = -c
	}
	return c
}

// TestJourneyINSMatchesPostbacks: each purchase of a referred journey is
// told to the vendor's and the affiliate's INS URLs right after its
// postbacks, with the sums the postbacks carried; an upsell names the
// front end's receipt.
func TestJourneyINSMatchesPostbacks(t *testing.T) {
	t.Parallel()
	jr := newJourneyReceiver(t)
	sim := journeySim(t, jr)
	w, out := runJourney(t, sim, Journey{Funnel: "keto", Affiliate: DefaultAffiliate, TID: "clk42", VTID: "v7"}, false)
	var purchases []Event
	for _, ev := range w.Events {
		if ev.Receipt != "" {
			purchases = append(purchases, ev)
		}
	}
	if len(purchases) != 3 {
		t.Fatalf("%d purchases, want the front end and two upsells", len(purchases))
	}
	if len(out.INS) != 6 || len(sim.Journal.INSDeliveries()) != 6 {
		t.Fatalf("%d INS deliveries, %d journaled; want 6", len(out.INS), len(sim.Journal.INSDeliveries()))
	}
	// The order on the wire: each purchase's two postbacks, then its two
	// notifications.
	jr.mu.Lock()
	var paths []string
	for _, h := range jr.hits {
		paths = append(paths, h.path)
	}
	jr.mu.Unlock()
	want := strings.Repeat("/pb/vendor /pb/affiliate /ins/vendor /ins/affiliate ", 3)
	if got := strings.Join(paths, " ") + " "; got != want {
		t.Errorf("order received:\n%s\nwant\n%s", got, want)
	}
	postbacks := map[string]url.Values{} // by path and receipt
	for _, h := range jr.got(t, "/pb/") {
		postbacks[h.path+" "+h.query.Get("r")] = h.query
	}
	for _, c := range []struct {
		path, pb string
		role     ins.Role
		code     string
	}{{"/ins/vendor", "/pb/vendor", ins.Vendor, "v7"}, {"/ins/affiliate", "/pb/affiliate", ins.Affiliate, "clk42"}} {
		hs := jr.got(t, c.path)
		if len(hs) != 3 {
			t.Fatalf("%s got %d notifications, want 3", c.path, len(hs))
		}
		for i, h := range hs {
			n, ev := h.n, purchases[i]
			pb, ok := postbacks[c.pb+" "+n.Receipt]
			if !ok {
				t.Fatalf("%s: no postback to %s with receipt %s", c.path, c.pb, n.Receipt)
			}
			if n.TransactionType != ins.Sale || n.Role != c.role || n.Receipt != ev.Receipt || n.AttemptCount != 1 {
				t.Errorf("%s #%d: %s %s %s attempt %d, want SALE %s %s 1", c.path, i, n.TransactionType, n.Role, n.Receipt, n.AttemptCount, c.role, ev.Receipt)
			}
			if got := amount(t, pb.Get("sum")); n.TotalAccountAmount != got {
				t.Errorf("%s %s: totalAccountAmount %s, the postback said %s", c.path, n.Receipt, n.TotalAccountAmount, got)
			}
			if len(n.TrackingCodes) != 1 || n.TrackingCodes[0] != c.code {
				t.Errorf("%s: tracking codes %v, want [%s]", c.path, n.TrackingCodes, c.code)
			}
			li := n.LineItems[0]
			if i == 0 {
				// The front end of a funnel with upsells names the flow
				// only (TestJourneyINSUpsellBlock checks the block).
				if li.LineItemType != ins.Original || n.Upsell == nil || n.Upsell.UpsellOriginalReceipt != "" {
					t.Errorf("front end: line item %s, upsell %+v", li.LineItemType, n.Upsell)
				}
				continue
			}
			if li.LineItemType != ins.Upsell || n.Upsell == nil || n.Upsell.UpsellOriginalReceipt != purchases[0].Receipt {
				t.Errorf("upsell %s: line item %s, upsell block %+v; want UPSELL after %s", n.Receipt, li.LineItemType, n.Upsell, purchases[0].Receipt)
			}
		}
	}
}

func TestJourneyINSNoneWithoutEndpoints(t *testing.T) {
	t.Parallel()
	jr := newJourneyReceiver(t)
	sim := journeySim(t, jr)
	sim.INSEndpoints = nil
	_, out := runJourney(t, sim, Journey{Funnel: "keto", Affiliate: DefaultAffiliate}, false)
	if len(out.INS) != 0 || len(sim.Journal.INSDeliveries()) != 0 || len(jr.got(t, "/ins/")) != 0 {
		t.Errorf("INS without endpoints: %d built, %d journaled, %d received", len(out.INS), len(sim.Journal.INSDeliveries()), len(jr.got(t, "/ins/")))
	}
	if len(jr.got(t, "/pb/")) != 6 {
		t.Errorf("%d postbacks, want 6", len(jr.got(t, "/pb/")))
	}
}

// TestJourneyINSOtherAccount: an endpoint of another account takes none of
// this vendor's or affiliate's notifications.
func TestJourneyINSOtherAccount(t *testing.T) {
	t.Parallel()
	jr := newJourneyReceiver(t)
	sim := journeySim(t, jr)
	sim.INSEndpoints[0].Account = "ven02"
	sim.INSEndpoints[1].Account = "aff02"
	_, out := runJourney(t, sim, Journey{Funnel: "keto", Affiliate: DefaultAffiliate}, false)
	if len(out.INS) != 0 || len(jr.got(t, "/ins/")) != 0 {
		t.Errorf("other accounts' endpoints: %d built, %d received", len(out.INS), len(jr.got(t, "/ins/")))
	}
	sim.INSEndpoints[1].Account = DefaultAffiliate
	_, out = runJourney(t, sim, Journey{Funnel: "keto", Affiliate: DefaultAffiliate}, false)
	if len(out.INS) != 3 || out.INS[0].Role != ins.Affiliate {
		t.Errorf("the affiliate's own endpoint: %d deliveries", len(out.INS))
	}
}

func TestJourneyINSDryRun(t *testing.T) {
	t.Parallel()
	jr := newJourneyReceiver(t)
	sim := journeySim(t, jr)
	w, out := runJourney(t, sim, Journey{Funnel: "keto", Affiliate: DefaultAffiliate}, true)
	if len(out.INS) != 6 {
		t.Fatalf("dry run built %d notifications, want 6", len(out.INS))
	}
	for _, d := range out.INS {
		if d.Notification == nil || len(d.Attempts) != 0 || d.Error != "" {
			t.Errorf("dry %s %s: notification %v, %d attempts, error %q", d.Role, d.Receipt, d.Notification != nil, len(d.Attempts), d.Error)
		}
	}
	if n := len(jr.got(t, "/")); n != 0 || len(sim.Journal.INSDeliveries()) != 0 {
		t.Errorf("dry run: %d requests received, %d INS journaled", n, len(sim.Journal.INSDeliveries()))
	}
	// Nothing happened, so there is nothing to refund.
	if _, err := sim.Refund(context.Background(), w.Events[1].Receipt); err == nil {
		t.Error("a dry run's receipt was refunded")
	}
}

// TestJourneyTestCardINS: a test-card order sends TEST_SALE to the vendor
// only; its refund is TEST_RFND and it cannot be charged back.
func TestJourneyTestCardINS(t *testing.T) {
	t.Parallel()
	jr := newJourneyReceiver(t)
	sim := journeySim(t, jr)
	w, out := runJourney(t, sim, Journey{Funnel: "keto", Affiliate: DefaultAffiliate, TestCard: true, Accept: []bool{}}, false)
	if len(out.INS) != 1 || out.INS[0].Type != ins.TestSale || out.INS[0].Role != ins.Vendor || !out.INS[0].Delivered {
		t.Fatalf("test card: %+v, want one delivered TEST_SALE to the vendor", out.INS)
	}
	receipt := w.Events[1].Receipt
	if _, err := sim.Chargeback(context.Background(), receipt); err == nil || !strings.Contains(err.Error(), "test") {
		t.Errorf("chargeback of a test order: %v", err)
	}
	ds, err := sim.Refund(context.Background(), receipt)
	if err != nil || len(ds) != 1 || ds[0].Type != ins.TestRefund {
		t.Fatalf("refund of a test order: %+v, %v", ds, err)
	}
}

// TestRefundAndChargeback: a refund or chargeback of a journey's purchase
// gives minus the sale's amounts to the same accounts, once.
func TestRefundAndChargeback(t *testing.T) {
	t.Parallel()
	for _, typ := range []ins.TransactionType{ins.Refund, ins.Chargeback} {
		t.Run(string(typ), func(t *testing.T) {
			t.Parallel()
			jr := newJourneyReceiver(t)
			sim := journeySim(t, jr)
			_, out := runJourney(t, sim, Journey{Funnel: "keto", Affiliate: DefaultAffiliate, TID: "clk42", VTID: "v7"}, false)
			upsell := out.INS[2].Notification // the first upsell's vendor SALE
			issue := sim.Refund
			if typ == ins.Chargeback {
				issue = sim.Chargeback
			}
			ds, err := issue(context.Background(), upsell.Receipt)
			if err != nil {
				t.Fatal(err)
			}
			if len(ds) != 2 {
				t.Fatalf("%d deliveries, want the vendor's and the affiliate's", len(ds))
			}
			sales := map[ins.Role]*ins.Notification{out.INS[2].Role: out.INS[2].Notification, out.INS[3].Role: out.INS[3].Notification}
			hs := jr.got(t, "/ins/")
			for _, h := range hs[len(hs)-2:] {
				n, sale := h.n, sales[h.n.Role]
				if n.TransactionType != typ || n.Receipt != sale.Receipt || !n.TransactionTime.After(sale.TransactionTime) {
					t.Errorf("%s: %s %s at %s, sale at %s", n.Role, n.TransactionType, n.Receipt, n.TransactionTime, sale.TransactionTime)
				}
				if n.TotalAccountAmount != -sale.TotalAccountAmount || n.TotalOrderAmount != -sale.TotalOrderAmount {
					t.Errorf("%s: %s amounts %s/%s, sale %s/%s", n.Role, typ, n.TotalAccountAmount, n.TotalOrderAmount, sale.TotalAccountAmount, sale.TotalOrderAmount)
				}
				if strings.Join(n.TrackingCodes, ",") != strings.Join(sale.TrackingCodes, ",") || n.Upsell == nil || n.Upsell.UpsellOriginalReceipt != sale.Upsell.UpsellOriginalReceipt {
					t.Errorf("%s: tracking %v upsell %+v, sale %v %+v", n.Role, n.TrackingCodes, n.Upsell, sale.TrackingCodes, sale.Upsell)
				}
			}
			if _, err := sim.Refund(context.Background(), upsell.Receipt); err == nil || !strings.Contains(err.Error(), "already") {
				t.Errorf("second reversal: %v, want an error saying it already was", err)
			}
		})
	}
}

// subscriptionSim has a recurring $29.95 product (under $40, so a rebill
// is bought at 90.1%) in a one-product funnel.
func subscriptionSim(t *testing.T, jr *journeyReceiver) *Simulator {
	t.Helper()
	c, err := ParseCatalog("sub.json", []byte(`{
	  "vendors": [{"nickname": "ven01", "commission": "50"}],
	  "affiliates": [{"nickname": "aff01"}],
	  "products": [
	    {"item": "CLUB", "vendor": "ven01", "title": "Keto Club", "price": "29.95", "recurring": true},
	    {"item": "BOOK", "vendor": "ven01", "title": "Keto Book", "price": "29.95"}
	  ],
	  "funnels": [
	    {"name": "club", "vendor": "ven01", "front": "CLUB"},
	    {"name": "book", "vendor": "ven01", "front": "BOOK"}
	  ]
	}`))
	if err != nil {
		t.Fatal(err)
	}
	sim := journeySim(t, jr)
	sim.Catalog = c
	return sim
}

// TestRebill: a subscription rebills as -B002, -B003 at the rebill rate;
// a refund of a rebill takes back that rebill's split; the purchase's
// SALE carries the payment plan.
func TestRebill(t *testing.T) {
	t.Parallel()
	jr := newJourneyReceiver(t)
	sim := subscriptionSim(t, jr)
	ctx := context.Background()
	w, out := runJourney(t, sim, Journey{Funnel: "club", Affiliate: "aff01", TID: "clk42"}, false)
	first := w.Events[1].Receipt
	if pp := out.INS[0].Notification.LineItems[0].PaymentPlan; pp == nil || pp.PaymentsProcessed != 1 {
		t.Fatalf("SALE of a recurring product: payment plan %+v", pp)
	}
	rebill := money.Sale{Price: 2995, Commission: 5000, HasAffiliate: true, Rebill: true}.Split()
	sale := money.Sale{Price: 2995, Commission: 5000, HasAffiliate: true}.Split()
	if rebill.Vendor == sale.Vendor {
		t.Fatalf("the test needs a price where the rebill rate differs: %v %v", rebill, sale)
	}
	for _, n := range []int{2, 3} {
		ds, err := sim.Rebill(ctx, first, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(ds) != 2 {
			t.Fatalf("rebill %d: %d deliveries", n, len(ds))
		}
		hs := jr.got(t, "/ins/")
		for _, h := range hs[len(hs)-2:] {
			want := rebill.Vendor
			if h.n.Role == ins.Affiliate {
				want = rebill.Affiliate
			}
			if h.n.TransactionType != ins.Bill || h.n.Receipt != first+"-B00"+string(rune('0'+n)) || h.n.TotalAccountAmount != want {
				t.Errorf("rebill %d %s: %s %s %s, want BILL %s-B00%d %s", n, h.n.Role, h.n.TransactionType, h.n.Receipt, h.n.TotalAccountAmount, first, n, want)
			}
			if pp := h.n.LineItems[0].PaymentPlan; pp == nil || pp.PaymentsProcessed != n {
				t.Errorf("rebill %d: payment plan %+v", n, pp)
			}
		}
	}
	if _, err := sim.Rebill(ctx, first, 7); err == nil || !strings.Contains(err.Error(), "next charge is 4") {
		t.Errorf("skipping payments: %v", err)
	}
	ds, err := sim.Refund(ctx, first+"-B002")
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range ds {
		want := -rebill.Vendor
		if d.Role == ins.Affiliate {
			want = -rebill.Affiliate
		}
		if d.Notification.TransactionType != ins.Refund || d.Notification.Receipt != first+"-B002" || d.Notification.TotalAccountAmount != want || !d.Delivered {
			t.Errorf("refund of B002 %s: %s %s %s, want RFND %s", d.Role, d.Notification.TransactionType, d.Notification.Receipt, d.Notification.TotalAccountAmount, want)
		}
	}
	if _, err := sim.Rebill(ctx, first, 0); err == nil || !strings.Contains(err.Error(), "rebills no more") {
		t.Errorf("rebill after a refund: %v", err)
	}
	if _, err := sim.Refund(ctx, first+"-B004"); err == nil || !strings.Contains(err.Error(), first+"-B004") {
		t.Errorf("refund of a charge not made: %v", err)
	}
	// A product that is not recurring does not rebill.
	w, _ = runJourney(t, sim, Journey{Funnel: "book"}, false)
	if _, err := sim.Rebill(ctx, w.Events[1].Receipt, 0); err == nil || !strings.Contains(err.Error(), "not recurring") {
		t.Errorf("rebill of a one-time product: %v", err)
	}
}

func TestAfterErrors(t *testing.T) {
	t.Parallel()
	jr := newJourneyReceiver(t)
	sim := journeySim(t, jr)
	ctx := context.Background()
	w, _ := runJourney(t, sim, Journey{Funnel: "keto"}, false)
	for _, c := range []struct {
		name, msg string
		do        func() error
	}{
		{"UnknownReceipt", `unknown receipt "NOPE1234"`, func() error { _, err := sim.Refund(ctx, "NOPE1234"); return err }},
		{"UnknownRebill", `unknown receipt "NOPE1234-B002"`, func() error { _, err := sim.Chargeback(ctx, "NOPE1234-B002"); return err }},
		{"Empty", "receipt: required", func() error { _, err := sim.Rebill(ctx, "", 0); return err }},
		{"RebillOfRebill", "rebill's receipt", func() error { _, err := sim.Rebill(ctx, w.Events[1].Receipt+"-B002", 0); return err }},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := c.do()
			if err == nil || !strings.Contains(err.Error(), c.msg) {
				t.Errorf("err = %v, want one saying %q", err, c.msg)
			}
		})
	}
	if _, err := sim.Refund(ctx, "NOPE1234"); !errorsAsNotFound(err) {
		t.Errorf("unknown receipt: %T, want *NotFoundError", err)
	}
	sim.INSEndpoints = nil
	if _, err := sim.Refund(ctx, w.Events[1].Receipt); err == nil || !strings.Contains(err.Error(), "no INS endpoint") {
		t.Errorf("refund without endpoints: %v", err)
	}
}

func errorsAsNotFound(err error) bool {
	_, ok := errors.AsType[*NotFoundError](err)
	return ok
}

// TestJourneyINSRetried: a receiver that answers 500 gets every attempt,
// attemptCount counting up, and the journey still ends.
func TestJourneyINSRetried(t *testing.T) {
	t.Parallel()
	jr := newJourneyReceiver(t)
	sim := journeySim(t, jr)
	sim.INS = &INSSender{TimeFactor: 1e-7, Attempts: 3}
	sim.INSEndpoints = []INSEndpoint{{Role: ins.Vendor, Account: "ven01", Version: ins.Version8,
		Target: INSTarget{URLs: []string{jr.URL + "/ins/fail"}, Secret: testINSSecret}}}
	start := time.Now()
	_, out := runJourney(t, sim, Journey{Funnel: "keto", Accept: []bool{}}, false)
	if len(out.INS) != 1 || out.INS[0].Delivered || len(out.INS[0].Attempts) != 3 || out.INS[0].Status() != 500 {
		t.Fatalf("INS to a failing receiver: %+v", out.INS)
	}
	var counts []int
	for _, h := range jr.got(t, "/ins/fail") {
		counts = append(counts, h.n.AttemptCount)
		if h.n.Version != ins.Version8 {
			t.Errorf("version %s, want the endpoint's %s", h.n.Version, ins.Version8)
		}
	}
	if len(counts) != 3 || counts[0] != 1 || counts[1] != 2 || counts[2] != 3 {
		t.Errorf("attemptCounts %v, want [1 2 3]", counts)
	}
	if time.Since(start) > 10*time.Second {
		t.Errorf("took %s: the time factor was not applied", time.Since(start))
	}
}

// TestINSEndpointsChecked: a wrong endpoint is a ParamError naming it,
// before anything is walked or sent.
func TestINSEndpointsChecked(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name, param string
		e           INSEndpoint
	}{
		{"Role", "ins_endpoints[1].role", INSEndpoint{Role: "JV", Target: INSTarget{URLs: []string{"http://127.0.0.1:9/"}, Secret: testINSSecret}}},
		{"Version", "ins_endpoints[1].version", INSEndpoint{Role: ins.Vendor, Version: "9.0", Target: INSTarget{URLs: []string{"http://127.0.0.1:9/"}, Secret: testINSSecret}}},
		{"URL", "ins_endpoints[1].url", INSEndpoint{Role: ins.Vendor, Target: INSTarget{Secret: testINSSecret}}},
		{"Secret", "ins_endpoints[1].secret", INSEndpoint{Role: ins.Vendor, Target: INSTarget{URLs: []string{"http://127.0.0.1:9/"}, Secret: "lower"}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			jr := newJourneyReceiver(t)
			sim := journeySim(t, jr)
			sim.INSEndpoints = []INSEndpoint{sim.INSEndpoints[0], c.e}
			_, _, err := sim.Run(context.Background(), Journey{Funnel: "keto"}, NewRand(1), DefaultTime, false)
			pe, ok := errors.AsType[*ParamError](err)
			if !ok || pe.Param != c.param {
				t.Fatalf("err = %v, want a ParamError on %s", err, c.param)
			}
			if n := len(jr.got(t, "/")); n != 0 {
				t.Errorf("%d requests sent", n)
			}
		})
	}
}

// TestPurchaseBookBounded: the oldest purchase is forgotten once
// DefaultPurchaseMemory are remembered.
func TestPurchaseBookBounded(t *testing.T) {
	t.Parallel()
	var b purchaseBook
	receipt := func(i int) string { return fmt.Sprintf("R%07d", i) }
	for i := range DefaultPurchaseMemory + 1 {
		b.remember(Event{Receipt: receipt(i)}, Product{})
	}
	found := func(r string) bool { return b.update(r, func(*purchase, int) error { return nil }) == nil }
	if found(receipt(0)) || !found(receipt(1)) || !found(receipt(DefaultPurchaseMemory)) {
		t.Errorf("after %d purchases: first kept %v, second %v, last %v", DefaultPurchaseMemory+1, found(receipt(0)), found(receipt(1)), found(receipt(DefaultPurchaseMemory)))
	}
	if len(b.byRec) != DefaultPurchaseMemory || len(b.order) != DefaultPurchaseMemory {
		t.Errorf("holds %d by receipt, %d in order; want %d", len(b.byRec), len(b.order), DefaultPurchaseMemory)
	}
}

// TestDeliverINSUnbuildable: a purchase the catalog cannot price for INS
// (an item it does not hold) is an INS delivery with its error, journaled,
// and its postbacks still go.
func TestDeliverINSUnbuildable(t *testing.T) {
	t.Parallel()
	jr := newJourneyReceiver(t)
	sim := journeySim(t, jr)
	ev := Event{Type: InitialPurchase, ID: "e1", Receipt: "ABCD1234", OrderID: "ABCD1234", Time: DefaultTime, Vendor: "ven01", Item: "GONE", Currency: "USD", Amount: 1000}
	out := sim.DeliverAll(context.Background(), []Event{ev})
	if len(out.Deliveries) != 2 || len(out.INS) != 1 {
		t.Fatalf("%d postbacks, %d INS; want 2 and the vendor's 1", len(out.Deliveries), len(out.INS))
	}
	d := out.INS[0]
	if !strings.Contains(d.Error, `unknown item "GONE"`) || len(d.Attempts) != 0 || len(sim.Journal.INSDeliveries()) != 1 {
		t.Errorf("unbuildable: error %q, %d attempts, %d journaled", d.Error, len(d.Attempts), len(sim.Journal.INSDeliveries()))
	}
	if len(jr.got(t, "/ins/")) != 0 {
		t.Error("an unbuildable notification was sent")
	}
}

// TestCancelUncancelAndINSF: CANCEL-REBILL stops the rebills until
// UNCANCEL-REBILL, which resumes them at the next payment; an INSF of
// -B002 does not count, so the next rebill is still -B002; every one of
// them moves no money and names the subscription's receipt.
func TestCancelUncancelAndINSF(t *testing.T) {
	t.Parallel()
	jr := newJourneyReceiver(t)
	sim := subscriptionSim(t, jr)
	ctx := context.Background()
	w, _ := runJourney(t, sim, Journey{Funnel: "club", Affiliate: "aff01", TID: "clk42"}, false)
	first := w.Events[1].Receipt
	// last checks the latest two notifications (vendor's and affiliate's).
	last := func(typ ins.TransactionType, receipt, status string, processed int) {
		t.Helper()
		hs := jr.got(t, "/ins/")
		if len(hs) < 2 {
			t.Fatalf("%d notifications", len(hs))
		}
		roles := map[ins.Role]bool{}
		for _, h := range hs[len(hs)-2:] {
			n := h.n
			roles[n.Role] = true
			if n.TransactionType != typ || n.Receipt != receipt {
				t.Errorf("%s: %s %s, want %s %s", n.Role, n.TransactionType, n.Receipt, typ, receipt)
			}
			if typ != ins.Bill && (n.TotalAccountAmount != 0 || n.TotalOrderAmount != 0 || n.LineItems[0].AccountAmount != 0 || n.LineItems[0].ProductPrice != 0) {
				t.Errorf("%s %s: amounts %s/%s, want 0.00", n.Role, typ, n.TotalAccountAmount, n.TotalOrderAmount)
			}
			pp := n.LineItems[0].PaymentPlan
			if pp == nil || pp.RebillStatus != status || pp.PaymentsProcessed != processed {
				t.Errorf("%s %s: payment plan %+v, want %s after %d payments", n.Role, typ, pp, status, processed)
			}
		}
		if !roles[ins.Vendor] || !roles[ins.Affiliate] {
			t.Errorf("%s went to %v, want both roles", typ, roles)
		}
	}

	ds, err := sim.InsufficientFunds(ctx, first, 0)
	if err != nil || len(ds) != 2 {
		t.Fatalf("INSF: %d deliveries, %v", len(ds), err)
	}
	last(ins.InsufFunds, first+"-B002", "ACTIVE", 1)
	if _, err := sim.InsufficientFunds(ctx, first, 3); err == nil || !strings.Contains(err.Error(), "next charge is 2") {
		t.Errorf("INSF of a later payment: %v", err)
	}
	if _, err := sim.Rebill(ctx, first, 2); err != nil {
		t.Fatalf("rebill B002 after its INSF: %v", err)
	}
	last(ins.Bill, first+"-B002", "ACTIVE", 2)

	if _, err := sim.UncancelRebill(ctx, first); err == nil || !strings.Contains(err.Error(), "is active") {
		t.Errorf("uncancel of an active subscription: %v", err)
	}
	if _, err := sim.CancelRebill(ctx, first); err != nil {
		t.Fatal(err)
	}
	last(ins.CancelRebill, first, "CANCELED", 2)
	for name, do := range map[string]func() error{
		"cancel again": func() error { _, err := sim.CancelRebill(ctx, first); return err },
		"rebill":       func() error { _, err := sim.Rebill(ctx, first, 0); return err },
		"INSF":         func() error { _, err := sim.InsufficientFunds(ctx, first, 0); return err },
	} {
		if err := do(); err == nil || !strings.Contains(err.Error(), "cancelled") {
			t.Errorf("%s of a cancelled subscription: %v, want an error saying it was cancelled", name, err)
		}
	}
	if _, err := sim.UncancelRebill(ctx, first); err != nil {
		t.Fatal(err)
	}
	last(ins.UncancelRebill, first, "ACTIVE", 2)
	if _, err := sim.Rebill(ctx, first, 0); err != nil {
		t.Fatal(err)
	}
	last(ins.Bill, first+"-B003", "ACTIVE", 3)
	// Dated in the order they happened: the INSF when B002 was due, the
	// cancel and the uncancel a day apart after B002, then B003.
	var prev *ins.Notification
	for _, h := range jr.got(t, "/ins/vendor") {
		if prev != nil && (h.n.TransactionTime.Before(prev.TransactionTime) ||
			h.n.TransactionType == ins.UncancelRebill && !h.n.TransactionTime.After(prev.TransactionTime)) {
			t.Errorf("%s %s at %s, after %s at %s", h.n.TransactionType, h.n.Receipt, h.n.TransactionTime, prev.TransactionType, prev.TransactionTime)
		}
		prev = h.n
	}

	// The errors Rebill gives.
	if _, err := sim.CancelRebill(ctx, first+"-B002"); err == nil || !strings.Contains(err.Error(), "rebill's receipt") {
		t.Errorf("cancel by a rebill's receipt: %v", err)
	}
	if _, err := sim.UncancelRebill(ctx, "NOPE1234"); !errorsAsNotFound(err) {
		t.Errorf("uncancel of an unknown receipt: %v", err)
	}
	if _, err := sim.InsufficientFunds(ctx, "NOPE1234", 0); !errorsAsNotFound(err) {
		t.Errorf("INSF of an unknown receipt: %v", err)
	}
	// A refund (before the journeys below, whose seed repeats the receipt) ends the subscription: no cancel, no INSF.
	if _, err := sim.Refund(ctx, first); err != nil {
		t.Fatal(err)
	}
	if _, err := sim.CancelRebill(ctx, first); err == nil || !strings.Contains(err.Error(), "rebills no more") {
		t.Errorf("cancel of a refunded subscription: %v", err)
	}
	w, _ = runJourney(t, sim, Journey{Funnel: "book"}, false)
	if _, err := sim.CancelRebill(ctx, w.Events[1].Receipt); err == nil || !strings.Contains(err.Error(), "not recurring") {
		t.Errorf("cancel of a one-time product: %v", err)
	}
	if _, err := sim.InsufficientFunds(ctx, w.Events[1].Receipt, 0); err == nil || !strings.Contains(err.Error(), "not recurring") {
		t.Errorf("INSF of a one-time product: %v", err)
	}
	// A test-card order: ins has no CANCEL-TEST-REBILL.
	w, _ = runJourney(t, sim, Journey{Funnel: "club", TestCard: true}, false)
	if _, err := sim.CancelRebill(ctx, w.Events[1].Receipt); err == nil || !strings.Contains(err.Error(), "test-card") {
		t.Errorf("cancel of a test-card order: %v", err)
	}
	if _, err := sim.InsufficientFunds(ctx, w.Events[1].Receipt, 0); err == nil || !strings.Contains(err.Error(), "test-card") {
		t.Errorf("INSF of a test-card order: %v", err)
	}
}
