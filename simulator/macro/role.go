package macro

import (
	"fmt"
	"strconv"
)

// Roles is a set of account roles: who may use a macro in an integration.
// The zero value is the empty set.
type Roles uint8

// The roles an integration can have, and both of them.
const (
	// Affiliate is an affiliate's integration (click id {tid}).
	Affiliate Roles = 1 << iota
	// Vendor is a vendor's integration (click id {vtid}).
	Vendor
	// Both is Affiliate|Vendor.
	Both = Affiliate | Vendor
)

// String returns "affiliate", "vendor", "both", "none" for the empty set and
// "Roles(n)" for anything else.
func (r Roles) String() string {
	switch r {
	case 0:
		return "none"
	case Affiliate:
		return "affiliate"
	case Vendor:
		return "vendor"
	case Both:
		return "both"
	}
	return "Roles(" + strconv.Itoa(int(r)) + ")"
}

// Has reports whether r includes every role of x: Both.Has(Vendor) and
// Vendor.Has(Vendor) are true, Affiliate.Has(Both) is false. The empty set
// is in no set: r.Has(0) is false.
func (r Roles) Has(x Roles) bool {
	return x != 0 && r&x == x
}

// ParseRoles reads "affiliate", "vendor" or "both".
func ParseRoles(s string) (Roles, error) {
	switch s {
	case "affiliate":
		return Affiliate, nil
	case "vendor":
		return Vendor, nil
	case "both":
		return Both, nil
	}
	return 0, fmt.Errorf("invalid role %q: want affiliate, vendor or both", s)
}

// MarshalText writes r as String does.
func (r Roles) MarshalText() ([]byte, error) {
	if r == 0 || r > Both {
		return nil, fmt.Errorf("marshal roles: invalid value %d", uint8(r))
	}
	return []byte(r.String()), nil
}

// UnmarshalText reads r with ParseRoles.
func (r *Roles) UnmarshalText(b []byte) error {
	v, err := ParseRoles(string(b))
	if err != nil {
		return err
	}
	*r = v
	return nil
}
