package simulator

import (
	"strings"
	"testing"
)

func TestParseIntegrationsErrors(t *testing.T) {
	cases := []struct{ data, want string }{
		{`{"integrations":[{"name":"a","role":"owner","events":["initial_purchase"],"url":"http://x/"}]}`, `integrations[0].role: unknown role "owner"`},
		{`{"integrations":[{"name":"a","role":"vendor","events":["refund"],"url":"http://x/"}]}`, `integrations[0].events[0]: unknown event type "refund"`},
		{`{"integrations":[{"name":"a","role":"vendor","events":["initial_purchase","upsell_purchase"],"per_event":true,"urls":{"initial_purchase":"http://x/"}}]}`, "event upsell_purchase is selected but has no URL"},
		{`{"integrations":[{"name":"a","role":"vendor","events":["initial_purchase"],"url":"x.com"}]}`, "must start with http://"},
		{`{"integrations":[{"name":"a","role":"vendor","events":[],"url":"http://x/"}]}`, "select at least one event type"},
		{`{"integrations":[{"name":"a","role":"vendor","events":["initial_purchase"],` + "\n" + `"role_specific_macros":"keep","url":"http://x/"}]}`,
			`i.json:2: integrations[0].role_specific_macros: role_specific_macros is "keep" (allowed: empty, send)`},
	}
	for _, tc := range cases {
		_, err := ParseIntegrations("i.json", []byte(tc.data))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("error = %v, want it to contain %q", err, tc.want)
		}
	}
}

func TestParseIntegrationsRoleSpecificMacros(t *testing.T) {
	for field, want := range map[string]bool{``: false, `"role_specific_macros":"empty",`: false, `"role_specific_macros":"send",`: true} {
		ins, err := ParseIntegrations("i.json", []byte(`{"integrations":[{"name":"a","role":"vendor",`+field+`"events":["initial_purchase"],"url":"http://x/"}]}`))
		if err != nil || ins[0].SendOtherRoleMacros != want {
			t.Errorf("%s: SendOtherRoleMacros = %v, %v; want %v", field, ins[0].SendOtherRoleMacros, err, want)
		}
	}
}

// TestParseIntegrationsRefusesTwoURLsForOneEvent: "Initial Purchase" and
// "initial_purchase" are one event type; two URLs for it used to load, and
// which one was used depended on map order. Found by FuzzParseIntegrations.
func TestParseIntegrationsRefusesTwoURLsForOneEvent(t *testing.T) {
	data := `{"integrations":[{"name":"a","role":"vendor","events":["initial_purchase"],"per_event":true,` +
		`"urls":{"initial_purchase":"http://x/","Initial Purchase":"http://y/"}}]}`
	for range 5 {
		_, err := ParseIntegrations("in.json", []byte(data))
		if err == nil || !strings.Contains(err.Error(), `integrations[0].urls: event initial_purchase has two URLs ("Initial Purchase" and "initial_purchase")`) {
			t.Fatalf("ParseIntegrations = %v; want an error naming both keys", err)
		}
	}
}
