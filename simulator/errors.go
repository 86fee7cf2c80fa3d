package simulator

import (
	"fmt"
	"strings"
)

// ParamError is a bad value of a named field: a request parameter
// ("price", "tid_rule") or a product's field ("title"). Callers name it in
// their own terms: the control API as a JSON field, the CLI as a flag, a
// fixture loader as a JSON path.
type ParamError struct {
	Param string // e.g. "price", "tid_rule"
	Err   error
}

// Error returns "param: reason".
func (e *ParamError) Error() string { return e.Param + ": " + e.Err.Error() }

// Unwrap returns the reason.
func (e *ParamError) Unwrap() error { return e.Err }

// NotFoundError is a name the catalog or the integrations do not hold.
type NotFoundError struct {
	Kind  string   // "funnel", "integration", "item", "affiliate"
	Name  string   // the name asked for
	Known []string // the names there are
}

// Error returns `unknown KIND "NAME" (known: …)`.
func (e *NotFoundError) Error() string {
	return fmt.Sprintf("unknown %s %q (known: %s)", e.Kind, e.Name, strings.Join(e.Known, ", "))
}
