package faketracker

import (
	"bytes"
	"io"
	"math"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Both trackers are PHP programs; these helpers reproduce the few PHP
// semantics their behaviour depends on, so the fakes answer what the PHP
// code would, not what Go would.

// phpNumeric matches what PHP 8's is_numeric() accepts: optional leading
// and trailing whitespace, a sign, digits with an optional fraction (or a
// fraction alone), and an optional exponent. "1e3", " 12", "12 " and ".5"
// are numeric; "", ".", "0x1A", "12abc" and "1e" are not.
var phpNumeric = regexp.MustCompile(`^[ \t\n\r\v\f]*[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?[ \t\n\r\v\f]*$`)

// isNumeric is PHP's is_numeric() on a string.
func isNumeric(s string) bool { return phpNumeric.MatchString(s) }

// truthy is PHP's truth value of a query parameter: absent, "" and "0" are
// false, anything else (even "0.0" and " ") is true.
func truthy(q url.Values, key string) bool {
	v, ok := param(q, key)
	return ok && v != "" && v != "0"
}

// param returns the value PHP's $_GET[key] holds and whether key was given
// at all: of a key repeated without brackets, PHP keeps the last value.
func param(q url.Values, key string) (string, bool) {
	vs, ok := q[key]
	if !ok || len(vs) == 0 {
		return "", false
	}
	return vs[len(vs)-1], true
}

// coalesce is PHP's `$_GET[a] ?? $_GET[b] ?? …`: the value of the first key
// that is given at all, even if it is empty.
func coalesce(q url.Values, keys ...string) (string, bool) {
	for _, k := range keys {
		if v, ok := param(q, k); ok {
			return v, true
		}
	}
	return "", false
}

// phpNumericPrefix matches the leading numeric part PHP's (int) cast reads.
var phpNumericPrefix = regexp.MustCompile(`^[ \t\n\r\v\f]*[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?`)

// phpInt is PHP's (int) cast of a string: the leading number, truncated
// toward zero ("12abc" is 12, "1e3" is 1000, "abc" is 0).
func phpInt(s string) int64 {
	m := phpNumericPrefix.FindString(s)
	if m == "" {
		return 0
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(m), 64)
	if err != nil || math.IsNaN(f) {
		return 0
	}
	if f >= math.MaxInt64 {
		return math.MaxInt64
	}
	if f <= math.MinInt64 {
		return math.MinInt64
	}
	return int64(f)
}

// urlencode is PHP's urlencode(): every byte but A-Z a-z 0-9 - _ . is
// percent-encoded, and a space becomes "+".
func urlencode(s string) string { return phpEncode(s, true) }

// rawurlencode is PHP's rawurlencode() (RFC 3986): every byte but
// A-Z a-z 0-9 - _ . ~ is percent-encoded, a space as %20.
func rawurlencode(s string) string { return phpEncode(s, false) }

func phpEncode(s string, plus bool) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'A' <= c && c <= 'Z', 'a' <= c && c <= 'z', '0' <= c && c <= '9', c == '-', c == '_', c == '.':
			b.WriteByte(c)
		case c == '~' && !plus:
			b.WriteByte(c)
		case c == ' ' && plus:
			b.WriteByte('+')
		default:
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
		}
	}
	return b.String()
}

// phpJSONEscape rewrites JSON produced by encoding/json (with HTML escaping
// off) the way PHP's json_encode() writes it without flags: "/" as "\/" and
// every character outside ASCII as \uXXXX (a surrogate pair above U+FFFF).
// Both are legal JSON escapes, so a reader decodes the same values; the
// fake only keeps the bytes the real tracker sends.
func phpJSONEscape(js []byte) []byte {
	var b bytes.Buffer
	for len(js) > 0 {
		r, n := utf8.DecodeRune(js)
		switch {
		case r == '/':
			b.WriteString(`\/`)
		case r < utf8.RuneSelf:
			b.WriteByte(js[0])
		case r > 0xFFFF:
			r -= 0x10000
			b.WriteString(`\u` + hex4(0xD800+(r>>10)) + `\u` + hex4(0xDC00+(r&0x3FF)))
		default:
			b.WriteString(`\u` + hex4(r))
		}
		js = js[n:]
	}
	return b.Bytes()
}

func hex4(r rune) string {
	s := strconv.FormatInt(int64(r), 16)
	return strings.Repeat("0", 4-len(s)) + s
}

// phpFloat is a float that encodes to JSON as PHP's json_encode() writes
// a float (serialize_precision -1): the shortest round-trip form, with
// ".0" kept on a whole number (10.0, not 10).
type phpFloat float64

// MarshalJSON writes f as PHP does: positional notation from 1e-4 up to
// 1e15, exponent notation outside it.
func (f phpFloat) MarshalJSON() ([]byte, error) {
	v := float64(f)
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return []byte("0"), nil // json_encode fails on them; PHP's partial output is 0
	}
	a := math.Abs(v)
	var s string
	if a == 0 || (a >= 1e-4 && a < 1e15) {
		s = strconv.FormatFloat(v, 'f', -1, 64)
		if !strings.Contains(s, ".") {
			s += ".0"
		}
	} else {
		mant, exp, _ := strings.Cut(strconv.FormatFloat(v, 'e', -1, 64), "e")
		if !strings.Contains(mant, ".") {
			mant += ".0"
		}
		sign, digits := exp[:1], strings.TrimLeft(exp[1:], "0") // PHP writes e-5, not e-05
		s = mant + "e" + sign + digits
	}
	return []byte(s), nil
}

// numericID reads a numeric string as MySQL compares it with an integer
// column: " 12", "12.0" and "1.2e1" equal 12, while "12.5" equals no
// integer (whole is false). The string must satisfy isNumeric.
func numericID(s string) (id int64, whole bool) {
	if !isNumeric(s) {
		return 0, false
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || f != math.Trunc(f) || math.Abs(f) >= 1<<62 {
		return 0, false
	}
	return int64(f), true
}

// remoteIP is PHP's $_SERVER['REMOTE_ADDR']: the peer's address without
// its port.
func remoteIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// serverVar is $_SERVER['HTTP_…'] for header name: the header's value, its
// repeated lines joined with ", ", and whether it was sent at all.
func serverVar(r *http.Request, name string) (string, bool) {
	vs, ok := r.Header[http.CanonicalHeaderKey(name)]
	if !ok {
		return "", false
	}
	return strings.Join(vs, ", "), true
}

// phpDie answers as a PHP script that calls die(msg) before sending any
// header: 200, text/html, msg as the body.
func phpDie(w http.ResponseWriter, msg string) {
	w.Header().Set("Content-Type", "text/html; charset=UTF-8")
	w.WriteHeader(http.StatusOK)
	_, _ = io.WriteString(w, msg)
}
