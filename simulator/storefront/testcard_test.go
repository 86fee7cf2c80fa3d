package storefront

import (
	"strings"
	"testing"
)

func TestCheckTestCard(t *testing.T) {
	for _, c := range []struct{ card, err string }{
		{"4111111111111111", ""},
		{"4000 0000 0000 0002", ""},
		{"1234-5678-9012", ""},
		{"123456789012345678901", "12 to 19 digits"},
		{"12345", "12 to 19 digits"},
		{"4111x11111111111", "not a digit"},
		{"", "12 to 19 digits"},
	} {
		err := CheckTestCard(c.card)
		if c.err == "" && err != nil || c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)) {
			t.Errorf("CheckTestCard(%q) = %v, want %q", c.card, err, c.err)
		}
	}
}
