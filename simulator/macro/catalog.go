package macro

import (
	"slices"
	"strings"
)

// Where a macro's existence comes from, as tagged in docs/clickbank.md.
const (
	// SourceSeed is stated by the integration guide the project was created from.
	SourceSeed = "seed"
	// SourceDoc is stated by ClickBank's or RedTrack's own documentation.
	SourceDoc = "doc"
	// SourceLikely is seen in third-party integrations, not in official text.
	SourceLikely = "likely"
	// SourceChoice is not in the reference: the project decided to offer it.
	SourceChoice = "choice"
)

// Macro describes one postback macro.
type Macro struct {
	// Name is the token without braces, e.g. "tid".
	Name string `json:"name"`
	// Description says what the value is, for people reading the catalog.
	Description string `json:"description"`
	// Roles are the integration roles ClickBank sends a value to. A
	// macro for one role only is role-specific: ClickBank's list marks the
	// affiliate's "Affiliate Only", and an integration of the other role
	// receives it empty (see Values.Withhold); the linter reports its use
	// there. docs/clickbank.md §4.
	Roles Roles `json:"roles"`
	// Events are the event types that carry a value for the macro; nil
	// means all three. In other events the macro expands to "".
	Events []EventType `json:"events"`
	// Tracking is, for an affiliate tracking parameter that ClickBank
	// carries from the hoplink click to every event (docs/clickbank.md §3),
	// the longest value it keeps; 0 for every other macro.
	Tracking int `json:"tracking,omitempty"`
	// Money is set for the amounts (earnings, what the customer paid):
	// "0.00" in an Order Form Impression, never empty.
	Money bool `json:"money,omitempty"`
	// Example is a realistic value.
	Example string `json:"example"`
	// Source is SourceSeed, SourceDoc, SourceLikely or SourceChoice.
	Source string `json:"source"`
	// TestValue is the placeholder a Test fire sends. aff_sub1 → "affsub1"
	// and receipt_id → "ABC12345" are ClickBank's; the rest are choices
	// (see TestValues).
	TestValue string `json:"test_value"`
}

// Carries reports whether events of type t carry a value for m.
func (m Macro) Carries(t EventType) bool {
	if m.Events == nil {
		return t.Valid()
	}
	return slices.Contains(m.Events, t)
}

// purchases are the events that have a receipt and a buyer address.
var purchases = []EventType{InitialPurchase, UpsellPurchase}

// Lengths of affiliate tracking parameters (docs/clickbank.md §3).
const (
	trackingParam = 100 // traffic_source, aff_sub1, ...
	uniqueClickID = 256 // extclid, gclid, unique_aff_sub1, ...
)

// catalog is the immutable table behind Catalog, sorted by name. Decisions
// recorded here (all [choice] unless docs/clickbank.md says otherwise):
//   - {click_id} is the role's own click id: {tid} in an affiliate
//     integration, {vtid} in a vendor one.
//   - Role-specific (withheld from the other role's integration): {tid}
//     and the affiliate tracking parameters, which ClickBank's macro list
//     marks Affiliate Only [doc]; {vtid}, the vendor's own tracking id,
//     withheld from affiliates [choice].
//   - The money macros reach both roles: the guide tells vendors to switch
//     SUM to {vendor_earnings}, which implies {affiliate_earnings} reports
//     the affiliate's commission to them. Using the other party's amount as
//     the SUM is a mistake the linter reports on its own.
//   - {receipt_id}, {order_id}, {postal_code} and {state} are empty in an
//     Order Form Impression: no order exists and no address was entered yet.
//   - Money macros carry "0.00" in an Order Form Impression.
//   - Tracking parameters: the list and lengths of docs/clickbank.md §3,
//     all affiliate-only.
//   - Test values: ids and free text are the macro's name without
//     underscores (ClickBank's aff_sub1 → "affsub1" pattern), receipts
//     "ABC12345", money the split of a $10.00 sale at 50%.
var catalog = [...]Macro{
	{Name: "account", Roles: ForBoth, Source: SourceLikely, Example: "bestaff", TestValue: "account",
		Description: "Nickname of the account that owns the integration: the affiliate's in an affiliate integration, the vendor's in a vendor one."},
	{Name: "ad", Roles: ForAffiliate, Tracking: trackingParam, Source: SourceLikely, Example: "video_a", TestValue: "ad",
		Description: "Affiliate tracking parameter ad, carried from the hoplink click."},
	{Name: "adgroup", Roles: ForAffiliate, Tracking: trackingParam, Source: SourceLikely, Example: "lookalike_1", TestValue: "adgroup",
		Description: "Affiliate tracking parameter adgroup, carried from the hoplink click."},
	{Name: "aff_sub1", Roles: ForAffiliate, Tracking: trackingParam, Source: SourceLikely, Example: "spring_sale", TestValue: "affsub1",
		Description: "Affiliate tracking parameter aff_sub1, carried from the hoplink click."},
	{Name: "aff_sub2", Roles: ForAffiliate, Tracking: trackingParam, Source: SourceLikely, Example: "email", TestValue: "affsub2",
		Description: "Affiliate tracking parameter aff_sub2, carried from the hoplink click."},
	{Name: "aff_sub3", Roles: ForAffiliate, Tracking: trackingParam, Source: SourceLikely, Example: "list_b", TestValue: "affsub3",
		Description: "Affiliate tracking parameter aff_sub3, carried from the hoplink click."},
	{Name: "aff_sub4", Roles: ForAffiliate, Tracking: trackingParam, Source: SourceLikely, Example: "v2", TestValue: "affsub4",
		Description: "Affiliate tracking parameter aff_sub4, carried from the hoplink click."},
	{Name: "aff_sub5", Roles: ForAffiliate, Tracking: trackingParam, Source: SourceLikely, Example: "x", TestValue: "affsub5",
		Description: "Affiliate tracking parameter aff_sub5, carried from the hoplink click."},
	{Name: "affiliate", Roles: ForBoth, Source: SourceLikely, Example: "bestaff", TestValue: "affiliate",
		Description: "Nickname of the affiliate who referred the sale; empty without an affiliate."},
	{Name: "affiliate_earnings", Roles: ForBoth, Money: true, Source: SourceSeed, Example: "45.75", TestValue: "4.13",
		Description: "The affiliate's commission in USD with two decimals (0.00 for an impression); the SUM of an affiliate integration."},
	{Name: "browser", Roles: ForBoth, Source: SourceLikely, Example: "Chrome", TestValue: "browser",
		Description: "The buyer's browser."},
	{Name: "campaign", Roles: ForAffiliate, Tracking: trackingParam, Source: SourceLikely, Example: "keto_us_q3", TestValue: "campaign",
		Description: "Affiliate tracking parameter campaign, carried from the hoplink click."},
	{Name: "click_id", Roles: ForBoth, Source: SourceLikely, Example: "65a1f0c2e4b0a1b2c3d4e5f6", TestValue: "clickid",
		Description: "The integration role's own click id: the tid in an affiliate integration, the vtid in a vendor one."},
	{Name: "contact_id", Roles: ForAffiliate, Tracking: uniqueClickID, Source: SourceChoice, Example: "c_1029", TestValue: "contactid",
		Description: "Affiliate unique click id contact_id (e.g. an email platform's contact), carried from the hoplink click."},
	{Name: "country", Roles: ForBoth, Source: SourceLikely, Example: "US", TestValue: "US",
		Description: "The buyer's country, ISO 3166-1 alpha-2."},
	{Name: "creative", Roles: ForAffiliate, Tracking: trackingParam, Source: SourceLikely, Example: "banner_300x250", TestValue: "creative",
		Description: "Affiliate tracking parameter creative, carried from the hoplink click."},
	{Name: "currency", Roles: ForBoth, Source: SourceLikely, Example: "USD", TestValue: "USD",
		Description: "The currency the customer paid in (earnings are always USD)."},
	{Name: "device_type", Roles: ForBoth, Source: SourceLikely, Example: "mobile", TestValue: "devicetype",
		Description: "The buyer's device type: desktop, mobile or tablet."},
	{Name: "event_id", Roles: ForBoth, Source: SourceSeed, Example: "3f2b8c1e-7a4d-4e2b-9c1a-5d6e7f8a9b0c", TestValue: "11111111-1111-4111-8111-111111111111",
		Description: "Unique id of this event (a UUID v4); the tracker's Event ID, for deduplication."},
	{Name: "event_type", Roles: ForBoth, Source: SourceLikely, Example: string(InitialPurchase), TestValue: string(InitialPurchase),
		Description: "The event type: order_form_impression, initial_purchase or upsell_purchase (a test fire sends the event tested)."},
	{Name: "extclid", Roles: ForAffiliate, Tracking: uniqueClickID, Source: SourceLikely, Example: "a1b2c3d4e5", TestValue: "extclid",
		Description: "Affiliate unique click id extclid (an external tracker's click id), carried from the hoplink click."},
	{Name: "fbclid", Roles: ForAffiliate, Tracking: uniqueClickID, Source: SourceChoice, Example: "IwAR2xQ7ZkL9", TestValue: "fbclid",
		Description: "Affiliate unique click id fbclid (Facebook click id), carried from the hoplink click."},
	{Name: "gclid", Roles: ForAffiliate, Tracking: uniqueClickID, Source: SourceChoice, Example: "Cj0KCQjw8e", TestValue: "gclid",
		Description: "Affiliate unique click id gclid (Google Ads click id), carried from the hoplink click."},
	{Name: "item", Roles: ForBoth, Source: SourceChoice, Example: "ketoguide", TestValue: "item",
		Description: "Item number (SKU) of the product bought or shown on the order form."},
	{Name: "network_aff", Roles: ForAffiliate, Tracking: trackingParam, Source: SourceChoice, Example: "net42", TestValue: "networkaff",
		Description: "Affiliate tracking parameter network_aff, carried from the hoplink click."},
	{Name: "offer", Roles: ForAffiliate, Tracking: trackingParam, Source: SourceChoice, Example: "keto_offer", TestValue: "offer",
		Description: "Affiliate tracking parameter offer, carried from the hoplink click."},
	{Name: "order_id", Roles: ForBoth, Source: SourceSeed, Events: purchases, Example: "K7QX2M9P", TestValue: "ABC12345",
		Description: "The order: the receipt of its first purchase, shared by its upsells; the tracker's Order ID."},
	{Name: "postal_code", Roles: ForBoth, Source: SourceSeed, Events: purchases, Example: "10001", TestValue: "12345",
		Description: "The buyer's postal code; the tracker's Zip Code."},
	{Name: "product_title", Roles: ForBoth, Source: SourceChoice, Example: "The Keto Guide", TestValue: "producttitle",
		Description: "Title of the product bought or shown on the order form (at most 70 characters)."},
	{Name: "receipt_id", Roles: ForBoth, Source: SourceLikely, Events: purchases, Example: "K7QX2M9P", TestValue: "ABC12345",
		Description: "The purchase's 8-character receipt; every upsell has its own."},
	{Name: "role", Roles: ForBoth, Source: SourceLikely, Example: "affiliate", TestValue: "affiliate",
		Description: "The integration's role: affiliate or vendor."},
	{Name: "state", Roles: ForBoth, Source: SourceLikely, Events: purchases, Example: "NY", TestValue: "NY",
		Description: "The buyer's state or region."},
	{Name: "tid", Roles: ForAffiliate, Source: SourceSeed, Example: "65a1f0c2e4b0a1b2c3d4e5f6", TestValue: "tid",
		Description: "The affiliate's tracking id from the hoplink (tid=…); the CLICKID of an affiliate integration."},
	{Name: "total_transaction_amount", Roles: ForBoth, Money: true, Source: SourceLikely, Example: "100.00", TestValue: "10.00",
		Description: "What the customer paid for this purchase, two decimals, in the order's currency (0.00 for an impression)."},
	{Name: "traffic_source", Roles: ForAffiliate, Tracking: trackingParam, Source: SourceLikely, Example: "facebook", TestValue: "trafficsource",
		Description: "Affiliate tracking parameter traffic_source, carried from the hoplink click."},
	{Name: "traffic_type", Roles: ForAffiliate, Tracking: trackingParam, Source: SourceLikely, Example: "paid", TestValue: "traffictype",
		Description: "Affiliate tracking parameter traffic_type, carried from the hoplink click."},
	{Name: "unique_aff_sub1", Roles: ForAffiliate, Tracking: uniqueClickID, Source: SourceChoice, Example: "u1a2b3", TestValue: "uniqueaffsub1",
		Description: "Affiliate unique click id unique_aff_sub1, carried from the hoplink click."},
	{Name: "unique_aff_sub2", Roles: ForAffiliate, Tracking: uniqueClickID, Source: SourceChoice, Example: "u4c5d6", TestValue: "uniqueaffsub2",
		Description: "Affiliate unique click id unique_aff_sub2, carried from the hoplink click."},
	{Name: "unique_aff_sub3", Roles: ForAffiliate, Tracking: uniqueClickID, Source: SourceChoice, Example: "u7e8f9", TestValue: "uniqueaffsub3",
		Description: "Affiliate unique click id unique_aff_sub3, carried from the hoplink click."},
	{Name: "unique_aff_sub4", Roles: ForAffiliate, Tracking: uniqueClickID, Source: SourceChoice, Example: "u0a1b2", TestValue: "uniqueaffsub4",
		Description: "Affiliate unique click id unique_aff_sub4, carried from the hoplink click."},
	{Name: "unique_aff_sub5", Roles: ForAffiliate, Tracking: uniqueClickID, Source: SourceChoice, Example: "u3c4d5", TestValue: "uniqueaffsub5",
		Description: "Affiliate unique click id unique_aff_sub5, carried from the hoplink click."},
	{Name: "vendor", Roles: ForBoth, Source: SourceLikely, Example: "coolvend", TestValue: "vendor",
		Description: "Nickname of the vendor who sold the product."},
	{Name: "vendor_earnings", Roles: ForBoth, Money: true, Source: SourceSeed, Example: "45.75", TestValue: "4.12",
		Description: "The vendor's earnings in USD with two decimals (0.00 for an impression); the SUM of a vendor integration."},
	{Name: "vtid", Roles: ForVendor, Source: SourceSeed, Example: "65a1f0c2e4b0a1b2c3d4e5f6", TestValue: "vtid",
		Description: "The vendor's tracking id from the pay link (vtid=…); the CLICKID of a vendor integration."},
}

// index maps a macro name to its position in catalog; built once, never
// modified.
var index = func() map[string]int {
	m := make(map[string]int, len(catalog))
	for i, mc := range catalog {
		m[mc.Name] = i
	}
	return m
}()

// slotBits sizes slots, the open-addressing table behind find: 256 slots
// for the catalog's few dozen names keep probe chains short.
const slotBits = 8

// slots holds catalog positions by a cheap hash of the name (slotOf), -1
// where empty; built once, never modified. find looks a name up in it
// several times faster than in index: it runs for every macro of every
// postback a load run builds.
var slots = func() (t [1 << slotBits]int16) {
	for h := range t {
		t[h] = -1
	}
	for i, m := range catalog {
		h := slotOf(m.Name)
		for t[h] >= 0 {
			h = (h + 1) & (1<<slotBits - 1)
		}
		t[h] = int16(i)
	}
	return t
}()

// slotOf hashes a name's length and its first, middle and last bytes.
func slotOf(name string) uint {
	n := len(name)
	if n == 0 {
		return 0
	}
	return (uint(n)*131 + uint(name[0])*31 + uint(name[n/2])*7 + uint(name[n-1])) & (1<<slotBits - 1)
}

// find returns the catalog position of the macro called name, as index
// does.
func find(name string) (int, bool) {
	for h := slotOf(name); ; h = (h + 1) & (1<<slotBits - 1) {
		i := slots[h]
		if i < 0 {
			return 0, false
		}
		if catalog[i].Name == name {
			return int(i), true
		}
	}
}

// Catalog returns every known macro sorted by name, as a fresh copy the
// caller may modify.
func Catalog() []Macro {
	out := make([]Macro, len(catalog))
	for i, m := range catalog {
		out[i] = m.clone()
	}
	slices.SortFunc(out, func(a, b Macro) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// Lookup returns the macro called name (without braces) and whether it is
// known. The returned Macro is a copy.
func Lookup(name string) (Macro, bool) {
	i, ok := index[name]
	if !ok {
		return Macro{}, false
	}
	return catalog[i].clone(), true
}

// Known reports whether name (without braces) is a macro of the catalog.
func Known(name string) bool {
	_, ok := index[name]
	return ok
}

// TrackingParams returns the names of the affiliate tracking parameters,
// sorted.
func TrackingParams() []string {
	var out []string
	for _, m := range catalog {
		if m.Tracking > 0 {
			out = append(out, m.Name)
		}
	}
	return out
}

// clone returns m with its own copy of Events.
func (m Macro) clone() Macro {
	m.Events = slices.Clone(m.Events)
	return m
}
