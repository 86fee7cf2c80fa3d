package steps

// Step methods for ClickBank's Instant Notifications (INS,
// docs/clickbank.md §6): the scenario's purchase told to the tracker's INS
// URL as ClickBank would, sealed with the tracker's secret key, and what
// the tracker did with it.

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cbsim/cbsim/simulator"
	"github.com/cbsim/cbsim/simulator/ins"
)

// INSReceiver is a Tracker that may take ClickBank's Instant Notifications:
// the reference tracker started with an INS secret, or a tracker whose
// profile names an INS URL and secret (ins: in docs/profiles.md).
type INSReceiver interface {
	Tracker
	// INS returns the tracker's INS URL and the secret key notifications
	// are sealed with; an error, wrapping ErrNotSupported, says why the
	// tracker takes none (no secret configured, …).
	INS() (url, secret string, err error)
}

// NoINSError says why a tracker takes no INS notifications; it wraps
// ErrNotSupported.
type NoINSError struct {
	Reason string // "profile cbsim names an INS URL (…) but its secret key is not given (…)"
}

// Error says that the tracker under test takes no INS, and why.
func (e NoINSError) Error() string {
	return "the tracker under test takes no INS notifications: " + e.Reason
}

// Unwrap returns ErrNotSupported.
func (e NoINSError) Unwrap() error { return ErrNotSupported }

// insTimeFactor scales ClickBank's 4 hours between INS attempts to about
// 14ms, so that a scenario's retries take milliseconds.
const insTimeFactor = 1e-6

// insTimeout is the per-attempt timeout of the steps' INS sender:
// ClickBank's 3 s (simulator.DefaultINSTimeout) unless the scenario's
// postback timeout is shorter.
func (w *World) insTimeout() time.Duration {
	return min(simulator.DefaultINSTimeout, w.dispatcher.Timeout)
}

// insTarget returns where the scenario's notifications go: the tracker's
// INS URL (through the fault in front of the tracker, if any) and secret,
// sealed with the scenario's cipher.
func (w *World) insTarget(ctx context.Context) (simulator.INSTarget, error) {
	t, err := w.trk(ctx)
	if err != nil {
		return simulator.INSTarget{}, err
	}
	r, ok := t.(INSReceiver)
	if !ok {
		return simulator.INSTarget{}, NoINSError{Reason: "it names no INS URL and secret (a profile's ins: section; the reference tracker with --ins-secret)"}
	}
	u, secret, err := r.INS()
	if err != nil {
		return simulator.INSTarget{}, err
	}
	if w.fault != nil {
		u = w.viaFaultURL(u)
	}
	return simulator.INSTarget{URLs: []string{u}, Secret: secret, Cipher: w.insCipher}, nil
}

// viaFaultURL points u at the fault in front of the tracker when u is on
// the tracker's host (the fault forwards to that host only).
func (w *World) viaFaultURL(u string) string {
	pu, err := url.Parse(u)
	if err != nil || w.fault.target == nil || pu.Host != w.fault.target.Host {
		return u
	}
	fu, err := url.Parse(w.fault.url)
	if err != nil {
		return u
	}
	pu.Scheme, pu.Host = fu.Scheme, fu.Host
	return pu.String()
}

// insSendsTo is "ClickBank sends INS to the tracker": the scenario's
// ClickBank account has the tracker's INS URL and secret key in its INS
// settings.
func (w *World) insSendsTo(ctx context.Context) error {
	_, err := w.insTarget(ctx)
	if err != nil {
		return err
	}
	w.insOn = true
	return nil
}

// insSealedWith seals the scenario's notifications with a cipher of its
// choice: aes-128-cbc is the receiver bug of docs/clickbank.md §6.
func (w *World) insSealedWith(cipher string) error {
	c, err := ins.ParseCipher(cipher)
	if err != nil {
		return err
	}
	w.insCipher = c
	return nil
}

// purchase returns the scenario's front-end purchase.
func (w *World) purchase() (*simulator.Event, error) {
	for i := range w.events {
		if w.events[i].Type == simulator.InitialPurchase {
			return &w.events[i], nil
		}
	}
	return nil, fmt.Errorf("no purchase in this scenario to notify: add \"When the buyer buys the front-end product\" first")
}

// insRole is the role of the account whose tracker this is: the
// affiliate's for an affiliate's click, the vendor's for a vendor's.
func (w *World) insRole() ins.Role {
	if w.clickRole == simulator.RoleVendor {
		return ins.Vendor
	}
	return ins.Affiliate
}

// notify builds the notification of type typ about the scenario's
// purchase (the same product, accounts, TID, vtid and buyer, so the same
// money split as its postbacks) and sends it to the tracker's INS URL.
func (w *World) notify(ctx context.Context, typ ins.TransactionType, payment int) error {
	if !w.insOn {
		return fmt.Errorf("ClickBank has no INS URL in this scenario: add \"Given ClickBank sends INS to the tracker\"")
	}
	target, err := w.insTarget(ctx)
	if err != nil {
		return err
	}
	req := simulator.INSRequest{Type: typ, Payment: payment}
	if typ != ins.Test {
		ev, err := w.purchase()
		if err != nil {
			return err
		}
		req.Role = w.insRole()
		req.Receipt = ev.Receipt
		req.Sale = simulator.FireRequest{Vendor: ev.Vendor, Affiliate: ev.Affiliate, Item: ev.Item,
			TID: ev.TID, VTID: ev.VTID, Tracking: ev.Tracking, Buyer: ev.Buyer, TestCard: ev.TestCard,
			Seed: w.seed, At: ev.Time}
	} else {
		// The vendor's Test button: the funnel's front-end product, so
		// that a catalog of one's own needs no item of the default one.
		f := w.catalog.Funnels[w.funnel]
		req.Sale = simulator.FireRequest{Vendor: f.Vendor, Item: f.Front, Seed: w.seed, At: w.now}
	}
	sim := w.simOf(nil)
	sim.INS = &simulator.INSSender{Timeout: w.insTimeout(), TimeFactor: insTimeFactor}
	ns, _, err := sim.BuildINS(req)
	if err != nil {
		return fmt.Errorf("build the %s notification: %w", typ, err)
	}
	ds, err := sim.SendINS(ctx, target, ns)
	if err != nil {
		return fmt.Errorf("send the %s notification: %w", typ, err)
	}
	w.insDeliveries = append(w.insDeliveries, ds...)
	return nil
}

func (w *World) insSale(ctx context.Context) error { return w.notify(ctx, ins.Sale, 0) }

func (w *World) insTest(ctx context.Context) error { return w.notify(ctx, ins.Test, 0) }

// rebillNumbers are the rebills a step may name: the first rebill is the
// subscription's second payment (RECEIPT-B002).
var rebillNumbers = map[string]int{"first": 2, "second": 3, "third": 4}

func (w *World) insBill(ctx context.Context, which string) error {
	return w.notify(ctx, ins.Bill, rebillNumbers[which])
}

func (w *World) insRefund(ctx context.Context) error { return w.notify(ctx, ins.Refund, 0) }

func (w *World) insChargeback(ctx context.Context) error { return w.notify(ctx, ins.Chargeback, 0) }

// insAccepted is "the tracker accepted every INS notification".
func (w *World) insAccepted() error {
	if len(w.insDeliveries) == 0 {
		return fmt.Errorf("ClickBank sent no INS notification")
	}
	var failed []simulator.INSDelivery
	for _, d := range w.insDeliveries {
		if !d.Delivered {
			failed = append(failed, d)
		}
	}
	if len(failed) > 0 {
		return fmt.Errorf("expected the tracker to accept every INS notification, but it refused %d of %d:\n%s",
			len(failed), len(w.insDeliveries), describeINS(failed))
	}
	return nil
}

// insRefused is "the INS notification was refused with HTTP N (saying …)":
// every attempt of the last notification met that status.
func (w *World) insRefused(status int, saying string) error {
	if len(w.insDeliveries) == 0 {
		return fmt.Errorf("ClickBank sent no INS notification")
	}
	d := w.insDeliveries[len(w.insDeliveries)-1]
	if d.Delivered || len(d.Attempts) == 0 {
		return fmt.Errorf("expected the tracker to refuse the %s notification with HTTP %d, but it accepted it:\n%s", d.Type, status, describeINS([]simulator.INSDelivery{d}))
	}
	for _, a := range d.Attempts {
		if a.Status != status {
			return fmt.Errorf("expected the tracker to refuse the %s notification with HTTP %d on every attempt, but attempt %d met %s:\n%s",
				d.Type, status, a.N, attemptOutcome(a), describeINS([]simulator.INSDelivery{d}))
		}
	}
	if saying != "" && !strings.Contains(d.Attempts[len(d.Attempts)-1].Body, saying) {
		return fmt.Errorf("expected the tracker's refusal of the %s notification to say %q, but it answered HTTP %d: %s",
			d.Type, saying, d.Status(), strings.TrimSpace(d.Attempts[len(d.Attempts)-1].Body))
	}
	return nil
}

// insDeliveredAfter is "the INS notification was delivered on attempt N".
func (w *World) insDeliveredAfter(n int) error {
	if len(w.insDeliveries) == 0 {
		return fmt.Errorf("ClickBank sent no INS notification")
	}
	d := w.insDeliveries[len(w.insDeliveries)-1]
	if !d.Delivered || len(d.Attempts) != n {
		return fmt.Errorf("expected the %s notification to be delivered on attempt %d, but delivered=%v after %d attempts:\n%s",
			d.Type, n, d.Delivered, len(d.Attempts), describeINS([]simulator.INSDelivery{d}))
	}
	return nil
}

// notification returns the last notification of type typ sent.
func (w *World) notification(typ string) (*ins.Notification, error) {
	for i := len(w.insDeliveries) - 1; i >= 0; i-- {
		if d := w.insDeliveries[i]; string(d.Type) == typ && d.Notification != nil {
			return d.Notification, nil
		}
	}
	return nil, fmt.Errorf("ClickBank sent no %s notification in this scenario", typ)
}

// insCarried is "the SALE notification carried the click id and the
// affiliate earnings ClickBank sent in the Initial Purchase postback": its
// trackingCodes name the scenario's click, and its totalAccountAmount is
// the {affiliate_earnings} (or {vendor_earnings}) of the delivered
// postbacks of that role.
func (w *World) insCarried(typ, role string) error {
	n, err := w.notification(typ)
	if err != nil {
		return err
	}
	id, err := w.clickID()
	if err != nil {
		return err
	}
	if !slices.Contains(n.TrackingCodes, id) {
		return fmt.Errorf("expected the %s notification's trackingCodes to carry the click id %s, but they are %q", typ, id, n.TrackingCodes)
	}
	macroName := role + "_earnings"
	var sums []string
	for _, d := range w.sent(simulator.InitialPurchase) {
		if d.Delivered && !d.TestFire && string(d.Role) == role {
			sums = append(sums, d.Values.Get(macroName))
		}
	}
	if len(sums) == 0 {
		return fmt.Errorf("no delivered Initial Purchase postback to the %s integration to compare the %s notification with", role, typ)
	}
	if got := n.TotalAccountAmount.String(); !slices.Contains(sums, got) {
		return fmt.Errorf("expected the %s notification's totalAccountAmount to be the {%s} the Initial Purchase postback sent (%s), but it is %s", typ, macroName, strings.Join(sums, ", "), got)
	}
	return nil
}

// insRecordedAs is "the tracker recorded the SALE notification as an
// "INS:SALE" conversion": a conversion of that type for the click, with the
// notification's totalAccountAmount as payout and its receipt as order.
func (w *World) insRecordedAs(ctx context.Context, typ, convType string) error {
	n, err := w.notification(typ)
	if err != nil {
		return err
	}
	match := func(c Conversion) bool {
		return c.Type == convType && c.Payout == int64(n.TotalAccountAmount) && (c.Order == "" || c.Order == n.Receipt)
	}
	cs, err := w.conversions(ctx, func(cs []Conversion) bool { return slices.ContainsFunc(cs, match) })
	if err != nil {
		return err
	}
	if !slices.ContainsFunc(cs, match) {
		return fmt.Errorf("expected a %q conversion with payout %s (the %s notification's totalAccountAmount) and order %s for click %s, but the tracker recorded:\n%s%s",
			convType, n.TotalAccountAmount, typ, n.Receipt, w.click.ID, w.recorded(cs), w.why(ctx, cs))
	}
	return nil
}

// insReversed is "the purchase's conversion is reversed": the tracker's
// "INS:SALE" conversion of the purchase's receipt is declined.
func (w *World) insReversed(ctx context.Context) error {
	n, err := w.notification(string(ins.Sale))
	if err != nil {
		return err
	}
	const typ = "INS:SALE"
	sale := func(c Conversion) bool { return c.Type == typ && (c.Order == "" || c.Order == n.Receipt) }
	reversed := func(cs []Conversion) bool {
		i := slices.IndexFunc(cs, sale)
		return i >= 0 && cs[i].Status == "declined"
	}
	cs, err := w.conversions(ctx, reversed)
	if err != nil {
		return err
	}
	if !reversed(cs) {
		return fmt.Errorf("expected the %q conversion of receipt %s on click %s to be declined (reversed), but the tracker recorded:\n%s%s",
			typ, n.Receipt, w.click.ID, w.recorded(cs), w.why(ctx, cs))
	}
	return nil
}

// undeliveredINS describes the notifications the tracker refused or never
// got, with its status and body, for a failure about what it recorded.
func (w *World) undeliveredINS() string {
	var failed []simulator.INSDelivery
	for _, d := range w.insDeliveries {
		if !d.Delivered {
			failed = append(failed, d)
		}
	}
	if len(failed) == 0 {
		return ""
	}
	return fmt.Sprintf("\n  and %d INS notifications were not delivered:\n%s", len(failed), describeINS(failed))
}

// describeINS lists INS deliveries, each with its last status and the
// tracker's reply body: what a QA needs to see why a receiver refused a
// notification (a receiver that cannot decrypt answers 400).
func describeINS(ds []simulator.INSDelivery) string {
	var b strings.Builder
	for _, d := range ds {
		fmt.Fprintf(&b, "  %s notification (%s, receipt %s) to %s → ", d.Type, d.Role, d.Receipt, d.URL)
		if len(d.Attempts) == 0 {
			fmt.Fprintf(&b, "%s\n", d.LastError())
			continue
		}
		a := d.Attempts[len(d.Attempts)-1]
		fmt.Fprintf(&b, "%s after %d attempts", attemptOutcome(a), len(d.Attempts))
		if body := strings.TrimSpace(a.Body); body != "" {
			fmt.Fprintf(&b, ": %s", body)
		}
		b.WriteByte('\n')
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// attemptOutcome says what one attempt met: an HTTP status, or the error.
func attemptOutcome(a simulator.Attempt) string {
	if a.Status != 0 {
		return "HTTP " + strconv.Itoa(a.Status)
	}
	return a.Error
}
