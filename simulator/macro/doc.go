// Package macro is the catalog of ClickBank postback macros and the
// expansion of postback URL templates.
//
// A macro is a single-brace snake_case token such as {tid} or
// {affiliate_earnings} (CLICKBANK.md §4). [Catalog] lists every macro the
// simulator knows with the roles that may use it, the events that carry a
// value for it, an example and the placeholder ClickBank's Test button
// sends. [Expand] replaces the tokens of a template with an event's
// [Values]; [Tokens] lists them (the linter uses it). [Compile] prepares a
// template for expanding it many times (see Compiled templates).
//
// The package is pure: no I/O, no clock, no randomness, no package-level
// mutable state (the catalog is an immutable table built once).
//
// # Tokens
//
// A token is '{', one or more of [a-z0-9_], '}'. Anything else is text and is
// copied unchanged: "{}", "{Tid}", "{tid", "{ tid }", "{tïd}" and any
// non-ASCII byte. Scanning resumes right after a '{' that does not open a
// token, so in "{{tid}}" the outer braces are text and the inner {tid} is a
// token: with tid=abc it expands to "{abc}".
//
// # Expansion
//
// For each token, in order of precedence:
//
//   - its name is a key of the Values → the value, URL-encoded;
//   - its name is a known macro ([Known]) → the empty string;
//   - otherwise (an unknown macro) → the token is left as it is, braces
//     included, which is what a tracker sees when an integration has a typo.
//
// # Escaping
//
// A value is escaped for the part of the URL it lands in, decided by the
// template's own text before the token (values never change the part):
//
//   - before the first '?' or '#' (the path, or a template that is not a
//     URL at all): as [net/url.PathEscape] does — unreserved characters
//     A-Z a-z 0-9 - _ . ~ and $ & + : = @ stay, a space becomes %20, '/'
//     becomes %2F, everything else %XX per byte;
//   - after the first '?' (the query) and after the first '#' (the
//     fragment): as [net/url.QueryEscape] does — only A-Z a-z 0-9 - _ . ~
//     stay, a space becomes '+', everything else %XX per byte. Reading the
//     parameter back with url.Values.Get gives the original value exactly.
//
// Expand never panics, whatever the template and values, and allocates at
// most once: one exact-size buffer, or none when nothing is replaced.
//
// # Compiled templates
//
// Expand scans its template and hashes every token's name on each call.
// When the same template is expanded for many events — an integration's
// URL is fixed for a whole run — [Compile] it once instead: a [Template]
// holds its text, its tokens resolved to catalog IDs ([ID]) and the URL part of
// each, and [Template.Expand] takes the values from a [Record], a
// fixed-size array indexed by ID. Expanding then neither scans the template
// nor hashes a name; it sizes the result, then writes it in one exact-size
// allocation (none when the template has no catalog macro).
//
// A Record notes, when a value is set, whether the value needs escaping in
// the path and in the query, so Template.Expand only scans the values that
// do. Fill a Record with [Record.SetID] and IDs resolved once with [IDOf]
// ([Record.Set] hashes the name, as a Values map would).
//
// The output is the same as Expand(template, record.Values()), with one
// difference from Expand with an arbitrary Values map: a Record holds
// catalog macros only, so a token that is not one always stays as it is,
// where Expand would replace it when the map has a value for its name.
//
// Use Expand for a one-off expansion, for a template used once, or for
// values under names outside the catalog; use Compile and Template.Expand
// on a hot path that expands a fixed template again and again.
package macro
