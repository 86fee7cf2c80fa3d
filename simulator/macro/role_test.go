package macro

import (
	"encoding/json"
	"testing"
)

func TestRoles(t *testing.T) {
	tests := []struct {
		r    Roles
		str  string
		aff  bool
		ven  bool
		both bool
	}{
		{0, "none", false, false, false},
		{Affiliate, "affiliate", true, false, false},
		{Vendor, "vendor", false, true, false},
		{Both, "both", true, true, true},
		{Roles(8), "Roles(8)", false, false, false},
	}
	for _, tt := range tests {
		if got := tt.r.String(); got != tt.str {
			t.Errorf("Roles(%d).String() = %q; want %q", tt.r, got, tt.str)
		}
		if tt.r.Has(Affiliate) != tt.aff || tt.r.Has(Vendor) != tt.ven || tt.r.Has(Both) != tt.both {
			t.Errorf("%s.Has(affiliate, vendor, both) = %v, %v, %v; want %v, %v, %v", tt.r,
				tt.r.Has(Affiliate), tt.r.Has(Vendor), tt.r.Has(Both), tt.aff, tt.ven, tt.both)
		}
		if tt.r.Has(0) {
			t.Errorf("%s.Has(0) = true", tt.r)
		}
	}
}

func TestParseRoles(t *testing.T) {
	for _, r := range []Roles{Affiliate, Vendor, Both} {
		got, err := ParseRoles(r.String())
		if err != nil || got != r {
			t.Errorf("ParseRoles(%q) = %v, %v", r.String(), got, err)
		}
	}
	for _, s := range []string{"", "Affiliate", "none", "jv"} {
		if _, err := ParseRoles(s); err == nil {
			t.Errorf("ParseRoles(%q): no error", s)
		}
	}
}

func TestRolesJSON(t *testing.T) {
	b, err := json.Marshal(struct{ R Roles }{Vendor})
	if err != nil || string(b) != `{"R":"vendor"}` {
		t.Errorf("json.Marshal = %s, %v", b, err)
	}
	var v struct{ R Roles }
	if err := json.Unmarshal([]byte(`{"R":"both"}`), &v); err != nil || v.R != Both {
		t.Errorf("json.Unmarshal = %v, %v", v.R, err)
	}
	if err := json.Unmarshal([]byte(`{"R":"admin"}`), &v); err == nil {
		t.Error("json.Unmarshal(admin): no error")
	}
	if _, err := json.Marshal(struct{ R Roles }{0}); err == nil {
		t.Error("json.Marshal(no roles): no error")
	}
}
