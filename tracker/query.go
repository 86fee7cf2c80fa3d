package tracker

import "net/url"

// maxParamName is the longest accepted parameter name of a postback or a
// click.
const maxParamName = 128

// parseQuery parses the raw query of a postback or a click within the
// limits every unauthenticated request is held to: at most MaxQueryBytes in
// all, names of at most maxParamName bytes and values of at most
// MaxValueBytes. The error names the parameter ("query" for the whole).
func parseQuery(raw string) (url.Values, *Error) {
	if len(raw) > MaxQueryBytes {
		return nil, errorf(EInvalid, "query", "query string is %d bytes, longer than %d", len(raw), MaxQueryBytes)
	}
	q, err := url.ParseQuery(raw)
	if err != nil {
		return nil, errorf(EInvalid, "query", "malformed query string: %v", err)
	}
	for name, values := range q {
		if len(name) > maxParamName {
			return nil, errorf(EInvalid, name[:32]+"…", "parameter name is longer than %d bytes", maxParamName)
		}
		for _, v := range values {
			if len(v) > MaxValueBytes {
				return nil, errorf(EInvalid, name, "value is %d bytes, longer than %d", len(v), MaxValueBytes)
			}
		}
	}
	return q, nil
}

// onceEach refuses a query that gives a parameter more than once, naming
// the first such parameter in byte order: which of two values was meant
// cannot be told, and the first used to win silently.
func onceEach(q url.Values) *Error {
	var name string
	for n, values := range q {
		if len(values) > 1 && (name == "" || n < name) {
			name = n
		}
	}
	if name == "" {
		return nil
	}
	return errorf(EInvalid, name, "parameter %q given %d times; give it once", name, len(q[name]))
}
