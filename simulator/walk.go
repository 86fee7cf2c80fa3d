package simulator

import (
	"crypto/sha1"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/cbsim/cbsim/simulator/ids"
	"github.com/cbsim/cbsim/simulator/money"
)

// Journey is one simulated buyer walking through a funnel: from the
// affiliate's hoplink (or the vendor's own traffic) to the order form, the
// purchase and the upsell chain.
type Journey struct {
	Funnel    string            // the funnel's name in the catalog
	Affiliate string            // the affiliate's nickname; "" for the vendor's own traffic
	TID       string            // the TID on the hoplink, as the affiliate's tracker sent it
	TIDRule   ids.TIDRule       // how ClickBank treats that TID
	VTID      string            // the vtid on the pay link
	Tracking  map[string]string // affiliate tracking parameters
	Buyer     Buyer             // empty fields are drawn from the seeded source
	TestCard  bool              // a test-card order
	Accept    []bool            // the buyer's answer to each upsell; nil = the funnel's defaults
	Abandon   bool              // the buyer leaves the order form without buying
}

// Walk is what a journey produced.
type Walk struct {
	Events []Event
	Notes  []Note // what ClickBank did on the way that a harness may assert (a dropped TID)
}

// Walk runs a journey: the order form impression, the initial purchase
// unless abandoned, and each accepted upsell. Randomness comes only from r
// and time from start, so the same inputs give the same events.
func (c *Catalog) Walk(j Journey, r *rand.Rand, start time.Time) (Walk, error) {
	f, ok := c.Funnels[j.Funnel]
	if !ok {
		return Walk{}, &NotFoundError{Kind: "funnel", Name: j.Funnel, Known: keys(c.Funnels)}
	}
	if _, ok := c.Affiliates[j.Affiliate]; j.Affiliate != "" && !ok {
		return Walk{}, &NotFoundError{Kind: "affiliate", Name: j.Affiliate, Known: keys(c.Affiliates)}
	}
	if j.Accept != nil && len(j.Accept) > len(f.Upsells) {
		return Walk{}, fmt.Errorf("journey answers %d upsells, funnel %q has %d", len(j.Accept), f.Name, len(f.Upsells))
	}
	var w Walk
	o, err := c.newOrder(j, r, start, &w.Notes)
	if err != nil {
		return Walk{}, err
	}
	front := c.Products[f.Front]
	// room for every event the walk can give: one allocation, not one per
	// growth of the slice
	n := 1
	if !j.Abandon {
		n += 1 + len(f.Upsells)
	}
	w.Events = make([]Event, 0, n)
	w.Events = append(w.Events, o.event(OrderFormImpression, front))
	if j.Abandon {
		return w, nil
	}
	if len(f.Upsells) > 0 {
		o.flow = f.FlowID()
	}
	w.Events = append(w.Events, o.event(InitialPurchase, front))
	for i, step := range f.Upsells {
		accept := step.Accept
		if j.Accept != nil {
			accept = i < len(j.Accept) && j.Accept[i]
		}
		if !accept {
			o.path += "d"
			continue
		}
		o.path += "a"
		w.Events = append(w.Events, o.event(UpsellPurchase, c.Products[step.Item]))
	}
	if err := o.err; err != nil {
		return Walk{}, err
	}
	return w, nil
}

// single builds one event of type t for product p, as an ad-hoc fire
// needs: an upsell gets a fresh original receipt as its order id (the
// original purchase itself is not produced). The journey's affiliate need
// not be in the catalog.
func (c *Catalog) single(t EventType, p Product, j Journey, r *rand.Rand, at time.Time) (Event, []Note, error) {
	var notes []Note
	o, err := c.newOrder(j, r, at, &notes)
	if err != nil {
		return Event{}, nil, err
	}
	if t == UpsellPurchase {
		o.orderID = ids.Receipt(r)
		o.last = o.orderID
		// The upsell names an upsell flow as a walked one does: its
		// funnel's, a session of the fresh original receipt, and the path
		// "a" of a first offer accepted (docs/clickbank.md §6.4) [choice].
		o.flow = c.upsellFunnel(p).FlowID()
		o.path = "a"
	}
	ev := o.event(t, p)
	return ev, notes, o.err
}

// upsellFunnel is the funnel that offers p as an upsell, the first by
// name; without one, a funnel named after p's item, whose derived flow id
// stands for a flow the catalog does not describe [choice].
func (c *Catalog) upsellFunnel(p Product) Funnel {
	for _, name := range keys(c.Funnels) {
		f := c.Funnels[name]
		for _, u := range f.Upsells {
			if u.Item == p.Item && f.Vendor == p.Vendor {
				return f
			}
		}
	}
	return Funnel{Name: p.Item, Vendor: p.Vendor}
}

// upsellSession is the upsell session of an order whose first receipt is
// original, in the flow of that id: the receipt's first 6 characters,
// then 4 of [A-Z0-9] derived from the receipt and the flow id. The one
// real session seen begins with its original receipt's first 6
// characters (docs/clickbank.md §6.2) [likely]; the other 4 are [choice].
// Nothing is drawn from the journey's random source, so receipts and
// event ids stay those of a walk without upsell flows.
func upsellSession(original string, flow int) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	head := original
	if len(head) > 6 {
		head = head[:6]
	}
	sum := sha1.Sum([]byte(fmt.Sprintf("%s/%d", original, flow)))
	b := []byte(head)
	for i := 0; len(b) < 10; i++ {
		b = append(b, alphabet[int(sum[i])%len(alphabet)])
	}
	return string(b)
}

// order is the state shared by the events of one order.
type order struct {
	c        *Catalog
	j        Journey
	r        *rand.Rand
	now      time.Time
	tid      string
	currency string // what the order is paid in: its first product's currency
	orderID  string // the first receipt, once there is one
	last     string // the receipt an upsell follows
	buyer    Buyer
	tracking map[string]string
	flow     int    // the upsell flow's id; 0 = the order is in none
	session  string // the upsell session, once the order has a receipt
	path     string // the answers to the upsell offers so far ('a', 'd')
	err      error
}

// newOrder checks what a journey carries and starts its order.
func (c *Catalog) newOrder(j Journey, r *rand.Rand, start time.Time, notes *[]Note) (*order, error) {
	if err := ids.ValidateVTID(j.VTID); err != nil {
		return nil, &ParamError{Param: "vtid", Err: err}
	}
	if err := ValidateTracking(j.Tracking); err != nil {
		return nil, &ParamError{Param: "params", Err: err}
	}
	o := &order{c: c, j: j, r: r, now: start, buyer: drawBuyer(j.Buyer, r)}
	if j.Affiliate != "" {
		// TID and tracking parameters arrive on the affiliate's hoplink;
		// the vendor's own traffic has neither.
		tid, err := ids.NormalizeTID(j.TID, j.TIDRule)
		if err != nil {
			*notes = append(*notes, Note{TIDDropped, "tid dropped: " + err.Error()})
		} else if tid != j.TID {
			*notes = append(*notes, Note{TIDChanged, fmt.Sprintf("tid changed by the %s rule: %q became %q", j.TIDRule, j.TID, tid)})
		}
		o.tid = tid
		o.tracking = j.Tracking
	} else if j.TID != "" {
		*notes = append(*notes, Note{TIDIgnored, "tid ignored: a sale without an affiliate has no hoplink"})
	}
	return o, nil
}

func (o *order) event(t EventType, p Product) Event {
	o.now = o.now.Add(time.Duration(5+o.r.IntN(55)) * time.Second)
	if o.currency == "" {
		o.currency = p.Currency
	}
	e := Event{
		Type:      t,
		ID:        ids.UUID(o.r),
		OrderID:   o.orderID,
		Time:      o.now,
		Vendor:    p.Vendor,
		Affiliate: o.j.Affiliate,
		Item:      p.Item,
		Title:     p.Title,
		Currency:  o.currency,
		TID:       o.tid,
		VTID:      o.j.VTID,
		Tracking:  o.tracking,
		Buyer:     o.buyer,
		TestCard:  o.j.TestCard,
	}
	if t == OrderFormImpression {
		return e // an impression earns nothing and has no receipt
	}
	e.Receipt = ids.Receipt(o.r)
	if o.orderID == "" {
		o.orderID = e.Receipt
	}
	e.OrderID = o.orderID
	if t == UpsellPurchase {
		e.Original = o.last
	}
	o.last = e.Receipt
	if o.flow != 0 {
		if o.session == "" {
			o.session = upsellSession(o.orderID, o.flow)
		}
		e.UpsellFlowID, e.UpsellSession = o.flow, o.session
		if t == UpsellPurchase {
			e.UpsellPath = o.path
		}
	}
	amount, split, err := o.c.sale(p, o.currency, o.j.Affiliate)
	if err != nil && o.err == nil {
		o.err = err
	}
	e.Amount, e.Split = amount, split
	return e
}

// sale prices one sale of p in the order's currency and computes
// ClickBank's split of it in USD. One order has one currency
// (docs/clickbank.md §5): a product priced in another currency (a USD
// upsell after a EUR front end) is converted through USD; its earnings are
// those of its USD price.
func (c *Catalog) sale(p Product, currency string, affiliate string) (money.Cents, money.Split, error) {
	usd, err := c.Rates.ToUSD(p.Price, p.Currency)
	if err != nil {
		return 0, money.Split{}, fmt.Errorf("item %s: %w", p.Item, err)
	}
	amount := p.Price
	if currency != p.Currency {
		if amount, err = c.Rates.FromUSD(usd, currency); err != nil {
			return 0, money.Split{}, fmt.Errorf("item %s in the order's currency: %w", p.Item, err)
		}
	}
	return amount, money.Sale{Price: usd, Commission: c.commission(p, affiliate), HasAffiliate: affiliate != "", Rounding: c.Rounding}.Split(), nil
}

// commission is the affiliate's rate for p: the affiliate's override, if
// the catalog has one, else the product's.
func (c *Catalog) commission(p Product, affiliate string) money.Percent {
	if a, ok := c.Affiliates[affiliate]; ok && a.Commission != 0 {
		return a.Commission
	}
	return p.Commission
}
