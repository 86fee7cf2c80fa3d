package simulator

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"time"
)

// Checkout is one order in progress, stepped by a caller that learns the
// buyer's choices one at a time (the storefront's order form and upsell
// pages) instead of knowing them up front as a Journey given to Walk does.
// It shares Walk's order: the same journey and seed give the same event
// ids, receipts, order id, split and upsell flow, session and path, only
// the times are the caller's. A Checkout is not safe for concurrent use.
type Checkout struct {
	funnel    Funnel
	o         *order
	notes     []Note
	purchased bool
	next      int // index in funnel.Upsells of the next offer
}

// NewCheckout starts an order in the funnel named funnel for the buyer of
// j (j.Funnel, Accept and Abandon are not used: the caller steps the
// order). It checks what Walk checks: the funnel and the affiliate exist,
// the vtid and the tracking parameters are valid (a *ParamError naming
// "vtid" or "params"). The buyer's empty fields are drawn from r, as a
// walk draws them.
func (c *Catalog) NewCheckout(funnel string, j Journey, r *rand.Rand) (*Checkout, error) {
	f, ok := c.Funnels[funnel]
	if !ok {
		return nil, &NotFoundError{Kind: "funnel", Name: funnel, Known: keys(c.Funnels)}
	}
	return c.startCheckout(f, j, r)
}

// NewItemCheckout starts an order of the product item as a pay link
// (cbitems=ITEM) starts one: in the first funnel, by name, whose front
// product it is, with that funnel's upsells; for a product no funnel
// fronts, an order of that product alone [choice].
func (c *Catalog) NewItemCheckout(item string, j Journey, r *rand.Rand) (*Checkout, error) {
	p, ok := c.Products[item]
	if !ok {
		return nil, &NotFoundError{Kind: "item", Name: item, Known: keys(c.Products)}
	}
	return c.startCheckout(c.frontFunnel(p), j, r)
}

// frontFunnel returns the first funnel, by name, whose front product is
// p; without one, a funnel of p alone named after its item.
func (c *Catalog) frontFunnel(p Product) Funnel {
	for _, name := range keys(c.Funnels) {
		if f := c.Funnels[name]; f.Front == p.Item && f.Vendor == p.Vendor {
			return f
		}
	}
	return Funnel{Name: p.Item, Vendor: p.Vendor, Front: p.Item}
}

func (c *Catalog) startCheckout(f Funnel, j Journey, r *rand.Rand) (*Checkout, error) {
	if _, ok := c.Affiliates[j.Affiliate]; j.Affiliate != "" && !ok {
		return nil, &NotFoundError{Kind: "affiliate", Name: j.Affiliate, Known: keys(c.Affiliates)}
	}
	if _, ok := c.Products[f.Front]; !ok {
		return nil, &NotFoundError{Kind: "item", Name: f.Front, Known: keys(c.Products)}
	}
	j.Funnel, j.Accept, j.Abandon = f.Name, nil, false
	k := &Checkout{funnel: f}
	o, err := c.newOrder(j, r, time.Time{}, &k.notes)
	if err != nil {
		return nil, err
	}
	k.o = o
	return k, nil
}

// Funnel returns the funnel the order runs through.
func (k *Checkout) Funnel() Funnel { return k.funnel }

// Notes returns what ClickBank did to the journey on the way in (a TID
// the rule changed or dropped, a TID of a sale without an affiliate).
func (k *Checkout) Notes() []Note { return k.notes }

// Buyer returns the order's buyer: the journey's, its empty fields drawn
// from the seed, as changed by Purchase.
func (k *Checkout) Buyer() Buyer { return k.o.buyer }

// Purchased reports whether the initial purchase happened.
func (k *Checkout) Purchased() bool { return k.purchased }

// event builds the next event of the order at time at: the same draws
// from the seed as a walk's event, the caller's time.
func (k *Checkout) event(t EventType, p Product, at time.Time) (Event, error) {
	e := k.o.event(t, p)
	e.Time = at
	k.o.now = at
	if err := k.o.err; err != nil {
		return Event{}, err
	}
	return e, nil
}

// Impression is the Order Form Impression of the order at time at: the
// buyer has seen the order form of the front product.
func (k *Checkout) Impression(at time.Time) Event {
	e, _ := k.event(OrderFormImpression, k.o.c.Products[k.funnel.Front], at)
	return e // an impression has no sale, so no error of one
}

// ErrPurchased is Purchase of an order that was already bought.
var ErrPurchased = errors.New("the order was already purchased")

// Purchase is the Initial Purchase of the front product at time at, paid
// by buyer b: its non-empty fields replace the order's (the geography as
// a whole, as the order form gives it), and testCard makes it a test-card
// order. A second Purchase is ErrPurchased.
func (k *Checkout) Purchase(at time.Time, b Buyer, testCard bool) (Event, error) {
	if k.purchased {
		return Event{}, ErrPurchased
	}
	if b.Country != "" || b.State != "" || b.PostalCode != "" {
		k.o.buyer.Country, k.o.buyer.State, k.o.buyer.PostalCode = b.Country, b.State, b.PostalCode
	}
	if b.Device != "" {
		k.o.buyer.Device = b.Device
	}
	if b.Browser != "" {
		k.o.buyer.Browser = b.Browser
	}
	k.o.j.TestCard = testCard
	if len(k.funnel.Upsells) > 0 {
		k.o.flow = k.funnel.FlowID()
	}
	e, err := k.event(InitialPurchase, k.o.c.Products[k.funnel.Front], at)
	if err != nil {
		return Event{}, err
	}
	k.purchased = true
	return e, nil
}

// Offer returns the next upsell offer of a purchased order, its index in
// the funnel's upsell chain, and whether there is one: none before the
// purchase or after the last answer.
func (k *Checkout) Offer() (UpsellStep, int, bool) {
	if !k.purchased || k.next >= len(k.funnel.Upsells) {
		return UpsellStep{}, k.next, false
	}
	return k.funnel.Upsells[k.next], k.next, true
}

// Answer is the buyer's answer to the current offer at time at. Accepted,
// it is an Upsell Purchase with a new receipt that follows the previous
// one (same order id, Original, upsell flow, session and path) and true;
// declined, it adds 'd' to the path and returns false and no event. With
// no offer pending it is an error.
func (k *Checkout) Answer(at time.Time, accept bool) (Event, bool, error) {
	step, i, ok := k.Offer()
	if !ok {
		if !k.purchased {
			return Event{}, false, errors.New("no upsell offer: the order is not purchased yet")
		}
		return Event{}, false, fmt.Errorf("no upsell offer left: funnel %q has %d", k.funnel.Name, len(k.funnel.Upsells))
	}
	k.next = i + 1
	if !accept {
		k.o.path += "d"
		return Event{}, false, nil
	}
	k.o.path += "a"
	p, known := k.o.c.Products[step.Item]
	if !known {
		return Event{}, false, &NotFoundError{Kind: "item", Name: step.Item, Known: keys(k.o.c.Products)}
	}
	e, err := k.event(UpsellPurchase, p, at)
	if err != nil {
		return Event{}, false, err
	}
	return e, true, nil
}
