package ins

import (
	"fmt"
	"time"

	"github.com/cbsim/cbsim/simulator/money"
)

// TransactionType is the notification's transactionType: what happened
// (docs/clickbank.md §6).
type TransactionType string

// The transaction types this package builds.
const (
	Sale           TransactionType = "SALE"            // a purchase, front end or upsell
	Bill           TransactionType = "BILL"            // a rebill of a subscription
	Refund         TransactionType = "RFND"            // a refund
	Chargeback     TransactionType = "CGBK"            // a chargeback
	InsufFunds     TransactionType = "INSF"            // a rebill that failed for insufficient funds
	CancelRebill   TransactionType = "CANCEL-REBILL"   // a subscription cancelled
	UncancelRebill TransactionType = "UNCANCEL-REBILL" // a cancellation reversed
	Test           TransactionType = "TEST"            // the vendor's "Test" button: a ping
	TestSale       TransactionType = "TEST_SALE"       // a test-card purchase
	TestBill       TransactionType = "TEST_BILL"       // a test-card rebill
	TestRefund     TransactionType = "TEST_RFND"       // a test-card refund
)

// TransactionTypes lists the types Build knows, in the order of
// docs/clickbank.md §6.
var TransactionTypes = []TransactionType{Sale, Bill, Refund, Chargeback, InsufFunds, CancelRebill, UncancelRebill, Test, TestSale, TestBill, TestRefund}

// ParseTransactionType checks s against TransactionTypes.
func ParseTransactionType(s string) (TransactionType, error) {
	for _, t := range TransactionTypes {
		if string(t) == s {
			return t, nil
		}
	}
	return "", fmt.Errorf("unknown INS transaction type %q: want one of %s", s, joinNames(TransactionTypes))
}

// IsTest reports whether t is one of the test types, which ClickBank sends
// to the vendor only.
func (t TransactionType) IsTest() bool {
	switch t {
	case Test, TestSale, TestBill, TestRefund:
		return true
	}
	return false
}

// Role is the notification's role: whose notification it is, which sets
// its totalAccountAmount.
type Role string

// The roles this package builds (ClickBank also knows JV_UPSELL).
const (
	Vendor    Role = "VENDOR"
	Affiliate Role = "AFFILIATE"
)

// LineItemType is a line item's lineItemType.
type LineItemType string

// The line item types (ClickBank also knows CART).
const (
	Original LineItemType = "ORIGINAL" // the front-end product of the order
	Upsell   LineItemType = "UPSELL"   // a one-click upsell after the purchase
	Bump     LineItemType = "BUMP"     // an order bump added on the order form
)

// Notification is one decrypted INS payload: what ClickBank encrypts and
// posts to one party. Fields are in ClickBank's key order (docs/clickbank.md
// §6); Marshal prints them so. A string left empty, a nil pointer and an
// empty slice are omitted from the JSON, as ClickBank omits what it does not
// have; amounts and booleans are always printed unless noted.
type Notification struct {
	Version             string    // "6.0", "7.0" or "8.0": chooses the time format and the fields printed
	TransactionTime     time.Time // printed in its own zone (Build gives US Pacific time)
	Receipt             string
	TransactionType     TransactionType
	Vendor              string
	Affiliate           string // omitted when empty
	Role                Role
	TotalAccountAmount  money.Cents // this party's share, USD
	PaymentMethod       string
	TotalOrderAmount    money.Cents // what the customer paid, in Currency
	TotalTaxAmount      money.Cents
	TotalShippingAmount money.Cents
	Currency            string
	OrderLanguage       string
	TrackingCodes       []string
	DeclinedConsent     *bool // omitted when nil
	LineItems           []LineItem
	Customer            *Customer    // omitted when nil
	Upsell              *UpsellBlock // omitted when nil
	Hopfeed             *Hopfeed     // omitted when nil
	AttemptCount        int
	VendorVariables     Params // omitted when empty
	// AffiliateTrackingParameters and CommonTrackingParameters are printed
	// by 8.0 only (omitted when empty).
	AffiliateTrackingParameters Params
	CommonTrackingParameters    Params
}

// LineItem is one product of the order.
type LineItem struct {
	ItemNo        string
	ProductTitle  string
	Shippable     bool
	Recurring     bool
	AccountAmount money.Cents // this party's share of the item, USD
	Quantity      int
	PaymentPlan   *PaymentPlan // recurring items only; omitted when nil
	DownloadURL   string       // omitted when empty
	LineItemType  LineItemType
	// Printed from 7.0 on:
	ProductPrice    money.Cents  // the item's price, in the order's currency
	ProductDiscount money.Cents  //
	AffiliatePayout *money.Cents // the affiliate's share; vendor notifications of referred sales only
	TaxAmount       money.Cents
	ShippingAmount  money.Cents
	ShippingLiable  bool
}

// PaymentPlan is a recurring item's subscription state.
type PaymentPlan struct {
	RebillStatus      string // ACTIVE, CANCELED, COMPLETED
	RebillFrequency   string // WEEKLY, MONTHLY, …
	RebillAmount      money.Cents
	PaymentsProcessed int
	PaymentsRemaining int
	NextPaymentDate   time.Time // printed in the version's time format; omitted when zero
}

// Customer is the buyer's shipping and billing contact.
type Customer struct {
	Shipping *Contact // omitted when nil
	Billing  *Contact // omitted when nil
}

// Contact is one of the buyer's contacts. Empty strings are omitted; the
// address is always printed, as {} when empty.
type Contact struct {
	FirstName   string
	LastName    string
	FullName    string
	PhoneNumber string
	Email       string
	Address     Address
}

// Address is a postal address; empty fields are omitted.
type Address struct {
	Address1   string
	Address2   string
	City       string
	County     string
	State      string
	PostalCode string
	Country    string
}

// UpsellBlock is the notification's upsell object. A purchase made in an
// upsell flow carries the flow and session; an upsell also names the
// receipt it follows and its path. Empty fields (and a zero flow id) are
// omitted.
type UpsellBlock struct {
	UpsellOriginalReceipt string
	UpsellFlowID          int
	UpsellSession         string // 10 characters
	UpsellPath            string
}

// Hopfeed is the legacy HopFeed block; empty fields are omitted.
type Hopfeed struct {
	HopfeedClickID           string
	HopfeedApplicationID     int
	HopfeedCreativeID        int
	HopfeedApplicationPayout money.Cents
	HopfeedVendorPayout      money.Cents
}

// Param is one name and value of an object of strings (vendorVariables,
// the v8 tracking parameters).
type Param struct{ Name, Value string }

// Params is an object of strings whose keys keep their order.
type Params []Param

// Get returns the value of name and whether it is there.
func (ps Params) Get(name string) (string, bool) {
	for _, p := range ps {
		if p.Name == name {
			return p.Value, true
		}
	}
	return "", false
}
