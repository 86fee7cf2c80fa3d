package tracker

import (
	"errors"
	"fmt"
	"net/http"
)

// Error codes. Each maps to one HTTP status in statusOf.
const (
	EInvalid      = "invalid"      // malformed request: 400
	EUnauthorized = "unauthorized" // wrong or missing api_key: 401
	EForbidden    = "forbidden"    // wrong or missing postback token: 403
	ENotFound     = "not_found"    // unknown click or campaign: 404
	EConflict     = "conflict"     // name already taken: 409
	EMethod       = "method"       // method not allowed on the path: 405
	EInternal     = "internal"     // store failure: 500
)

// Error is a coded error. Its Message is the reason given to the client and
// Param names the request parameter at fault, if any.
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

func errorf(code, param, format string, args ...any) *Error {
	return &Error{Code: code, Param: param, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of err when it is or wraps an *Error, and
// EInternal otherwise.
func ErrorCode(err error) string {
	if e, ok := errors.AsType[*Error](err); ok {
		return e.Code
	}
	return EInternal
}

// statusOf is the one table from error codes to HTTP status.
func statusOf(code string) int {
	switch code {
	case EInvalid:
		return http.StatusBadRequest
	case EUnauthorized:
		return http.StatusUnauthorized
	case EForbidden:
		return http.StatusForbidden
	case ENotFound:
		return http.StatusNotFound
	case EConflict:
		return http.StatusConflict
	case EMethod:
		return http.StatusMethodNotAllowed
	default:
		return http.StatusInternalServerError
	}
}
