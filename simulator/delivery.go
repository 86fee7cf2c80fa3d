package simulator

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/cbsim/cbsim/simulator/macro"
)

// Attempt is one HTTP request of a delivery.
type Attempt struct {
	N        int           // 1 for the first attempt
	URL      string        // what was requested
	Status   int           // HTTP status, 0 when no response came
	Latency  time.Duration // from sending to the end of the response body
	Error    string        // transport error or why the status counts as a failure
	Body     string        // the first bytes of the tracker's reply
	Location string        // a 3xx reply's Location header, when the redirect was not followed
}

// Delivery is one postback of one event to one integration: what was built,
// and every attempt to send it.
type Delivery struct {
	Event       EventType
	EventID     string
	Receipt     string
	OrderID     string
	Integration string
	Role        Role
	Template    string       // the integration's URL template
	URL         string       // the template expanded with Values
	Values      macro.Values // every macro's value for this event and integration
	TestFire    bool         // built from placeholder values, like ClickBank's Test button
	Skipped     string       // why nothing was sent, when nothing was
	Notes       []Note       // what building it noted (role-specific macros sent empty)
	Attempts    []Attempt
	Delivered   bool // a 2xx reply came

	// At is when the delivery was journaled, by the simulator's Clock
	// (Simulator.Send); zero until then.
	At time.Time
	// Replay says the delivery resends an earlier, failed one
	// (Simulator.Replay): the one numbered ReplayOf in the journal.
	Replay   bool
	ReplayOf int64

	seq int64 // the journal number + 1, set when journaled; 0 = not journaled
}

// Number returns the delivery's number in the journal (counted since its
// last Reset) and whether it was journaled at all.
func (d *Delivery) Number() (int64, bool) { return d.seq - 1, d.seq > 0 }

// Failed reports whether the delivery was sent, or meant to be, and not
// delivered: every attempt failed, or a cancelled run journaled it as
// "not sent: …". A delivery an integration's rules skip (not subscribed,
// a test card, another account) is no failure, nor is one only built.
func (d *Delivery) Failed() bool {
	if d.Delivered {
		return false
	}
	return len(d.Attempts) > 0 || strings.HasPrefix(d.Skipped, notSent)
}

// notSent begins the Skipped of a delivery a cancelled run did not send.
const notSent = "not sent: "

// Build expands the integration's URL for ev without sending anything.
// A delivery the integration does not fire has Skipped set.
func Build(ev *Event, in Integration) Delivery {
	d := Delivery{Event: ev.Type, EventID: ev.ID, Receipt: ev.Receipt, OrderID: ev.OrderID, Integration: in.Name, Role: in.Role}
	if ok, why := in.Fires(ev); !ok {
		d.Skipped = why
		return d
	}
	tmpl, ok := in.URLFor(ev.Type)
	if !ok {
		d.Skipped = "no URL for " + string(ev.Type)
		return d
	}
	d.Template = tmpl
	d.Values = ev.Values(in.Role, in.accountFor(ev))
	d.expand(in)
	return d
}

// AppendURL appends to dst the URL that Build(ev, in) expands, byte for
// byte, and reports whether in sends a postback for ev; when it does not,
// dst comes back unchanged. It builds nothing else (no Delivery, Values
// kept or Notes), for a caller that sends many postbacks and allocates
// only to grow dst.
func AppendURL(dst []byte, ev *Event, in Integration) ([]byte, bool) {
	if in.skip(ev) != fires {
		return dst, false
	}
	tmpl, ok := in.URLFor(ev.Type)
	if !ok {
		return dst, false
	}
	v := ev.Values(in.Role, in.accountFor(ev))
	if !in.SendOtherRoleMacros {
		v.Drop(in.Role)
	}
	return macro.AppendExpand(dst, tmpl, &v), true
}

// expand applies ClickBank's role rule to d.Values unless in opts out,
// notes the macros of d.Template that lost a value to it, and expands the
// template.
func (d *Delivery) expand(in Integration) {
	if !in.SendOtherRoleMacros {
		if lost := d.Values.Withhold(in.Role); len(lost) > 0 {
			var used []string
			for _, tok := range macro.Tokens(d.Template) {
				if slices.Contains(lost, tok.Name) && !slices.Contains(used, "{"+tok.Name+"}") {
					used = append(used, "{"+tok.Name+"}")
				}
			}
			if len(used) > 0 {
				d.Notes = append(d.Notes, Note{MacroWithheld, fmt.Sprintf(
					"%s integration %q, %s: %s sent empty; ClickBank gives these macros only to %s integrations",
					in.Role, in.Name, d.Event, strings.Join(used, ", "), otherRole(in.Role))})
			}
		}
	}
	d.URL = macro.Expand(d.Template, &d.Values)
}

// otherRole returns the role that is not r.
func otherRole(r Role) Role {
	if r == RoleVendor {
		return RoleAffiliate
	}
	return RoleVendor
}

// BuildTest builds what ClickBank's per-event Test action sends: the
// integration's URL expanded with each macro's placeholder value, under the
// rules of a real event of type t for the integration's role
// (docs/clickbank.md §4).
func BuildTest(t EventType, in Integration) (Delivery, error) {
	tmpl, ok := in.URLFor(t)
	if !ok {
		return Delivery{}, fmt.Errorf("integration %q has no URL for %s", in.Name, t)
	}
	d := Delivery{Event: t, Integration: in.Name, Role: in.Role, Template: tmpl, Values: macro.TestValues(t, in.Role), TestFire: true}
	d.expand(in)
	return d, nil
}

// Status returns the status of the last attempt, 0 if none.
func (d *Delivery) Status() int {
	if len(d.Attempts) == 0 {
		return 0
	}
	return d.Attempts[len(d.Attempts)-1].Status
}

// Error returns the error of the last attempt, "" if none.
func (d *Delivery) Error() string {
	if len(d.Attempts) == 0 {
		return ""
	}
	return d.Attempts[len(d.Attempts)-1].Error
}

// Latency returns the total time spent in the delivery's attempts.
func (d *Delivery) Latency() time.Duration {
	var sum time.Duration
	for _, a := range d.Attempts {
		sum += a.Latency
	}
	return sum
}

// DeliveryRecord is the JSON form of a delivery, one object per delivery in
// `cbsim fire --json` and in the control API of `cbsim serve`.
type DeliveryRecord struct {
	// N is the delivery's journal number, when it was journaled.
	N           *int64          `json:"n,omitempty"`
	At          time.Time       `json:"at,omitzero"` // when it was journaled (RFC 3339)
	Event       EventType       `json:"event"`
	EventID     string          `json:"event_id,omitempty"`
	Receipt     string          `json:"receipt,omitempty"`
	OrderID     string          `json:"order_id,omitempty"`
	Integration string          `json:"integration"`
	Role        Role            `json:"role"`
	URL         string          `json:"url"`
	Status      int             `json:"status"`
	Delivered   bool            `json:"delivered"`
	Attempts    int             `json:"attempts"`
	Error       string          `json:"error"`
	Skipped     string          `json:"skipped,omitempty"`
	Notes       []Note          `json:"notes,omitempty"`
	TestFire    bool            `json:"test_fire,omitempty"`
	LatencyMS   float64         `json:"latency_ms"`
	Tries       []AttemptRecord `json:"tries,omitempty"`
	Values      macro.Values    `json:"values"`
	// ReplayOf is the journal number of the failed delivery this one
	// resends (Simulator.Replay); absent unless it is a replay.
	ReplayOf *int64 `json:"replay_of,omitempty"`
}

// AttemptRecord is the JSON form of an attempt.
type AttemptRecord struct {
	N         int     `json:"n"`
	Status    int     `json:"status"`
	LatencyMS float64 `json:"latency_ms"`
	Error     string  `json:"error,omitempty"`
	Location  string  `json:"location,omitempty"` // a 3xx reply's Location, when not followed
}

// Record returns the JSON form of d.
func (d *Delivery) Record() DeliveryRecord {
	r := DeliveryRecord{Event: d.Event, EventID: d.EventID, Receipt: d.Receipt, OrderID: d.OrderID,
		Integration: d.Integration, Role: d.Role, URL: d.URL, Status: d.Status(), Delivered: d.Delivered,
		Attempts: len(d.Attempts), Error: d.Error(), Skipped: d.Skipped, Notes: d.Notes, TestFire: d.TestFire,
		LatencyMS: ms(d.Latency()), Values: d.Values, At: d.At}
	if n, ok := d.Number(); ok {
		r.N = &n
	}
	if d.Replay {
		of := d.ReplayOf
		r.ReplayOf = &of
	}
	for _, a := range d.Attempts {
		r.Tries = append(r.Tries, AttemptRecord{N: a.N, Status: a.Status, LatencyMS: ms(a.Latency), Error: a.Error, Location: a.Location})
	}
	return r
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
