package simulator

import (
	"strings"
	"testing"
	"time"
)

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
		var texts []string
		for _, n := range w.Notes {
			texts = append(texts, n.Text)
		}
		note := strings.Join(texts, ";")
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
	if v.Get("currency") != "EUR" || v.Get("total_transaction_amount") != "39.00" || v.Get("affiliate_earnings") != "28.47" {
		t.Fatalf("values: %v", v)
	}
}
