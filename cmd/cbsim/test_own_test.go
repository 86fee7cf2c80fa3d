package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The user's own setup in testdata/own is unlike the defaults: other
// accounts, funnel and prices; integrations whose extra parameters are
// evt, postcode and ord (not eventid, zip, order_id) and whose conversion
// types are Visit, Sale and Upsell.
var (
	ownIntegrations = filepath.Join("testdata", "own", "integrations.json")
	ownCatalog      = filepath.Join("testdata", "own", "catalog.json")
)

// TestTestOwnSetupInProcess runs every bundled scenario on the user's own
// files against in-process reference trackers that know its types.
func TestTestOwnSetupInProcess(t *testing.T) {
	code, out, errs := cli(t, "test", "--integrations", ownIntegrations, "--catalog", ownCatalog, "--format", "progress")
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errs)
	}
	if n := scenarioCount(t, out); n < 40 || strings.Contains(out, "failed") {
		t.Fatalf("%d scenarios, want every bundled one to pass:\n%s", n, out)
	}
}

// TestTestOwnSetupAgainstTokenTracker is the acceptance run of a user's
// own setup: a separately started tracker that requires a postback token
// and has the user's conversion types passes with the token given once
// with --set; without it, the run fails and says the tracker refused the
// postbacks for the token.
func TestTestOwnSetupAgainstTokenTracker(t *testing.T) {
	base := startTrackerCommand(t, "--api-key", "K", "--postback-token", "s3cret",
		"--conversion-type", "Sale", "--conversion-type", "Visit", "--conversion-type", "Upsell")
	own := []string{"test", "--tracker", base, "--api-key", "K", "--integrations", ownIntegrations, "--catalog", ownCatalog, "--format", "progress"}
	code, out, errs := cli(t, append(own, "--set", "ptoken=s3cret")...)
	if code != 0 {
		t.Fatalf("with --set ptoken: exit %d\n%s\n%s", code, out, errs)
	}
	if n := scenarioCount(t, out); n < 30 {
		t.Fatalf("%d scenarios ran, want every portable one", n)
	}

	mapping := t.TempDir()
	copyFile(t, filepath.Join("..", "..", "features", "05_mapping.feature"), filepath.Join(mapping, "05_mapping.feature"))
	code, out, _ = cli(t, append(own, "--features", mapping, "--wait", "100ms")...)
	if code != 1 || !strings.Contains(out, "missing postback token") {
		t.Fatalf("without the token: exit %d; want 1 and the tracker's refusal in the report:\n%s", code, out)
	}
}

// TestTestOwnSetupBadFiles: a file that does not load is a usage error
// naming the flag and the place.
func TestTestOwnSetupBadFiles(t *testing.T) {
	for _, c := range []struct{ flag, want string }{
		{"--integrations", "--integrations: open"},
		{"--catalog", "--catalog: open"},
	} {
		code, _, errs := cli(t, "test", c.flag, filepath.Join(t.TempDir(), "missing.json"))
		if code != 2 || !strings.Contains(errs, c.want) {
			t.Errorf("%s missing.json: exit %d, %q; want 2 and %q", c.flag, code, errs, c.want)
		}
	}
	code, _, errs := cli(t, "test", "--integrations", ownCatalog)
	if code != 2 || !strings.Contains(errs, "catalog.json:2: unknown field") {
		t.Errorf("a catalog given as integrations: exit %d, %q; want 2 naming the file and line", code, errs)
	}
}

// TestTestOwnSetupOneTypeForEveryEvent: an integration with one URL whose
// type= is the same for every event (type=Sale) sets up in-process
// trackers with that one type; it was configured three times and every
// scenario failed with `conversion type "Sale" configured twice`.
func TestTestOwnSetupOneTypeForEveryEvent(t *testing.T) {
	ins := filepath.Join(t.TempDir(), "integrations.json")
	writeTestFile(t, ins, `{"integrations": [{"name": "one-url", "role": "affiliate", "account": "aff01",
  "events": ["order_form_impression", "initial_purchase", "upsell_purchase"],
  "url": "https://trk.example.com/postback?clickid={tid}&sum={affiliate_earnings}&type=Sale"},
 {"name": "one-url-vendor", "role": "vendor", "account": "ven01",
  "events": ["order_form_impression", "initial_purchase", "upsell_purchase"],
  "url": "https://trk.example.com/postback?clickid={vtid}&sum={vendor_earnings}&type=Sale"}]}`)
	mapping := t.TempDir()
	copyFile(t, filepath.Join("..", "..", "features", "05_mapping.feature"), filepath.Join(mapping, "05_mapping.feature"))
	code, out, errs := cli(t, "test", "--integrations", ins, "--features", mapping, "--format", "progress")
	if strings.Contains(out+errs, "configured twice") || code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errs)
	}
}

func writeTestFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}
