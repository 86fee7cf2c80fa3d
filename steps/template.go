package steps

// The offer-source template of the guide (docs/clickbank.md §1):
// clickid={tid}, sum={affiliate_earnings}, eventid={event_id},
// zip={postal_code}, order_id={order_id}, type=<conversion type>. Steps
// name a postback's parameters by these roles; a user's own integration
// file may call them otherwise, and the steps find them by the macros they
// carry.

import (
	"fmt"
	"slices"
	"strings"

	"github.com/cbsim/cbsim/simulator"
)

// templateRoles are the parameters of the offer-source template, by the
// name the steps use, with the macros that fill them.
var templateRoles = map[string][]string{
	"clickid":  {"tid", "vtid", "click_id"},
	"sum":      {"affiliate_earnings", "vendor_earnings"},
	"eventid":  {"event_id"},
	"zip":      {"postal_code"},
	"order_id": {"order_id"},
}

// correctMapping is the CLICKID and SUM macros of each role's integration,
// as ClickBank's guide sets them up.
var correctMapping = map[simulator.Role][2]string{
	simulator.RoleAffiliate: {"tid", "affiliate_earnings"},
	simulator.RoleVendor:    {"vtid", "vendor_earnings"},
}

// queryParams returns the raw name=value pairs of a URL template's query,
// in order, without decoding them (macros stay as written).
func queryParams(tmpl string) [][2]string {
	tmpl, _, _ = strings.Cut(tmpl, "#")
	_, query, _ := strings.Cut(tmpl, "?")
	var out [][2]string
	for part := range strings.SplitSeq(query, "&") {
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		out = append(out, [2]string{k, v})
	}
	return out
}

// paramFor returns the name of the parameter of tmpl that plays the
// template role name: name itself when tmpl has a parameter of that name,
// else the first parameter whose value is one of the role's macros, else
// name.
func paramFor(tmpl, name string) string {
	params := queryParams(tmpl)
	if slices.ContainsFunc(params, func(p [2]string) bool { return p[0] == name }) {
		return name
	}
	for _, p := range params {
		for _, m := range templateRoles[name] {
			if p[1] == "{"+m+"}" {
				return p[0]
			}
		}
	}
	return name
}

// paramCarrying returns the name of the first parameter of tmpl whose
// value is {macro}, and false when none is.
func paramCarrying(tmpl, macro string) (string, bool) {
	for _, p := range queryParams(tmpl) {
		if p[1] == "{"+macro+"}" {
			return p[0], true
		}
	}
	return "", false
}

// macroOf returns the macro the template role's parameter of tmpl carries
// ("tid" for clickid={tid}), and false when tmpl has no such parameter.
func macroOf(tmpl, role string) (param, macro string, ok bool) {
	param = paramFor(tmpl, role)
	for _, p := range queryParams(tmpl) {
		if p[0] == param {
			v, isMacro := strings.CutPrefix(p[1], "{")
			v, closed := strings.CutSuffix(v, "}")
			return param, v, isMacro && closed
		}
	}
	return "", "", false
}

// withMacro returns tmpl with the value of its parameter param set to
// {macro}.
func withMacro(tmpl, param, macro string) string { return withValue(tmpl, param, "{"+macro+"}") }

// withValue returns tmpl with the value of its parameter param set to v.
func withValue(tmpl, param, v string) string {
	tmpl, frag, hasFrag := strings.Cut(tmpl, "#")
	base, query, _ := strings.Cut(tmpl, "?")
	parts := strings.Split(query, "&")
	for i, part := range parts {
		if k, _, _ := strings.Cut(part, "="); k == param {
			parts[i] = k + "=" + v
		}
	}
	out := base + "?" + strings.Join(parts, "&")
	if hasFrag {
		out += "#" + frag
	}
	return out
}

// typeOf returns the type= value of a URL template, "" when it has none.
func typeOf(tmpl string) string {
	for _, p := range queryParams(tmpl) {
		if p[0] == "type" {
			return p[1]
		}
	}
	return ""
}

// ownIntegration returns the user's integration of role the scenario uses:
// the one a step named, else the first active one of that role in
// Options.Integrations. It returns nil when the run has no integrations
// file.
func (w *World) ownIntegration(role simulator.Role) (*simulator.Integration, error) {
	if w.opts.Integrations == nil {
		return nil, nil
	}
	if name := w.picked[role]; name != "" {
		for i := range w.opts.Integrations {
			if in := &w.opts.Integrations[i]; in.Name == name {
				return in, nil
			}
		}
	}
	for i := range w.opts.Integrations {
		if in := &w.opts.Integrations[i]; in.Role == role && in.Active {
			return in, nil
		}
	}
	return nil, fmt.Errorf("the integrations file has no active %s integration for this scenario", role)
}

// fromOwn sets up the scenario's integration in from the user's own: its
// events, parameter names, type names and further parameters, with its
// URLs made relative to the tracker under test, and CLICKID and SUM mapped
// to the scenario's macros. When the scenario asks for the role's correct
// mapping, the user's file must already have it: the suite tests the file
// as it was pasted into ClickBank. A scenario about a mistake (another
// mapping) puts the mistake into the user's template.
func (w *World) fromOwn(in, own *simulator.Integration, click, sum string) error {
	want := [2]string{click, sum}
	correct := want == correctMapping[own.Role]
	in.Name, in.Active, in.Events, in.PerEvent = own.Name, own.Active, slices.Clone(own.Events), own.PerEvent
	in.URL, in.URLs = "", map[simulator.EventType]string{}
	for t, tmpl := range own.Templates() {
		tmpl = trackerRelative(tmpl)
		for i, role := range []string{"clickid", "sum"} {
			param, has, ok := macroOf(tmpl, role)
			if !ok {
				return fmt.Errorf("integration %q: its %s URL has no %s parameter carrying a macro (%s): the steps cannot find it", own.Name, t, role, strings.Join(templateRoles[role], ", "))
			}
			if has == want[i] || role == "clickid" && has == "click_id" && want[i] == correctMapping[own.Role][0] {
				continue
			}
			if correct {
				return fmt.Errorf("integration %q sends %s={%s} in its %s URL; a %s integration must send {%s} (see cbsim lint)", own.Name, param, has, t, own.Role, want[i])
			}
			tmpl = withMacro(tmpl, param, want[i])
		}
		if own.PerEvent {
			in.URLs[t] = tmpl
		} else {
			in.URL = tmpl
		}
	}
	return nil
}

// trackerRelative drops the scheme and host of an absolute URL template,
// so that it resolves against the tracker under test (see World.resolve).
func trackerRelative(tmpl string) string {
	_, rest, ok := strings.Cut(tmpl, "://")
	if !ok {
		return tmpl
	}
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		if rest[i] == '/' {
			return rest[i:]
		}
		return "/" + rest[i:]
	}
	return "/"
}

// conversionType returns the tracker's name of the conversion type the
// steps call name: the bundled features name the three events'
// conversion types OrderFormImpression, InitialPurchase and
// UpsellPurchase; the scenario's postbacks may call them otherwise (an
// integrations file of one's own, Options.ConversionTypes). The name is
// the type= that ClickBank sent for that event; any other name stays.
func (w *World) conversionType(name string) string {
	for _, t := range eventTypes {
		if name != defaultTypeNames[t] {
			continue
		}
		for _, d := range w.deliveries {
			if d.Event == t && d.Skipped == "" && !d.TestFire {
				if typ := typeOf(d.Template); typ != "" && !strings.Contains(typ, "{") {
					return typ
				}
			}
		}
		return w.opts.typeName(t)
	}
	return name
}

// withTypeNames replaces a type= of the guide's names (InitialPurchase) in
// a URL template a step gives by the scenario's name for that conversion
// type (see conversionType); any other type= stays as written.
func (w *World) withTypeNames(tmpl string) string {
	typ := typeOf(tmpl)
	if name := w.conversionType(typ); typ != "" && name != typ {
		return withValue(tmpl, "type", name)
	}
	return tmpl
}

// templateName returns the scenario's name for a parameter of the
// offer-source template (zip may be postcode in an integration of one's
// own; see paramFor); any other name stays.
func (w *World) templateName(name string) string {
	if templateRoles[name] == nil {
		return name
	}
	for _, role := range []simulator.Role{simulator.RoleAffiliate, simulator.RoleVendor} {
		if in := w.integrations[role]; in != nil {
			for _, tmpl := range in.Templates() {
				if p := paramFor(tmpl, name); p != name {
					return p
				}
			}
		}
	}
	return name
}
