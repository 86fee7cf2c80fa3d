package simulator

import (
	"fmt"
	"strings"
	"time"

	"github.com/cbsim/cbsim/simulator/macro"
	"github.com/cbsim/cbsim/simulator/money"
)

// EventType is one of the three event types ClickBank's Postback/Pixel
// feature sends.
type EventType string

// The event types, named as the CLI and the fixtures spell them.
const (
	OrderFormImpression EventType = macro.OrderFormImpression
	InitialPurchase     EventType = macro.InitialPurchase
	UpsellPurchase      EventType = macro.UpsellPurchase
)

// EventTypes lists every event type in funnel order.
var eventTypes = [...]EventType{OrderFormImpression, InitialPurchase, UpsellPurchase}

// EventTypes returns every event type in funnel order.
func EventTypes() []EventType { return eventTypes[:] }

// ParseEventType parses an event type name; it also accepts the names
// ClickBank's UI shows ("Initial Purchase").
func ParseEventType(s string) (EventType, error) {
	norm := strings.ToLower(strings.ReplaceAll(strings.TrimSpace(s), " ", "_"))
	for _, t := range eventTypes {
		if string(t) == norm {
			return t, nil
		}
	}
	return "", fmt.Errorf("unknown event type %q (allowed: order_form_impression, initial_purchase, upsell_purchase)", s)
}

// Title returns the name ClickBank's UI shows for the event type.
func (t EventType) Title() string {
	switch t {
	case OrderFormImpression:
		return "Order Form Impression"
	case InitialPurchase:
		return "Initial Purchase"
	case UpsellPurchase:
		return "Upsell Purchase"
	}
	return string(t)
}

// Buyer is the simulated customer's geography and device.
type Buyer struct {
	Country    string // ISO 3166 alpha-2
	State      string
	PostalCode string
	Device     string // desktop | mobile | tablet
	Browser    string
}

// Event is one thing that happened on ClickBank's side that a postback can
// report. Its macro values are computed from it by Values.
type Event struct {
	Type     EventType
	ID       string    // {event_id}, unique per event
	Receipt  string    // {receipt_id}; empty for an impression
	OrderID  string    // {order_id}: the first receipt of the order
	Original string    // for an upsell, the receipt it follows
	Time     time.Time // when it happened

	Vendor    string // vendor nickname
	Affiliate string // affiliate nickname, "" for a direct sale
	Item      string
	Title     string

	Currency string      // what the customer paid in
	Amount   money.Cents // what the customer paid, in Currency (0 for an impression)
	Split    money.Split // ClickBank's split of the sale in USD (zero for an impression)

	TID      string            // the affiliate's TID as ClickBank kept it
	VTID     string            // the vendor's tracking id
	Tracking map[string]string // affiliate tracking parameters (aff_sub1, traffic_source, ...)
	Buyer    Buyer
	TestCard bool // a test-card order: affiliate postbacks are not fired
}

// Values computes the value of every macro for this event as seen by an
// integration of the given role owned by account.
func (e *Event) Values(role Role, account string) macro.Values {
	v := make(macro.Values, 40)
	set := func(name, value string) { v[name] = value }
	set("tid", e.TID)
	set("vtid", e.VTID)
	set("event_id", e.ID)
	set("event_type", string(e.Type))
	set("order_id", e.OrderID)
	set("receipt_id", e.Receipt)
	set("postal_code", e.Buyer.PostalCode)
	set("country", e.Buyer.Country)
	set("state", e.Buyer.State)
	set("device_type", e.Buyer.Device)
	set("browser", e.Buyer.Browser)
	set("vendor", e.Vendor)
	set("affiliate", e.Affiliate)
	set("item", e.Item)
	set("product_title", e.Title)
	set("currency", e.Currency)
	set("account", account)
	set("role", string(role))
	set("affiliate_earnings", e.Split.Affiliate.String())
	set("vendor_earnings", e.Split.Vendor.String())
	set("total_transaction_amount", e.Amount.String())
	if role == RoleVendor {
		set("click_id", e.VTID)
	} else {
		set("click_id", e.TID)
	}
	for k, val := range e.Tracking {
		set(k, val)
	}
	for name := range v {
		// A macro the event does not carry (a receipt on an impression)
		// expands to the empty string.
		if m, ok := macro.Lookup(name); ok && !m.Carries(string(e.Type)) {
			v[name] = ""
		}
	}
	return v
}
