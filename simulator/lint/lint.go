// Package lint checks ClickBank integrations for the mistakes that break a
// tracker integration silently: unknown macros (sent literally), macros of
// the other role, a URL without a click id, and events that a tracker
// cannot tell apart.
package lint

import (
	"fmt"
	"net/url"
	"sort"
	"strings"

	"github.com/cbsim/cbsim/internal/jsonpos"
	"github.com/cbsim/cbsim/simulator"
	"github.com/cbsim/cbsim/simulator/macro"
)

// Finding is one problem Lint found in an integration.
type Finding struct {
	File        string              // the integration file, when known
	Line        int                 // the line of the offending URL, when known
	Integration string              // the integration's name
	Event       simulator.EventType // the event whose URL has the problem, "" for the whole integration
	Message     string
}

// String returns "file:line: integration \"name\" (event): message".
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
	return b.String()
}

// clickIDMacros are the macros that can carry the tracker's click id.
var clickIDMacros = []string{"tid", "vtid", "click_id"}

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
	add := func(t simulator.EventType, format string, args ...any) {
		out = append(out, Finding{Integration: in.Name, Event: t, Message: fmt.Sprintf(format, args...)})
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
		hasClick := false
		for _, tok := range macro.Tokens(tmpl) {
			m, known := macro.Lookup(tok.Name)
			switch {
			case !known:
				add(label, "unknown macro {%s} is sent literally; the tracker will see %q", tok.Name, "{"+tok.Name+"}")
				continue
			case in.Role == simulator.RoleVendor && !m.Roles.Has(simulator.RoleVendor):
				add(label, "{%s} is an affiliate macro; a vendor integration should use %s", tok.Name, vendorTwin(tok.Name))
			case in.Role == simulator.RoleAffiliate && !m.Roles.Has(simulator.RoleAffiliate):
				add(label, "{%s} is a vendor macro; an affiliate integration should use %s", tok.Name, affiliateTwin(tok.Name))
			}
			for _, c := range clickIDMacros {
				if tok.Name == c {
					hasClick = true
				}
			}
		}
		if !hasClick {
			want := "{tid}"
			if in.Role == simulator.RoleVendor {
				want = "{vtid}"
			}
			add(label, "URL has no click id macro (%s); the tracker cannot attribute the conversion", want)
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
			add("", "%d event types share one URL without type=; enable per-event URLs and append &type=<conversion type> to each", len(in.Events))
		} else {
			add("", "%d event types share one URL with type=%s; every event is recorded as that one type — enable per-event URLs", len(in.Events), typ)
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
				add("", "events %s share the tracker endpoint %s without type=; append &type=<conversion type> to each URL", strings.Join(names, ", "), k)
			} else {
				add("", "events %s all send type=%s to %s; each event needs its own conversion type", strings.Join(names, ", "), typ, k)
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

func vendorTwin(name string) string {
	switch name {
	case "tid":
		return "{vtid}"
	case "affiliate_earnings":
		return "{vendor_earnings}"
	}
	return "vendor macros only"
}

func affiliateTwin(name string) string {
	switch name {
	case "vtid":
		return "{tid}"
	case "vendor_earnings":
		return "{affiliate_earnings}"
	}
	return "affiliate macros only"
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
