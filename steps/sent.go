package steps

// Step methods that assert what ClickBank sent: the journal.

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/cbsim/cbsim/simulator"
)

func (w *World) sentCount(n int, role string) error {
	var got []simulator.Delivery
	for _, d := range w.sent("") {
		if role == "" || d.Role == simulator.Role(role) {
			got = append(got, d)
		}
	}
	if len(got) != n {
		return fmt.Errorf("expected ClickBank to send %d postbacks, but it sent %d:\n%s", n, len(got), describeDeliveries(got))
	}
	return nil
}

func (w *World) sentNone(role, why string) error {
	if w.integrations[simulator.Role(role)] == nil {
		return fmt.Errorf("no %s integration is set up in this scenario: that it sent nothing proves nothing", role)
	}
	skipped := 0
	for _, d := range w.deliveries {
		if d.Role != simulator.Role(role) {
			continue
		}
		if d.Skipped == "" {
			return fmt.Errorf("expected no %s postback, but ClickBank sent %s", role, d.URL)
		}
		if why != "" && !strings.Contains(d.Skipped, why) {
			return fmt.Errorf("expected the %s postback to be skipped because %q, but it was skipped because %q", role, why, d.Skipped)
		}
		skipped++
	}
	if why != "" && skipped == 0 {
		return fmt.Errorf("expected ClickBank to skip a %s postback because %q, but no event came for the %s integration to skip", role, why, role)
	}
	return nil
}

func (w *World) sentNoEvent(event string) error {
	if len(w.integrations) == 0 {
		return fmt.Errorf("no integration is set up in this scenario: that ClickBank sent no %s postback proves nothing", event)
	}
	if ds := w.sent(eventNames[event]); len(ds) > 0 {
		return fmt.Errorf("expected no %s postback, but ClickBank sent %d:\n%s", event, len(ds), describeDeliveries(ds))
	}
	return nil
}

// paramOf returns a query parameter of a delivery's URL. name is a
// parameter of the offer-source template (clickid, sum, eventid, zip,
// order_id) or any other parameter name; see paramFor.
func paramOf(d *simulator.Delivery, name string) (string, bool, error) {
	return paramIn(d.URL, paramFor(d.Template, name))
}

// paramIn returns the query parameter name of a URL and whether it has it.
func paramIn(raw, name string) (string, bool, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", false, fmt.Errorf("postback URL %q does not parse: %w", raw, err)
	}
	q := u.Query()
	_, has := q[name]
	return q.Get(name), has, nil
}

func (w *World) checkParam(ds []simulator.Delivery, what, name, want string) error {
	if len(ds) == 0 {
		return fmt.Errorf("ClickBank sent no %s", what)
	}
	exp := parseExpected(want)
	name, err := w.wireName(name)
	if err != nil {
		return err
	}
	for i := range ds {
		d := &ds[i]
		wantV, err := exp.resolve(w, d)
		if err != nil {
			return err
		}
		if name == "type" {
			wantV = w.conversionType(wantV)
		}
		got, has, err := paramOf(d, name)
		if err != nil {
			return err
		}
		if !has {
			return fmt.Errorf("expected the %s postback to have %s=%q (%s), but it has no %s parameter: %s", d.Event.Title(), name, wantV, exp, paramFor(d.Template, name), d.URL)
		}
		if got != wantV {
			return fmt.Errorf("expected the %s postback to have %s=%q (%s), but it has %s=%q: %s%s", d.Event.Title(), name, wantV, exp, name, got, d.URL, w.tidNotes())
		}
	}
	return nil
}

func (w *World) postbackHas(event, name, want string) error {
	t := eventNames[event]
	return w.checkParam(w.sent(t), event+" postback", name, want)
}

func (w *World) everyPostbackHas(name, want string) error {
	return w.checkParam(w.sent(""), "postback", name, want)
}

func (w *World) integrationPostbackHas(event, role, name, want string) error {
	var ds []simulator.Delivery
	for _, d := range w.sent(eventNames[event]) {
		if d.Role == simulator.Role(role) {
			ds = append(ds, d)
		}
	}
	return w.checkParam(ds, event+" postback to the "+role+" integration", name, want)
}

func (w *World) postbackLacks(event, name string) error {
	ds := w.sent(eventNames[event])
	if len(ds) == 0 {
		return fmt.Errorf("ClickBank sent no %s postback", event)
	}
	if wn, ok := w.tracker.(wireNamer); ok {
		if wire, has := wn.WireName(name); has {
			name = wire
		}
	}
	for i := range ds {
		if v, has, err := paramOf(&ds[i], name); err != nil || has {
			return errors.Join(err, fmt.Errorf("expected the %s postback to have no %s parameter, but it has %s=%q: %s", event, name, name, v, ds[i].URL))
		}
	}
	return nil
}

// sameInEveryAttempt checks that a retried postback carried the same value
// of a parameter in every attempt: what a tracker that deduplicates by it
// needs.
func (w *World) sameInEveryAttempt(name string) error {
	retried := 0
	for _, d := range w.sent("") {
		if len(d.Attempts) < 2 {
			continue
		}
		retried++
		pname := paramFor(d.Template, name)
		first, has, err := paramIn(d.Attempts[0].URL, pname)
		if err != nil || !has || first == "" {
			return errors.Join(err, fmt.Errorf("the %s postback's first attempt carried no %s: %s", d.Event.Title(), pname, d.Attempts[0].URL))
		}
		for _, a := range d.Attempts[1:] {
			if v, _, _ := paramIn(a.URL, pname); v != first {
				return fmt.Errorf("the %s postback carried %s=%q in attempt 1 but %q in attempt %d", d.Event.Title(), pname, first, v, a.N)
			}
		}
	}
	if retried == 0 {
		return fmt.Errorf("no postback was retried in this scenario: there is no second attempt to compare (add \"Given ClickBank retries a failed postback 2 times\" and a failing tracker)")
	}
	return nil
}

func (w *World) everyDelivered() error {
	ds := w.sent("")
	if len(ds) == 0 {
		return fmt.Errorf("ClickBank sent no postback")
	}
	for _, d := range ds {
		if !d.Delivered {
			return fmt.Errorf("the %s postback to %s was not delivered: %s (after %d attempts)", d.Event.Title(), d.URL, d.Error(), len(d.Attempts))
		}
	}
	return nil
}

func (w *World) last() (*simulator.Delivery, error) {
	ds := w.sent("")
	if len(ds) == 0 {
		return nil, fmt.Errorf("ClickBank sent no postback")
	}
	return &ds[len(ds)-1], nil
}

func (w *World) notDelivered(n int) error {
	return w.lastEnded(false, n, fmt.Sprintf("to fail after %d attempts", n))
}

func (w *World) deliveredAfter(n int) error {
	return w.lastEnded(true, n, fmt.Sprintf("to be delivered on attempt %d", n))
}

// lastEnded checks how the last postback ended: delivered or not, after n attempts.
func (w *World) lastEnded(delivered bool, n int, expected string) error {
	d, err := w.last()
	if err != nil {
		return err
	}
	if d.Delivered != delivered || len(d.Attempts) != n {
		return fmt.Errorf("expected the postback %s, but delivered=%v after %d attempts (%s)", expected, d.Delivered, len(d.Attempts), d.Error())
	}
	return nil
}

func (w *World) journalShows(what string) error {
	d, err := w.last()
	if err != nil {
		return err
	}
	for _, a := range d.Attempts {
		var ok bool
		switch {
		case strings.HasPrefix(what, "HTTP "):
			ok = "HTTP "+strconv.Itoa(a.Status) == what
		case what == "a timeout":
			ok = strings.Contains(a.Error, "timeout")
		case what == "a refused connection":
			ok = strings.Contains(a.Error, "connection refused")
		case what == "a malformed reply":
			ok = a.Status == 0 && strings.Contains(a.Error, "malformed HTTP")
		case what == "a reset connection":
			ok = strings.Contains(a.Error, "reset") || strings.Contains(a.Error, "EOF")
		}
		if !ok {
			return fmt.Errorf("expected %s on attempt %d, but the journal shows status %d, error %q", what, a.N, a.Status, a.Error)
		}
	}
	return nil
}

// noteKinds are the notes the journal step asks about, by the step's word.
var noteKinds = map[string]simulator.NoteKind{"dropped": simulator.TIDDropped, "changed": simulator.TIDChanged}

func (w *World) journalNotes(what string) error {
	if err := w.tidIsCarrier(); err != nil {
		return err
	}
	err := w.hasNote(noteKinds[what], "the TID was "+what)
	if err != nil && w.clicked && w.clickRole != simulator.RoleVendor && w.click.ID != "" &&
		w.tid == w.click.ID && strings.ToUpper(w.click.ID) == w.click.ID && len(w.journal.Notes()) == 0 {
		// The mistake the scenario shows cannot happen with this tracker.
		return &SkipError{Reason: fmt.Sprintf("it shows ClickBank changing or dropping a TID with lower-case letters, and the tracker under test hands out click ids without any (%s), which ClickBank passes on intact", w.click.ID)}
	}
	return err
}

// tidNotes returns what ClickBank's journal says it did to the TID or
// vtid, for a message about a click id that did not arrive: "" when it
// says nothing.
func (w *World) tidNotes() string {
	var out []string
	for _, n := range w.journal.Notes() {
		if n.Kind == simulator.TIDDropped || n.Kind == simulator.TIDChanged {
			out = append(out, n.Text)
		}
	}
	if len(out) == 0 {
		return ""
	}
	return "; ClickBank's journal says: " + strings.Join(out, "; ")
}

func (w *World) notesWithheld() error {
	return w.hasNote(simulator.MacroWithheld, "a role-specific macro was sent empty")
}

// hasNote checks that the journal holds a note of kind k; what says it in
// the step's words.
func (w *World) hasNote(k simulator.NoteKind, what string) error {
	notes := w.journal.Notes()
	for _, n := range notes {
		if n.Kind == k {
			return nil
		}
	}
	return fmt.Errorf("expected a journal note that %s, but the notes are %q", what, notes)
}

func (w *World) shareOrder() error {
	var purchases []simulator.Event
	for _, e := range w.events {
		if e.Type != simulator.OrderFormImpression {
			purchases = append(purchases, e)
		}
	}
	if len(purchases) < 2 {
		return fmt.Errorf("expected an order with upsells, but there are %d purchases", len(purchases))
	}
	seen := map[string]bool{}
	for _, e := range purchases {
		if e.OrderID != purchases[0].Receipt {
			return fmt.Errorf("the %s of %s has order id %s, expected the first receipt %s", e.Type.Title(), e.Item, e.OrderID, purchases[0].Receipt)
		}
		if seen[e.Receipt] {
			return fmt.Errorf("receipt %s is used twice", e.Receipt)
		}
		seen[e.Receipt] = true
	}
	// and what was sent says the same
	for _, d := range w.sent("") {
		if d.Event == simulator.OrderFormImpression || d.TestFire {
			continue
		}
		if d.Values.Get("order_id") != purchases[0].Receipt {
			return fmt.Errorf("the %s postback sent order_id %q, expected %s", d.Event.Title(), d.Values.Get("order_id"), purchases[0].Receipt)
		}
	}
	return nil
}

// wireName returns the name the tracker under test gives a postback
// parameter the steps name RedTrack's way (clickid, sum, type …): itself,
// unless the tracker names its parameters its own way (a profile). A
// parameter that tracker has none of cannot be asserted: the step is
// skipped, saying so.
func (w *World) wireName(name string) (string, error) {
	wn, ok := w.tracker.(wireNamer)
	if !ok {
		return name, nil
	}
	wire, has := wn.WireName(name)
	if !has {
		return "", &SkipError{Reason: fmt.Sprintf("the tracker under test has no %s parameter in its postbacks%s", name, w.behaviour())}
	}
	return wire, nil
}

// behaviour is what the tracker's profile says it does, for messages: ""
// or "; the X profile says: …".
func (w *World) behaviour() string {
	if b, ok := w.tracker.(behaviourer); ok {
		if s := b.Behaviour(); s != "" {
			return " (" + s + ")"
		}
	}
	return ""
}
