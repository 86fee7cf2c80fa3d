package money

import "fmt"

// Rounding says which of ClickBank's amounts is rounded to the cent; the
// rest follows by exact subtraction. Which one ClickBank rounds is not
// public (docs/clickbank.md §5): the project defaults to RoundNet and offers
// RoundFee, the literal reading of "ClickBank keeps 7.5% + $1.00". They
// differ when 7.5% of the price ends in half a cent: $37.00 at 50% gives
// the affiliate 16.62 under RoundNet and 16.61 under RoundFee.
type Rounding uint8

const (
	// RoundNet rounds the wholesale amount: net = round(92.5% × price) −
	// $1.00, fee = price − net. The zero value, the default.
	RoundNet Rounding = iota
	// RoundFee rounds ClickBank's share: fee = round(7.5% × price) + $1.00,
	// net = price − fee.
	RoundFee
)

// RoundingNames lists the accepted names, for error messages.
const RoundingNames = "net, fee"

// ParseRounding reads "net" (or "") and "fee".
func ParseRounding(s string) (Rounding, error) {
	switch s {
	case "", "net":
		return RoundNet, nil
	case "fee":
		return RoundFee, nil
	}
	return 0, fmt.Errorf("unknown rounding %q (allowed: %s)", s, RoundingNames)
}

// String returns "net" or "fee".
func (r Rounding) String() string {
	if r == RoundFee {
		return "fee"
	}
	return "net"
}

// MarshalText writes r as String does.
func (r Rounding) MarshalText() ([]byte, error) { return []byte(r.String()), nil }

// UnmarshalText reads r with ParseRounding.
func (r *Rounding) UnmarshalText(b []byte) error {
	v, err := ParseRounding(string(b))
	if err != nil {
		return err
	}
	*r = v
	return nil
}
