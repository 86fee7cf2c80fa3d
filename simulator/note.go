package simulator

// NoteKind says what ClickBank did on the way: to a TID, or to the values
// of a postback.
type NoteKind string

// The kinds of notes.
const (
	// TIDDropped: the hoplink's TID broke the TID rule and ClickBank
	// dropped it; affiliate postbacks carry an empty {tid}.
	TIDDropped NoteKind = "tid_dropped"
	// TIDChanged: the TID rule changed the TID: cut it to the rule's length
	// or, under an older rule, upper-cased it.
	TIDChanged NoteKind = "tid_changed"
	// TIDIgnored: a sale without an affiliate has no hoplink, so a TID
	// given for it is not used.
	TIDIgnored NoteKind = "tid_ignored"
	// MacroWithheld: an integration's template uses the other role's
	// role-specific macros ({tid} in a vendor integration), which ClickBank
	// sends empty.
	MacroWithheld NoteKind = "macro_withheld"
	// HopExpired: an order came after its hop's referral window (60 days,
	// docs/clickbank.md §3) or after the hop was forgotten, so it is a
	// sale without an affiliate.
	HopExpired NoteKind = "hop_expired"
	// HopReplaced: a buyer followed a second hoplink to the same vendor;
	// the last hop wins the referral (docs/clickbank.md §3).
	HopReplaced NoteKind = "hop_replaced"
)

// Note is something ClickBank did on the way that a harness may assert: a
// dropped or changed TID, a role-specific macro sent empty. Steps match it
// by Kind; Text is for people.
type Note struct {
	Kind NoteKind
	Text string
}

// String returns the note's text.
func (n Note) String() string { return n.Text }

// MarshalText writes the note as its text, as the control API and
// `cbsim fire` print it.
func (n Note) MarshalText() ([]byte, error) { return []byte(n.Text), nil }
