package simulator

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/cbsim/cbsim/simulator/ins"
	"github.com/cbsim/cbsim/simulator/money"
)

func defaultSim(t *testing.T) *Simulator {
	t.Helper()
	c, _, err := LoadDefaults()
	if err != nil {
		t.Fatal(err)
	}
	return New(c, nil)
}

// TestBuildINSMatchesPostbacks: the notifications of an ad-hoc sale carry
// the split, receipt, TID and vtid of the postback Fire builds from the
// same request and seed.
func TestBuildINSMatchesPostbacks(t *testing.T) {
	t.Parallel()
	sim := defaultSim(t)
	sale := FireRequest{Affiliate: DefaultAffiliate, TID: "clk42", VTID: "v7", Seed: 9}
	ns, _, err := sim.BuildINS(INSRequest{Type: ins.Sale, Sale: sale})
	if err != nil {
		t.Fatal(err)
	}
	fire := sale
	fire.Event, fire.Role, fire.URL, fire.DryRun = InitialPurchase, RoleAffiliate, "http://127.0.0.1:9/pb", true
	res, err := sim.Fire(context.Background(), fire)
	if err != nil {
		t.Fatal(err)
	}
	ev := res.Event
	if len(ns) != 2 || ns[0].Role != ins.Vendor || ns[1].Role != ins.Affiliate {
		t.Fatalf("built %d notifications", len(ns))
	}
	for _, c := range []struct {
		n     *ins.Notification
		share money.Cents
		code  string
	}{{ns[0], ev.Split.Vendor, ev.VTID}, {ns[1], ev.Split.Affiliate, ev.TID}} {
		n := c.n
		if n.TotalAccountAmount != c.share || n.TotalOrderAmount != ev.Amount {
			t.Errorf("%s: account %s order %s, want %s and %s", n.Role, n.TotalAccountAmount, n.TotalOrderAmount, c.share, ev.Amount)
		}
		if n.Receipt != ev.Receipt || n.Vendor != ev.Vendor || n.Affiliate != ev.Affiliate {
			t.Errorf("%s: receipt %s vendor %s affiliate %s, want %s %s %s", n.Role, n.Receipt, n.Vendor, n.Affiliate, ev.Receipt, ev.Vendor, ev.Affiliate)
		}
		if len(n.TrackingCodes) != 1 || n.TrackingCodes[0] != c.code {
			t.Errorf("%s: tracking codes %v, want [%s]", n.Role, n.TrackingCodes, c.code)
		}
		if n.LineItems[0].ItemNo != ev.Item {
			t.Errorf("%s: item %s, want %s", n.Role, n.LineItems[0].ItemNo, ev.Item)
		}
	}
}

func TestBuildINSTypes(t *testing.T) {
	t.Parallel()
	sim := defaultSim(t)
	for _, c := range []struct {
		name  string
		req   INSRequest
		check func(t *testing.T, ns []*ins.Notification)
	}{
		{"BillIsSecondCharge", INSRequest{Type: ins.Bill, Receipt: "ABCD1234", Sale: FireRequest{Affiliate: DefaultAffiliate}},
			func(t *testing.T, ns []*ins.Notification) {
				if len(ns) != 2 || ns[0].Receipt != "ABCD1234-B002" || ns[0].LineItems[0].PaymentPlan == nil {
					t.Errorf("BILL: %d notifications, receipt %s", len(ns), ns[0].Receipt)
				}
			}},
		{"RefundNegated", INSRequest{Type: ins.Refund, Sale: FireRequest{Affiliate: DefaultAffiliate}},
			func(t *testing.T, ns []*ins.Notification) {
				if ns[0].TotalAccountAmount >= 0 || ns[1].TotalAccountAmount >= 0 {
					t.Errorf("RFND amounts %s %s, want negative", ns[0].TotalAccountAmount, ns[1].TotalAccountAmount)
				}
			}},
		{"TestToVendorOnly", INSRequest{Type: ins.Test, Sale: FireRequest{Affiliate: DefaultAffiliate}},
			func(t *testing.T, ns []*ins.Notification) {
				if len(ns) != 1 || ns[0].Role != ins.Vendor {
					t.Errorf("TEST: %d notifications", len(ns))
				}
			}},
		{"AffiliateOnly", INSRequest{Type: ins.Sale, Role: ins.Affiliate, Sale: FireRequest{Affiliate: DefaultAffiliate}},
			func(t *testing.T, ns []*ins.Notification) {
				if len(ns) != 1 || ns[0].Role != ins.Affiliate {
					t.Errorf("role AFFILIATE: %d notifications", len(ns))
				}
			}},
		{"Version8CommonParams", INSRequest{Type: ins.Sale, Version: ins.Version8, Sale: FireRequest{Affiliate: DefaultAffiliate, Tracking: map[string]string{"aff_sub1": "x"}}},
			func(t *testing.T, ns []*ins.Notification) {
				if _, ok := ns[0].CommonTrackingParameters.Get("deviceType"); !ok {
					t.Errorf("8.0 without common tracking parameters")
				}
				if v, _ := ns[1].AffiliateTrackingParameters.Get("aff_sub1"); v != "x" {
					t.Errorf("8.0 affiliate parameters %v", ns[1].AffiliateTrackingParameters)
				}
			}},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			ns, _, err := sim.BuildINS(c.req)
			if err != nil {
				t.Fatal(err)
			}
			c.check(t, ns)
		})
	}
}

func TestBuildINSErrors(t *testing.T) {
	t.Parallel()
	sim := defaultSim(t)
	for _, c := range []struct {
		name, param, msg string
		req              INSRequest
	}{
		{"Type", "type", "SALE", INSRequest{Type: "SOLD"}},
		{"Version", "version", "7.0", INSRequest{Type: ins.Sale, Version: "9.0"}},
		{"AffiliateOfDirectSale", "role", "no affiliate", INSRequest{Type: ins.Sale, Role: ins.Affiliate}},
		{"AffiliateOfTest", "role", "vendor only", INSRequest{Type: ins.TestSale, Role: ins.Affiliate, Sale: FireRequest{Affiliate: DefaultAffiliate}}},
		{"Item", "item", "NOPE", INSRequest{Type: ins.Sale, Sale: FireRequest{Item: "NOPE"}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			_, _, err := sim.BuildINS(c.req)
			pe, ok := errors.AsType[*ParamError](err)
			if !ok || pe.Param != c.param || !strings.Contains(err.Error(), c.msg) {
				t.Fatalf("err = %v, want a ParamError on %s saying %q", err, c.param, c.msg)
			}
		})
	}
}
