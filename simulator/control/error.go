package control

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/cbsim/cbsim/simulator"
)

// Error codes. Each maps to one HTTP status in statusOf.
const (
	EInvalid  = "invalid"   // a bad request or parameter: 400
	ENotFound = "not_found" // an unknown funnel, integration, item or endpoint: 404
	EMethod   = "method"    // a method the endpoint does not take: 405
	EConflict = "conflict"  // a request the simulator is not set up for (INS without endpoints): 409

	EUnauthorized = "unauthorized"      // a missing or wrong token: 401
	EForbidden    = "forbidden"         // a cross-origin request: 403
	EMediaType    = "unsupported_media" // a POST body not declared application/json: 415
)

// Error is a refused request: a code, the request field at fault if any,
// and the reason. Its JSON body is {"error": Err, "param": Param}.
type Error struct {
	Code  string
	Param string
	Err   error
}

// Error returns the reason; the param travels beside it in the body.
func (e *Error) Error() string { return e.Err.Error() }

// Unwrap returns the reason.
func (e *Error) Unwrap() error { return e.Err }

// refuse returns a coded error.
func refuse(code, param, format string, args ...any) *Error {
	return &Error{Code: code, Param: param, Err: fmt.Errorf(format, args...)}
}

// statusOf is the one table from error codes to HTTP status; a code not in
// it is a 500.
var statusOf = map[string]int{
	EInvalid:  http.StatusBadRequest,
	ENotFound: http.StatusNotFound,
	EMethod:   http.StatusMethodNotAllowed,
	EConflict: http.StatusConflict,

	EUnauthorized: http.StatusUnauthorized,
	EForbidden:    http.StatusForbidden,
	EMediaType:    http.StatusUnsupportedMediaType,
}

// errorOf codes an error of the simulator: an unknown name is not_found,
// a bad field or any other refusal invalid, naming the field when the
// simulator did.
func errorOf(err error) *Error {
	if e, ok := errors.AsType[*Error](err); ok {
		return e
	}
	e := &Error{Code: EInvalid, Err: err}
	if pe, ok := errors.AsType[*simulator.ParamError](err); ok {
		e.Param, e.Err = pe.Param, pe.Err
	}
	if _, ok := errors.AsType[*simulator.NotFoundError](err); ok {
		e.Code = ENotFound
	}
	return e
}
