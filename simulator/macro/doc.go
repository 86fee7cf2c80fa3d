// Package macro is the catalog of ClickBank postback macros and the
// expansion of postback URL templates.
//
// A macro is a single-brace snake_case token such as {tid} or
// {affiliate_earnings} (docs/clickbank.md §4). [Catalog] lists every macro
// the simulator knows with the roles that may use it, the events that
// carry a value for it, an example, the placeholder ClickBank's Test button
// sends and, for affiliate tracking parameters, the longest value
// ClickBank carries. [Role] and [EventType] are the module's vocabulary for
// whose integration it is and what happened. [Values] holds one event's
// value of every macro, a table indexed by catalog position; [Expand]
// replaces the tokens of a template with them; [Tokens] lists the tokens
// (the linter uses it).
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
// A token whose name is a catalog macro ([Known]) is replaced by its value
// in the Values, the empty string when it has none. Any other token is left
// as it is, braces included, which is what a tracker sees when an
// integration has a typo.
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
// Expand never panics, whatever the template and values.
package macro
