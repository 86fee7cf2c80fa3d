package profile

import (
	"context"
	"strings"
	"testing"
	"time"
)

// TestCheck: every part passes against a tracker the profile describes,
// and each wrong piece of a profile fails its own part with a fix.
func TestCheck(t *testing.T) {
	srv := newTestTracker(t, "k")
	tests := []struct {
		name    string
		profile string
		key     string
		fail    map[string]string // part → words of its fix
	}{
		{"all good", testProfile, "k", nil},
		{"wrong click id name", strings.Replace(testProfile, "{click_id: cid, sum: amount", "{click_id: clickid, sum: amount", 1), "k",
			map[string]string{PartPostback: "postback.fields.click_id (sent as clickid)"}},
		{"wrong key", testProfile, "nope", map[string]string{PartRead: "check the API key"}},
		{"sum in cents", strings.Replace(testProfile, "params_from: extra", "params_from: extra\n      money: cents", 1), "k",
			map[string]string{PartRead: "money: (decimal or cents)"}},
		{"refusal not recognized", strings.Replace(testProfile, "refused: {status: [404]}", "refused: {status: [400]}", 1), "k",
			map[string]string{PartRefusal: "set postback.refused"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr := mustBind(t, mustParse(t, tt.profile), Config{TrackerURL: srv.URL, Set: map[string]string{"key": tt.key},
				Campaigns: map[string]string{RoleAffiliate: "a", RoleVendor: "v"}, HTTPClient: srv.Client()})
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			res := Check(ctx, tr)
			if len(res) != 4 || res[0].Part != PartClick || res[1].Part != PartPostback || res[2].Part != PartRead || res[3].Part != PartRefusal {
				t.Fatalf("parts = %v", res)
			}
			for _, r := range res {
				fix, bad := tt.fail[r.Part]
				switch {
				case bad && r.OK:
					t.Errorf("%s passed; want it to fail with %q", r.Part, fix)
				case bad && !strings.Contains(r.Fix, fix):
					t.Errorf("%s: fix %q, want %q (%s)", r.Part, r.Fix, fix, r)
				case !bad && !r.OK:
					t.Errorf("%s", r)
				}
				if r.Part == PartRead && tt.name == "wrong click id name" && !strings.Contains(r.Detail, "not verified") {
					t.Errorf("read with nothing posted: %s; want it to say it is not verified", r)
				}
				if strings.Contains(r.String(), "nope") {
					t.Errorf("a secret shows: %s", r)
				}
			}
		})
	}
}

// TestCheckUnreachable: a tracker that is not there fails the click and
// says why; the other parts say what they could not probe.
func TestCheckUnreachable(t *testing.T) {
	srv := newTestTracker(t, "k")
	url := srv.URL
	srv.Close()
	tr := mustBind(t, mustParse(t, testProfile), Config{TrackerURL: url, Set: map[string]string{"key": "k"},
		Campaigns: map[string]string{RoleAffiliate: "a", RoleVendor: "v"}})
	res := Check(context.Background(), tr)
	if res[0].OK || !strings.Contains(res[0].Fix, "reachable") || res[1].OK || res[1].Detail != "not probed: no click id" || res[2].OK || res[3].OK {
		t.Errorf("Check = %v", res)
	}
}
