package profile

import (
	"regexp"
	"slices"
	"testing"
)

// TestNeeds: what the bundled profiles need, per reader, default first.
func TestNeeds(t *testing.T) {
	both := []string{RoleAffiliate, RoleVendor}
	cases := []struct {
		name string
		want []Needs
	}{
		{"prosper202", []Needs{
			{Reader: ReaderHTTP, Default: true, Campaigns: both, Settings: []string{"api_key"}},
			{Reader: ReaderSQL, Campaigns: both, Settings: []string{"dsn"}},
		}},
		{"orbitra", []Needs{
			{Reader: ReaderSQL, Default: true, Campaigns: both, Settings: []string{"database", "postback_key"}},
			{Reader: ReaderHTTP, Campaigns: both, Settings: []string{"api_key", "postback_key"}},
		}},
		{"cbsim", []Needs{{Reader: ReaderHTTP, Default: true, FindsCampaigns: true}}},
		{"binom", []Needs{{Campaigns: both}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, err := Load(c.name)
			if err != nil {
				t.Fatal(err)
			}
			got := p.Needs()
			if len(got) != len(c.want) {
				t.Fatalf("Needs() = %+v, want %+v", got, c.want)
			}
			for i := range got {
				g, w := got[i], c.want[i]
				if g.Reader != w.Reader || g.Default != w.Default || g.FindsCampaigns != w.FindsCampaigns ||
					!slices.Equal(g.Campaigns, w.Campaigns) || !slices.Equal(g.Settings, w.Settings) {
					t.Errorf("Needs()[%d] = %+v, want %+v", i, g, w)
				}
			}
		})
	}
}

// TestNeedsAgreeWithBind: for every bundled profile and reader, Bind given
// only the tracker's URL names exactly the settings and campaigns Needs
// lists as missing.
func TestNeedsAgreeWithBind(t *testing.T) {
	missingSetting := regexp.MustCompile(`missing setting (\w+)`)
	missingCampaign := regexp.MustCompile(`missing the (\w+) campaign`)
	for _, p := range Bundled() {
		for _, n := range p.Needs() {
			_, err := p.Bind(Config{TrackerURL: "https://trk.example", Reader: n.Reader})
			var settings, campaigns []string
			if err != nil {
				for _, m := range missingSetting.FindAllStringSubmatch(err.Error(), -1) {
					settings = append(settings, m[1])
				}
				for _, m := range missingCampaign.FindAllStringSubmatch(err.Error(), -1) {
					campaigns = append(campaigns, m[1])
				}
			}
			slices.Sort(settings)
			if !slices.Equal(settings, n.Settings) || !slices.Equal(campaigns, n.Campaigns) {
				t.Errorf("%s reader %q: Bind misses settings %v and campaigns %v (%v); Needs says %v and %v",
					p.Name, n.Reader, settings, campaigns, err, n.Settings, n.Campaigns)
			}
		}
	}
}
