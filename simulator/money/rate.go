package money

import (
	"fmt"
	"math"
	"math/bits"
	"slices"
	"strconv"
	"strings"
)

// rateScale is the fixed point of a Rate: 1e-9 USD per unit.
const rateScale = 1_000_000_000

// rateDecimals is how many decimals ParseRate accepts.
const rateDecimals = 9

// Rate is an exchange rate as an exact decimal: how many US dollars one unit
// of a currency buys, with up to nine decimals ("1.0834" for EUR,
// "0.0067" for JPY). The zero value is not a valid rate.
type Rate struct {
	nano int64 // USD per unit in units of 1e-9; > 0 for a valid rate
}

// ParseRate reads a positive decimal with up to nine decimals: "1", "1.0834",
// "0.006689". Zero, signs, exponents and separators are rejected.
func ParseRate(s string) (Rate, error) {
	units, frac, ok := parseDecimal(s, rateDecimals)
	if !ok {
		return Rate{}, fmt.Errorf("invalid exchange rate %q: want USD per unit as a positive decimal with up to %d decimals, like 1.0834", s, rateDecimals)
	}
	if units > (math.MaxInt64-frac)/rateScale {
		return Rate{}, fmt.Errorf("invalid exchange rate %q: too large", s)
	}
	r := Rate{nano: units*rateScale + frac}
	if r.nano == 0 {
		return Rate{}, fmt.Errorf("invalid exchange rate %q: must be greater than 0", s)
	}
	return r, nil
}

// String formats r as a decimal without trailing zeros: "1.0834", "1".
func (r Rate) String() string {
	s := strconv.FormatInt(r.nano/rateScale, 10)
	if f := r.nano % rateScale; f != 0 {
		d := strconv.FormatInt(rateScale+f, 10)[1:] // zero-padded to 9 digits
		s += "." + strings.TrimRight(d, "0")
	}
	return s
}

// IsZero reports whether r is the zero value, which is not a valid rate.
func (r Rate) IsZero() bool { return r.nano == 0 }

// MarshalText writes r as ParseRate reads it.
func (r Rate) MarshalText() ([]byte, error) { return []byte(r.String()), nil }

// UnmarshalText reads r with ParseRate.
func (r *Rate) UnmarshalText(b []byte) error {
	v, err := ParseRate(string(b))
	if err != nil {
		return err
	}
	*r = v
	return nil
}

// UnmarshalJSON reads r from a JSON string ("1.0834") or a bare JSON number
// (1.0834), both as exact decimals with ParseRate. A JSON null leaves r
// unchanged.
func (r *Rate) UnmarshalJSON(b []byte) error {
	s := string(b)
	if s == "null" {
		return nil
	}
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		s = s[1 : len(s)-1]
	}
	return r.UnmarshalText([]byte(s))
}

// Rates maps a currency code (three upper-case letters, "EUR") to its rate
// in USD. USD itself needs no entry.
type Rates map[string]Rate

// ValidCurrency reports whether code has the shape of an ISO 4217 code:
// exactly three upper-case ASCII letters.
func ValidCurrency(code string) bool {
	if len(code) != 3 {
		return false
	}
	for i := 0; i < 3; i++ {
		if code[i] < 'A' || code[i] > 'Z' {
			return false
		}
	}
	return true
}

// Validate checks that every key is a currency code and every rate is
// non-zero; the error names the first offending currency in sorted order.
func (r Rates) Validate() error {
	for _, code := range r.codes() {
		if !ValidCurrency(code) {
			return fmt.Errorf("invalid currency code %q: want three upper-case letters, like EUR", code)
		}
		if r[code].IsZero() {
			return fmt.Errorf("exchange rate for %s: must be greater than 0", code)
		}
	}
	return nil
}

// ToUSD converts amount (hundredths of currency's unit) to USD cents,
// rounding to the nearest cent with halves away from zero (half up for
// positive amounts). USD converts to itself. An invalid code, an unknown
// currency or a result that does not fit in Cents is an error; the error for
// an unknown currency lists the known ones.
func (r Rates) ToUSD(amount Cents, currency string) (Cents, error) {
	if !ValidCurrency(currency) {
		return 0, fmt.Errorf("invalid currency code %q: want three upper-case letters, like EUR", currency)
	}
	if currency == "USD" {
		return amount, nil
	}
	rate, ok := r[currency]
	if !ok {
		known := append(r.codes(), "USD")
		slices.Sort(known)
		known = slices.Compact(known)
		return 0, fmt.Errorf("no exchange rate for currency %s: known are %s", currency, strings.Join(known, ", "))
	}
	if rate.nano <= 0 {
		return 0, fmt.Errorf("exchange rate for %s: must be greater than 0", currency)
	}
	neg := amount < 0
	a := uint64(amount)
	if neg {
		a = -a
	}
	hi, lo := bits.Mul64(a, uint64(rate.nano))
	lo, carry := bits.Add64(lo, rateScale/2, 0)
	hi += carry
	if hi >= rateScale {
		return 0, fmt.Errorf("convert %s %s to USD: result too large", amount, currency)
	}
	q, _ := bits.Div64(hi, lo, rateScale)
	if q > math.MaxInt64 && !(neg && q == 1<<63) { // -2^63 is the one negative without a positive twin
		return 0, fmt.Errorf("convert %s %s to USD: result too large", amount, currency)
	}
	if neg {
		return -Cents(q), nil // for q = 2^63, Cents(q) and its negation are both math.MinInt64
	}
	return Cents(q), nil
}

// FromUSD converts usd (US cents) to hundredths of currency's unit, the
// inverse of ToUSD, rounding to the nearest hundredth with halves away from
// zero. It prices an upsell in the currency the order was paid in
// (docs/clickbank.md §5: one order, one currency). The errors are ToUSD's.
func (r Rates) FromUSD(usd Cents, currency string) (Cents, error) {
	if _, err := r.ToUSD(0, currency); err != nil {
		return 0, err
	}
	if currency == "USD" {
		return usd, nil
	}
	nano := uint64(r[currency].nano)
	neg := usd < 0
	a := uint64(usd)
	if neg {
		a = -a
	}
	hi, lo := bits.Mul64(a, rateScale)
	lo, carry := bits.Add64(lo, nano/2, 0)
	hi += carry
	if hi >= nano {
		return 0, fmt.Errorf("convert %s USD to %s: result too large", usd, currency)
	}
	q, _ := bits.Div64(hi, lo, nano)
	if q > math.MaxInt64 {
		return 0, fmt.Errorf("convert %s USD to %s: result too large", usd, currency)
	}
	if neg {
		return -Cents(q), nil
	}
	return Cents(q), nil
}

// codes returns the map's keys, sorted.
func (r Rates) codes() []string {
	codes := make([]string, 0, len(r))
	for c := range r {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	return codes
}
