package simulator

import "time"

// The defaults of the embedded fixtures that every caller (cbsim fire, the
// control API, the step library, the demo) starts from. They name accounts
// and products of fixtures/catalog.json; a test checks they exist.
const (
	// DefaultVendor is the vendor of an ad-hoc fire without --vendor.
	DefaultVendor = "ven01"
	// DefaultAffiliate is the affiliate of an ad-hoc fire and of the
	// step library's hoplink traffic.
	DefaultAffiliate = "aff01"
	// DefaultItem is the product of an ad-hoc fire without an item.
	DefaultItem = "KETO-FE"
	// DefaultFunnel is the funnel of a scenario that does not pick one.
	DefaultFunnel = "keto"
	// DefaultTimeout is the per-attempt timeout of a Dispatcher whose
	// Timeout is zero.
	DefaultTimeout = 5 * time.Second
)

// DefaultTime is when an event happens unless the caller says: a fixed
// date, so that seeded output does not depend on the clock.
var DefaultTime = time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC)
