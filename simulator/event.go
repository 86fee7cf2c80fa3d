package simulator

import (
	"time"

	"github.com/cbsim/cbsim/simulator/macro"
	"github.com/cbsim/cbsim/simulator/money"
)

// EventType is one of the three event types ClickBank's Postback/Pixel
// feature sends; it is macro.EventType, the module's one event type.
type EventType = macro.EventType

// The event types, in funnel order.
const (
	OrderFormImpression = macro.OrderFormImpression
	InitialPurchase     = macro.InitialPurchase
	UpsellPurchase      = macro.UpsellPurchase
)

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

	// The order's upsell flow, for INS's upsell block (docs/clickbank.md
	// §6.2, §6.4); no postback macro carries them. A purchase in a funnel
	// with upsells has the flow id and the session; an upsell also the
	// path. All are empty otherwise.
	UpsellFlowID  int    // the funnel's Funnel.FlowID
	UpsellSession string // 10 characters: the order's first receipt's first 6, then 4 derived from it
	UpsellPath    string // an upsell's: one letter per offer shown so far, this one included ('a' accepted, 'd' declined)
}

// Values computes the value of every macro for this event as seen by an
// integration of the given role owned by account. A macro the event does
// not carry (a receipt in an impression) is set and empty.
func (e *Event) Values(role Role, account string) macro.Values {
	var v macro.Values
	v.Set("tid", e.TID)
	v.Set("vtid", e.VTID)
	v.Set("event_id", e.ID)
	v.Set("event_type", string(e.Type))
	v.Set("order_id", e.OrderID)
	v.Set("receipt_id", e.Receipt)
	v.Set("postal_code", e.Buyer.PostalCode)
	v.Set("country", e.Buyer.Country)
	v.Set("state", e.Buyer.State)
	v.Set("device_type", e.Buyer.Device)
	v.Set("browser", e.Buyer.Browser)
	v.Set("vendor", e.Vendor)
	v.Set("affiliate", e.Affiliate)
	v.Set("item", e.Item)
	v.Set("product_title", e.Title)
	v.Set("currency", e.Currency)
	v.Set("account", account)
	v.Set("role", string(role))
	v.Set("affiliate_earnings", e.Split.Affiliate.String())
	v.Set("vendor_earnings", e.Split.Vendor.String())
	v.Set("total_transaction_amount", e.Amount.String())
	if role == RoleVendor {
		v.Set("click_id", e.VTID)
	} else {
		v.Set("click_id", e.TID)
	}
	for name, val := range e.Tracking {
		v.Set(name, val)
	}
	v.KeepCarried(e.Type)
	return v
}
