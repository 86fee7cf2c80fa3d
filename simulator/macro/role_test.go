package macro

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestRoles(t *testing.T) {
	tests := []struct {
		rs       Roles
		str      string
		aff, ven bool
	}{
		{0, "none", false, false},
		{ForAffiliate, "affiliate", true, false},
		{ForVendor, "vendor", false, true},
		{ForBoth, "both", true, true},
		{Roles(8), "Roles(8)", false, false},
	}
	for _, tt := range tests {
		if got := tt.rs.String(); got != tt.str {
			t.Errorf("Roles(%d).String() = %q; want %q", tt.rs, got, tt.str)
		}
		if tt.rs.Has(RoleAffiliate) != tt.aff || tt.rs.Has(RoleVendor) != tt.ven {
			t.Errorf("%s.Has(affiliate, vendor) = %v, %v; want %v, %v", tt.rs, tt.rs.Has(RoleAffiliate), tt.rs.Has(RoleVendor), tt.aff, tt.ven)
		}
		if tt.rs.Has("") || tt.rs.Has("both") {
			t.Errorf("%s has a role that is not one", tt.rs)
		}
	}
}

func TestParseRole(t *testing.T) {
	for s, want := range map[string]Role{"affiliate": RoleAffiliate, "Vendor": RoleVendor, "AFFILIATE": RoleAffiliate} {
		if got, err := ParseRole(s); err != nil || got != want {
			t.Errorf("ParseRole(%q) = %q, %v; want %q", s, got, err, want)
		}
	}
	for _, s := range []string{"", "both", "jv"} {
		if _, err := ParseRole(s); err == nil || !strings.Contains(err.Error(), RoleNames) {
			t.Errorf("ParseRole(%q) = %v; want an error listing %s", s, err, RoleNames)
		}
	}
}

func TestParseRoles(t *testing.T) {
	for _, rs := range []Roles{ForAffiliate, ForVendor, ForBoth} {
		got, err := ParseRoles(rs.String())
		if err != nil || got != rs {
			t.Errorf("ParseRoles(%q) = %v, %v", rs.String(), got, err)
		}
	}
	for _, s := range []string{"", "Affiliate", "none", "jv"} {
		if _, err := ParseRoles(s); err == nil {
			t.Errorf("ParseRoles(%q): no error", s)
		}
	}
}

func TestRolesJSON(t *testing.T) {
	b, err := json.Marshal(struct{ R Roles }{ForVendor})
	if err != nil || string(b) != `{"R":"vendor"}` {
		t.Errorf("json.Marshal = %s, %v", b, err)
	}
	var v struct{ R Roles }
	if err := json.Unmarshal([]byte(`{"R":"both"}`), &v); err != nil || v.R != ForBoth {
		t.Errorf("json.Unmarshal = %v, %v", v.R, err)
	}
	if err := json.Unmarshal([]byte(`{"R":"admin"}`), &v); err == nil {
		t.Error("json.Unmarshal(admin): no error")
	}
	if _, err := json.Marshal(struct{ R Roles }{0}); err == nil {
		t.Error("json.Marshal(no roles): no error")
	}
}
