package money

import (
	"fmt"
	"math"
	"strconv"
)

// Cents is an amount of money in hundredths of a currency unit (for USD,
// cents). It is signed so that refunds and differences can be represented;
// prices and earnings are never negative.
type Cents int64

// Parse reads an amount written as digits with an optional decimal point and
// one or two decimals: "100", "100.0", "100.00", "45.75". Signs, exponents,
// thousand separators, spaces, a bare "." or more than two decimals are
// rejected with an error that says what is allowed.
func Parse(s string) (Cents, error) {
	units, frac, ok := parseDecimal(s, 2)
	if !ok {
		return 0, fmt.Errorf("invalid amount %q: want digits with up to two decimals, like 100, 100.0 or 45.75", s)
	}
	if units > (math.MaxInt64-frac)/100 {
		return 0, fmt.Errorf("invalid amount %q: too large (at most %s)", s, Cents(math.MaxInt64))
	}
	return Cents(units*100 + frac), nil
}

// String formats c with exactly two decimals and no thousand separators:
// "45.75", "0.00", "-1.00".
func (c Cents) String() string {
	var buf [24]byte
	b, r := appendHundredths(buf[:0], int64(c))
	b = append(b, '.', byte('0'+r/10), byte('0'+r%10))
	return string(b)
}

// appendHundredths appends the sign and the whole part of v hundredths to
// b, and returns the remaining hundredths (0 to 99).
func appendHundredths(b []byte, v int64) ([]byte, uint64) {
	u := uint64(v)
	if v < 0 {
		b = append(b, '-')
		u = -u // two's complement: also right for math.MinInt64
	}
	return strconv.AppendUint(b, u/100, 10), u % 100
}

// parseDecimal reads s as "D+" or "D+.D{1,maxFrac}" where D is an ASCII
// digit. It returns the integer part and the fraction scaled to maxFrac
// decimals ("7.5" with maxFrac 2 → 7, 50). ok is false for anything else,
// including an integer part that does not fit in an int64.
func parseDecimal(s string, maxFrac int) (units, frac int64, ok bool) {
	intPart, fracPart := s, ""
	for i := 0; i < len(s); i++ {
		if s[i] == '.' {
			intPart, fracPart = s[:i], s[i+1:]
			if fracPart == "" {
				return 0, 0, false // "100."
			}
			break
		}
	}
	if intPart == "" || len(fracPart) > maxFrac {
		return 0, 0, false
	}
	for i := 0; i < len(intPart); i++ {
		c := intPart[i]
		if c < '0' || c > '9' {
			return 0, 0, false
		}
		d := int64(c - '0')
		if units > (math.MaxInt64-d)/10 {
			return 0, 0, false
		}
		units = units*10 + d
	}
	for i := 0; i < maxFrac; i++ {
		frac *= 10
		if i < len(fracPart) {
			c := fracPart[i]
			if c < '0' || c > '9' {
				return 0, 0, false
			}
			frac += int64(c - '0')
		}
	}
	return units, frac, true
}
