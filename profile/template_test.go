package profile

import (
	"strings"
	"testing"
)

// TestTemplate: placeholders expand with the escaping of their context;
// "{{" is a literal brace; braces that open no name stay as they are.
func TestTemplate(t *testing.T) {
	settings := map[string]*Setting{"key": {Name: "key"}}
	vals := map[string]string{phTracker: "https://t.example/base", phCampaign: "a b/c?d&e=f", "key": `k"\` + "\n", phClickID: "x"}
	tests := []struct {
		tpl  string
		esc  escaping
		want string
	}{
		{"{tracker}/{campaign}?k={key}", escURL, "https://t.example/base/a%20b/c%3Fd%26e%3Df?k=k%22%5C%0A"},
		{`{"k":"{key}","x":{}}`, escJSON, `{"k":"k\"\\\u000a","x":{}}`},
		{"Bearer {key}", escRaw, "Bearer k\"\\\n"},
		{"{{campaign}} {campaign", escRaw, "{campaign}} {campaign"},
		{`{ key } {} {"a"}`, escRaw, `{ key } {} {"a"}`},
	}
	for _, tt := range tests {
		tp, err := parseTemplate(tt.tpl, tt.esc, []string{phTracker, phCampaign, phClickID}, settings)
		if err != nil {
			t.Errorf("parse %q: %v", tt.tpl, err)
			continue
		}
		if got, err := tp.expand(vals); err != nil || got != tt.want {
			t.Errorf("%q → %q, %v; want %q", tt.tpl, got, err, tt.want)
		}
	}
	for tpl, want := range map[string]string{
		"{Tracker}":          "unknown placeholder {Tracker}",
		"{a.b} and {c-d}":    "unknown placeholder {a.b}, {c-d}",
		"{api}":              "allowed here: {tracker}, {campaign}, {click_id}; settings {key}",
		"{role} {date_from}": "{role}, {date_from}",
	} {
		if _, err := parseTemplate(tpl, escRaw, []string{phTracker, phCampaign, phClickID}, settings); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("parse %q = %v; want %q", tpl, err, want)
		}
	}
	tp, _ := parseTemplate("{key}", escRaw, nil, settings)
	if _, err := tp.expand(map[string]string{}); err == nil {
		t.Error("expand without a value succeeded")
	}
}
