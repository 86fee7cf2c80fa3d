package macro

import (
	"encoding/json"
	"fmt"
)

// Values holds the raw, unescaped value of each catalog macro for one
// event and integration: a table indexed by the macro's place in the
// catalog, so filling it builds no map. The zero Values has no value set;
// a macro without a value expands to "".
type Values struct {
	val [len(catalog)]string
	set [len(catalog)]bool
}

// Set sets the value of the macro called name (without braces) and reports
// whether name is a catalog macro; any other name is not kept.
func (v *Values) Set(name, value string) bool {
	i, ok := find(name)
	if ok {
		v.val[i], v.set[i] = value, true
	}
	return ok
}

// Get returns the value of the macro called name, "" when it has none.
func (v *Values) Get(name string) string {
	s, _ := v.Lookup(name)
	return s
}

// Lookup returns the value of the macro called name and whether it is set.
func (v *Values) Lookup(name string) (string, bool) {
	i, ok := find(name)
	if !ok || v == nil || !v.set[i] {
		return "", false
	}
	return v.val[i], true
}

// KeepCarried empties the macros that events of type t do not carry (a
// receipt in an Order Form Impression), so they expand to "".
func (v *Values) KeepCarried(t EventType) {
	for i := range catalog {
		if v.set[i] && !catalog[i].Carries(t) {
			v.val[i] = ""
		}
	}
}

// Map returns the values that are set, by macro name.
func (v *Values) Map() map[string]string {
	out := map[string]string{}
	for i := range catalog {
		if v.set[i] {
			out[catalog[i].Name] = v.val[i]
		}
	}
	return out
}

// MarshalJSON writes the values that are set as one object, keys sorted.
func (v Values) MarshalJSON() ([]byte, error) { return json.Marshal(v.Map()) }

// UnmarshalJSON reads an object of macro names and values; a name that is
// not a catalog macro is an error.
func (v *Values) UnmarshalJSON(b []byte) error {
	var m map[string]string
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	*v = Values{}
	for name, s := range m {
		if !v.Set(name, s) {
			return fmt.Errorf("unknown macro %q", name)
		}
	}
	return nil
}

// Withhold empties the role-specific macros of the other role, as
// ClickBank sends them to an integration of role r (docs/clickbank.md §4):
// in a vendor integration {tid} and every affiliate tracking parameter
// expand to "", in an affiliate one {vtid}. It returns the names of the
// macros that lost a non-empty value, in catalog order.
func (v *Values) Withhold(r Role) []string {
	var lost []string
	for i := range catalog {
		if catalog[i].Roles.Has(r) {
			continue
		}
		if v.val[i] != "" {
			lost = append(lost, catalog[i].Name)
		}
		v.val[i] = ""
	}
	return lost
}

// Drop empties the role-specific macros of the other role, as Withhold
// does, without saying which lost a value: for callers that only expand.
func (v *Values) Drop(r Role) {
	for i := range catalog {
		if !catalog[i].Roles.Has(r) {
			v.val[i] = ""
		}
	}
}

// TestValues returns the placeholder values a Test fire of event t sends
// to an integration of role r: every macro's TestValue, with {event_type}
// set to t and {role} to r, under the rules of a real event of type t —
// the macros t does not carry are empty and the money macros "0.00" in an
// Order Form Impression (docs/clickbank.md §4). What the role does not
// receive is left to Withhold, as for a real event.
func TestValues(t EventType, r Role) Values {
	var v Values
	for i, m := range catalog {
		v.val[i], v.set[i] = m.TestValue, true
		if m.Money && t == OrderFormImpression {
			v.val[i] = "0.00"
		}
	}
	v.Set("event_type", string(t))
	v.Set("role", string(r))
	v.KeepCarried(t)
	return v
}
