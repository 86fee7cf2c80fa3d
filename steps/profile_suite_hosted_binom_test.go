package steps_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/cbsim/cbsim/profile"
	"github.com/cbsim/cbsim/profile/faketracker"
)

// binom starts a fake Binom (broken as b) with an affiliate campaign (id
// 21) and a vendor campaign (id 22), and binds the bundled binom profile
// to it.
func binom(t *testing.T, b faketracker.Broken) (*faketracker.Binom, *profile.Tracker) {
	t.Helper()
	links := hopLinks("{clickid}")
	f, err := faketracker.NewBinom(faketracker.BinomOptions{Broken: b, Campaigns: []faketracker.BinomCampaign{
		{ID: 21, Key: "k21aff", OfferURL: links[profile.RoleAffiliate]},
		{ID: 22, Key: "k22ven", OfferURL: links[profile.RoleVendor]},
	}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(f.Close)
	return f, bindProfile(t, "binom", profile.Config{TrackerURL: f.URL, HTTPClient: f.Client(),
		Campaigns: map[string]string{profile.RoleAffiliate: "21", profile.RoleVendor: "22"}})
}

// TestPortableSuiteThroughBinom runs the portable suite through the
// bundled binom profile against the fake Binom, written from Binom's
// public documentation (faketracker/binom.go cites each page).
//
// No source read shows how Binom's conversions report names the click id
// (docs/trackers-research.md §3), so the profile has no reader and the
// suite runs OBSERVE-ONLY: it asserts what ClickBank
// sent and the tracker's replies, and skips, saying so, every step that
// reads what the tracker recorded. Hence against the broken twins:
// BrokenClickID loses the conversion and answers 404, which the suite
// sees in the replies and fails on; BrokenSum records a wrong payout
// behind a 200, which no observe-only suite can see — the suite passes,
// and this test checks, from the fake's own record, that the wrong sum is
// there, so the pass is the reader's absence and not a faithful twin.
func TestPortableSuiteThroughBinom(t *testing.T) {
	cases := []struct {
		name    string
		broken  faketracker.Broken
		fails   []string            // nil = the suite passes; else it fails, and its report says each of these
		failing map[string][]string // when set: exactly these scenarios fail, each saying these
	}{
		{"Binom", faketracker.NotBroken, nil, nil},
		// Observe-only, the one scenario that asserts the tracker's reply
		// to a delivered postback, with nothing skipped before it, sees
		// the 404s.
		{"BinomBrokenClickID", faketracker.BrokenClickID, []string{"HTTP 404 Not Found"},
			map[string][]string{"a retry gets through after a passing failure": {"expected the postback to be delivered on attempt 2, but delivered=false after 3 attempts (HTTP 404 Not Found)"}}},
		{"BinomBrokenSumUnseen", faketracker.BrokenSum, nil, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f, tr := binom(t, c.broken)
			status, report := runPortable(t, tr)
			checkSuite(t, status, report, c.fails, c.failing)
			if !strings.Contains(report, "no reporting API") {
				t.Errorf("the report does not say that the tracker has no reporting API (observe-only):\n%s", report)
			}
			checkBinomRecord(t, f, c.broken)
			t.Logf("%s", lastLines(report, 6))
		})
	}
}

// checkBinomRecord checks the fake Binom's own record against the
// postbacks it was sent: each click's conversion has the payout of the
// last postback for it (a faithful fake, or BrokenClickID, whose lost
// conversions are not recorded), or 1.00 more (BrokenSum). Binom has no
// documented API for this record; the check proves the broken sum twin is
// broken although the observe-only suite cannot see it.
func checkBinomRecord(t *testing.T, f *faketracker.Binom, b faketracker.Broken) {
	t.Helper()
	sent := map[string]string{} // cnv_id → the last payout sent
	for _, r := range f.Requests() {
		q, err := url.ParseQuery(r.RawQuery)
		if err != nil || !q.Has("cnv_id") || r.Status != http.StatusOK {
			continue
		}
		sent[q.Get("cnv_id")] = q.Get("payout")
	}
	convs := f.Conversions()
	if len(convs) != len(sent) {
		t.Errorf("the fake Binom kept %d conversions for %d clicks it accepted postbacks for", len(convs), len(sent))
	}
	if b != faketracker.BrokenClickID && len(convs) == 0 {
		t.Fatal("the fake Binom kept no conversion: the suite sent it nothing")
	}
	extra := 0.0
	if b == faketracker.BrokenSum {
		extra = 1
	}
	for _, cv := range convs {
		p, err := strconv.ParseFloat(sent[cv.ClickID], 64)
		if err != nil {
			p = 0
		}
		if want := fmt.Sprintf("%.5f", p+extra); cv.Payout != want {
			t.Errorf("click %s: the fake recorded payout %s, want %s (last sent %q, broken %q)", cv.ClickID, cv.Payout, want, sent[cv.ClickID], b)
		}
	}
}
