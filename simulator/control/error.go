package control

import (
	"errors"
	"net/http"

	"github.com/cbsim/cbsim/simulator"
)

// Error codes. Each maps to one HTTP status in statusOf.
const (
	EInvalid  = "invalid"   // a bad request or parameter: 400
	ENotFound = "not_found" // an unknown funnel, integration, item or endpoint: 404
	EMethod   = "method"    // a method the endpoint does not take: 405
)

// Error is a coded error of the control API. Its body is
// {"error": Message, "param": Param}; Param names the request field at
// fault, if any.
type Error struct {
	Code    string
	Param   string
	Message string
}

// Error returns the parameter and the reason.
func (e *Error) Error() string {
	if e.Param == "" {
		return e.Message
	}
	return e.Param + ": " + e.Message
}

// statusOf is the one table from error codes to HTTP status; a code not in
// it is a 500.
func statusOf(code string) int {
	switch code {
	case EInvalid:
		return http.StatusBadRequest
	case ENotFound:
		return http.StatusNotFound
	case EMethod:
		return http.StatusMethodNotAllowed
	default:
		return http.StatusInternalServerError
	}
}

// errorOf codes an error of the simulator: an unknown name is not_found,
// a bad field or any other refusal invalid, naming the field when the
// simulator did.
func errorOf(err error) *Error {
	if e, ok := errors.AsType[*Error](err); ok {
		return e
	}
	code, param, msg := EInvalid, "", err.Error()
	if pe, ok := errors.AsType[*simulator.ParamError](err); ok {
		param, msg = pe.Param, pe.Err.Error()
	}
	if _, ok := errors.AsType[*simulator.NotFoundError](err); ok {
		code = ENotFound
	}
	return &Error{Code: code, Param: param, Message: msg}
}
