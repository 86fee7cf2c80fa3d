package tracker

import (
	"fmt"
	"strconv"
)

// maxCents bounds a payout: 10^13 cents (a hundred billion) and less.
const maxCents = 10_000_000_000_000

// parseCents parses a non-negative decimal amount ("12", "12.5", "12.345")
// into cents. More than two decimals round half up ("0.125" is 13 cents).
// Signs, exponents, separators and bare dots are rejected.
func parseCents(s string) (int64, error) {
	if s == "" {
		return 0, fmt.Errorf("empty amount")
	}
	intPart, frac := s, ""
	for i := 0; i < len(s); i++ {
		if s[i] == '.' {
			intPart, frac = s[:i], s[i+1:]
			break
		}
	}
	if intPart == "" || !allDigits(intPart) || (len(s) > len(intPart) && (frac == "" || !allDigits(frac))) {
		return 0, fmt.Errorf("%q is not a non-negative decimal like 12.50", s)
	}
	for len(intPart) > 1 && intPart[0] == '0' {
		intPart = intPart[1:]
	}
	if len(intPart) > 11 {
		return 0, fmt.Errorf("%q is too large", s)
	}
	units, _ := strconv.ParseInt(intPart, 10, 64)
	cents := units * 100
	for i := 0; i < 2; i++ {
		d := int64(0)
		if i < len(frac) {
			d = int64(frac[i] - '0')
		}
		if i == 0 {
			cents += 10 * d
		} else {
			cents += d
		}
	}
	if len(frac) > 2 && frac[2] >= '5' {
		cents++
	}
	if cents >= maxCents {
		return 0, fmt.Errorf("%q is too large", s)
	}
	return cents, nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// formatCents prints cents with two decimals: 1250 → "12.50".
func formatCents(c int64) string {
	sign := ""
	if c < 0 {
		sign, c = "-", -c
	}
	return fmt.Sprintf("%s%d.%02d", sign, c/100, c%100)
}

// amount is cents that marshal to a JSON number with two decimals.
type amount int64

// MarshalJSON writes the amount as a number with two decimals.
func (a amount) MarshalJSON() ([]byte, error) { return []byte(formatCents(int64(a))), nil }
