package macro

import (
	"fmt"
	"strconv"
)

// Role says whose integration it is: the affiliate's (click id {tid}, sum
// {affiliate_earnings}) or the vendor's ({vtid}, {vendor_earnings}). It is
// the one role type of the module; package simulator names it too.
type Role string

// The two roles.
const (
	RoleAffiliate Role = "affiliate"
	RoleVendor    Role = "vendor"
)

// RoleNames lists the roles as an error message says what is allowed.
const RoleNames = "affiliate, vendor"

// ParseRole reads "affiliate" or "vendor", in any case.
func ParseRole(s string) (Role, error) {
	switch r := Role(lower(s)); r {
	case RoleAffiliate, RoleVendor:
		return r, nil
	}
	return "", fmt.Errorf("unknown role %q (allowed: %s)", s, RoleNames)
}

// Roles is a set of roles: whose integrations ClickBank sends a macro's
// value to (the other role's get it empty). The zero value is the empty
// set.
type Roles uint8

// The sets a macro's Roles can be.
const (
	// ForAffiliate is the affiliate's integration only.
	ForAffiliate Roles = 1 << iota
	// ForVendor is the vendor's integration only.
	ForVendor
	// ForBoth is either integration.
	ForBoth = ForAffiliate | ForVendor
)

// Has reports whether role r is in the set.
func (rs Roles) Has(r Role) bool {
	switch r {
	case RoleAffiliate:
		return rs&ForAffiliate != 0
	case RoleVendor:
		return rs&ForVendor != 0
	}
	return false
}

// String returns "affiliate", "vendor", "both", "none" for the empty set and
// "Roles(n)" for anything else.
func (rs Roles) String() string {
	switch rs {
	case 0:
		return "none"
	case ForAffiliate:
		return string(RoleAffiliate)
	case ForVendor:
		return string(RoleVendor)
	case ForBoth:
		return "both"
	}
	return "Roles(" + strconv.Itoa(int(rs)) + ")"
}

// ParseRoles reads "affiliate", "vendor" or "both".
func ParseRoles(s string) (Roles, error) {
	for _, rs := range []Roles{ForAffiliate, ForVendor, ForBoth} {
		if s == rs.String() {
			return rs, nil
		}
	}
	return 0, fmt.Errorf("invalid roles %q (allowed: affiliate, vendor, both)", s)
}

// MarshalText writes rs as String does.
func (rs Roles) MarshalText() ([]byte, error) {
	if rs == 0 || rs > ForBoth {
		return nil, fmt.Errorf("marshal roles: invalid value %d", uint8(rs))
	}
	return []byte(rs.String()), nil
}

// UnmarshalText reads rs with ParseRoles.
func (rs *Roles) UnmarshalText(b []byte) error {
	v, err := ParseRoles(string(b))
	if err != nil {
		return err
	}
	*rs = v
	return nil
}

// lower folds ASCII letters to lower case.
func lower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
