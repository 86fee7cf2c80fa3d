package steps

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/cbsim/cbsim/simulator"
	"github.com/cbsim/cbsim/simulator/ids"
)

// eventNames maps the guide's event names to event types.
var eventNames = map[string]simulator.EventType{
	"Order Form Impression": simulator.OrderFormImpression,
	"Initial Purchase":      simulator.InitialPurchase,
	"Upsell Purchase":       simulator.UpsellPurchase,
}

const eventAlt = `(Order Form Impression|Initial Purchase|Upsell Purchase)`

// expected is a value a step expects: a literal, or something the scenario
// knows ("the click id", "the order id").
type expected struct {
	literal string
	ref     string // "" for a literal
}

var quotedRe = regexp.MustCompile(`^"(.*)"$`)

func parseExpected(s string) expected {
	s = strings.TrimSpace(s)
	if m := quotedRe.FindStringSubmatch(s); m != nil {
		return expected{literal: m[1]}
	}
	switch s {
	case "the click id", "the click id in upper case", "the click id as the TID rule left it", "the order id", "the event id", "the receipt", "the postal code", "the affiliate earnings", "the vendor earnings":
		return expected{ref: strings.TrimPrefix(s, "the ")}
	case "empty", "nothing":
		return expected{}
	}
	return expected{literal: s}
}

// resolve returns the value e stands for in delivery d of world w.
func (e expected) resolve(w *World, d *simulator.Delivery) (string, error) {
	switch e.ref {
	case "":
		return e.literal, nil
	case "click id":
		return w.clickID()
	case "click id in upper case":
		id, err := w.clickID()
		return strings.ToUpper(id), err
	case "click id as the TID rule left it":
		// What the scenario's TID rule makes of the click id: the legacy
		// rules upper-case it and cut it to 24 or 8 characters, so a
		// tracker's longer ids lose more than their case.
		id, err := w.clickID()
		if err != nil {
			return "", err
		}
		kept, err := ids.NormalizeTID(id, w.tidRule)
		if err != nil {
			return "", nil // dropped whole: ClickBank sends the TID empty
		}
		return kept, nil
	case "order id":
		return d.OrderID, nil
	case "event id":
		return d.EventID, nil
	case "receipt":
		return d.Receipt, nil
	case "postal code":
		return d.Values.Get("postal_code"), nil
	case "affiliate earnings":
		return d.Values.Get("affiliate_earnings"), nil
	case "vendor earnings":
		return d.Values.Get("vendor_earnings"), nil
	}
	return "", fmt.Errorf("unknown reference %q", e.ref)
}

func (e expected) String() string {
	if e.ref != "" {
		return "the " + e.ref
	}
	return fmt.Sprintf("%q", e.literal)
}

// quotedList parses `"A", "B" and "C"` into its strings.
func quotedList(s string) ([]string, error) {
	re := regexp.MustCompile(`"([^"]*)"`)
	var out []string
	for _, m := range re.FindAllStringSubmatch(s, -1) {
		out = append(out, m[1])
	}
	// Between the names: commas, spaces and "and"; around them: nothing else
	// than commas and spaces.
	gaps := re.Split(s, -1)
	stray := false
	for i, gap := range gaps {
		words := strings.FieldsFunc(gap, func(r rune) bool { return r == ',' || r == ' ' })
		inner := i > 0 && i < len(gaps)-1
		stray = stray || slices.ContainsFunc(words, func(w string) bool { return w != "and" || !inner })
	}
	if len(out) == 0 || stray {
		return nil, fmt.Errorf("expected a list of quoted names like \"A\", \"B\" and \"C\", got %s", s)
	}
	return out, nil
}
