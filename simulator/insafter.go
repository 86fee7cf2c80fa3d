package simulator

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/cbsim/cbsim/simulator/ins"
)

// DefaultPurchaseMemory is how many purchases a Simulator remembers by
// receipt for Refund, Chargeback and Rebill; older ones are forgotten.
const DefaultPurchaseMemory = 10000

// When the transactions against an earlier receipt happen: cbsim's choice,
// so that the same journey gives the same notifications. A rebill N is
// charged N−1 months after the purchase (the MONTHLY plan of a recurring
// product); a refund or chargeback a day after the charge it reverses.
const reversalDelay = 24 * time.Hour

// Refund tells by INS that the purchase (or the rebill, by its -B00N
// receipt) with this receipt was refunded: RFND, or TEST_RFND for a test
// card, with minus the amounts of the charge (the rebill rate for a
// rebill), to the same accounts with the same TID and vtid. The purchase
// must be one the simulator delivered (DeliverAll); an unknown receipt is
// a *NotFoundError naming it. A receipt already refunded or charged back
// is an error.
func (s *Simulator) Refund(ctx context.Context, receipt string) ([]INSDelivery, error) {
	return s.reverse(ctx, receipt, ins.Refund)
}

// Chargeback tells by INS that the buyer's bank took back the charge with
// this receipt: CGBK, as Refund does. A test-card order cannot be charged
// back (ClickBank has no test chargeback).
func (s *Simulator) Chargeback(ctx context.Context, receipt string) ([]INSDelivery, error) {
	return s.reverse(ctx, receipt, ins.Chargeback)
}

// Rebill tells by INS the payment-th charge of the subscription whose
// first receipt is receipt: BILL (TEST_BILL for a test card) with receipt
// RECEIPT-B00N (payment 2 is -B002) and the rebill rate of
// docs/clickbank.md §5 (money.Sale.Rebill). payment 0 = the next one. The
// product must be recurring (Product.Recurring); payments go up one by one
// and stop once the subscription was refunded or charged back.
func (s *Simulator) Rebill(ctx context.Context, receipt string, payment int) ([]INSDelivery, error) {
	if err := s.ready("rebill"); err != nil {
		return nil, err
	}
	var tx insTransaction
	err := s.purchases.update(receipt, func(p *purchase, n int) error {
		if err := p.subscription(receipt, n, "rebill"); err != nil {
			return err
		}
		if p.cancelled {
			return &ParamError{"receipt", fmt.Errorf("subscription %s was cancelled (CANCEL-REBILL): it rebills no more until UncancelRebill resumes it", receipt)}
		}
		var err error
		if payment, err = p.nextPayment(receipt, payment, ""); err != nil {
			return err
		}
		p.payments = payment
		p.changes = 0
		typ := ins.Bill
		if p.ev.TestCard {
			typ = ins.TestBill
		}
		tx = insTransaction{ev: p.ev, p: p.p, known: true, typ: typ, receipt: p.ev.Receipt, payment: payment, at: chargeTime(p.ev.Time, payment)}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.notify(ctx, tx, false), nil
}

// CancelRebill tells by INS that the subscription whose first receipt is
// receipt was cancelled: CANCEL-REBILL with zero amounts and a paymentPlan
// whose rebillStatus is CANCELED, a day after its latest charge. Rebill
// and InsufficientFunds then refuse it until UncancelRebill. Cancelling a
// cancelled subscription is a *ParamError, and so is one refunded or
// charged back (that already ended it). A test-card order is refused:
// package ins does not build CANCEL-TEST-REBILL.
func (s *Simulator) CancelRebill(ctx context.Context, receipt string) ([]INSDelivery, error) {
	return s.setCancelled(ctx, receipt, true)
}

// UncancelRebill tells by INS that the cancelled subscription whose first
// receipt is receipt was resumed: UNCANCEL-REBILL with zero amounts and an
// ACTIVE paymentPlan. The next Rebill is the payment after the latest one
// made. Uncancelling an active subscription is a *ParamError.
func (s *Simulator) UncancelRebill(ctx context.Context, receipt string) ([]INSDelivery, error) {
	return s.setCancelled(ctx, receipt, false)
}

// setCancelled issues a CANCEL-REBILL (cancel) or UNCANCEL-REBILL.
func (s *Simulator) setCancelled(ctx context.Context, receipt string, cancel bool) ([]INSDelivery, error) {
	typ, verb := ins.CancelRebill, "cancel"
	if !cancel {
		typ, verb = ins.UncancelRebill, "uncancel"
	}
	if err := s.ready(string(typ)); err != nil {
		return nil, err
	}
	var tx insTransaction
	err := s.purchases.update(receipt, func(p *purchase, n int) error {
		if err := p.subscription(receipt, n, verb); err != nil {
			return err
		}
		if p.ev.TestCard {
			return &ParamError{"receipt", fmt.Errorf("%s is a test-card order: cbsim does not build %s's test form (CANCEL-TEST-REBILL, UNCANCEL-TEST-REBILL)", receipt, typ)}
		}
		if p.cancelled == cancel {
			if cancel {
				return &ParamError{"receipt", fmt.Errorf("subscription %s was already cancelled", receipt)}
			}
			return &ParamError{"receipt", fmt.Errorf("subscription %s is active: only a cancelled one can be uncancelled", receipt)}
		}
		p.cancelled = cancel
		p.changes++
		tx = insTransaction{ev: p.ev, p: p.p, known: true, typ: typ, receipt: p.ev.Receipt, payment: p.payments,
			at: chargeTime(p.ev.Time, p.payments).Add(time.Duration(p.changes) * reversalDelay)}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.notify(ctx, tx, false), nil
}

// InsufficientFunds tells by INS that the payment-th charge of the
// subscription whose first receipt is receipt failed: INSF with receipt
// RECEIPT-B00N and zero amounts. payment 0 = the next one, and it must be
// the next one; a failed charge does not count, so the next Rebill is
// still that payment (and it may fail again). A cancelled, refunded or
// charged-back subscription is refused as Rebill refuses it, and so is a
// test-card order (ClickBank has no test INSF).
func (s *Simulator) InsufficientFunds(ctx context.Context, receipt string, payment int) ([]INSDelivery, error) {
	if err := s.ready(string(ins.InsufFunds)); err != nil {
		return nil, err
	}
	var tx insTransaction
	err := s.purchases.update(receipt, func(p *purchase, n int) error {
		if err := p.subscription(receipt, n, "fail a charge of"); err != nil {
			return err
		}
		if p.cancelled {
			return &ParamError{"receipt", fmt.Errorf("subscription %s was cancelled (CANCEL-REBILL): it charges nothing until UncancelRebill resumes it", receipt)}
		}
		if p.ev.TestCard {
			return &ParamError{"receipt", fmt.Errorf("%s is a test-card order: ClickBank has no test INSF", receipt)}
		}
		var err error
		if payment, err = p.nextPayment(receipt, payment, ", the only one that can fail"); err != nil {
			return err
		}
		tx = insTransaction{ev: p.ev, p: p.p, known: true, typ: ins.InsufFunds, receipt: p.ev.Receipt, payment: payment, at: chargeTime(p.ev.Time, payment)}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.notify(ctx, tx, false), nil
}

// subscription says why the charge n of p, named receipt, is not a
// subscription one can verb: a rebill's receipt, a product that is not
// recurring, or a subscription a refund or chargeback ended.
func (p *purchase) subscription(receipt string, n int, verb string) error {
	if n != 1 {
		return &ParamError{"receipt", fmt.Errorf("%s is a rebill's receipt: %s the subscription by its first receipt %s", receipt, verb, p.ev.Receipt)}
	}
	if !p.p.Recurring {
		return &ParamError{"receipt", fmt.Errorf("%s is a purchase of item %s, which is not recurring: only a subscription rebills", receipt, p.p.Item)}
	}
	for _, r := range p.receipts() {
		// A refund or chargeback of any charge cancels the
		// subscription (its paymentPlan says CANCELED).
		if how, ok := p.reversed[r]; ok {
			return &ParamError{"receipt", fmt.Errorf("subscription %s was cancelled by the %s of %s: it rebills no more", receipt, how, r)}
		}
	}
	return nil
}

// reverse issues a refund or chargeback of receipt.
func (s *Simulator) reverse(ctx context.Context, receipt string, typ ins.TransactionType) ([]INSDelivery, error) {
	if err := s.ready(string(typ)); err != nil {
		return nil, err
	}
	var tx insTransaction
	err := s.purchases.update(receipt, func(p *purchase, n int) error {
		if n > p.payments {
			return &NotFoundError{Kind: "receipt", Name: receipt, Known: p.receipts()}
		}
		if how, ok := p.reversed[receipt]; ok {
			return &ParamError{"receipt", fmt.Errorf("%s was already %s", receipt, how)}
		}
		t := typ
		if p.ev.TestCard {
			if typ == ins.Chargeback {
				return &ParamError{"receipt", fmt.Errorf("%s is a test-card order: ClickBank has no test chargeback (refund it: TEST_RFND)", receipt)}
			}
			t = ins.TestRefund
		}
		if p.reversed == nil {
			p.reversed = map[string]ins.TransactionType{}
		}
		p.reversed[receipt] = t
		tx = insTransaction{ev: p.ev, p: p.p, known: true, typ: t, receipt: receipt, payment: n, at: chargeTime(p.ev.Time, n).Add(reversalDelay)}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.notify(ctx, tx, false), nil
}

// ready checks that there is somewhere to tell a transaction of kind.
func (s *Simulator) ready(kind string) error {
	if len(s.INSEndpoints) == 0 {
		return fmt.Errorf("%s: no INS endpoint is set (Simulator.INSEndpoints): ClickBank tells it only by INS", kind)
	}
	return s.CheckINSEndpoints()
}

// chargeTime is when charge n (1 = the purchase) of a monthly plan bought
// at t is made.
func chargeTime(t time.Time, n int) time.Time { return t.AddDate(0, n-1, 0) }

// purchase is one purchase remembered, with what happened to it since.
type purchase struct {
	ev       Event
	p        Product
	payments int                            // charges made: 1, then 2 after -B002, …
	reversed map[string]ins.TransactionType // receipts refunded or charged back, and how
	// cancelled is set by CancelRebill and cleared by UncancelRebill;
	// changes counts both since the latest charge, to date each a day
	// after the one before.
	cancelled bool
	changes   int
}

// receipts lists the receipts of p's charges.
func (p *purchase) receipts() []string {
	out := []string{p.ev.Receipt}
	for n := 2; n <= p.payments; n++ {
		out = append(out, fmt.Sprintf("%s-B%03d", p.ev.Receipt, n))
	}
	return out
}

// purchaseBook remembers the latest purchases by receipt, a bounded FIFO.
// The zero value is ready; it is safe for concurrent use.
type purchaseBook struct {
	mu    sync.Mutex // guards byReceipt and order
	byRec map[string]*purchase
	order []string // receipts, oldest first
}

// remember records a purchase event; the oldest is forgotten once
// DefaultPurchaseMemory are held. A receipt seen again replaces the record.
func (b *purchaseBook) remember(ev Event, p Product) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.byRec == nil {
		b.byRec = map[string]*purchase{}
	}
	if _, ok := b.byRec[ev.Receipt]; !ok {
		if len(b.order) >= DefaultPurchaseMemory {
			delete(b.byRec, b.order[0])
			b.order = b.order[1:]
		}
		b.order = append(b.order, ev.Receipt)
	}
	b.byRec[ev.Receipt] = &purchase{ev: ev, p: p, payments: 1}
}

// rebillSuffix is a rebill's receipt suffix (docs/clickbank.md §2).
var rebillSuffix = regexp.MustCompile(`^(.+)-B([0-9]{3})$`)

// update finds the purchase receipt concerns (a rebill's -B00N names its
// subscription's first receipt) and calls f with it and the charge's
// number (1 for the purchase itself), under the lock.
func (b *purchaseBook) update(receipt string, f func(p *purchase, n int) error) error {
	if receipt == "" {
		return &ParamError{"receipt", errors.New("required: the receipt of an earlier purchase")}
	}
	first, n := receipt, 1
	if m := rebillSuffix.FindStringSubmatch(receipt); m != nil {
		first = m[1]
		n, _ = strconv.Atoi(m[2])
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	p, ok := b.byRec[first]
	if !ok || n < 2 && first != receipt {
		// The latest few: the book may hold thousands.
		known := slices.Clone(b.order[max(len(b.order)-10, 0):])
		return &NotFoundError{Kind: "receipt", Name: receipt, Known: known}
	}
	return f(p, n)
}

// nextPayment checks that payment (0: the next one) is the subscription's
// next charge and at most its 999th; why is added to the message of a
// payment other than the next.
func (p *purchase) nextPayment(receipt string, payment int, why string) (int, error) {
	next := p.payments + 1
	if payment == 0 {
		payment = next
	}
	if payment != next {
		return 0, &ParamError{"payment", fmt.Errorf("payment %d of %s: the next charge is %d (-B%03d)%s", payment, receipt, next, next, why)}
	}
	if payment > 999 {
		return 0, &ParamError{"payment", fmt.Errorf("payment %d of %s: a subscription charges at most 999 times (-B999)", payment, receipt)}
	}
	return payment, nil
}
