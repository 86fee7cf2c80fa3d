package load

import (
	"time"

	"github.com/cbsim/cbsim/simulator"
	"github.com/cbsim/cbsim/simulator/money"
)

// Kind says what a request was.
type Kind uint8

const (
	// KindPostback is a postback of one event to one integration.
	KindPostback Kind = iota
	// KindClick is a click through the tracker's profile that gave a
	// journey its click id; clicks are counted and reported apart.
	KindClick
)

// String names the kind as reports print it.
func (k Kind) String() string {
	if k == KindClick {
		return "click"
	}
	return "postback"
}

// Fault is the ClickBank-side fault a request was part of.
type Fault uint8

const (
	FaultNone      Fault = iota
	FaultDuplicate       // a second delivery of a postback already sent
	FaultReordered       // sent out of the journey's order
	FaultDelayed         // held back before sending
)

// String names the fault as reports and flags spell it.
func (f Fault) String() string {
	switch f {
	case FaultDuplicate:
		return "duplicate"
	case FaultReordered:
		return "reorder"
	case FaultDelayed:
		return "delay"
	}
	return "none"
}

// Reason says why a request failed; ReasonOK when it did not.
type Reason uint8

const (
	ReasonOK          Reason = iota
	ReasonStatus4xx          // the tracker answered 4xx
	ReasonStatus5xx          // the tracker answered 5xx
	ReasonStatusOther        // 1xx or 3xx
	ReasonRefused            // a 2xx that the profile reads as a refusal (postback.refused)
	ReasonTimeout            // no complete reply within the request timeout
	ReasonConnect            // the connection could not be opened
	ReasonReset              // the connection was reset or closed mid-request
	ReasonBadResponse        // the reply was not HTTP/1.1 the client could read
	ReasonCanceled           // the run ended while the request was in flight
)

// reasonNames is indexed by Reason.
var reasonNames = [...]string{"ok", "status_4xx", "status_5xx", "status_other", "refused", "timeout", "connect", "reset", "bad_response", "canceled"}

// String names the reason as reports and JSON spell it.
func (r Reason) String() string {
	if int(r) < len(reasonNames) {
		return reasonNames[r]
	}
	return "unknown"
}

// Reasons lists every reason in report order.
func Reasons() []Reason {
	out := make([]Reason, len(reasonNames))
	for i := range out {
		out[i] = Reason(i)
	}
	return out
}

// Result is what happened to one request. The engine sends them in
// batches; a Result is not shared after it is sent, and its strings are
// the ones the request was built from (no copy per result).
type Result struct {
	Kind    Kind
	Event   simulator.EventType // the postback's event; "" for a click
	Role    simulator.Role      // whose integration (or campaign, for a click)
	Journey uint64              // the journey's global number (see Shard)
	Fault   Fault
	Start   time.Duration // when it was sent, since the run began
	Latency time.Duration // from the first byte written to the last byte read
	Status  int           // the HTTP status; 0 when no reply was read
	Reason  Reason

	// What the postback carried, for the lost / doubled / wrong-sum check
	// (empty for a click): the click id ({tid} or {vtid}), the event id,
	// the receipt (the transaction id) and the sum in cents.
	ClickID string
	EventID string
	Receipt string
	Sum     money.Cents
}

// OK reports whether the tracker accepted the request.
func (r *Result) OK() bool { return r.Reason == ReasonOK }
