package steps_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/cbsim/cbsim/features"
	"github.com/cbsim/cbsim/profile"
	"github.com/cbsim/cbsim/steps"
	"github.com/cbsim/cbsim/tracker"
)

// insScenarios is how many scenarios features/14_ins.feature has.
const insScenarios = 8

// runINS runs the @ins scenarios against trk and returns Run's status and
// its report.
func runINS(t *testing.T, trk steps.Tracker) (int, string) {
	t.Helper()
	var out bytes.Buffer
	status := steps.Run(steps.SuiteOptions{Factory: steps.Shared{Tracker: trk}, Features: features.FS, Tags: "@ins",
		Format: "pretty", Output: &out, Steps: steps.Options{Wait: 200 * time.Millisecond}})
	return status, out.String()
}

// TestINSThroughTheCbsimProfile runs the INS scenarios through the cbsim
// profile's ins: section against the reference tracker: they pass when the
// profile is given the tracker's secret, and are skipped, each saying which
// setting is missing, when it is not.
func TestINSThroughTheCbsimProfile(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		status, report := runINS(t, &steps.Profiled{T: refTracker(t, "cbsim")})
		if status != 0 || !strings.Contains(report, "8 scenarios (8 passed)") {
			t.Fatalf("the INS scenarios through the cbsim profile: status %d, want 0 and %d passed:\n%s", status, insScenarios, report)
		}
	})
	t.Run("SkippedWithoutTheSecret", func(t *testing.T) {
		srv, err := tracker.NewServer(tracker.Config{APIKey: "ref-key", INSSecret: refINSSecret})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(srv.Close)
		tr := bindProfile(t, "cbsim", profile.Config{TrackerURL: srv.URL, APIKey: "ref-key", HTTPClient: srv.Client(), OfferURLs: hopLinks("{clickid}")})
		_, report := runINS(t, &steps.Profiled{T: tr})
		want := `skipped: it sends INS notifications ("ClickBank sends INS to the tracker"), and the tracker under test takes no INS notifications: profile cbsim names an INS URL (` + srv.URL + `/ins) but its secret key is not given (--set ins_secret=KEY`
		if got := strings.Count(report, want); got != insScenarios || !strings.Contains(report, "8 scenarios (8 skipped)") {
			t.Fatalf("%d scenarios skipped saying %q, want %d:\n%s", got, want, insScenarios, report)
		}
	})
}

// wrongINSSecret is the reference tracker as a receiver that cannot decrypt
// what ClickBank sends: the harness seals with a secret key the tracker does
// not have, as a receiver with the wrong key (or cipher) sees it.
type wrongINSSecret struct {
	*steps.RedTrack
	insURL string
}

func (w wrongINSSecret) INS() (string, string, error) { return w.insURL, "NOTTHETRACKERS", nil }

// TestINSFailsAgainstAReceiverThatCannotDecrypt proves that the INS
// scenarios fail against a receiver that refuses ClickBank's notifications,
// each failure naming the HTTP status and the receiver's body; the AES-128
// scenario, which expects a refusal, still passes.
func TestINSFailsAgainstAReceiverThatCannotDecrypt(t *testing.T) {
	srv, err := tracker.NewServer(tracker.Config{APIKey: "k", INSSecret: refINSSecret})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	trk := wrongINSSecret{RedTrack: &steps.RedTrack{TrackingURL: srv.URL, APIKey: "k", HTTPClient: srv.Client()}, insURL: srv.URL + "/ins"}
	status, report := runINS(t, trk)
	if status != 1 {
		t.Fatalf("status %d against a receiver that cannot decrypt, want 1:\n%s", status, report)
	}
	failed := failedScenarios(report)
	if len(failed) != insScenarios-1 {
		t.Errorf("%d scenarios failed, want %d (all but the AES-128 one):\n%s", len(failed), insScenarios-1, report)
	}
	if _, ok := failed["a receiver that decrypts with AES-128 refuses ClickBank's notifications"]; ok {
		t.Errorf("the AES-128 scenario failed; it expects the refusal:\n%s", report)
	}
	for name, msg := range failed {
		for _, s := range []string{"→ HTTP 400 after 5 attempts: ", `{"error":"the notification does not decrypt with this tracker's INS secret`} {
			if !strings.Contains(msg, s) {
				t.Errorf("scenario %q failed without saying %q:\n%s", name, s, msg)
			}
		}
	}
}
