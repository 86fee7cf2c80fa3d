package steps

// Step methods that assert what ClickBank sent: the journal.

import (
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
	}
	return nil
}

// paramOf returns a query parameter of a delivery's URL.
func paramOf(d *simulator.Delivery, name string) (string, bool, error) {
	u, err := url.Parse(d.URL)
	if err != nil {
		return "", false, fmt.Errorf("postback URL %q does not parse: %w", d.URL, err)
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
	for i := range ds {
		d := &ds[i]
		wantV, err := exp.resolve(w, d)
		if err != nil {
			return err
		}
		got, has, err := paramOf(d, name)
		if err != nil {
			return err
		}
		if !has && wantV != "" {
			return fmt.Errorf("expected the %s postback to have %s=%s, but it has no %s parameter: %s", d.Event.Title(), name, wantV, name, d.URL)
		}
		if got != wantV {
			return fmt.Errorf("expected the %s postback to have %s=%q (%s), but it has %s=%q: %s", d.Event.Title(), name, wantV, exp, name, got, d.URL)
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
	notes := w.journal.Notes()
	for _, n := range notes {
		if n.Kind == noteKinds[what] {
			return nil
		}
	}
	return fmt.Errorf("expected a journal note that the TID was %s, but the notes are %q", what, notes)
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
