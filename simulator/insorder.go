package simulator

import (
	"context"
	"fmt"

	"github.com/cbsim/cbsim/simulator/ids"
	"github.com/cbsim/cbsim/simulator/ins"
)

// INSRequest is one ad-hoc INS transaction, as `cbsim ins send` describes
// it: a purchase built from the catalog as Fire builds one, told as
// notifications of Type.
type INSRequest struct {
	Type    ins.TransactionType
	Version string   // "" = ins.DefaultVersion
	Role    ins.Role // "" = every role ClickBank notifies (ins.Build)
	// Receipt is the receipt the transaction concerns (a subscription's
	// first for BILL, TEST_BILL and INSF); "" = the purchase's, drawn from
	// the seed.
	Receipt string
	// Payment is the charge of a BILL, TEST_BILL or INSF: 2 is the first
	// rebill (-B002); 0 = 2.
	Payment int
	// Sale is the purchase: product, accounts, TID and vtid, tracking
	// parameters, buyer, seed and time, with Fire's defaults. Its Event
	// UpsellPurchase makes it an upsell, as Fire builds one: a line item
	// UPSELL and an upsell block naming a fresh original receipt (any
	// other Event is a front-end purchase). Its Role, URL, Integration,
	// TestFire and DryRun are not used.
	Sale FireRequest
}

// subscription reports whether t concerns a subscription, so that the
// item needs a payment plan (ins.Order).
func subscription(t ins.TransactionType) bool {
	switch t {
	case ins.Bill, ins.TestBill, ins.InsufFunds, ins.CancelRebill, ins.UncancelRebill:
		return true
	}
	return false
}

// BuildINS builds the notifications of req without sending anything: the
// purchase's Event as Fire would build it (the same split the postbacks
// use), its ins.Order, and ins.Build's notifications, or the one of
// req.Role. A recurring type makes the item a monthly subscription
// rebilling at its price. An error in a field of req is a *ParamError
// naming it.
func (s *Simulator) BuildINS(req INSRequest) ([]*ins.Notification, []Note, error) {
	if _, err := ins.ParseTransactionType(string(req.Type)); err != nil {
		return nil, nil, &ParamError{"type", err}
	}
	if req.Version != "" {
		if _, err := ins.PaddingFor(req.Version); err != nil {
			return nil, nil, &ParamError{"version", err}
		}
	}
	sale := req.Sale
	p, err := s.product(sale)
	if err != nil {
		return nil, nil, err
	}
	if sale.Affiliate != "" {
		if sale.Affiliate, err = ids.ValidateNickname(sale.Affiliate); err != nil {
			return nil, nil, &ParamError{"affiliate", err}
		}
	}
	at := sale.At
	if at.IsZero() {
		at = DefaultTime
	}
	j := Journey{Affiliate: sale.Affiliate, TID: sale.TID, TIDRule: sale.TIDRule, VTID: sale.VTID,
		Tracking: sale.Tracking, Buyer: sale.Buyer, TestCard: sale.TestCard}
	t := InitialPurchase
	if sale.Event == UpsellPurchase {
		t = UpsellPurchase
	}
	ev, notes, err := s.Catalog.single(t, p, j, NewRand(sale.Seed), at)
	if err != nil {
		return nil, nil, err
	}
	o, err := s.Catalog.insOrder(&ev, p, req)
	if err != nil {
		return nil, nil, err
	}
	if req.Role == "" {
		ns, err := ins.Build(o)
		if err != nil {
			return nil, nil, err
		}
		return ns, notes, nil
	}
	n, err := o.For(req.Role)
	if err != nil {
		return nil, nil, &ParamError{"role", err}
	}
	return []*ins.Notification{n}, notes, nil
}

// insOrder is the ins.Order of a purchase event ev of product p.
func (c *Catalog) insOrder(ev *Event, p Product, req INSRequest) (ins.Order, error) {
	usd, err := c.Rates.ToUSD(p.Price, p.Currency)
	if err != nil {
		return ins.Order{}, fmt.Errorf("item %s: %w", p.Item, err)
	}
	item := ins.Item{No: p.Item, Title: p.Title, Price: ev.Amount, USD: usd, Commission: c.commission(p, ev.Affiliate)}
	payment := req.Payment
	if subscription(req.Type) || p.Recurring {
		item.Plan = &ins.Plan{Frequency: "MONTHLY", Rebill: ev.Amount}
	}
	if subscription(req.Type) {
		if payment == 0 && req.Type != ins.CancelRebill && req.Type != ins.UncancelRebill {
			payment = 2
		}
	}
	receipt := req.Receipt
	if receipt == "" {
		receipt = ev.Receipt
	}
	b := ev.Buyer
	o := ins.Order{
		Type: req.Type, Version: req.Version, Time: ev.Time, Receipt: receipt, Payment: payment,
		Vendor: ev.Vendor, Affiliate: ev.Affiliate, Items: []ins.Item{item},
		Currency: ev.Currency, Rounding: c.Rounding,
		Buyer: ins.Buyer{Address: ins.Address{State: b.State, PostalCode: b.PostalCode, Country: b.Country}},
		TID:   ev.TID, VTID: ev.VTID, Tracking: ev.Tracking,
	}
	if ev.UpsellFlowID != 0 {
		// A purchase in a funnel with an upsell flow names the flow and
		// the session (docs/clickbank.md §6.2).
		o.Upsell = &ins.UpsellBlock{UpsellFlowID: ev.UpsellFlowID, UpsellSession: ev.UpsellSession}
	}
	if ev.Type == UpsellPurchase && ev.OrderID != "" {
		// An upsell is its own receipt, linked to the order's first
		// through upsellOriginalReceipt, with its path (docs/clickbank.md
		// §2, §6.2).
		o.Items[0].Type = ins.Upsell
		if o.Upsell == nil {
			o.Upsell = &ins.UpsellBlock{}
		}
		o.Upsell.UpsellOriginalReceipt = ev.OrderID
		o.Upsell.UpsellPath = ev.UpsellPath
	}
	// The click's common tracking parameters that the simulator knows
	// (docs/clickbank.md §6.2, printed by 8.0 only).
	for _, kv := range [][2]string{{"deviceType", b.Device}, {"browser", b.Browser}, {"country", b.Country}, {"state", b.State}} {
		if kv[1] != "" {
			o.Common = append(o.Common, ins.Param{Name: kv[0], Value: kv[1]})
		}
	}
	return o, nil
}

// SendINS delivers notifications with the simulator's INS sender (a
// default one when INS is nil) and journals every delivery. A wrong
// target is a *ParamError and nothing is sent or journaled.
func (s *Simulator) SendINS(ctx context.Context, t INSTarget, ns []*ins.Notification) ([]INSDelivery, error) {
	sender := s.INS
	if sender == nil {
		sender = &INSSender{}
	}
	ds, err := sender.Send(ctx, t, ns)
	if err != nil {
		return nil, err
	}
	for _, d := range ds {
		s.Journal.recordINS(d)
	}
	return ds, nil
}
