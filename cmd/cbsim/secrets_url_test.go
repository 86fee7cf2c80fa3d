package main

import (
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// urlSecretIntegrations writes an integrations file whose URLs carry a
// postback token and an API key as literals, pointed at base, and returns
// its path.
func urlSecretIntegrations(t *testing.T, base string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "integrations.json")
	data := `{"integrations": [{"name": "mine", "role": "affiliate", "events": ["order_form_impression", "initial_purchase", "upsell_purchase"],
  "url": "` + base + `/postback?clickid={tid}&sum={affiliate_earnings}&ptoken=REALTOK-Secret&api_key=REALKEY%2FSecret"}]}`
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// noSecretShown fails the test when text shows a part of a secret of
// these tests ("REAL"), or lacks one of masks.
func noSecretShown(t *testing.T, what, text string, masks ...string) {
	t.Helper()
	if strings.Contains(text, "REAL") {
		t.Errorf("%s shows a secret:\n%s", what, text)
	}
	for _, m := range masks {
		if !strings.Contains(text, m) {
			t.Errorf("%s does not show %s, so the secret was not in play:\n%s", what, m, text)
		}
	}
}

// TestURLSecretsNeverShown: a literal value of a secret-named parameter
// (ptoken, api_key) in a URL the user gave — fire --url, the integrations
// file of fire, test and lint — is a secret: masked in every output.
func TestURLSecretsNeverShown(t *testing.T) {
	clearEnv(t)
	const url = "http://127.0.0.1:1/postback?clickid={tid}&ptoken=REALTOKEN-Secret&api_key=REALKEY-Secret&sub={tid}"
	fire := []string{"fire", "--event", "initial_purchase", "--role", "affiliate"}
	code, out, errs := cli(t, append(fire, "--url", url)...)
	if code != 1 {
		t.Errorf("fire --url at a closed port: exit %d, want 1", code)
	}
	noSecretShown(t, "fire --url: stdout", out, "ptoken=***", "api_key=***")
	noSecretShown(t, "fire --url: stderr", errs)
	_, out, errs = cli(t, append(fire, "--url", url, "--json")...)
	noSecretShown(t, "fire --url --json: stdout", out, "ptoken=***", "api_key=***")
	noSecretShown(t, "fire --url --json: stderr", errs)

	ins := urlSecretIntegrations(t, "http://127.0.0.1:1")
	_, out, errs = cli(t, append(fire, "--integration", ins, "--dry-run", "--json")...)
	noSecretShown(t, "fire --integration: stdout", out, "ptoken=***", "api_key=***")
	noSecretShown(t, "fire --integration: stderr", errs)

	bad := filepath.Join(t.TempDir(), "bad.json")
	os.WriteFile(bad, []byte(`{"integrations":[{"name":"v","role":"vendor","events":["initial_purchase"],"url":"ftp://t/p?clickid={vtid}&ptoken=REAL-Secret&type=IP"}]}`), 0o644)
	code, out, errs = cli(t, "lint", bad)
	if code != 2 {
		t.Errorf("lint of a URL that is not http: exit %d, want 2", code)
	}
	noSecretShown(t, "lint: stdout", out)
	noSecretShown(t, "lint: stderr", errs, "ptoken=***")

	features := t.TempDir()
	copyFile(t, filepath.Join("testdata", "leak", "failure.feature"), filepath.Join(features, "failure.feature"))
	junit := filepath.Join(t.TempDir(), "junit.xml")
	code, out, errs = cli(t, "test", "--integrations", ins, "--features", features, "--format", "pretty,junit:"+junit)
	if code != 1 || !strings.Contains(out, "expected ClickBank to send 9 postbacks") {
		t.Fatalf("test --integrations: exit %d; want 1 and the failure that quotes the journal\n%s\n%s", code, out, errs)
	}
	noSecretShown(t, "test --integrations: stdout", out, "ptoken=***", "api_key=***")
	noSecretShown(t, "test --integrations: stderr", errs)
	data, err := os.ReadFile(junit)
	if err != nil {
		t.Fatal(err)
	}
	noSecretShown(t, "test --integrations: the JUnit report", string(data), "ptoken=***")
}

// TestServeMasksURLSecrets: cbsim serve --integrations F, F's URLs with a
// token: POST /fire, GET /journal and GET /integrations answer with it
// masked, and with serve's own --token masked too.
func TestServeMasksURLSecrets(t *testing.T) {
	clearEnv(t)
	ins := urlSecretIntegrations(t, "http://127.0.0.1:1")
	const token = "REALSERVE-9"
	base := startCommand(t, viaRun("serve"), "--addr", "127.0.0.1:0", "--integrations", ins, "--token", token)
	call := func(method, path, body string) string {
		t.Helper()
		req, _ := http.NewRequestWithContext(context.Background(), method, base+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	noSecretShown(t, "POST /fire", call("POST", "/fire", `{"event":"initial_purchase","role":"affiliate","integration":"mine"}`), "ptoken=***", "api_key=***")
	noSecretShown(t, "GET /journal", call("GET", "/journal", ""), "ptoken=***")
	noSecretShown(t, "GET /integrations", call("GET", "/integrations", ""), "ptoken=***")
	noSecretShown(t, "an error", call("POST", "/fire", `{"event":"initial_purchase","role":"affiliate","integration":"`+token+`"}`), "***")
}

// TestShortSecretsWarned: a secret shorter than 4 characters is not
// masked — masking "1" turned the JUnit report's <?xml version="1.0"?>
// into version="***.0" — and cbsim says so once on stderr, naming the
// flag, not the value.
func TestShortSecretsWarned(t *testing.T) {
	clearEnv(t)
	junit := filepath.Join(t.TempDir(), "j.xml")
	code, out, errs := cli(t, "test", "--features", filepath.Join("testdata", "secrets"), "--set", "x_key=1", "--format", "progress,junit:"+junit)
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errs)
	}
	data, err := os.ReadFile(junit)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data)+out, "***") || !strings.HasPrefix(string(data), `<?xml version="1.0"`) {
		t.Errorf("a short secret garbled the reports:\n%s\n%s", data, out)
	}
	want := "cbsim test: warning: --set x_key is too short to mask (fewer than 4 characters): it is shown as given\n"
	if strings.Count(errs, "warning:") != 1 || !strings.Contains(errs, want) {
		t.Errorf("stderr %q; want the one warning %q", errs, want)
	}
	_, _, errs = cli(t, "fire", "--event", "initial_purchase", "--role", "affiliate", "--dry-run",
		"--url", "http://127.0.0.1:1/p?ptoken=ab&api_key=abcdef&pass=xy")
	if want := "cbsim fire: warning: --url parameter ptoken and --url parameter pass are too short to mask (fewer than 4 characters): they are shown as given\n"; !strings.Contains(errs, want) {
		t.Errorf("fire: stderr %q; want %q", errs, want)
	}
}

// TestSecretValueErrorsQuoteNothing: an error about an entry of a
// NAME=VALUE flag does not quote it — an API key with a comma, split into
// two entries, would show its second half — but says which entry, where
// from, and how to give a value with commas.
func TestSecretValueErrorsQuoteNothing(t *testing.T) {
	clearEnv(t)
	t.Setenv("CBSIM_TEST_TRACKER_ENV", "API_KEY=abc,defSECRETPART")
	code, _, errs := cli(t, "test", "--tracker-image", "x")
	if code != 2 || strings.Contains(errs, "SECRETPART") ||
		!strings.Contains(errs, "$CBSIM_TEST_TRACKER_ENV: entry 2 of 2 of --tracker-env is not NAME=VALUE") ||
		!strings.Contains(errs, "one per line") {
		t.Errorf("environment: exit %d, %q", code, errs)
	}
	t.Setenv("CBSIM_TEST_TRACKER_ENV", "")
	file := filepath.Join(t.TempDir(), "c.yaml")
	os.WriteFile(file, []byte("test:\n  set:\n    - ptoken=a\n    - bSECRETPART\n"), 0o644)
	code, _, errs = cli(t, "test", "--config", file)
	if code != 2 || strings.Contains(errs, "SECRETPART") || !strings.Contains(errs, file+":4: entry 2 of 2 of --set is not NAME=VALUE") {
		t.Errorf("file: exit %d, %q", code, errs)
	}
	code, _, errs = cli(t, "test", "--set", "cSECRETPART")
	if code != 2 || strings.Contains(errs, "SECRETPART") || !strings.Contains(errs, "-set") {
		t.Errorf("command line: exit %d, %q", code, errs)
	}
}
