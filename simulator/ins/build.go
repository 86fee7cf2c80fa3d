package ins

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"time"

	"github.com/cbsim/cbsim/simulator/ids"
	"github.com/cbsim/cbsim/simulator/money"
)

// Order is what the simulator knows about one transaction, the input of
// Build. It holds only plain values so that a delivery step can fill it
// from a simulator Event (Receipt, Time, Vendor, Affiliate, Item, Title,
// Currency, Amount, the split's inputs, TID, VTID, Tracking, Buyer) without
// this package importing the simulator.
type Order struct {
	Type    TransactionType
	Version string    // "6.0", "7.0" or "8.0" (empty: DefaultVersion)
	Time    time.Time // when it happened; printed in US Pacific time
	// Receipt is the receipt the transaction concerns: the purchase's for
	// SALE, RFND, CGBK, CANCEL-REBILL and UNCANCEL-REBILL (a rebill's own
	// "XXXXXXXX-B002" to refund a rebill), the subscription's first receipt
	// for BILL, TEST_BILL and INSF, which add "-B%03d" of Payment. TEST
	// ignores it and uses ids.TestReceipt.
	Receipt string
	// Payment numbers the charge of a subscription for BILL, TEST_BILL and
	// INSF: 2 is the first rebill (receipt suffix -B002).
	Payment   int
	Vendor    string // the vendor's nickname
	Affiliate string // the affiliate's nickname; "" for a sale without one
	Items     []Item // at least one
	// Currency is what the customer paid in (empty: USD).
	Currency string
	// Rounding is the catalog's rounding rule for the split (money.Sale).
	Rounding money.Rounding
	// PaymentMethod is the buyer's (empty: VISA); one of PaymentMethods.
	PaymentMethod string
	// Language is the order form's language (empty: EN).
	Language string
	Buyer    Buyer
	TID      string // the affiliate's TID as ClickBank kept it
	VTID     string // the vendor's tracking id
	// Tracking holds the affiliate tracking parameters (aff_sub1, …): 8.0
	// prints them as affiliateTrackingParameters.
	Tracking map[string]string
	// Common holds the click's common tracking parameters (deviceType,
	// browser, …), in order: 8.0 prints them as commonTrackingParameters
	// in both roles' notifications.
	Common Params
	// VendorVariables are the pay link's parameters ClickBank passed along,
	// in order.
	VendorVariables Params
	// Upsell is the upsell flow the purchase was made in, if any.
	Upsell *UpsellBlock
	// DeclinedConsent, if set, is printed as declinedConsent.
	DeclinedConsent *bool
	// Attempt is the delivery attempt, 1 to 5 (0 means 1).
	Attempt int
}

// Item is one product of the order and its money.
type Item struct {
	No    string // item number (SKU)
	Title string
	Type  LineItemType // empty: ORIGINAL
	// Price is what the customer paid for the item in this transaction, in
	// the order's currency; USD is the same amount in US dollars, the base
	// of the split (0: Price, for a USD order).
	Price, USD money.Cents
	// Commission is the affiliate's rate for this item, as the postbacks
	// use it (the catalog's precedence already applied).
	Commission  money.Percent
	Quantity    int // 0 means 1
	Shippable   bool
	DownloadURL string
	// Plan makes the item recurring: its subscription terms.
	Plan *Plan
}

// Plan is a recurring item's subscription.
type Plan struct {
	Frequency string      // MONTHLY, WEEKLY, … (empty: MONTHLY)
	Rebill    money.Cents // the rebill price, in the order's currency
	Payments  int         // payments in all; 0 means until cancelled (999)
}

// Buyer is the customer. Build gives the shipping contact the whole
// address and the billing contact its state, postal code and country, as
// ClickBank's notifications do.
type Buyer struct {
	FirstName, LastName, Email, Phone string
	Address                           Address
}

// PaymentMethods lists the paymentMethod values (docs/clickbank.md §6).
var PaymentMethods = []string{"PYPL", "PYPL-NEW", "VISA", "MSTR", "DISC", "AMEX", "DNRS", "MAES", "TEST"}

// rebillsForever is paymentsRemaining's base for a subscription that runs
// until cancelled, as seen in real notifications (998 left after the first).
const rebillsForever = 999

// Build makes the notifications ClickBank sends for o: the vendor's, then
// the affiliate's when the order has an affiliate and the type is not a
// test (test types go to the vendor only). Each carries its own
// totalAccountAmount and accountAmounts: the vendor's or the affiliate's
// share of money.Sale{…}.Split(), the split the postbacks use, with the
// rebill rate for BILL and TEST_BILL and negated for RFND, CGBK and
// TEST_RFND. INSF, CANCEL-REBILL and UNCANCEL-REBILL move no money: every
// amount is 0.00.
//
// An error names the field that is wrong: an unknown type or version, a
// missing receipt, vendor or item, a rebill without a Plan or Payment.
func Build(o Order) ([]*Notification, error) {
	roles := []Role{Vendor}
	if o.Affiliate != "" && !o.Type.IsTest() {
		roles = append(roles, Affiliate)
	}
	out := make([]*Notification, 0, len(roles))
	for _, r := range roles {
		n, err := o.For(r)
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, nil
}

// For makes the notification of o for one role. Asking for the
// affiliate's notification of an order without an affiliate, or of a test
// type, is an error.
func (o Order) For(role Role) (*Notification, error) {
	if _, err := ParseTransactionType(string(o.Type)); err != nil {
		return nil, fmt.Errorf("ins: build: %w", err)
	}
	version := o.Version
	if version == "" {
		version = DefaultVersion
	}
	if _, err := TimeLayout(version); err != nil {
		return nil, fmt.Errorf("ins: build: %w", err)
	}
	switch role {
	case Vendor:
	case Affiliate:
		if o.Affiliate == "" {
			return nil, errors.New("ins: build: role AFFILIATE: the order has no affiliate")
		}
		if o.Type.IsTest() {
			return nil, fmt.Errorf("ins: build: role AFFILIATE: ClickBank sends %s to the vendor only", o.Type)
		}
	default:
		return nil, fmt.Errorf("ins: build: unknown role %q: want VENDOR or AFFILIATE", role)
	}
	if o.Vendor == "" {
		return nil, errors.New("ins: build: Vendor is empty")
	}
	if len(o.Items) == 0 {
		return nil, errors.New("ins: build: Items is empty: an order has at least one item")
	}
	if o.Time.IsZero() {
		return nil, errors.New("ins: build: Time is zero")
	}
	receipt, err := o.receipt()
	if err != nil {
		return nil, err
	}
	method := o.PaymentMethod
	if method == "" {
		method = "VISA"
	}
	if !slices.Contains(PaymentMethods, method) {
		return nil, fmt.Errorf("ins: build: PaymentMethod %q: want one of %s", method, joinNames(PaymentMethods))
	}
	attempt := o.Attempt
	if attempt == 0 {
		attempt = 1
	}
	if attempt < 1 || attempt > MaxAttempts {
		return nil, fmt.Errorf("ins: build: Attempt %d: want 1 to %d", attempt, MaxAttempts)
	}
	n := &Notification{
		Version:                  version,
		TransactionTime:          Pacific(o.Time),
		Receipt:                  receipt,
		TransactionType:          o.Type,
		Vendor:                   o.Vendor,
		Affiliate:                o.Affiliate,
		Role:                     role,
		PaymentMethod:            method,
		Currency:                 or(o.Currency, "USD"),
		OrderLanguage:            or(o.Language, "EN"),
		DeclinedConsent:          o.DeclinedConsent,
		Customer:                 o.Buyer.customer(),
		Upsell:                   copyUpsell(o.Upsell),
		AttemptCount:             attempt,
		VendorVariables:          o.VendorVariables,
		CommonTrackingParameters: o.Common,
	}
	code := o.VTID
	if role == Affiliate {
		code = o.TID
	}
	if code != "" {
		n.TrackingCodes = []string{code}
	}
	if role == Affiliate {
		n.AffiliateTrackingParameters = trackingParams(o.Tracking)
	}
	for i, it := range o.Items {
		li, err := o.lineItem(i, it, role)
		if err != nil {
			return nil, err
		}
		n.LineItems = append(n.LineItems, li)
		n.TotalAccountAmount += li.AccountAmount
		n.TotalOrderAmount += li.ProductPrice
	}
	return n, nil
}

// MaxAttempts is how many times ClickBank tries to deliver a notification
// (docs/clickbank.md §6).
const MaxAttempts = 5

// receipt is the notification's receipt (docs/clickbank.md §2).
func (o Order) receipt() (string, error) {
	if o.Type == Test {
		return ids.TestReceipt, nil
	}
	if o.Receipt == "" {
		return "", fmt.Errorf("ins: build: Receipt is empty: %s needs the receipt it concerns", o.Type)
	}
	switch o.Type {
	case Bill, TestBill, InsufFunds:
		if o.Payment < 2 {
			return "", fmt.Errorf("ins: build: Payment %d: %s needs the number of the charge, 2 or more (2 is the first rebill, -B002)", o.Payment, o.Type)
		}
		if o.Payment > 999 {
			return "", fmt.Errorf("ins: build: Payment %d: at most 999 (-B999)", o.Payment)
		}
		return fmt.Sprintf("%s-B%03d", o.Receipt, o.Payment), nil
	}
	return o.Receipt, nil
}

// rebillReceipt is a rebill's receipt: the subscription's first with
// -B002 … -B999 (docs/clickbank.md §2).
var rebillReceipt = regexp.MustCompile(`-B[0-9]{3}$`)

// sign is +1 for the types that pay the parties, -1 for the ones that take
// the money back and 0 for the ones that move none.
func (t TransactionType) sign() money.Cents {
	switch t {
	case Refund, Chargeback, TestRefund:
		return -1
	case InsufFunds, CancelRebill, UncancelRebill:
		return 0
	}
	return 1
}

// lineItem prices item i for role.
func (o Order) lineItem(i int, it Item, role Role) (LineItem, error) {
	where := fmt.Sprintf("ins: build: Items[%d]", i)
	if it.No == "" {
		return LineItem{}, fmt.Errorf("%s: No is empty", where)
	}
	typ := it.Type
	if typ == "" {
		typ = Original
	}
	if typ != Original && typ != Upsell && typ != Bump {
		return LineItem{}, fmt.Errorf("%s: Type %q: want ORIGINAL, UPSELL or BUMP", where, typ)
	}
	if it.Price < 0 || it.USD < 0 {
		return LineItem{}, fmt.Errorf("%s: Price %s, USD %s: prices are not negative (a refund is its own type)", where, it.Price, it.USD)
	}
	// A rebill's money is split at the rebill rate, and so is a refund or
	// chargeback of a rebill's receipt (-B002…), the mirror image of it.
	rebill := o.Type == Bill || o.Type == TestBill || o.Type.sign() < 0 && rebillReceipt.MatchString(o.Receipt)
	switch o.Type {
	case Bill, TestBill, InsufFunds, CancelRebill, UncancelRebill:
		if it.Plan == nil {
			return LineItem{}, fmt.Errorf("%s: %s concerns a subscription, but the item has no Plan", where, o.Type)
		}
	}
	qty := it.Quantity
	if qty == 0 {
		qty = 1
	}
	usd := it.USD
	if usd == 0 {
		usd = it.Price
	}
	sign := o.Type.sign()
	split := money.Sale{Price: sign * usd, Commission: it.Commission, HasAffiliate: o.Affiliate != "", Rebill: rebill, Rounding: o.Rounding}.Split()
	li := LineItem{
		ItemNo:        it.No,
		ProductTitle:  it.Title,
		Shippable:     it.Shippable,
		Recurring:     it.Plan != nil,
		AccountAmount: split.Vendor,
		Quantity:      qty,
		DownloadURL:   it.DownloadURL,
		LineItemType:  typ,
		ProductPrice:  sign * it.Price,
	}
	if role == Affiliate {
		li.AccountAmount = split.Affiliate
	} else if o.Affiliate != "" {
		payout := split.Affiliate
		li.AffiliatePayout = &payout
	}
	if p := it.Plan; p != nil {
		li.PaymentPlan = o.plan(p)
	}
	return li, nil
}

// plan is the item's paymentPlan at this transaction.
func (o Order) plan(p *Plan) *PaymentPlan {
	processed := 1
	if o.Payment > 1 {
		processed = o.Payment
	}
	if o.Type == InsufFunds {
		processed-- // the charge failed
	}
	total := p.Payments
	if total == 0 {
		total = rebillsForever
	}
	pp := &PaymentPlan{
		RebillStatus:      "ACTIVE",
		RebillFrequency:   or(p.Frequency, "MONTHLY"),
		RebillAmount:      p.Rebill,
		PaymentsProcessed: processed,
		PaymentsRemaining: max(total-processed, 0),
	}
	switch {
	case o.Type == CancelRebill || o.Type.sign() < 0:
		// A refund or chargeback ends the subscription too.
		pp.RebillStatus = "CANCELED"
	case pp.PaymentsRemaining == 0:
		pp.RebillStatus = "COMPLETED"
	}
	if pp.RebillStatus == "ACTIVE" {
		pp.NextPaymentDate = Pacific(nextCharge(o.Time, pp.RebillFrequency))
	}
	return pp
}

// nextCharge is the date of the next charge after t at frequency f; a
// frequency this package does not know counts as monthly.
func nextCharge(t time.Time, f string) time.Time {
	switch f {
	case "WEEKLY":
		return t.AddDate(0, 0, 7)
	case "BI_WEEKLY":
		return t.AddDate(0, 0, 14)
	case "QUARTERLY":
		return t.AddDate(0, 3, 0)
	case "YEARLY":
		return t.AddDate(1, 0, 0)
	}
	return t.AddDate(0, 1, 0)
}

// customer is the buyer as the notification's customer block, nil for an
// empty buyer.
func (b Buyer) customer() *Customer {
	if b == (Buyer{}) {
		return nil
	}
	full := b.FirstName
	if b.LastName != "" {
		full = joinSpace(full, b.LastName)
	}
	ship := &Contact{FirstName: b.FirstName, LastName: b.LastName, FullName: full, PhoneNumber: b.Phone, Email: b.Email, Address: b.Address}
	bill := *ship
	bill.Address = Address{State: b.Address.State, PostalCode: b.Address.PostalCode, Country: b.Address.Country}
	return &Customer{Shipping: ship, Billing: &bill}
}

// TrackingOrder is the order in which 8.0 prints the affiliate tracking
// parameters: docs/clickbank.md §3's list. Names not in it follow, sorted.
var TrackingOrder = []string{
	"traffic_source", "traffic_type", "offer", "campaign", "adgroup", "ad", "creative",
	"aff_sub1", "aff_sub2", "aff_sub3", "aff_sub4", "aff_sub5", "network_aff",
	"extclid", "fbclid", "gclid", "contact_id",
	"unique_aff_sub1", "unique_aff_sub2", "unique_aff_sub3", "unique_aff_sub4", "unique_aff_sub5",
}

// trackingParams orders the affiliate tracking parameters.
func trackingParams(m map[string]string) Params {
	if len(m) == 0 {
		return nil
	}
	var ps Params
	for _, k := range TrackingOrder {
		if v, ok := m[k]; ok {
			ps = append(ps, Param{k, v})
		}
	}
	var rest []string
	for k := range m {
		if !slices.Contains(TrackingOrder, k) {
			rest = append(rest, k)
		}
	}
	slices.Sort(rest)
	for _, k := range rest {
		ps = append(ps, Param{k, m[k]})
	}
	return ps
}

// copyUpsell keeps a notification from sharing the order's upsell block.
func copyUpsell(u *UpsellBlock) *UpsellBlock {
	if u == nil {
		return nil
	}
	c := *u
	return &c
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func joinSpace(a, b string) string {
	if a == "" {
		return b
	}
	return a + " " + b
}
