package scaffold

import (
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/cbsim/cbsim/simulator"
	"github.com/cbsim/cbsim/simulator/macro"
)

// ErrRoleUnknown is wrapped by FromURL's error when the URL's macros do
// not say whose integration it is and no role was given.
var ErrRoleUnknown = errors.New("cannot tell whose integration the postback URL is")

// clickIDMacros carry the tracker's click id; earningsMacros the SUM.
var (
	clickIDMacros  = []string{"tid", "vtid", "click_id"}
	earningsMacros = []string{"affiliate_earnings", "vendor_earnings"}
)

// macroRole is the role a macro of a postback URL speaks for: {tid} and
// {affiliate_earnings} the affiliate's, {vtid} and {vendor_earnings} the
// vendor's.
var macroRole = map[string]simulator.Role{
	"tid": simulator.RoleAffiliate, "affiliate_earnings": simulator.RoleAffiliate,
	"vtid": simulator.RoleVendor, "vendor_earnings": simulator.RoleVendor,
}

// guideType is the conversion type name the guide gives an event: the
// type= its per-event URL sends.
type guideType struct {
	event simulator.EventType
	name  string
}

// guideTypes are the guide's conversion types in funnel order.
var guideTypes = []guideType{
	{simulator.OrderFormImpression, "OrderFormImpression"},
	{simulator.InitialPurchase, "InitialPurchase"},
	{simulator.UpsellPurchase, "UpsellPurchase"},
}

// FromURL returns the integration that the postback URL raw, as set up in
// ClickBank, describes, for every event type. role "" is inferred from
// the URL's macros: the click id's ({tid} affiliate, {vtid} vendor), else
// the earnings' ({affiliate_earnings}, {vendor_earnings}); when they
// disagree or say nothing the error wraps ErrRoleUnknown.
//
// A URL whose type= is one of the guide's conversion types
// (OrderFormImpression, InitialPurchase, UpsellPurchase) is taken as one of
// the guide's per-event URLs: each event gets the URL with its own type.
// Any other URL is one URL for every event, as pasted (cbsim lint says
// what a tracker makes of it).
//
// The URL must be http(s) with a host and carry a click id macro ({tid},
// {vtid} or {click_id}) and an earnings macro ({affiliate_earnings} or
// {vendor_earnings}): without them a tracker cannot attribute a conversion
// or pay it.
//
// A query parameter whose name holds key, token, secret, password or pass
// and whose value is written out (not a macro) is a secret: it is left out
// of the integration, so that integrations.json can be committed, and
// given at run time instead (SecretParams names them).
func FromURL(raw string, role simulator.Role) (simulator.Integration, error) {
	raw = strings.TrimSpace(raw)
	if err := checkPostbackURL(raw); err != nil {
		return simulator.Integration{}, err
	}
	raw, _ = withoutSecrets(raw)
	var names []string
	for _, tok := range macro.Tokens(raw) {
		names = append(names, tok.Name)
	}
	if !slices.ContainsFunc(names, func(n string) bool { return slices.Contains(clickIDMacros, n) }) {
		return simulator.Integration{}, fmt.Errorf("postback URL %q has no click id macro: add clickid={tid} (affiliate) or clickid={vtid} (vendor), or the tracker cannot attribute the conversion", raw)
	}
	if !slices.ContainsFunc(names, func(n string) bool { return slices.Contains(earningsMacros, n) }) {
		return simulator.Integration{}, fmt.Errorf("postback URL %q has no earnings macro: add sum={affiliate_earnings} (affiliate) or sum={vendor_earnings} (vendor), or the tracker records no payout", raw)
	}
	if role == "" {
		var err error
		if role, err = inferRole(names); err != nil {
			return simulator.Integration{}, err
		}
	}
	in := simulator.Integration{Name: integrationName(role), Role: role, Account: account(role), Active: true}
	for _, g := range guideTypes {
		in.Events = append(in.Events, g.event)
	}
	if typ := queryValue(raw, "type"); slices.ContainsFunc(guideTypes, func(g guideType) bool { return g.name == typ }) {
		in.PerEvent = true
		in.URLs = map[simulator.EventType]string{}
		for _, g := range guideTypes {
			in.URLs[g.event] = withQueryValue(raw, "type", g.name)
		}
		return in, nil
	}
	in.URL = raw
	return in, nil
}

// checkPostbackURL checks that raw is an absolute http(s) URL with a host.
func checkPostbackURL(raw string) error {
	if raw == "" {
		return fmt.Errorf("the postback URL is empty: paste the URL set up in ClickBank, like https://trk.example.com/postback?clickid={tid}&sum={affiliate_earnings}")
	}
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok || (!strings.EqualFold(scheme, "http") && !strings.EqualFold(scheme, "https")) {
		return fmt.Errorf("postback URL %q must start with http:// or https://", raw)
	}
	host := rest
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		host = rest[:i]
	}
	if host == "" || strings.ContainsAny(host, "{} ") {
		return fmt.Errorf("postback URL %q has no host: want https://HOST/PATH?…", raw)
	}
	if _, err := url.Parse(scheme + "://" + host); err != nil {
		return fmt.Errorf("postback URL %q: bad host %q", raw, host)
	}
	return nil
}

// inferRole returns the role the macros of a URL speak for: the click
// id's, else the earnings'.
func inferRole(names []string) (simulator.Role, error) {
	whose := func(candidates []string) (simulator.Role, []string) {
		var role simulator.Role
		var seen []string
		for _, n := range candidates {
			if r, ok := macroRole[n]; ok && slices.Contains(names, n) {
				seen = append(seen, fmt.Sprintf("{%s} (%s)", n, r))
				if role != "" && role != r {
					return "", seen
				}
				role = r
			}
		}
		return role, seen
	}
	click, clickSeen := whose([]string{"tid", "vtid"})
	sum, sumSeen := whose(earningsMacros)
	switch {
	case len(clickSeen) > 1:
		return "", fmt.Errorf("%w: it has both %s", ErrRoleUnknown, strings.Join(clickSeen, " and "))
	case click != "" && sum != "" && click != sum:
		return "", fmt.Errorf("%w: its click id is %s but its earnings are %s", ErrRoleUnknown, clickSeen[0], sumSeen[0])
	case click != "":
		return click, nil
	case sum != "":
		return sum, nil
	case len(sumSeen) > 1:
		return "", fmt.Errorf("%w: its click id is {click_id} (either role) and it has both %s", ErrRoleUnknown, strings.Join(sumSeen, " and "))
	}
	return "", fmt.Errorf("%w: its macros are either role's", ErrRoleUnknown)
}

// queryValue returns the raw value of the first query parameter name of a
// URL template, "" when it has none.
func queryValue(tmpl, name string) string {
	tmpl, _, _ = strings.Cut(tmpl, "#")
	_, query, _ := strings.Cut(tmpl, "?")
	for part := range strings.SplitSeq(query, "&") {
		if k, v, _ := strings.Cut(part, "="); k == name {
			return v
		}
	}
	return ""
}

// withQueryValue returns tmpl with the value of its query parameters name
// set to v, macros and order kept as written.
func withQueryValue(tmpl, name, v string) string {
	tmpl, frag, hasFrag := strings.Cut(tmpl, "#")
	base, query, _ := strings.Cut(tmpl, "?")
	parts := strings.Split(query, "&")
	for i, part := range parts {
		if k, _, _ := strings.Cut(part, "="); k == name {
			parts[i] = k + "=" + v
		}
	}
	out := base + "?" + strings.Join(parts, "&")
	if hasFrag {
		out += "#" + frag
	}
	return out
}

// secretWords mark a query parameter whose value is a secret, as cbsim's
// flags do for --set NAME=VALUE entries.
var secretWords = []string{"key", "token", "secret", "password", "pass"}

// isSecretParam reports whether a query parameter named name holds a
// secret.
func isSecretParam(name string) bool {
	n := strings.ToLower(name)
	return slices.ContainsFunc(secretWords, func(w string) bool { return strings.Contains(n, w) })
}

// SecretParams returns the names of the query parameters of a postback
// URL that FromURL leaves out as secrets: a name holding key, token,
// secret, password or pass, with a value written out rather than a macro.
func SecretParams(raw string) []string {
	_, names := withoutSecrets(strings.TrimSpace(raw))
	return names
}

// withoutSecrets returns tmpl without its secret query parameters, and
// their names.
func withoutSecrets(tmpl string) (string, []string) {
	rest, frag, hasFrag := strings.Cut(tmpl, "#")
	base, query, hasQuery := strings.Cut(rest, "?")
	if !hasQuery {
		return tmpl, nil
	}
	var kept, names []string
	for _, part := range strings.Split(query, "&") {
		k, v, _ := strings.Cut(part, "=")
		if isSecretParam(k) && v != "" && len(macro.Tokens(v)) == 0 {
			names = append(names, k)
			continue
		}
		kept = append(kept, part)
	}
	out := base
	if len(kept) > 0 {
		out += "?" + strings.Join(kept, "&")
	}
	if hasFrag {
		out += "#" + frag
	}
	return out, names
}
