package money

import (
	"fmt"
)

// Percent is a rate in basis points: 5000 is 50%, 725 is 7.25%. Commission
// rates lie between 0 and [MaxPercent].
type Percent int

// MaxPercent is 100%.
const MaxPercent = Percent(10000)

// DefaultCommission is ClickBank's account-level default commission rate,
// 25%; a product or an affiliate can override it (docs/clickbank.md §5).
const DefaultCommission = Percent(2500)

// ParsePercent reads a percentage between 0 and 100 with up to two decimals:
// "50", "50.5", "7.25", "100". Signs, a "%" suffix, exponents and more than
// two decimals are rejected with an error that says what is allowed.
func ParsePercent(s string) (Percent, error) {
	units, frac, ok := parseDecimal(s, 2)
	if !ok {
		return 0, fmt.Errorf("invalid percentage %q: want a number from 0 to 100 with up to two decimals, like 50 or 7.25", s)
	}
	if units > 100 || units == 100 && frac > 0 {
		return 0, fmt.Errorf("invalid percentage %q: must be at most 100", s)
	}
	return Percent(units*100 + frac), nil
}

// String formats p as a percentage without the "%" sign and without
// trailing zero decimals: "50", "50.5", "7.25", "0".
func (p Percent) String() string {
	var buf [24]byte
	b, r := appendHundredths(buf[:0], int64(p))
	switch {
	case r == 0:
	case r%10 == 0:
		b = append(b, '.', byte('0'+r/10))
	default:
		b = append(b, '.', byte('0'+r/10), byte('0'+r%10))
	}
	return string(b)
}
