package simulator

import (
	"context"
	"fmt"
	"time"

	"github.com/cbsim/cbsim/simulator/ids"
	"github.com/cbsim/cbsim/simulator/money"
)

// FireRequest is one ad-hoc event, as `cbsim fire` and the control API of
// `cbsim serve` describe it. Zero fields take the catalog's values.
type FireRequest struct {
	Event EventType
	Role  Role

	URL          string        // a URL template: an ad-hoc integration of Role for Event
	Integrations []Integration // or these (only those of Role fire)

	Vendor     string
	Affiliate  string // "" = a direct sale with no affiliate
	Item       string // a catalog item, or a new one when Price is set
	Price      *money.Cents
	Commission *money.Percent
	Currency   string

	TID      string
	TIDRule  ids.TIDRule
	VTID     string
	Tracking map[string]string
	Buyer    Buyer
	TestCard bool

	Seed     uint64
	At       time.Time // when the event happens; zero = a fixed date, so seeded output is stable
	TestFire bool      // send placeholder values like ClickBank's Test button
	DryRun   bool      // build, do not send
}

// FireText holds the fields of a FireRequest that arrive as text, named as
// the control API's JSON names them (the CLI's flags spell "_" as "-").
type FireText struct {
	Event, Role, TIDRule, Price, Commission string
}

// ParamError is a bad value of a named request parameter.
type ParamError struct {
	Param string // e.g. "price", "tid_rule"
	Err   error
}

func (e *ParamError) Error() string { return e.Param + ": " + e.Err.Error() }
func (e *ParamError) Unwrap() error { return e.Err }

// Apply parses t into req's typed fields. An error is a *ParamError naming
// the parameter and saying what is allowed.
func (t FireText) Apply(req *FireRequest) error {
	var err error
	if req.Event, err = ParseEventType(t.Event); err != nil {
		return &ParamError{"event", err}
	}
	if req.Role, err = ParseRole(t.Role); err != nil {
		return &ParamError{"role", err}
	}
	if req.TIDRule, err = ids.ParseTIDRule(t.TIDRule); err != nil {
		return &ParamError{"tid_rule", err}
	}
	if t.Price != "" {
		p, err := money.Parse(t.Price)
		if err != nil {
			return &ParamError{"price", err}
		}
		req.Price = &p
	}
	if t.Commission != "" {
		c, err := money.ParsePercent(t.Commission)
		if err != nil {
			return &ParamError{"commission", err}
		}
		req.Commission = &c
	}
	return nil
}

// FireResult is what Fire did.
type FireResult struct {
	Event      Event
	Notes      []string
	Deliveries []Delivery
}

// fixedTime is the default event time: output must not depend on the clock.
var fixedTime = time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC)

// Fire builds one event from req against the catalog c and delivers it with
// d (or only builds it when req.DryRun).
func Fire(ctx context.Context, c *Catalog, d *Dispatcher, req FireRequest) (FireResult, error) {
	ins, err := req.integrations()
	if err != nil {
		return FireResult{}, err
	}
	if req.TestFire {
		var res FireResult
		for _, in := range ins {
			del, err := BuildTest(req.Event, in)
			if err != nil {
				return FireResult{}, err
			}
			res.Deliveries = append(res.Deliveries, send(ctx, d, del, req.DryRun))
		}
		return res, nil
	}
	p, err := req.product(c)
	if err != nil {
		return FireResult{}, err
	}
	cat := *c
	cat.Products = map[string]Product{p.Item: p}
	if req.Affiliate != "" {
		if _, ok := c.Affiliates[req.Affiliate]; !ok {
			nick, err := ids.ValidateNickname(req.Affiliate)
			if err != nil {
				return FireResult{}, fmt.Errorf("affiliate: %w", err)
			}
			cat.Affiliates = map[string]Affiliate{nick: {Nickname: nick}}
			req.Affiliate = nick
		}
	}
	at := req.At
	if at.IsZero() {
		at = fixedTime
	}
	j := Journey{Affiliate: req.Affiliate, TID: req.TID, TIDRule: req.TIDRule, VTID: req.VTID,
		Tracking: req.Tracking, Buyer: req.Buyer, TestCard: req.TestCard}
	ev, notes, err := cat.Single(req.Event, p, j, NewRand(req.Seed), at)
	if err != nil {
		return FireResult{}, err
	}
	res := FireResult{Event: ev, Notes: notes}
	if d != nil && d.Journal != nil {
		for _, n := range notes {
			d.Journal.Note(n)
		}
	}
	for _, in := range ins {
		res.Deliveries = append(res.Deliveries, send(ctx, d, Build(&ev, in), req.DryRun))
	}
	return res, nil
}

func send(ctx context.Context, d *Dispatcher, del Delivery, dry bool) Delivery {
	if dry || d == nil {
		return del
	}
	return d.Send(ctx, del)
}

func (req FireRequest) integrations() ([]Integration, error) {
	if req.Event == "" {
		return nil, fmt.Errorf("event: required (allowed: order_form_impression, initial_purchase, upsell_purchase)")
	}
	if req.Role == "" {
		return nil, fmt.Errorf("role: required (allowed: affiliate, vendor)")
	}
	switch {
	case req.URL != "" && len(req.Integrations) > 0:
		return nil, fmt.Errorf("give a URL template or integrations, not both")
	case req.URL != "":
		if err := checkURL(req.URL); err != nil {
			return nil, fmt.Errorf("url: %w", err)
		}
		return []Integration{{Name: "adhoc-" + string(req.Role), Role: req.Role, Active: true, Events: []EventType{req.Event}, URL: req.URL}}, nil
	case len(req.Integrations) > 0:
		var out []Integration
		for _, in := range req.Integrations {
			if in.Role == req.Role && in.Subscribed(req.Event) {
				in.Account = "" // an ad-hoc event fires every integration of the role
				out = append(out, in)
			}
		}
		if len(out) == 0 {
			return nil, fmt.Errorf("no active %s integration subscribed to %s", req.Role, req.Event)
		}
		return out, nil
	}
	return nil, fmt.Errorf("give a URL template (--url) or an integration file (--integration)")
}

func (req FireRequest) product(c *Catalog) (Product, error) {
	vendor := req.Vendor
	if vendor == "" {
		vendor = "ven01"
	}
	vendor, err := ids.ValidateNickname(vendor)
	if err != nil {
		return Product{}, fmt.Errorf("vendor: %w", err)
	}
	item := req.Item
	p, known := c.Products[item]
	if item == "" || !known {
		if req.Price == nil {
			if item == "" {
				return Product{}, fmt.Errorf("give --item of the catalog (known: %v) or a --price", keys(c.Products))
			}
			return Product{}, fmt.Errorf("item %q is not in the catalog (known: %v); give a --price to fire it anyway", item, keys(c.Products))
		}
		if item == "" {
			item = "ITEM-1"
		}
		if err := ids.ValidateItem(item); err != nil {
			return Product{}, fmt.Errorf("item: %w", err)
		}
		p = Product{Item: item, Vendor: vendor, Title: "Ad-hoc product " + item, Currency: "USD", Commission: money.DefaultCommission}
		if v, ok := c.Vendors[vendor]; ok {
			p.Commission = v.Commission
		}
	}
	if req.Vendor != "" {
		p.Vendor = vendor
	}
	if req.Price != nil {
		if *req.Price < 0 || (*req.Price != 0 && *req.Price < 300) {
			return Product{}, fmt.Errorf("price %s is not allowed: a product costs 0.00 or at least 3.00", *req.Price)
		}
		p.Price = *req.Price
	}
	if req.Commission != nil {
		p.Commission = *req.Commission
	}
	if req.Currency != "" {
		if req.Currency != "USD" {
			if _, ok := c.Rates[req.Currency]; !ok {
				return Product{}, fmt.Errorf("currency %q has no rate (known: USD %v)", req.Currency, keys(c.Rates))
			}
		}
		p.Currency = req.Currency
	}
	return p, nil
}
