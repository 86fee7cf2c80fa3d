package steps_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	_ "github.com/cbsim/cbsim/profile/sqldriver"

	"github.com/cbsim/cbsim/features"
	"github.com/cbsim/cbsim/profile"
	"github.com/cbsim/cbsim/profile/faketracker"
	"github.com/cbsim/cbsim/simulator"
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
	return prosper202With(t, b, nil)
}

// prosper202With is prosper202 with the profile's postback fields
// overridden by fields (logical → wire name, "" removes one).
func prosper202With(t *testing.T, b faketracker.Broken, fields map[string]string) *profile.Tracker {
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
	return bindProfile(t, "prosper202", profile.Config{TrackerURL: p.URL, APIKey: "p202-key", HTTPClient: p.Client(), PostbackFields: fields,
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

// orbitraUUIDs is what the suite says against Orbitra, whose click ids are
// UUIDs: ClickBank dropped the TID (and refused the vtid) for its '-'.
var orbitraUUIDs = []string{"ClickBank's journal says: tid dropped: tid", "has '-' at position 9, the current rule allows only [a-z0-9_]",
	"has '-' at position 9, only letters, digits and _ are allowed"}

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
		fails   []string // nil = the suite passes; else it fails, and its report says each of these
	}{
		{"Prosper202", func(t *testing.T) *profile.Tracker { return prosper202(t, faketracker.NotBroken) }, nil},
		{"Prosper202BrokenSum", func(t *testing.T) *profile.Tracker { return prosper202(t, faketracker.BrokenSum) },
			[]string{"with payout 45.75 for click", "payout=46.75", "not compared: type (the tracker has no conversion types), order_id (the tracker does not keep it)"}},
		{"Prosper202BrokenClickID", func(t *testing.T) *profile.Tracker { return prosper202(t, faketracker.BrokenClickID) },
			[]string{"but the tracker recorded 0:"}},
		// Without a txid, Prosper202 takes the order id an upsell shares
		// with its front end as the transaction id, and keeps no upsell.
		{"Prosper202WithoutTxid", func(t *testing.T) *profile.Tracker {
			return prosper202With(t, faketracker.NotBroken, map[string]string{profile.FieldTransactionID: ""})
		}, []string{"with payout 21.24 for click", "it keeps one conversion per click and transaction id, and cbsim sends none"}},
		{"OrbitraHTTP", func(t *testing.T) *profile.Tracker { return orbitra(t, faketracker.NotBroken, "http") },
			orbitraUUIDs},
		{"OrbitraSQL", func(t *testing.T) *profile.Tracker { return orbitra(t, faketracker.NotBroken, "sql") },
			orbitraUUIDs},
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
			}
			for _, s := range c.fails {
				if !strings.Contains(report, s) {
					t.Errorf("the failing suite's report does not say %q:\n%s", s, report)
				}
			}
			t.Logf("%s", lastLines(report, 6))
			if testing.Verbose() {
				t.Logf("%s", report)
			}
		})
	}
}

// lastLines returns the last n lines of s.
func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(len(lines)-n, 0):], "\n")
}

// lostClicks is a tracker that hands out click ids, answers every postback
// 200 and records nothing; it keeps its clicks when kept says, and its
// profile says when it drops them: how a tracker that drops clicks looks
// to the steps.
type lostClicks struct {
	url  string
	kept bool
}

func (l lostClicks) Click(context.Context, simulator.Role) (steps.Click, error) {
	return steps.Click{ID: "c0ffee01"}, nil
}
func (l lostClicks) PostbackURL() string { return l.url }
func (l lostClicks) Conversions(context.Context, string) ([]steps.Conversion, error) {
	return nil, nil
}
func (l lostClicks) Rejections(context.Context) ([]steps.Rejection, error) {
	return nil, steps.ErrNotSupported
}
func (l lostClicks) ClickKept(context.Context, string) (bool, error) { return l.kept, nil }
func (l lostClicks) NotKept() string                                 { return "a visitor's IP repeats within 2 s" }
func (l lostClicks) Behaviour() string                               { return "the lossy profile says: it drops clicks" }

// TestLostClickIsNamed: a conversion missing because the tracker did not
// keep the click is reported as a lost click, with what the profile says;
// when the tracker kept the click, the report does not say it was lost.
func TestLostClickIsNamed(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	t.Cleanup(srv.Close)
	feature := fstest.MapFS{"f.feature": {Data: []byte(`Feature: f
  Scenario: a purchase is recorded
    Given an affiliate integration with CLICKID={tid} and SUM={affiliate_earnings}
    And a visitor clicks the affiliate campaign
    When the buyer buys the front-end product
    Then the tracker recorded 2 conversions for the click
`)}}
	for _, c := range []struct {
		name string
		trk  steps.Tracker
		want bool // the report names a lost click
	}{
		{"NotKept", lostClicks{url: srv.URL}, true},
		{"Kept", lostClicks{url: srv.URL, kept: true}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			var out bytes.Buffer
			if status := steps.Run(steps.SuiteOptions{Factory: steps.Shared{Tracker: c.trk}, Features: feature, Output: &out,
				Steps: steps.Options{Wait: 20 * time.Millisecond}}); status != 1 {
				t.Fatalf("status %d, want 1:\n%s", status, out.String())
			}
			const lost = "the tracker did not keep click c0ffee01 (its profile says it drops a click when a visitor's IP repeats within 2 s): a lost click, not a lost conversion"
			if got := strings.Contains(out.String(), lost); got != c.want {
				t.Errorf("the report says %q: %t, want %t:\n%s", lost, got, c.want, out.String())
			}
			if !strings.Contains(out.String(), "the lossy profile says: it drops clicks") {
				t.Errorf("the report does not say what the profile says:\n%s", out.String())
			}
		})
	}
}
