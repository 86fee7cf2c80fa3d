package profile

import (
	"bytes"
	"maps"
	"net/url"
	"slices"
	"strings"
)

// PostbackBase returns the URL postbacks go to (postback.url expanded),
// with whatever query the profile fixes in it; Rename or RenameQuery
// give the rest.
func (t *Tracker) PostbackBase() string {
	u, _ := t.p.postback.url.expand(t.vals) // Bind checked every value
	return u
}

// wireOf returns the wire name of a RedTrack-spelled parameter: its
// tracker's name when it is one of the postback's own fields (ok, with
// "" when the tracker has no such field), or itself (!own).
func (t *Tracker) wireOf(name string) (wire string, own bool) {
	logical, own := Canonical()[name]
	if !own {
		return name, false
	}
	return t.fields[logical], true
}

// Rename turns a postback query spelled RedTrack's way (clickid, sum,
// type, status, currency, rdtk_event_id, txid, ptoken) into the tracker's
// names, and adds the profile's fixed extra parameters where the query
// has none of that name. Other parameters (eventid, zip, order_id …) pass
// as they are. dropped lists, sorted, the parameters left out: the
// postback's own fields the tracker has no name for, and a passed-through
// parameter that clashes with a renamed one.
func (t *Tracker) Rename(q url.Values) (out url.Values, dropped []string) {
	out = url.Values{}
	keys := slices.Sorted(maps.Keys(q))
	for _, k := range keys {
		wire, own := t.wireOf(k)
		switch {
		case !own:
		case wire == "":
			dropped = append(dropped, k)
		default:
			out[wire] = slices.Clone(q[k])
		}
	}
	for _, k := range keys {
		if _, own := t.wireOf(k); own {
			continue
		}
		if _, taken := out[k]; taken {
			dropped = append(dropped, k) // a renamed field took its name
			continue
		}
		out[k] = slices.Clone(q[k])
	}
	for w, v := range t.extra {
		if _, has := out[w]; !has {
			out[w] = []string{v}
		}
	}
	slices.Sort(dropped)
	return out, slices.Compact(dropped)
}

// RenameQuery is Rename for a raw query, such as the query of a postback
// URL template whose values are still {macros}: names are renamed, values
// are kept byte for byte, the order is kept, and the extra parameters the
// query lacks are appended (encoded). dropped is as for Rename.
func (t *Tracker) RenameQuery(raw string) (string, []string) {
	type pair struct {
		name string // unescaped
		key  string // as written, or the wire name escaped
		rest string // "=value" as written, or ""
		own  bool
	}
	var pairs []pair
	var dropped []string
	ownWires := map[string]bool{}
	for part := range strings.SplitSeq(raw, "&") {
		if part == "" {
			continue
		}
		k, v, hasEq := strings.Cut(part, "=")
		p := pair{name: k, key: k}
		if hasEq {
			p.rest = "=" + v
		}
		if name, err := url.QueryUnescape(k); err == nil {
			p.name = name
		}
		wire, own := t.wireOf(p.name)
		switch {
		case !own:
		case wire == "":
			dropped = append(dropped, p.name)
			continue
		default:
			p.own, p.name, p.key = true, wire, url.QueryEscape(wire)
			ownWires[wire] = true
		}
		pairs = append(pairs, p)
	}
	var b strings.Builder
	present := map[string]bool{}
	for _, p := range pairs {
		if !p.own && ownWires[p.name] {
			dropped = append(dropped, p.name) // a renamed field took its name
			continue
		}
		present[p.name] = true
		if b.Len() > 0 {
			b.WriteByte('&')
		}
		b.WriteString(p.key + p.rest)
	}
	for _, w := range slices.Sorted(maps.Keys(t.extra)) {
		if present[w] {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('&')
		}
		b.WriteString(url.QueryEscape(w) + "=" + url.QueryEscape(t.extra[w]))
	}
	slices.Sort(dropped)
	return b.String(), slices.Compact(dropped)
}

// PostbackURL returns the full postback URL for fields given by logical
// name (FieldClickID, FieldSum …), values URL-encoded, with the profile's
// extra parameters; dropped lists the logical fields the tracker has no
// name for, and names that are not logical fields.
func (t *Tracker) PostbackURL(fields map[string]string) (string, []string) {
	q := url.Values{}
	var dropped []string
	for _, k := range slices.Sorted(maps.Keys(fields)) {
		w, ok := t.fields[k]
		if !ok {
			dropped = append(dropped, k)
			continue
		}
		q.Set(w, fields[k])
	}
	for w, v := range t.extra {
		if _, has := q[w]; !has {
			q.Set(w, v)
		}
	}
	return withQuery(t.PostbackBase(), q), dropped
}

// Refused says whether a postback reply means the tracker refused it: its
// status is one of postback.refused.status (any status of 400 or more when
// the profile lists none), or its body contains one of
// postback.refused.body_contains (some trackers refuse with 200).
func (t *Tracker) Refused(status int, body []byte) bool {
	r := t.p.postback.refused
	if r.status == nil {
		if status >= 400 {
			return true
		}
	} else if slices.Contains(r.status, status) {
		return true
	}
	for _, s := range r.body {
		if bytes.Contains(body, []byte(s)) {
			return true
		}
	}
	return false
}
