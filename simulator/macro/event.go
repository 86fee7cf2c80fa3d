package macro

import (
	"fmt"
	"strings"
)

// EventType is one of the three event types ClickBank's Postback/Pixel
// feature sends (docs/clickbank.md §1). It is the one event type of the
// module; package simulator names it too. Integrations, journals and JSON
// spell it as the constants do.
type EventType string

// The event types, in funnel order.
const (
	// OrderFormImpression is a buyer landing on the order form.
	OrderFormImpression EventType = "order_form_impression"
	// InitialPurchase is the first purchase of an order.
	InitialPurchase EventType = "initial_purchase"
	// UpsellPurchase is an accepted upsell, with its own receipt.
	UpsellPurchase EventType = "upsell_purchase"
)

// EventTypeNames lists the event types as an error message says what is allowed.
const EventTypeNames = "order_form_impression, initial_purchase, upsell_purchase"

// EventTypes returns the three event types in funnel order, as a fresh slice.
func EventTypes() []EventType {
	return []EventType{OrderFormImpression, InitialPurchase, UpsellPurchase}
}

// ParseEventType reads an event type name; it also accepts the names
// ClickBank's UI shows ("Initial Purchase").
func ParseEventType(s string) (EventType, error) {
	t := EventType(lower(strings.ReplaceAll(strings.TrimSpace(s), " ", "_")))
	if t.Valid() {
		return t, nil
	}
	return "", fmt.Errorf("unknown event type %q (allowed: %s)", s, EventTypeNames)
}

// Valid reports whether t is one of the three event types.
func (t EventType) Valid() bool {
	switch t {
	case OrderFormImpression, InitialPurchase, UpsellPurchase:
		return true
	}
	return false
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
