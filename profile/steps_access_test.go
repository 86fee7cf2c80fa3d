package profile_test

import (
	"testing"

	"github.com/cbsim/cbsim/profile"
)

// TestKeeps: what a bundled profile's reader of conversions reads back,
// by logical field or parameter name.
func TestKeeps(t *testing.T) {
	cases := []struct {
		profile string
		name    string
		want    bool
	}{
		{"prosper202", profile.FieldSum, true},
		{"prosper202", profile.FieldClickID, true},
		{"prosper202", profile.FieldTransactionID, true},
		{"prosper202", profile.FieldType, false},
		{"prosper202", profile.FieldOrder, false},
		{"prosper202", "zip", false},
		{"redtrack", profile.FieldType, true},
		{"redtrack", profile.FieldOrder, true},
		{"redtrack", "zip", true},
		{"redtrack", "sub1", false},
		{"redtrack", profile.FieldTransactionID, false},
	}
	for _, c := range cases {
		t.Run(c.profile+"/"+c.name, func(t *testing.T) {
			p, err := profile.Load(c.profile)
			if err != nil {
				t.Fatal(err)
			}
			tr, err := p.Bind(profile.Config{TrackerURL: "http://127.0.0.1:1", APIKey: "k",
				Campaigns: map[string]string{profile.RoleAffiliate: "1", profile.RoleVendor: "2"}})
			if err != nil {
				t.Fatal(err)
			}
			defer tr.Close()
			if got := tr.Keeps(c.name); got != c.want {
				t.Errorf("the %s profile keeps %s: %t, want %t", c.profile, c.name, got, c.want)
			}
		})
	}
}
