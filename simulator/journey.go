package simulator

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/cbsim/cbsim/simulator/ids"
	"github.com/cbsim/cbsim/simulator/money"
)

// trackingParams are the affiliate tracking parameters ClickBank carries from
// the click to every event, with their length limits (CLICKBANK.md §3).
var trackingParams = map[string]int{
	"traffic_source": 100, "traffic_type": 100, "offer": 100, "campaign": 100, "adgroup": 100,
	"ad": 100, "creative": 100, "aff_sub1": 100, "aff_sub2": 100, "aff_sub3": 100, "aff_sub4": 100,
	"aff_sub5": 100, "network_aff": 100,
	"extclid": 256, "fbclid": 256, "gclid": 256, "contact_id": 256, "unique_aff_sub1": 256,
	"unique_aff_sub2": 256, "unique_aff_sub3": 256, "unique_aff_sub4": 256, "unique_aff_sub5": 256,
}

// TrackingParams returns the names of the affiliate tracking parameters.
func TrackingParams() []string { return keys(trackingParams) }

// ValidateTracking checks affiliate tracking parameters by name and value.
func ValidateTracking(params map[string]string) error {
	for _, name := range keys(params) {
		max, ok := trackingParams[name]
		if !ok {
			return fmt.Errorf("unknown tracking parameter %q (allowed: %s)", name, strings.Join(TrackingParams(), ", "))
		}
		if err := ids.ValidateTrackingValue(name, params[name], max); err != nil {
			return err
		}
	}
	return nil
}

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
	Notes  []string // what ClickBank did on the way that a harness may assert (a dropped TID)
}

// Walk runs a journey: the order form impression, the initial purchase
// unless abandoned, and each accepted upsell. Randomness comes only from r
// and time from start, so the same inputs give the same events.
func (c *Catalog) Walk(j Journey, r *rand.Rand, start time.Time) (Walk, error) {
	f, ok := c.Funnels[j.Funnel]
	if !ok {
		return Walk{}, fmt.Errorf("unknown funnel %q (known: %s)", j.Funnel, strings.Join(c.FunnelNames(), ", "))
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
	w.Events = append(w.Events, o.event(OrderFormImpression, front))
	if j.Abandon {
		return w, nil
	}
	w.Events = append(w.Events, o.event(InitialPurchase, front))
	for i, step := range f.Upsells {
		accept := step.Accept
		if j.Accept != nil {
			accept = i < len(j.Accept) && j.Accept[i]
		}
		if accept {
			w.Events = append(w.Events, o.event(UpsellPurchase, c.Products[step.Item]))
		}
	}
	if err := o.err; err != nil {
		return Walk{}, err
	}
	return w, nil
}

// Single builds one event of type t for product p, as the CLI's fire command
// needs: an upsell gets a fresh original receipt as its order id (the
// original purchase itself is not produced).
func (c *Catalog) Single(t EventType, p Product, j Journey, r *rand.Rand, at time.Time) (Event, []string, error) {
	var notes []string
	o, err := c.newOrder(j, r, at, &notes)
	if err != nil {
		return Event{}, nil, err
	}
	if t == UpsellPurchase {
		o.orderID = ids.Receipt(r)
		o.last = o.orderID
	}
	ev := o.event(t, p)
	return ev, notes, o.err
}

// order is the state shared by the events of one order.
type order struct {
	c        *Catalog
	j        Journey
	r        *rand.Rand
	now      time.Time
	tid      string
	orderID  string // the first receipt, once there is one
	last     string // the receipt an upsell follows
	buyer    Buyer
	tracking map[string]string
	err      error
}

func (c *Catalog) newOrder(j Journey, r *rand.Rand, start time.Time, notes *[]string) (*order, error) {
	if j.Affiliate != "" {
		if _, ok := c.Affiliates[j.Affiliate]; !ok {
			return nil, fmt.Errorf("unknown affiliate %q (known: %s)", j.Affiliate, strings.Join(keys(c.Affiliates), ", "))
		}
	}
	if err := ids.ValidateVTID(j.VTID); err != nil {
		return nil, err
	}
	if err := ValidateTracking(j.Tracking); err != nil {
		return nil, err
	}
	o := &order{c: c, j: j, r: r, now: start, buyer: drawBuyer(j.Buyer, r)}
	if j.Affiliate != "" {
		// TID and tracking parameters arrive on the affiliate's hoplink;
		// the vendor's own traffic has neither.
		tid, err := ids.NormalizeTID(j.TID, j.TIDRule)
		if err != nil {
			*notes = append(*notes, "tid dropped: "+err.Error())
		} else if tid != j.TID {
			*notes = append(*notes, fmt.Sprintf("tid changed by the %s rule: %q became %q", j.TIDRule, j.TID, tid))
		}
		o.tid = tid
		o.tracking = j.Tracking
	} else if j.TID != "" {
		*notes = append(*notes, "tid ignored: a sale without an affiliate has no hoplink")
	}
	return o, nil
}

func (o *order) event(t EventType, p Product) Event {
	o.now = o.now.Add(time.Duration(5+o.r.IntN(55)) * time.Second)
	e := Event{
		Type:      t,
		ID:        ids.UUID(o.r),
		OrderID:   o.orderID,
		Time:      o.now,
		Vendor:    p.Vendor,
		Affiliate: o.j.Affiliate,
		Item:      p.Item,
		Title:     p.Title,
		Currency:  p.Currency,
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
	e.Amount = p.Price
	split, err := o.c.split(p, o.j.Affiliate)
	if err != nil && o.err == nil {
		o.err = err
	}
	e.Split = split
	return e
}

// split computes ClickBank's split of one sale of p in USD.
func (c *Catalog) split(p Product, affiliate string) (money.Split, error) {
	usd, err := c.Rates.ToUSD(p.Price, p.Currency)
	if err != nil {
		return money.Split{}, fmt.Errorf("item %s: %w", p.Item, err)
	}
	pct := p.Commission
	if a, ok := c.Affiliates[affiliate]; ok && a.Commission != 0 {
		pct = a.Commission
	}
	return money.Sale{Price: usd, Commission: pct, HasAffiliate: affiliate != ""}.Split(), nil
}

var buyers = []Buyer{
	{Country: "US", State: "CA", PostalCode: "90210"},
	{Country: "US", State: "NY", PostalCode: "10001"},
	{Country: "US", State: "TX", PostalCode: "73301"},
	{Country: "GB", State: "", PostalCode: "SW1A 1AA"},
	{Country: "CA", State: "ON", PostalCode: "M5V 3L9"},
	{Country: "DE", State: "BY", PostalCode: "80331"},
	{Country: "AU", State: "NSW", PostalCode: "2000"},
}

var devices = []string{"desktop", "mobile", "tablet"}
var browsers = []string{"Chrome", "Safari", "Firefox", "Edge"}

// drawBuyer fills the empty fields of b from r. Geography comes as a whole
// (a drawn postal code matches the drawn country) unless the caller set any of it.
func drawBuyer(b Buyer, r *rand.Rand) Buyer {
	g := buyers[r.IntN(len(buyers))]
	if b.Country == "" && b.State == "" && b.PostalCode == "" {
		b.Country, b.State, b.PostalCode = g.Country, g.State, g.PostalCode
	}
	d, br := devices[r.IntN(len(devices))], browsers[r.IntN(len(browsers))]
	if b.Device == "" {
		b.Device = d
	}
	if b.Browser == "" {
		b.Browser = br
	}
	return b
}
