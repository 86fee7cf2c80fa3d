package steps_test

import (
	"testing"

	"github.com/cbsim/cbsim/profile"
	"github.com/cbsim/cbsim/profile/faketracker"
)

// voluum starts a fake Voluum (broken as b), written from Voluum's public
// documentation, with an affiliate and a vendor campaign, and binds the
// bundled voluum profile to it: the fake is both the tracking domain and
// the API.
func voluum(t *testing.T, b faketracker.Broken) *profile.Tracker {
	t.Helper()
	links := hopLinks("{clickid}")
	// Voluum's click ids have upper-case letters, which ClickBank's TID
	// rule drops: the affiliate's hop link carries them in extclid (the
	// profile's click.clickbank); the vendor's vtid keeps them.
	links[profile.RoleAffiliate] = "https://affiliate.hop.clickbank.net/?vendor=sleepguide&extclid={clickid}"
	v, err := faketracker.NewVoluum(faketracker.VoluumOptions{Token: "vol-token", Broken: b,
		Campaigns: []faketracker.VoluumCampaign{
			{ID: "3f1c2a7e-aff", OfferURL: links[profile.RoleAffiliate]},
			{ID: "3f1c2a7e-ven", OfferURL: links[profile.RoleVendor]},
		}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(v.Close)
	return bindProfile(t, "voluum", profile.Config{TrackerURL: v.URL, APIURL: v.URL, HTTPClient: v.Client(),
		Campaigns: map[string]string{profile.RoleAffiliate: "3f1c2a7e-aff", profile.RoleVendor: "3f1c2a7e-ven"},
		Set:       map[string]string{"api_token": "vol-token"}})
}

// TestPortableSuiteThroughVoluumAndEverflow runs the portable suite
// through the bundled voluum and everflow profiles against fakes written
// from each tracker's public documentation (not from the profiles, and
// never checked against a real account). Both trackers' conversions can be
// read (Voluum's /report/conversions, Everflow's raw conversions report),
// so the suite asserts what they recorded. It passes against each faithful
// fake: Voluum's affiliate click ids ride in extclid (their upper-case
// letters would make ClickBank drop a TID), and an affiliate's TID set
// beside a vendor's sale rides there too; Everflow's 32-character ids are
// cut as well as upper-cased by the legacy24 rule, which the scenario
// about it expects. Against each broken twin the suite fails with a
// message about the sum or the click id.
func TestPortableSuiteThroughVoluumAndEverflow(t *testing.T) {
	cases := []struct {
		name    string
		tracker func(t *testing.T) *profile.Tracker
		fails   []string            // nil = the suite passes; else it fails, and its report says each of these
		failing map[string][]string // when set: exactly these scenarios fail, each saying these
	}{
		{"Voluum", func(t *testing.T) *profile.Tracker { return voluum(t, faketracker.NotBroken) }, nil, nil},
		{"VoluumBrokenSum", func(t *testing.T) *profile.Tracker { return voluum(t, faketracker.BrokenSum) },
			[]string{"with payout 45.75 for click", "payout=46.75"}, nil},
		{"VoluumBrokenClickID", func(t *testing.T) *profile.Tracker { return voluum(t, faketracker.BrokenClickID) },
			[]string{"expected 2 conversions for click", "but the tracker recorded 0:"}, nil},
		{"Everflow", func(t *testing.T) *profile.Tracker { return everflow(t, faketracker.NotBroken) }, nil, nil},
		{"EverflowBrokenSum", func(t *testing.T) *profile.Tracker { return everflow(t, faketracker.BrokenSum) },
			[]string{"with payout 45.75 for click", "payout=46.75"}, nil},
		{"EverflowBrokenClickID", func(t *testing.T) *profile.Tracker { return everflow(t, faketracker.BrokenClickID) },
			[]string{"expected 2 conversions for click", "but the tracker recorded 0:"}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, report := runPortable(t, c.tracker(t))
			checkSuite(t, status, report, c.fails, c.failing)
			t.Logf("%s", lastLines(report, 6))
		})
	}
}
