package macro

// The event types ClickBank's Postback/Pixel feature sends (CLICKBANK.md §1).
// They are plain strings so that integrations, journals and JSON use the
// same spelling.
const (
	// OrderFormImpression is a buyer landing on the order form.
	OrderFormImpression = "order_form_impression"
	// InitialPurchase is the first purchase of an order.
	InitialPurchase = "initial_purchase"
	// UpsellPurchase is an accepted upsell, with its own receipt.
	UpsellPurchase = "upsell_purchase"
)

// Events returns the three event types in funnel order, as a fresh slice.
func Events() []string {
	return []string{OrderFormImpression, InitialPurchase, UpsellPurchase}
}

// IsEvent reports whether s is one of the three event types.
func IsEvent(s string) bool {
	switch s {
	case OrderFormImpression, InitialPurchase, UpsellPurchase:
		return true
	}
	return false
}
