package steps

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"testing/fstest"
)

// TestObserveOnlyNeverPassesSilently runs a step that needs a reporting API
// against an observe-only tracker: it is skipped and says why (the run,
// which ran nothing else, fails), while steps about what was sent, and the
// tracker's replies, are still asserted.
func TestObserveOnlyNeverPassesSilently(t *testing.T) {
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(srv.Close)
	feature := func(then string) fstest.MapFS {
		return fstest.MapFS{"f.feature": {Data: []byte(`Feature: f
  Scenario: s
    Given an affiliate integration with CLICKID={tid} and SUM={affiliate_earnings}
    And a visitor clicks the affiliate campaign
    When the buyer buys the front-end product
    Then ` + then + "\n")}}
	}
	cases := []struct {
		then       string
		wantStatus int
		wantText   string
	}{
		{"every postback has clickid=the click id", 0, "1 scenarios (1 passed)"},
		{"every postback was delivered", 0, "1 scenarios (1 passed)"},
		{"the tracker recorded 2 conversions for the click", 2, "skipped: it asserts what the tracker recorded, and the tracker under test has no reporting API"},
		{"the tracker refused the postback", 1, "expected the tracker to refuse"},
	}
	for _, c := range cases {
		var out bytes.Buffer
		status := Run(SuiteOptions{Factory: Shared{Tracker: ObserveOnly{URL: srv.URL + "/postback"}}, Features: feature(c.then), Format: "pretty", Output: &out})
		if status != c.wantStatus || !strings.Contains(out.String(), c.wantText) {
			t.Errorf("%q: status %d, want %d and output mentioning %q:\n%s", c.then, status, c.wantStatus, c.wantText, out.String())
		}
	}
	if hits.Load() == 0 {
		t.Fatal("no postback reached the observed tracker")
	}
}

func TestQuotedList(t *testing.T) {
	got, err := quotedList(`"A", "B" and "C"`)
	if err != nil || strings.Join(got, "|") != "A|B|C" {
		t.Fatalf("quotedList = %q, %v", got, err)
	}
	if _, err := quotedList(`A, B`); err == nil {
		t.Fatal("unquoted names accepted")
	}
}
