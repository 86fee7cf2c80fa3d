package simulator

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/cbsim/cbsim/simulator/ids"
	"github.com/cbsim/cbsim/simulator/macro"
	"github.com/cbsim/cbsim/simulator/money"
)

// FireRequest is one ad-hoc event, as `cbsim fire` and the control API of
// `cbsim serve` describe it. Zero fields take the catalog's values and the
// defaults of defaults.go.
type FireRequest struct {
	Event EventType
	Role  Role

	// Which integrations fire: URL, an ad-hoc integration of Role for
	// Event; or Integration, the simulator's integration of that name;
	// or, when both are empty, every integration of Role subscribed to
	// Event. An ad-hoc event fires them whatever account owns them.
	URL         string
	Integration string

	Vendor     string         // "" = the product's vendor, DefaultVendor for a new item
	Affiliate  string         // "" = a direct sale with no affiliate
	Item       string         // a catalog item, or a new one when Price is set; "" = DefaultItem
	Price      *money.Cents   // nil = the catalog's
	Commission *money.Percent // nil = the catalog's
	Currency   string         // "" = the catalog's

	TID      string
	TIDRule  ids.TIDRule
	VTID     string
	Tracking map[string]string
	Buyer    Buyer
	TestCard bool

	Seed     uint64
	At       time.Time // when the event happens; zero = DefaultTime
	TestFire bool      // send placeholder values like ClickBank's Test button
	DryRun   bool      // build, send and journal nothing
}

// FireText holds the fields of a FireRequest that arrive as text, named as
// the control API's JSON names them (the CLI's flags spell "_" as "-").
type FireText struct {
	Event, Role, TIDRule, Price, Commission string
}

// Apply parses t into req's typed fields. An error is a *ParamError naming
// the parameter and saying what is allowed.
func (t FireText) Apply(req *FireRequest) error {
	var err error
	if req.Event, err = macro.ParseEventType(t.Event); err != nil {
		return &ParamError{"event", err}
	}
	if req.Role, err = macro.ParseRole(t.Role); err != nil {
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
	Notes      []Note
	Deliveries []Delivery
}

// Fire builds one event from req and delivers it to the integrations req
// selects, journaling the notes and the deliveries; a dry run only builds
// them. An error in a field of req is a *ParamError naming it; an unknown
// name is a *NotFoundError.
func (s *Simulator) Fire(ctx context.Context, req FireRequest) (FireResult, error) {
	ins, err := s.fireIntegrations(req)
	if err != nil {
		return FireResult{}, err
	}
	var res FireResult
	if req.TestFire {
		for _, in := range ins {
			d, err := BuildTest(req.Event, in)
			if err != nil {
				return FireResult{}, err
			}
			res.Deliveries = append(res.Deliveries, d)
		}
	} else {
		p, err := s.product(req)
		if err != nil {
			return FireResult{}, err
		}
		if req.Affiliate != "" {
			if req.Affiliate, err = ids.ValidateNickname(req.Affiliate); err != nil {
				return FireResult{}, &ParamError{"affiliate", err}
			}
		}
		at := req.At
		if at.IsZero() {
			at = DefaultTime
		}
		j := Journey{Affiliate: req.Affiliate, TID: req.TID, TIDRule: req.TIDRule, VTID: req.VTID,
			Tracking: req.Tracking, Buyer: req.Buyer, TestCard: req.TestCard}
		if res.Event, res.Notes, err = s.Catalog.single(req.Event, p, j, NewRand(req.Seed), at); err != nil {
			return FireResult{}, err
		}
		for _, in := range ins {
			res.Deliveries = append(res.Deliveries, Build(&res.Event, in))
		}
	}
	if req.DryRun {
		return res, nil
	}
	s.Journal.note(res.Notes...)
	for i, d := range res.Deliveries {
		res.Deliveries[i] = s.Send(ctx, d)
	}
	return res, nil
}

// fireIntegrations returns the integrations an ad-hoc event fires.
func (s *Simulator) fireIntegrations(req FireRequest) ([]Integration, error) {
	if !req.Event.Valid() {
		return nil, &ParamError{"event", fmt.Errorf("required (allowed: %s)", macro.EventTypeNames)}
	}
	if _, err := macro.ParseRole(string(req.Role)); err != nil {
		return nil, &ParamError{"role", fmt.Errorf("required (allowed: %s)", macro.RoleNames)}
	}
	var from []Integration
	switch {
	case req.URL != "" && req.Integration != "":
		return nil, &ParamError{"integration", errors.New("give url or integration, not both")}
	case req.URL != "":
		if err := checkURL(req.URL); err != nil {
			return nil, &ParamError{"url", err}
		}
		return []Integration{{Name: "adhoc-" + string(req.Role), Role: req.Role, Active: true, Events: []EventType{req.Event}, URL: req.URL}}, nil
	case req.Integration != "":
		in, err := s.Integration(req.Integration)
		if err != nil {
			return nil, &ParamError{"integration", err}
		}
		if in.Role != req.Role || !in.Subscribed(req.Event) {
			return nil, &ParamError{"integration", fmt.Errorf("integration %q is not an active %s integration subscribed to %s", in.Name, req.Role, req.Event)}
		}
		from = []Integration{in}
	default:
		from = s.integrations()
	}
	var out []Integration
	for _, in := range from {
		if in.Role == req.Role && in.Subscribed(req.Event) {
			in.Account = "" // an ad-hoc event fires every integration of the role
			out = append(out, in)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no active %s integration subscribed to %s: give a url or an integration file", req.Role, req.Event)
	}
	return out, nil
}

// product returns the product req fires: a catalog item with req's
// overrides, or a new item when req gives a price.
func (s *Simulator) product(req FireRequest) (Product, error) {
	c := s.Catalog
	vendor := req.Vendor
	if vendor != "" {
		nick, err := ids.ValidateNickname(vendor)
		if err != nil {
			return Product{}, &ParamError{"vendor", err}
		}
		vendor = nick
	}
	item := req.Item
	if item == "" {
		item = DefaultItem
	}
	p, known := c.Products[item]
	if !known {
		if req.Price == nil {
			return Product{}, &ParamError{"item", fmt.Errorf("%w; give a price to fire it anyway", &NotFoundError{Kind: "item", Name: item, Known: keys(c.Products)})}
		}
		if vendor == "" {
			vendor = DefaultVendor
		}
		p = Product{Item: item, Title: "Ad-hoc product " + item, Currency: "USD", Commission: money.DefaultCommission}
		if v, ok := c.Vendors[vendor]; ok {
			p.Commission = v.Commission
		}
	}
	if vendor != "" {
		p.Vendor = vendor
	}
	if req.Price != nil {
		p.Price = *req.Price
	}
	if req.Commission != nil {
		p.Commission = *req.Commission
	}
	if req.Currency != "" {
		p.Currency = req.Currency
	}
	return p, c.CheckProduct(p)
}
