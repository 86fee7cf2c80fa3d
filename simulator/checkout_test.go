package simulator

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

// TestCheckoutStepsLikeWalk: a stepped order and a walked journey of the
// same buyer and seed give the same events but for their times.
func TestCheckoutStepsLikeWalk(t *testing.T) {
	c, _ := defaults(t)
	cases := []struct {
		name   string
		j      Journey
		accept []bool
	}{
		{"both accepted", Journey{Funnel: "keto", Affiliate: "aff01", TID: "abc_1", VTID: "v1", Tracking: map[string]string{"aff_sub1": "x"}}, []bool{true, true}},
		{"first declined", Journey{Funnel: "keto", Affiliate: "aff02", TID: "abc"}, []bool{false, true}},
		{"all declined, test card", Journey{Funnel: "keto", TestCard: true}, []bool{false, false}},
		{"eur funnel", Journey{Funnel: "fitness-eur", Affiliate: "aff01"}, []bool{true}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			j := tc.j
			j.Accept = tc.accept
			w, err := c.Walk(j, NewRand(7), time.Unix(0, 0))
			if err != nil {
				t.Fatal(err)
			}
			k, err := c.NewCheckout(tc.j.Funnel, tc.j, NewRand(7))
			if err != nil {
				t.Fatal(err)
			}
			at := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
			got := []Event{k.Impression(at)}
			ev, err := k.Purchase(at, Buyer{}, tc.j.TestCard)
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, ev)
			for _, a := range tc.accept {
				ev, fired, err := k.Answer(at, a)
				if err != nil || fired != a {
					t.Fatalf("answer %v: fired %v, %v", a, fired, err)
				}
				if fired {
					got = append(got, ev)
				}
			}
			if _, _, ok := k.Offer(); ok {
				t.Error("an offer is left after the last answer")
			}
			if len(got) != len(w.Events) {
				t.Fatalf("stepped %d events, walked %d", len(got), len(w.Events))
			}
			for i := range got {
				if !got[i].Time.Equal(at) {
					t.Errorf("event %d at %s, want the caller's %s", i, got[i].Time, at)
				}
				got[i].Time, w.Events[i].Time = time.Time{}, time.Time{}
				if !reflect.DeepEqual(got[i], w.Events[i]) {
					t.Errorf("event %d:\nstepped %+v\nwalked  %+v", i, got[i], w.Events[i])
				}
			}
		})
	}
}

func TestCheckoutBuyerAndErrors(t *testing.T) {
	c, _ := defaults(t)
	k, err := c.NewItemCheckout("KETO-FE", Journey{Affiliate: "aff01", Buyer: Buyer{Device: "mobile", Browser: "Firefox"}}, NewRand(1))
	if err != nil {
		t.Fatal(err)
	}
	if k.Funnel().Name != "keto" {
		t.Errorf("KETO-FE checks out in funnel %q, want keto", k.Funnel().Name)
	}
	if _, _, err := k.Answer(time.Time{}, true); err == nil {
		t.Error("an answer before the purchase is not an error")
	}
	ev, err := k.Purchase(time.Time{}, Buyer{Country: "GB", PostalCode: "SW1A 1AA"}, false)
	if err != nil {
		t.Fatal(err)
	}
	if b := ev.Buyer; b.Country != "GB" || b.State != "" || b.PostalCode != "SW1A 1AA" || b.Device != "mobile" || b.Browser != "Firefox" {
		t.Errorf("buyer %+v, want the form's GB geography and the journey's device", b)
	}
	if _, err := k.Purchase(time.Time{}, Buyer{}, false); !errors.Is(err, ErrPurchased) {
		t.Errorf("second purchase: %v, want ErrPurchased", err)
	}
	for range 2 {
		if _, _, err := k.Answer(time.Time{}, false); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := k.Answer(time.Time{}, true); err == nil {
		t.Error("an answer after the last offer is not an error")
	}

	alone, err := c.NewItemCheckout("KETO-UP1", Journey{}, NewRand(1))
	if err != nil {
		t.Fatal(err)
	}
	ev, err = alone.Purchase(time.Time{}, Buyer{}, false)
	if _, _, more := alone.Offer(); err != nil || more || ev.UpsellFlowID != 0 || ev.Item != "KETO-UP1" {
		t.Errorf("a product no funnel fronts: %+v, offers left %v, %v", ev, more, err)
	}

	for _, tc := range []struct {
		name string
		do   func() error
		want string
	}{
		{"unknown funnel", func() error { _, err := c.NewCheckout("nope", Journey{}, NewRand(1)); return err }, `unknown funnel "nope"`},
		{"unknown item", func() error { _, err := c.NewItemCheckout("NOPE", Journey{}, NewRand(1)); return err }, `unknown item "NOPE"`},
		{"unknown affiliate", func() error { _, err := c.NewCheckout("keto", Journey{Affiliate: "zzzzz"}, NewRand(1)); return err }, `unknown affiliate "zzzzz"`},
		{"bad vtid", func() error { _, err := c.NewCheckout("keto", Journey{VTID: "a__b"}, NewRand(1)); return err }, "vtid: "},
	} {
		err := tc.do()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
		}
	}
}
