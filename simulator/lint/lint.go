// Package lint checks ClickBank integrations for the mistakes that break a
// tracker integration silently: unknown macros (sent literally),
// role-specific macros of the other role (sent empty), the other party's
// earnings as the sum, a URL without a click id, and events that a tracker
// cannot tell apart.
package lint

import (
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strings"

	"github.com/cbsim/cbsim/internal/jsonpos"
	"github.com/cbsim/cbsim/simulator"
	"github.com/cbsim/cbsim/simulator/macro"
)

// Rule names the check a finding comes from.
type Rule string

// The rules Lint applies.
const (
	// RuleUnknownMacro: a token that is not a catalog macro is sent
	// literally.
	RuleUnknownMacro Rule = "unknown-macro"
	// RuleRoleMacro: a role-specific macro of the other role ({tid} in a
	// vendor integration), which ClickBank sends empty. Exactly the macros
	// macro.Values.Withhold empties; reported also where the integration's
	// "role_specific_macros": "send" makes cbsim send them anyway.
	RuleRoleMacro Rule = "role-macro"
	// RuleOtherSum: the other party's earnings as the SUM: a vendor
	// integration with {affiliate_earnings} and without {vendor_earnings}.
	RuleOtherSum Rule = "other-sum"
	// RuleNoClickID: no macro the role receives carries a click id.
	RuleNoClickID Rule = "no-click-id"
	// RuleSharedEndpoint: events a tracker cannot tell apart.
	RuleSharedEndpoint Rule = "shared-endpoint"
)

// Finding is one problem Lint found in an integration.
type Finding struct {
	Rule        Rule                // the check that found it
	File        string              // the integration file, when known
	Line        int                 // the line of the offending URL, when known
	Integration string              // the integration's name
	Event       simulator.EventType // the event whose URL has the problem, "" for the whole integration
	Message     string
}

// String returns "file:line: integration \"name\" (event): message [rule]".
func (f Finding) String() string {
	var b strings.Builder
	if f.File != "" {
		b.WriteString(f.File)
		if f.Line > 0 {
			fmt.Fprintf(&b, ":%d", f.Line)
		}
		b.WriteString(": ")
	}
	fmt.Fprintf(&b, "integration %q", f.Integration)
	if f.Event != "" {
		fmt.Fprintf(&b, " (%s)", f.Event)
	}
	b.WriteString(": ")
	b.WriteString(f.Message)
	if f.Rule != "" {
		fmt.Fprintf(&b, " [%s]", f.Rule)
	}
	return b.String()
}

// clickIDMacros are the macros that can carry the tracker's click id; one
// the role does not receive (a vendor's {tid}) does not count, and has its
// own finding. Besides tid and vtid, an affiliate's unique click id
// tracking parameters (docs/clickbank.md §3: up to 256 characters, '-'
// allowed) carry click ids the TID rule would drop, such as Orbitra's
// UUIDs in extclid.
var clickIDMacros = []string{"tid", "vtid", "click_id", "extclid", "fbclid", "gclid", "contact_id",
	"unique_aff_sub1", "unique_aff_sub2", "unique_aff_sub3", "unique_aff_sub4", "unique_aff_sub5"}

// Lint checks integrations for the mistakes that break a tracker
// integration silently: unknown macros (sent literally), macros of the other
// role, a URL without a click id, and several events sharing one tracker
// endpoint without a type= parameter that tells them apart.
func Lint(ins []simulator.Integration) []Finding {
	var out []Finding
	for _, in := range ins {
		out = append(out, lintOne(in)...)
	}
	return out
}

func lintOne(in simulator.Integration) []Finding {
	var out []Finding
	add := func(r Rule, t simulator.EventType, format string, args ...any) {
		out = append(out, Finding{Rule: r, Integration: in.Name, Event: t, Message: fmt.Sprintf(format, args...)})
	}
	events := in.Events
	if !in.PerEvent {
		events = events[:min(1, len(events))] // one URL: lint it once
	}
	type endpoint struct {
		types map[string][]simulator.EventType
	}
	endpoints := map[string]*endpoint{}
	for _, t := range events {
		tmpl, ok := in.URLFor(t)
		if !ok {
			continue
		}
		label := t
		if !in.PerEvent {
			label = ""
		}
		hasClick, otherClick, ownSumUsed := false, false, false
		var otherSum []string
		for _, tok := range macro.Tokens(tmpl) {
			m, known := macro.Lookup(tok.Name)
			switch {
			case !known:
				add(RuleUnknownMacro, label, "unknown macro {%s} is sent literally; the tracker will see %q", tok.Name, "{"+tok.Name+"}")
				continue
			case !m.Roles.Has(in.Role):
				why := ""
				if in.SendOtherRoleMacros {
					why = " (cbsim sends it only because of \"role_specific_macros\": \"send\")"
				}
				add(RuleRoleMacro, label, "{%s} is %s only: ClickBank sends it empty to %s integration%s%s",
					tok.Name, m.Roles, article(in.Role), why, twin(in.Role, tok.Name))
				otherClick = otherClick || slices.Contains(clickIDMacros, tok.Name)
				continue
			case tok.Name == ownSum[in.Role]:
				ownSumUsed = true
			case m.Money && tok.Name != "total_transaction_amount" && !slices.Contains(otherSum, tok.Name):
				otherSum = append(otherSum, tok.Name)
			}
			if slices.Contains(clickIDMacros, tok.Name) {
				hasClick = true
			}
		}
		if len(otherSum) > 0 && !ownSumUsed {
			// The other party's earnings beside one's own are an extra
			// parameter; alone they are the SUM.
			add(RuleOtherSum, label, "{%s} is the %s's money; the SUM of %s integration is {%s}",
				otherSum[0], otherParty(in.Role), article(in.Role), ownSum[in.Role])
		}
		if !hasClick && !otherClick { // the other role's click id has its own finding
			want := "{tid}"
			if in.Role == simulator.RoleVendor {
				want = "{vtid}"
			}
			add(RuleNoClickID, label, "URL has no click id macro (%s); the tracker cannot attribute the conversion", want)
		}
		key, typ := endpointOf(tmpl)
		ep := endpoints[key]
		if ep == nil {
			ep = &endpoint{types: map[string][]simulator.EventType{}}
			endpoints[key] = ep
		}
		ep.types[typ] = append(ep.types[typ], t)
	}
	if !in.PerEvent && len(in.Events) > 1 {
		if _, typ := endpointOf(in.URL); typ == "" {
			add(RuleSharedEndpoint, "", "%d event types share one URL without type=; enable per-event URLs and append &type=<conversion type> to each", len(in.Events))
		} else {
			add(RuleSharedEndpoint, "", "%d event types share one URL with type=%s; every event is recorded as that one type — enable per-event URLs", len(in.Events), typ)
		}
		return out
	}
	keysSorted := make([]string, 0, len(endpoints))
	for k := range endpoints {
		keysSorted = append(keysSorted, k)
	}
	sort.Strings(keysSorted)
	for _, k := range keysSorted {
		ep := endpoints[k]
		for typ, ts := range ep.types {
			if len(ts) < 2 && (typ != "" || len(ep.types) < 2) {
				continue
			}
			names := make([]string, len(ts))
			for i, t := range ts {
				names[i] = string(t)
			}
			sort.Strings(names)
			if typ == "" {
				add(RuleSharedEndpoint, "", "events %s share the tracker endpoint %s without type=; append &type=<conversion type> to each URL", strings.Join(names, ", "), k)
			} else {
				add(RuleSharedEndpoint, "", "events %s all send type=%s to %s; each event needs its own conversion type", strings.Join(names, ", "), typ, k)
			}
		}
	}
	return out
}

// endpointOf returns scheme://host/path of a URL template and its type= value.
func endpointOf(tmpl string) (string, string) {
	base, query, _ := strings.Cut(tmpl, "?")
	q, _ := url.ParseQuery(query)
	return base, q.Get("type")
}

// ownSum is the SUM macro of each role (docs/clickbank.md §1).
var ownSum = map[simulator.Role]string{simulator.RoleAffiliate: "affiliate_earnings", simulator.RoleVendor: "vendor_earnings"}

// twin returns the advice for an integration of role r that uses the other
// role's click id macro, "" for any other macro.
func twin(r simulator.Role, name string) string {
	switch {
	case r == simulator.RoleVendor && name == "tid":
		return "; use {vtid}"
	case r == simulator.RoleAffiliate && name == "vtid":
		return "; use {tid}"
	}
	return ""
}

// article returns "an affiliate" or "a vendor".
func article(r simulator.Role) string {
	if r == simulator.RoleAffiliate {
		return "an affiliate"
	}
	return "a vendor"
}

// otherParty names the party an integration of role r is not.
func otherParty(r simulator.Role) string {
	if r == simulator.RoleVendor {
		return string(simulator.RoleAffiliate)
	}
	return string(simulator.RoleVendor)
}

// File parses an integration file and lints it; findings carry the file
// name and the line of the integration's URL.
func File(file string, data []byte) ([]Finding, error) {
	ins, err := simulator.ParseIntegrations(file, data)
	if err != nil {
		return nil, err
	}
	var out []Finding
	for i, in := range ins {
		for _, f := range lintOne(in) {
			f.File = file
			switch {
			case f.Event != "" && in.PerEvent:
				f.Line = jsonpos.PathLine(data, "integrations", i, "urls", string(f.Event))
			case in.PerEvent:
				f.Line = jsonpos.PathLine(data, "integrations", i, "urls")
			default:
				f.Line = jsonpos.PathLine(data, "integrations", i, "url")
			}
			out = append(out, f)
		}
	}
	return out, nil
}
