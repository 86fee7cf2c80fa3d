package profile

import (
	"fmt"
	"strconv"
	"strings"
)

// Money units a reader's sum can come in (read.*.money).
const (
	MoneyDecimal = "decimal" // currency units with decimals: 12.34
	MoneyCents   = "cents"   // integer cents: 1234
)

// Rounding rules for a sum finer than a cent (read.*.rounding).
const (
	// RoundExact refuses a sum with a non-zero digit past the cent
	// (12.345): it is an error naming the field, so a tracker that keeps
	// fractions of a cent is reported, never silently rounded. Trailing
	// zeros (12.34000, MySQL's DECIMAL(11,5)) are exact.
	RoundExact = "exact"
	// RoundHalfUp rounds half away from zero to the cent: 12.345 → 1235,
	// 12.3449 → 1234, -0.005 → -1 (the reference tracker's rule).
	RoundHalfUp = "half_up"
)

// maxExponent bounds the exponent of a number in exponent notation; a
// larger one is out of range (or, for a negative one, far below a cent).
const maxExponent = 40

// maxDigits bounds the digits of a number's mantissa.
const maxDigits = 64

// parseCents turns a decimal text (a JSON number, a string, a SQL DECIMAL or
// REAL as text) into integer cents without going through a float: unit says
// whether the text is in currency units (12.34) or in cents (1234);
// rounding what to do with digits past the cent. An empty text is 0.
func parseCents(s, unit, rounding string) (int64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	orig := s
	neg := false
	if s[0] == '-' {
		neg = true
		s = s[1:]
	}
	mant, exp := s, 0
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		mant = s[:i]
		e, err := strconv.Atoi(strings.TrimPrefix(s[i+1:], "+"))
		if err != nil || s[i+1:] == "" || strings.HasPrefix(s[i+1:], "+-") {
			return 0, fmt.Errorf("%q is not a number", orig)
		}
		exp = e
	}
	intPart, frac, _ := strings.Cut(mant, ".")
	if intPart == "" && frac == "" || !allDigits(intPart) || !allDigits(frac) {
		return 0, fmt.Errorf("%q is not a number", orig)
	}
	digits := strings.TrimLeft(intPart+frac, "0")
	if digits == "" {
		return 0, nil
	}
	if exp > maxExponent || exp < -maxExponent || len(intPart)+len(frac) > maxDigits {
		return 0, fmt.Errorf("%s is out of range (at most %d digits, exponent within ±%d)", orig, maxDigits, maxExponent)
	}
	// The point sits after len(intPart)+exp digits of intPart+frac; cents
	// move it two further right.
	shift := 0
	if unit == MoneyDecimal {
		shift = 2
	}
	all := intPart + frac
	pos := len(intPart) + exp + shift
	var whole, rest string
	switch {
	case pos <= 0:
		whole, rest = "0", strings.Repeat("0", -pos)+all
	case pos >= len(all):
		whole, rest = all+strings.Repeat("0", pos-len(all)), ""
	default:
		whole, rest = all[:pos], all[pos:]
	}
	whole = strings.TrimLeft(whole, "0")
	if whole == "" {
		whole = "0"
	}
	if len(whole) > 18 {
		return 0, fmt.Errorf("%s is out of range", orig)
	}
	n, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%s is out of range", orig)
	}
	if strings.Trim(rest, "0") == "" {
		if neg {
			n = -n
		}
		return n, nil
	}
	if rounding != RoundHalfUp {
		return 0, fmt.Errorf("%s has a digit past the cent (rounding: exact; set rounding: half_up to round)", orig)
	}
	if rest[0] >= '5' {
		n++
	}
	if neg {
		n = -n
	}
	return n, nil
}

// allDigits says whether s is made of ASCII digits only ("" is).
func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// FormatCents prints cents with two decimals: 1234 → "12.34", -5 → "-0.05".
func FormatCents(c int64) string {
	sign := ""
	u := uint64(c)
	if c < 0 {
		sign = "-"
		u = uint64(-c)
	}
	return fmt.Sprintf("%s%d.%02d", sign, u/100, u%100)
}
