package profile

import "fmt"

// Features is what a tracker can do, as its profile says (features:). The
// harness skips what a tracker cannot do instead of failing on it.
type Features struct {
	// ConversionTypes: the tracker tells Initial from Upsell by a type
	// parameter.
	ConversionTypes bool
	// Statuses: the tracker keeps a conversion status (approved, pending …).
	Statuses bool
	// Dedup is what the tracker deduplicates repeated postbacks by:
	// DedupNone, DedupTransactionID, DedupEventID, DedupClick or
	// DedupConfigurable.
	Dedup string
	// PayoutPerClick is what repeated postbacks for one click do to its
	// payout: PayoutMany, PayoutLast or PayoutFirst.
	PayoutPerClick string
	// Restart: the harness can restart the tracker mid-run and what it
	// recorded survives (the reference tracker).
	Restart bool
	// PostbackToken: postbacks can be protected with a token (RedTrack's
	// ptoken).
	PostbackToken bool
}

// Values of Features.Dedup.
const (
	DedupNone          = "none"           // every postback is a conversion
	DedupTransactionID = "transaction_id" // one conversion per click and transaction id
	DedupEventID       = "event_id"       // one conversion per click and event id
	DedupClick         = "click"          // one conversion per click
	DedupConfigurable  = "configurable"   // per conversion type, as the account sets it (RedTrack)
)

// Values of Features.PayoutPerClick.
const (
	PayoutMany  = "many"  // each postback is its own conversion with its own payout
	PayoutLast  = "last"  // a repeat overwrites the click's payout
	PayoutFirst = "first" // a repeat leaves the first payout
)

// String prints the features on one line.
func (f Features) String() string {
	return fmt.Sprintf("conversion_types=%t statuses=%t dedup=%s payout_per_click=%s restart=%t postback_token=%t",
		f.ConversionTypes, f.Statuses, f.Dedup, f.PayoutPerClick, f.Restart, f.PostbackToken)
}
