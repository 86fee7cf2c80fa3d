package load

import (
	"strings"
	"testing"

	"github.com/cbsim/cbsim/profile"
	_ "github.com/cbsim/cbsim/profile/sqldriver" // orbitra reads with SQL
	"github.com/cbsim/cbsim/simulator"
)

func TestIntegrationsRedTrack(t *testing.T) {
	ins := Integrations(RedTrack("http://127.0.0.1:9/"), []simulator.Role{simulator.RoleAffiliate, simulator.RoleVendor}, "", nil)
	if len(ins) != 2 {
		t.Fatalf("got %d integrations, want 2", len(ins))
	}
	cases := []struct {
		in   simulator.Integration
		t    simulator.EventType
		want string
	}{
		{ins[0], simulator.InitialPurchase, "http://127.0.0.1:9/postback?clickid={tid}&sum={affiliate_earnings}&type=InitialPurchase&eventid={event_id}"},
		{ins[0], simulator.OrderFormImpression, "http://127.0.0.1:9/postback?clickid={tid}&sum={affiliate_earnings}&type=OrderFormImpression&eventid={event_id}"},
		{ins[1], simulator.UpsellPurchase, "http://127.0.0.1:9/postback?clickid={vtid}&sum={vendor_earnings}&type=UpsellPurchase&eventid={event_id}"},
	}
	for _, c := range cases {
		if got, _ := c.in.URLFor(c.t); got != c.want {
			t.Errorf("%s %s:\n got %s\nwant %s", c.in.Role, c.t, got, c.want)
		}
		if !c.in.Subscribed(c.t) {
			t.Errorf("%s does not send %s", c.in.Role, c.t)
		}
	}
}

// A profile renames the template and adds txid where the tracker takes a
// transaction id; a carrier other than tid replaces the affiliate's click
// macro.
func TestIntegrationsThroughProfiles(t *testing.T) {
	cases := []struct {
		profile, carrier string
		role             simulator.Role
		has, hasNot      []string
	}{
		{"cbsim", "tid", simulator.RoleAffiliate, []string{"http://127.0.0.1:9/postback?", "clickid={tid}", "sum={affiliate_earnings}", "type=InitialPurchase"}, []string{"txid"}},
		{"prosper202", "tid", simulator.RoleAffiliate, []string{"{receipt_id}", "{tid}"}, []string{"clickid="}},
		{"orbitra", "extclid", simulator.RoleAffiliate, []string{"{extclid}"}, []string{"{tid}"}},
		{"cbsim", "tid", simulator.RoleVendor, []string{"clickid={vtid}", "sum={vendor_earnings}"}, []string{"{tid}"}},
	}
	for _, c := range cases {
		t.Run(c.profile+"/"+string(c.role), func(t *testing.T) {
			p, err := profile.Load(c.profile)
			if err != nil {
				t.Fatal(err)
			}
			set := map[string]string{}
			for _, s := range p.Settings() {
				if s.Default == "" {
					set[s.Name] = "x"
				}
			}
			tr, err := p.Bind(profile.Config{TrackerURL: "http://127.0.0.1:9", APIKey: "k", Set: set,
				Campaigns: map[string]string{"affiliate": "1", "vendor": "2"}})
			if err != nil {
				t.Fatal(err)
			}
			defer tr.Close()
			ins := Integrations(tr, []simulator.Role{c.role}, c.carrier, nil)
			u, _ := ins[0].URLFor(simulator.InitialPurchase)
			for _, s := range c.has {
				if !strings.Contains(u, s) {
					t.Errorf("%s lacks %q", u, s)
				}
			}
			for _, s := range c.hasNot {
				if strings.Contains(u, s) {
					t.Errorf("%s has %q", u, s)
				}
			}
		})
	}
}

func TestPostbackType(t *testing.T) {
	for ev, want := range map[simulator.EventType]string{simulator.OrderFormImpression: "OrderFormImpression",
		simulator.InitialPurchase: "InitialPurchase", simulator.UpsellPurchase: "UpsellPurchase"} {
		if got := PostbackType(ev); got != want {
			t.Errorf("PostbackType(%s) = %s, want %s", ev, got, want)
		}
	}
}
