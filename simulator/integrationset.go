package simulator

import (
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/cbsim/cbsim/simulator/macro"
)

// integrations returns the integrations in use. The slice is shared: it
// is never changed in place (SetIntegrations and Rebase replace it), so
// a caller may range over it while another goroutine swaps them.
func (s *Simulator) integrations() []Integration {
	s.insMu.RLock()
	defer s.insMu.RUnlock()
	return s.Integrations
}

// CurrentIntegrations returns a copy of the integrations in use, safe to
// read while the control API changes them (SetIntegrations). Their Events
// and URLs are shared: do not change them.
func (s *Simulator) CurrentIntegrations() []Integration {
	return slices.Clone(s.integrations())
}

// SetIntegrations replaces the integrations, while the simulator runs as
// well as before: a delivery under way keeps the integrations it started
// with. They are checked as an integrations file is (ParseIntegrations):
// names given and unique, a role, at least one event type, and URLs
// absolute http or https, one per event type when PerEvent. A fault is a
// *ParamError naming the field ("name", "role", "events", "url", "urls")
// and the integration, and changes nothing.
func (s *Simulator) SetIntegrations(ins []Integration) error {
	if err := CheckIntegrations(ins); err != nil {
		return err
	}
	out := make([]Integration, len(ins))
	for i, in := range ins {
		in.Events = slices.Clone(in.Events)
		in.URLs = maps.Clone(in.URLs)
		out[i] = in
	}
	s.insMu.Lock()
	s.Integrations = out
	s.insMu.Unlock()
	return nil
}

// CheckIntegrations checks ins as SetIntegrations does, changing
// nothing: a caller that must act before they are in use (the control API
// masks their URLs' secrets first) checks, acts, then sets them.
func CheckIntegrations(ins []Integration) error {
	seen := map[string]bool{}
	for i, in := range ins {
		bad := func(param string, err error) error {
			return &ParamError{Param: param, Err: fmt.Errorf("integration %d (%q): %w", i, in.Name, err)}
		}
		switch {
		case in.Name == "":
			return bad("name", errors.New("an integration needs a name"))
		case seen[in.Name]:
			return bad("name", fmt.Errorf("integration %q is defined twice", in.Name))
		}
		seen[in.Name] = true
		if _, err := macro.ParseRole(string(in.Role)); err != nil {
			return bad("role", err)
		}
		if len(in.Events) == 0 {
			return bad("events", fmt.Errorf("select at least one event type (allowed: %s)", macro.EventTypeNames))
		}
		for _, t := range in.Events {
			if !t.Valid() {
				return bad("events", fmt.Errorf("unknown event type %q (allowed: %s)", t, macro.EventTypeNames))
			}
		}
		if !in.PerEvent {
			if len(in.URLs) > 0 {
				return bad("urls", errors.New(`urls needs "per_event": true`))
			}
			if err := checkURL(in.URL); err != nil {
				return bad("url", err)
			}
			continue
		}
		if in.URL != "" {
			return bad("url", errors.New("per_event integrations take urls, not url"))
		}
		for _, t := range slices.Sorted(maps.Keys(in.URLs)) {
			if !t.Valid() {
				return bad("urls", fmt.Errorf("unknown event type %q (allowed: %s)", t, macro.EventTypeNames))
			}
			if err := checkURL(in.URLs[t]); err != nil {
				return bad("urls", fmt.Errorf("%s: %w", t, err))
			}
		}
		for _, t := range in.Events {
			if in.URLs[t] == "" {
				return bad("urls", fmt.Errorf("event %s is selected but has no URL", t))
			}
		}
	}
	return nil
}
