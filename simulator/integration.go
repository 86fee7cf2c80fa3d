package simulator

import (
	"fmt"
	"io/fs"
	"net/url"
	"slices"
	"strings"

	"github.com/cbsim/cbsim/internal/jsonpos"
	"github.com/cbsim/cbsim/simulator/macro"
)

// Role says whose integration it is: the affiliate's or the vendor's; it
// is macro.Role, the module's one role type.
type Role = macro.Role

// The two roles an integration can have.
const (
	RoleAffiliate = macro.RoleAffiliate
	RoleVendor    = macro.RoleVendor
)

// Integration mirrors ClickBank's Custom Postback/Pixel form: a name, whose
// it is, whether it is active, which event types it sends, and either one
// URL for all of them or one URL per event type.
type Integration struct {
	Name     string
	Role     Role
	Account  string // the owner's nickname; "" fires for every account of the role
	Active   bool
	Events   []EventType
	URL      string               // used when PerEvent is false
	PerEvent bool                 // "Customize URL per event type"
	URLs     map[EventType]string // used when PerEvent is true

	// SendOtherRoleMacros lets the other role's role-specific macros ({tid}
	// and the affiliate tracking parameters in a vendor integration, {vtid}
	// in an affiliate one) carry their values, as cbsim did before it
	// followed ClickBank's Affiliate Only rule. Fixture field
	// "role_specific_macros": "send"; the default "empty" is ClickBank's
	// behaviour (docs/clickbank.md §4).
	SendOtherRoleMacros bool
}

// Subscribed reports whether the integration sends events of type t.
func (in Integration) Subscribed(t EventType) bool {
	return in.Active && slices.Contains(in.Events, t)
}

// URLFor returns the URL template the integration uses for t.
func (in Integration) URLFor(t EventType) (string, bool) {
	if in.PerEvent {
		u, ok := in.URLs[t]
		return u, ok && u != ""
	}
	return in.URL, in.URL != ""
}

// Templates returns every URL template of the integration with its event type.
func (in Integration) Templates() map[EventType]string {
	out := map[EventType]string{}
	for _, t := range in.Events {
		if u, ok := in.URLFor(t); ok {
			out[t] = u
		}
	}
	return out
}

// Fires reports whether the integration sends a postback for ev, and if
// not, why.
func (in Integration) Fires(ev *Event) (bool, string) {
	switch in.skip(ev) {
	case skipUnsubscribed:
		return false, "not subscribed to " + string(ev.Type)
	case skipNoAffiliate:
		return false, "a sale without an affiliate fires no affiliate postback"
	case skipTestCard:
		return false, "test-card orders fire no affiliate postbacks"
	case skipOtherAffiliate:
		return false, "the sale belongs to affiliate " + ev.Affiliate
	case skipOtherVendor:
		return false, "the sale belongs to vendor " + ev.Vendor
	}
	return true, ""
}

// skipWhy is why an integration does not fire for an event (Fires says
// it in words); fires when it does.
type skipWhy uint8

const (
	fires skipWhy = iota
	skipUnsubscribed
	skipNoAffiliate
	skipTestCard
	skipOtherAffiliate
	skipOtherVendor
)

// skip is Fires without building the reason's text.
func (in Integration) skip(ev *Event) skipWhy {
	switch {
	case !in.Subscribed(ev.Type):
		return skipUnsubscribed
	case in.Role == RoleAffiliate && ev.Affiliate == "":
		return skipNoAffiliate
	case in.Role == RoleAffiliate && ev.TestCard:
		return skipTestCard
	case in.Account != "" && in.Role == RoleAffiliate && in.Account != ev.Affiliate:
		return skipOtherAffiliate
	case in.Account != "" && in.Role == RoleVendor && in.Account != ev.Vendor:
		return skipOtherVendor
	}
	return fires
}

// accountFor is the {account} of ev's postbacks to in: its own account,
// else the sale's affiliate or vendor, by role.
func (in Integration) accountFor(ev *Event) string {
	if in.Account != "" {
		return in.Account
	}
	if in.Role == RoleVendor {
		return ev.Vendor
	}
	return ev.Affiliate
}

// Rebase points every URL of the integration at base (scheme, host and port;
// a path prefix of base is prepended), keeping path and query. It lets the
// same fixture target a tracker wherever it runs.
func (in Integration) Rebase(base string) (Integration, error) {
	b, err := url.Parse(base)
	if err != nil || b.Scheme == "" || b.Host == "" {
		return in, fmt.Errorf("tracker base URL %q must be absolute, like http://127.0.0.1:8800", base)
	}
	re := func(tmpl string) string {
		rest := tmpl
		if i := strings.Index(tmpl, "://"); i >= 0 {
			rest = tmpl[i+3:]
			if j := strings.IndexAny(rest, "/?#"); j >= 0 {
				rest = rest[j:]
			} else {
				rest = ""
			}
		}
		return strings.TrimSuffix(b.Scheme+"://"+b.Host+b.Path, "/") + rest
	}
	out := in
	if in.URL != "" {
		out.URL = re(in.URL)
	}
	if in.URLs != nil {
		out.URLs = make(map[EventType]string, len(in.URLs))
		for t, u := range in.URLs {
			out.URLs[t] = re(u)
		}
	}
	return out, nil
}

type integrationFile struct {
	Integrations []struct {
		Name     string            `json:"name"`
		Role     string            `json:"role"`
		Account  string            `json:"account"`
		Active   *bool             `json:"active"`
		Events   []string          `json:"events"`
		URL      string            `json:"url"`
		PerEvent bool              `json:"per_event"`
		URLs     map[string]string `json:"urls"`
		// RoleMacros is "empty" (the default) or "send".
		RoleMacros string `json:"role_specific_macros"`
	} `json:"integrations"`
}

// LoadIntegrations reads integration fixture files. Every error names the
// file, the line and the JSON path.
func LoadIntegrations(fsys fs.FS, names ...string) ([]Integration, error) {
	var out []Integration
	seen := map[string]bool{}
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("load integrations: %w", err)
		}
		list, err := ParseIntegrations(name, data)
		if err != nil {
			return nil, err
		}
		for i, in := range list {
			if seen[in.Name] {
				return nil, jsonpos.FieldError(name, data, fmt.Errorf("integration %q is defined twice", in.Name), "integrations", i, "name")
			}
			seen[in.Name] = true
		}
		out = append(out, list...)
	}
	return out, nil
}

// ParseIntegrations parses one integration file's content; file names it in
// errors. Two integrations of one name are an error, as across the files of
// LoadIntegrations.
func ParseIntegrations(file string, data []byte) ([]Integration, error) {
	var f integrationFile
	if err := jsonpos.DecodeStrict(file, data, &f); err != nil {
		return nil, err
	}
	bad := func(err error, path ...any) error { return jsonpos.FieldError(file, data, err, path...) }
	var out []Integration
	seen := map[string]bool{}
	for i, raw := range f.Integrations {
		if seen[raw.Name] && raw.Name != "" {
			return nil, bad(fmt.Errorf("integration %q is defined twice", raw.Name), "integrations", i, "name")
		}
		seen[raw.Name] = true
		in := Integration{Name: raw.Name, Account: raw.Account, Active: raw.Active == nil || *raw.Active, URL: raw.URL, PerEvent: raw.PerEvent}
		if in.Name == "" {
			return nil, bad(fmt.Errorf("an integration needs a name"), "integrations", i)
		}
		role, err := macro.ParseRole(raw.Role)
		if err != nil {
			return nil, bad(err, "integrations", i, "role")
		}
		in.Role = role
		switch raw.RoleMacros {
		case "", "empty":
		case "send":
			in.SendOtherRoleMacros = true
		default:
			return nil, bad(fmt.Errorf("role_specific_macros is %q (allowed: empty, send)", raw.RoleMacros), "integrations", i, "role_specific_macros")
		}
		if len(raw.Events) == 0 {
			return nil, bad(fmt.Errorf("select at least one event type (allowed: %s)", macro.EventTypeNames), "integrations", i, "events")
		}
		for j, e := range raw.Events {
			t, err := macro.ParseEventType(e)
			if err != nil {
				return nil, bad(err, "integrations", i, "events", j)
			}
			in.Events = append(in.Events, t)
		}
		if in.PerEvent {
			if raw.URL != "" {
				return nil, bad(fmt.Errorf("per_event integrations take urls, not url"), "integrations", i, "url")
			}
			in.URLs = map[EventType]string{}
			keyOf := map[EventType]string{} // the urls key that gave each event type
			for _, k := range keys(raw.URLs) {
				u := raw.URLs[k]
				t, err := macro.ParseEventType(k)
				if err != nil {
					return nil, bad(err, "integrations", i, "urls", k)
				}
				if err := checkURL(u); err != nil {
					return nil, bad(err, "integrations", i, "urls", k)
				}
				if prev, dup := keyOf[t]; dup {
					return nil, bad(fmt.Errorf("event %s has two URLs (%q and %q)", t, prev, k), "integrations", i, "urls")
				}
				keyOf[t] = k
				in.URLs[t] = u
			}
			for _, t := range in.Events {
				if in.URLs[t] == "" {
					return nil, bad(fmt.Errorf("event %s is selected but has no URL", t), "integrations", i, "urls")
				}
			}
		} else {
			if len(raw.URLs) > 0 {
				return nil, bad(fmt.Errorf("urls needs \"per_event\": true"), "integrations", i, "urls")
			}
			if err := checkURL(raw.URL); err != nil {
				return nil, bad(err, "integrations", i, "url")
			}
		}
		out = append(out, in)
	}
	return out, nil
}

// checkURL checks a URL template: absolute, http or https.
func checkURL(u string) error {
	if u == "" {
		return fmt.Errorf("URL is empty")
	}
	if !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://") {
		return fmt.Errorf("URL %q must start with http:// or https://", u)
	}
	return nil
}
