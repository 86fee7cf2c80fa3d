package steps_test

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"time"

	_ "github.com/cbsim/cbsim/profile/sqldriver"

	"github.com/cbsim/cbsim/features"
	"github.com/cbsim/cbsim/profile"
	"github.com/cbsim/cbsim/profile/faketracker"
	"github.com/cbsim/cbsim/steps"
	"github.com/cbsim/cbsim/tracker"
)

// portableTags selects the bundled portable suite: every scenario that
// neither configures nor restarts the tracker.
const portableTags = "~@reference && ~@restart"

// hopLinks are the offer URLs of the fakes' campaigns: ClickBank's hop link
// (affiliate) and pay link (vendor) with the tracker's click id macro where
// ClickBank takes it back.
func hopLinks(macro string) map[string]string {
	return map[string]string{
		profile.RoleAffiliate: "https://affiliate.hop.clickbank.net/?vendor=sleepguide&tid=" + macro,
		profile.RoleVendor:    "https://sleepguide.pay.clickbank.net/?cbitems=1&vtid=" + macro,
	}
}

// bindProfile binds the bundled profile name with cfg and closes the
// tracker when the test ends.
func bindProfile(t *testing.T, name string, cfg profile.Config) *profile.Tracker {
	t.Helper()
	p, err := profile.Load(name)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Seed = 1
	tr, err := p.Bind(cfg)
	if err != nil {
		t.Fatalf("bind the %s profile: %v", name, err)
	}
	t.Cleanup(func() { tr.Close() })
	return tr
}

// prosper202 starts a fake Prosper202 (broken as b) with an affiliate and a
// vendor campaign, and binds the bundled prosper202 profile to it.
func prosper202(t *testing.T, b faketracker.Broken) *profile.Tracker {
	t.Helper()
	links := hopLinks("[[subid]]")
	p, err := faketracker.NewProsper202(faketracker.Prosper202Options{APIKey: "p202-key", Broken: b,
		Campaigns: []faketracker.Prosper202Campaign{
			{TrackerID: 11, Name: "Sleep Guide (affiliate)", OfferURL: links[profile.RoleAffiliate]},
			{TrackerID: 12, Name: "Sleep Guide (vendor)", OfferURL: links[profile.RoleVendor]},
		}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	return bindProfile(t, "prosper202", profile.Config{TrackerURL: p.URL, APIKey: "p202-key", HTTPClient: p.Client(),
		Campaigns: map[string]string{profile.RoleAffiliate: "11", profile.RoleVendor: "12"}})
}

// orbitra starts a fake Orbitra (broken as b) with an affiliate and a
// vendor campaign, and binds the bundled orbitra profile to it, reading
// through reader ("http" or "sql").
func orbitra(t *testing.T, b faketracker.Broken, reader string) *profile.Tracker {
	t.Helper()
	links := hopLinks("{clickid}")
	o, err := faketracker.NewOrbitra(faketracker.OrbitraOptions{PostbackKey: "pb-key", APIKey: "orb-key", Broken: b,
		Campaigns: []faketracker.OrbitraCampaign{
			{Alias: "sleep-aff", Name: "Sleep Guide (affiliate)", OfferURL: links[profile.RoleAffiliate]},
			{Alias: "sleep-ven", Name: "Sleep Guide (vendor)", OfferURL: links[profile.RoleVendor]},
		}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(o.Close)
	return bindProfile(t, "orbitra", profile.Config{TrackerURL: o.URL, APIKey: "orb-key", HTTPClient: o.Client(), Reader: reader,
		Campaigns: map[string]string{profile.RoleAffiliate: "sleep-aff", profile.RoleVendor: "sleep-ven"},
		Set:       map[string]string{"postback_key": "pb-key", "database": "file:" + o.DBPath() + "?mode=ro"}})
}

// refTracker starts an in-process reference tracker and binds the bundled
// profile name (cbsim or redtrack) to it; campaigns are made through its
// API.
func refTracker(t *testing.T, name string) *profile.Tracker {
	t.Helper()
	srv, err := tracker.NewServer(tracker.Config{APIKey: "ref-key"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	return bindProfile(t, name, profile.Config{TrackerURL: srv.URL, APIKey: "ref-key", HTTPClient: srv.Client(),
		OfferURLs: hopLinks("{clickid}")})
}

// runPortable runs the portable suite against tr and returns Run's status
// and its report.
func runPortable(t *testing.T, tr *profile.Tracker) (int, string) {
	t.Helper()
	var out bytes.Buffer
	status := steps.Run(steps.SuiteOptions{Factory: steps.Shared{Tracker: &steps.Profiled{T: tr}}, Features: features.FS,
		Tags: portableTags, Format: "pretty", Output: &out, Steps: steps.Options{Wait: 200 * time.Millisecond}})
	return status, out.String()
}

// TestPortableSuiteThroughProfiles runs the portable suite (every scenario
// neither @reference nor @restart) through bundled profiles. It passes
// against the Prosper202 fake through the prosper202 profile and against
// the reference tracker through the cbsim and redtrack profiles; it fails
// against each broken twin with a message about the sum or the click id.
// Orbitra cannot pass: its click ids are UUIDs, and ClickBank drops a TID
// or vtid with a '-', so no postback carries the click id; the suite fails
// through either reader, and says why (ClickBank's journal, the vtid rule).
func TestPortableSuiteThroughProfiles(t *testing.T) {
	cases := []struct {
		name    string
		tracker func(t *testing.T) *profile.Tracker
		fails   []string // "" = the suite passes; else what its report must say (any of them)
	}{
		{"Prosper202", func(t *testing.T) *profile.Tracker { return prosper202(t, faketracker.NotBroken) }, nil},
		{"Prosper202BrokenSum", func(t *testing.T) *profile.Tracker { return prosper202(t, faketracker.BrokenSum) },
			[]string{"with payout 45.75", "to be what ClickBank sent as {affiliate_earnings}"}},
		{"Prosper202BrokenClickID", func(t *testing.T) *profile.Tracker { return prosper202(t, faketracker.BrokenClickID) },
			[]string{"for click 70", "but the tracker recorded 0"}},
		{"OrbitraHTTP", func(t *testing.T) *profile.Tracker { return orbitra(t, faketracker.NotBroken, "http") },
			[]string{"has '-' at position 9"}},
		{"OrbitraSQL", func(t *testing.T) *profile.Tracker { return orbitra(t, faketracker.NotBroken, "sql") },
			[]string{"has '-' at position 9"}},
		{"ReferenceCbsim", func(t *testing.T) *profile.Tracker { return refTracker(t, "cbsim") }, nil},
		{"ReferenceRedTrack", func(t *testing.T) *profile.Tracker { return refTracker(t, "redtrack") }, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, report := runPortable(t, c.tracker(t))
			switch {
			case c.fails == nil && status != 0:
				t.Fatalf("the portable suite failed (status %d):\n%s", status, report)
			case c.fails != nil && status != 1:
				t.Fatalf("the portable suite ended with status %d, want 1 (it fails):\n%s", status, report)
			case c.fails != nil && !slices.ContainsFunc(c.fails, func(s string) bool { return strings.Contains(report, s) }):
				t.Fatalf("the portable suite failed without saying any of %q:\n%s", c.fails, report)
			}
			t.Logf("%s", lastLines(report, 4))
		})
	}
}

// lastLines returns the last n lines of s.
func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(len(lines)-n, 0):], "\n")
}
