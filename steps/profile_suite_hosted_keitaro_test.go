package steps_test

import (
	"testing"

	"github.com/cbsim/cbsim/profile"
	"github.com/cbsim/cbsim/profile/faketracker"
)

// keitaro starts a fake Keitaro (broken as b) whose offers allow rebills
// as rebills says, with an affiliate and a vendor campaign, and binds the
// bundled keitaro profile to it.
func keitaro(t *testing.T, b faketracker.Broken, rebills bool) *profile.Tracker {
	t.Helper()
	links := hopLinks("{subid}")
	k, err := faketracker.NewKeitaro(faketracker.KeitaroOptions{PostbackKey: "kt-pb", APIKey: "kt-key", Broken: b,
		Campaigns: []faketracker.KeitaroCampaign{
			{Alias: "sleepaff", Name: "Sleep Guide (affiliate)", OfferURL: links[profile.RoleAffiliate], AllowRebills: rebills},
			{Alias: "sleepven", Name: "Sleep Guide (vendor)", OfferURL: links[profile.RoleVendor], AllowRebills: rebills},
		}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(k.Close)
	return bindProfile(t, "keitaro", profile.Config{TrackerURL: k.URL, APIKey: "kt-key", HTTPClient: k.Client(),
		Campaigns: map[string]string{profile.RoleAffiliate: "sleepaff", profile.RoleVendor: "sleepven"},
		Set:       map[string]string{"postback_key": "kt-pb"}})
}

// TestPortableSuiteThroughKeitaro runs the portable suite through the
// bundled keitaro profile against the fake Keitaro, written from Keitaro's
// public documentation (faketracker/keitaro.go cites each page). It passes
// when the offers allow rebills, as the profile asks; it fails against the
// broken twins with a message about the sum or the click id, and when the
// offers do not allow rebills (each upsell then overwrites the payout).
func TestPortableSuiteThroughKeitaro(t *testing.T) {
	cases := []struct {
		name    string
		tracker func(t *testing.T) *profile.Tracker
		fails   []string // nil = the suite passes; else it fails, and its report says each of these
	}{
		{"Keitaro", func(t *testing.T) *profile.Tracker { return keitaro(t, faketracker.NotBroken, true) }, nil},
		{"KeitaroBrokenSum", func(t *testing.T) *profile.Tracker { return keitaro(t, faketracker.BrokenSum, true) },
			[]string{"with payout 45.75 for click"}},
		{"KeitaroBrokenClickID", func(t *testing.T) *profile.Tracker { return keitaro(t, faketracker.BrokenClickID, true) },
			[]string{"but the tracker recorded 0:"}},
		{"KeitaroWithoutRebill", func(t *testing.T) *profile.Tracker { return keitaro(t, faketracker.NotBroken, false) },
			[]string{`{affiliate_earnings} ["0.00" "21.24" "45.75"], but the tracker recorded ["21.24"]`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, report := runPortable(t, c.tracker(t))
			checkSuite(t, status, report, c.fails, nil)
			t.Logf("%s", lastLines(report, 6))
		})
	}
}
