package simulator

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/cbsim/cbsim/simulator/ins"
)

// INSEndpoint is one ClickBank account's INS settings: where the
// notifications of one role go, sealed with which secret, in which
// version. ClickBank sends the VENDOR notification to the vendor's INS
// URLs and the AFFILIATE one to the affiliate's (docs/clickbank.md §6).
type INSEndpoint struct {
	Role    ins.Role  // ins.Vendor or ins.Affiliate: whose notifications go here
	Account string    // the vendor's or affiliate's nickname; "" = every account of Role
	Version string    // "6.0", "7.0" or "8.0"; "" = ins.DefaultVersion
	Target  INSTarget // the account's INS URLs and secret key
}

// takes reports whether the notification of e.Role about ev goes to e: the
// account matches, and an affiliate's notification needs an affiliate and
// a type ClickBank tells affiliates (not a test type).
func (e INSEndpoint) takes(ev *Event, t ins.TransactionType) bool {
	switch e.Role {
	case ins.Vendor:
		return e.Account == "" || e.Account == ev.Vendor
	case ins.Affiliate:
		return ev.Affiliate != "" && !t.IsTest() && (e.Account == "" || e.Account == ev.Affiliate)
	}
	return false
}

// CheckINSEndpoints says what is wrong with s.INSEndpoints: a *ParamError
// naming the endpoint and its field ("ins_endpoints[1].url").
func (s *Simulator) CheckINSEndpoints() error {
	for i, e := range s.INSEndpoints {
		where := fmt.Sprintf("ins_endpoints[%d].", i)
		if e.Role != ins.Vendor && e.Role != ins.Affiliate {
			return &ParamError{where + "role", fmt.Errorf("unknown role %q: want %s or %s", e.Role, ins.Vendor, ins.Affiliate)}
		}
		if e.Version != "" {
			if _, err := ins.PaddingFor(e.Version); err != nil {
				return &ParamError{where + "version", err}
			}
		}
		if err := e.Target.check(); err != nil {
			if pe, ok := errors.AsType[*ParamError](err); ok {
				return &ParamError{where + pe.Param, pe.Err}
			}
			return &ParamError{where + "target", err}
		}
	}
	return nil
}

// Outcome is what delivering a journey's events did: the postbacks, as
// Deliver returns them, and the INS notifications, each slice in event
// order.
type Outcome struct {
	Deliveries []Delivery
	INS        []INSDelivery
}

// RunAll is Run with the INS notifications: it walks a journey and, unless
// dry, journals its notes and delivers its events with DeliverAll. A dry
// run builds the postbacks (Plan) and the notifications (PlanINS), sends
// and journals nothing and remembers no purchase. Wrong INSEndpoints are
// an error before anything is walked or sent.
func (s *Simulator) RunAll(ctx context.Context, j Journey, r *rand.Rand, start time.Time, dry bool) (Walk, Outcome, error) {
	if err := s.CheckINSEndpoints(); err != nil {
		return Walk{}, Outcome{}, err
	}
	w, err := s.Catalog.Walk(j, r, start)
	if err != nil {
		return Walk{}, Outcome{}, err
	}
	if dry {
		return w, Outcome{Deliveries: s.Plan(w.Events), INS: s.PlanINS(w.Events)}, nil
	}
	s.Journal.note(w.Notes...)
	return w, s.DeliverAll(ctx, w.Events), nil
}

// DeliverAll is Deliver with the INS notifications: event by event, the
// postbacks of the event, then, for a purchase (Initial Purchase, Upsell
// Purchase), its SALE notifications — TEST_SALE to the vendor only for a
// test card — sent with the INS sender to every INS endpoint that takes
// them and journaled (Journal.INSDeliveries). Each purchase is remembered
// by its receipt for Refund, Chargeback and Rebill. Without INSEndpoints
// no notification is built. A notification that cannot be built or sent
// is an INSDelivery with its Error, never a panic.
func (s *Simulator) DeliverAll(ctx context.Context, events []Event) Outcome {
	var out Outcome
	ins := s.integrations()
	for i := range events {
		ev := &events[i]
		for _, in := range ins {
			d := Build(ev, in)
			if ctx.Err() != nil && d.Skipped == "" {
				d.Skipped = notSent + ctx.Err().Error()
			}
			out.Deliveries = append(out.Deliveries, s.Send(ctx, d))
		}
		if !isPurchase(ev) {
			continue
		}
		p, known := s.Catalog.Products[ev.Item]
		if known {
			s.purchases.remember(*ev, p)
		}
		if len(s.INSEndpoints) == 0 {
			continue
		}
		t := saleType(ev)
		out.INS = append(out.INS, s.notify(ctx, insTransaction{ev: *ev, p: p, known: known, typ: t, receipt: ev.Receipt, at: ev.Time}, false)...)
	}
	return out
}

// PlanINS builds, without sending, journaling or remembering, the SALE
// notifications DeliverAll would send for events: one INSDelivery per
// notification and INS URL, with no attempts.
func (s *Simulator) PlanINS(events []Event) []INSDelivery {
	var out []INSDelivery
	if len(s.INSEndpoints) == 0 {
		return nil
	}
	for i := range events {
		ev := &events[i]
		if !isPurchase(ev) {
			continue
		}
		p, known := s.Catalog.Products[ev.Item]
		out = append(out, s.notify(context.Background(), insTransaction{ev: *ev, p: p, known: known, typ: saleType(ev), receipt: ev.Receipt, at: ev.Time}, true)...)
	}
	return out
}

// isPurchase reports whether ev is a purchase: it has a receipt and money.
func isPurchase(ev *Event) bool {
	return (ev.Type == InitialPurchase || ev.Type == UpsellPurchase) && ev.Receipt != ""
}

// saleType is the INS type of a purchase: TEST_SALE for a test card.
func saleType(ev *Event) ins.TransactionType {
	if ev.TestCard {
		return ins.TestSale
	}
	return ins.Sale
}

// insTransaction is one transaction to tell by INS: of the purchase ev of
// product p, of type typ, about receipt (the purchase's, a rebill's -B00N
// for a refund of it, or the subscription's first for a BILL of payment),
// at time at.
type insTransaction struct {
	ev      Event
	p       Product
	known   bool // p is the catalog's product of ev
	typ     ins.TransactionType
	receipt string
	payment int
	at      time.Time
}

// notify builds the notification of tx for each endpoint that takes it,
// in the endpoint's version, and unless dry sends it with the INS sender
// and journals every delivery.
func (s *Simulator) notify(ctx context.Context, tx insTransaction, dry bool) []INSDelivery {
	var out []INSDelivery
	for _, e := range s.INSEndpoints {
		if !e.takes(&tx.ev, tx.typ) {
			continue
		}
		n, err := s.buildTx(tx, e)
		if err != nil || dry {
			for _, u := range e.Target.URLs {
				d := INSDelivery{URL: u, Type: tx.typ, Role: e.Role, Receipt: tx.receipt, Version: e.Version, Notification: n}
				if n != nil {
					d.Receipt, d.Version = n.Receipt, n.Version
				}
				if err != nil {
					d.Error = "not built: " + err.Error()
				}
				if !dry {
					s.Journal.recordINS(d)
				}
				out = append(out, d)
			}
			continue
		}
		ds, err := s.SendINS(ctx, e.Target, []*ins.Notification{n})
		if err != nil { // a target CheckINSEndpoints would have refused
			for _, u := range e.Target.URLs {
				d := INSDelivery{URL: u, Type: n.TransactionType, Role: n.Role, Receipt: n.Receipt, Version: n.Version, Notification: n, Error: "not sent: " + err.Error()}
				s.Journal.recordINS(d)
				out = append(out, d)
			}
			continue
		}
		out = append(out, ds...)
	}
	return out
}

// buildTx builds the notification of tx for endpoint e.
func (s *Simulator) buildTx(tx insTransaction, e INSEndpoint) (*ins.Notification, error) {
	if !tx.known {
		return nil, &NotFoundError{Kind: "item", Name: tx.ev.Item, Known: keys(s.Catalog.Products)}
	}
	o, err := s.Catalog.insOrder(&tx.ev, tx.p, INSRequest{Type: tx.typ, Version: e.Version, Receipt: tx.receipt, Payment: tx.payment})
	if err != nil {
		return nil, err
	}
	o.Time = tx.at
	return o.For(e.Role)
}
