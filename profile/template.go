package profile

import (
	"fmt"
	"slices"
	"strings"
)

// Built-in placeholders: values the harness supplies, as opposed to a
// profile's settings.
const (
	phTracker  = "tracker"   // Config.TrackerURL, no trailing slash
	phAPI      = "api"       // Config.APIURL, else TrackerURL
	phCampaign = "campaign"  // the campaign of the click's role
	phRole     = "role"      // affiliate or vendor
	phClickID  = "click_id"  // the click id a read looks for
	phDateFrom = "date_from" // first day of the read window, YYYY-MM-DD (UTC)
	phDateTo   = "date_to"   // last day of the read window, YYYY-MM-DD (UTC)
	phTimeFrom = "time_from" // start of the read window, Unix seconds
	phTimeTo   = "time_to"   // end of the read window, Unix seconds
	phOfferURL = "offer_url" // the offer URL of a campaign being created
	phTitle    = "title"     // the title of a campaign being found or created
)

// builtins lists every built-in placeholder; a setting may not take one
// of these names.
func builtins() []string {
	return []string{phTracker, phAPI, phCampaign, phRole, phClickID, phDateFrom, phDateTo, phTimeFrom, phTimeTo, phOfferURL, phTitle}
}

// escaping says how a placeholder's value is written into a template.
type escaping int

const (
	escRaw  escaping = iota // as it is (header values, query values encoded later, DSNs)
	escURL                  // percent-encoded but for unreserved characters and "/"; {tracker} and {api} stay raw
	escJSON                 // JSON string content, without the quotes
)

// template is a text with {name} placeholders, parsed once. "{{" is a
// literal "{". A "{" that does not open a name made of letters, digits,
// "_", "-" or "." followed by "}" is literal too, so JSON bodies need no
// escaping.
type template struct {
	raw   string
	parts []tplPart
	esc   escaping
}

// tplPart is a literal (name == "") or a placeholder.
type tplPart struct {
	lit, name string
}

// isNameByte says whether b may appear inside a placeholder's braces.
func isNameByte(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == '_' || b == '-' || b == '.'
}

// parseTemplate splits s into literals and placeholders and checks every
// placeholder against allowed (built-ins) and settings; an unknown one is
// an error naming it and listing what is allowed.
func parseTemplate(s string, esc escaping, allowed []string, settings map[string]*Setting) (*template, error) {
	t := &template{raw: s, esc: esc}
	var lit strings.Builder
	var unknown []string
	for i := 0; i < len(s); {
		if s[i] != '{' {
			lit.WriteByte(s[i])
			i++
			continue
		}
		if i+1 < len(s) && s[i+1] == '{' {
			lit.WriteByte('{')
			i += 2
			continue
		}
		j := i + 1
		for j < len(s) && isNameByte(s[j]) {
			j++
		}
		if j == i+1 || j >= len(s) || s[j] != '}' {
			lit.WriteByte('{')
			i++
			continue
		}
		name := s[i+1 : j]
		_, isSetting := settings[name]
		if !slices.Contains(allowed, name) && !isSetting {
			unknown = append(unknown, "{"+name+"}")
		}
		if lit.Len() > 0 {
			t.parts = append(t.parts, tplPart{lit: lit.String()})
			lit.Reset()
		}
		t.parts = append(t.parts, tplPart{name: name})
		i = j + 1
	}
	if lit.Len() > 0 {
		t.parts = append(t.parts, tplPart{lit: lit.String()})
	}
	if len(unknown) > 0 {
		return nil, fmt.Errorf("unknown placeholder %s; allowed here: %s", strings.Join(unknown, ", "), allowedList(allowed, settings))
	}
	return t, nil
}

// allowedList names the placeholders a template may use.
func allowedList(allowed []string, settings map[string]*Setting) string {
	var b []string
	for _, a := range allowed {
		b = append(b, "{"+a+"}")
	}
	names := make([]string, 0, len(settings))
	for n := range settings {
		names = append(names, "{"+n+"}")
	}
	slices.Sort(names)
	out := strings.Join(b, ", ")
	if len(names) > 0 {
		if out != "" {
			out += "; settings "
		} else {
			out = "settings "
		}
		out += strings.Join(names, ", ")
	} else if out == "" {
		out = "none (declare a setting under settings:)"
	}
	return out
}

// names returns the placeholders t uses, in order, without repeats.
func (t *template) names() []string {
	if t == nil {
		return nil
	}
	var out []string
	for _, p := range t.parts {
		if p.name != "" && !slices.Contains(out, p.name) {
			out = append(out, p.name)
		}
	}
	return out
}

// expand fills t's placeholders from vals, each escaped as t says. A
// placeholder without a value is an error naming it (Bind checks settings
// beforehand, so this is a guard).
func (t *template) expand(vals map[string]string) (string, error) {
	if t == nil {
		return "", nil
	}
	var b strings.Builder
	for _, p := range t.parts {
		if p.name == "" {
			b.WriteString(p.lit)
			continue
		}
		v, ok := vals[p.name]
		if !ok {
			return "", fmt.Errorf("no value for {%s}", p.name)
		}
		switch t.esc {
		case escURL:
			if p.name == phTracker || p.name == phAPI {
				b.WriteString(v)
			} else {
				b.WriteString(escapeURL(v))
			}
		case escJSON:
			b.WriteString(escapeJSON(v))
		default:
			b.WriteString(v)
		}
	}
	return b.String(), nil
}

// escapeURL percent-encodes every byte but the unreserved ones of RFC 3986
// (letters, digits, "-", ".", "_", "~") and "/", which is safe in a path
// and in a query alike (a "/" in a value adds path segments: a tracking
// link's path given as one campaign value).
func escapeURL(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~' || c == '/' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

// escapeJSON returns s as the content of a JSON string.
func escapeJSON(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r < 0x20 || r == 0x2028 || r == 0x2029:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
