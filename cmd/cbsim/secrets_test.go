package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/cbsim/cbsim/tracker"
)

// The secrets of the keyed, token-protected reference tracker of these
// tests. Each has characters that URLs escape, so that their escaped
// forms are in play too.
const (
	testAPIKey = "k3y/Secret9"
	testToken  = "t0k+en/Secret7"
)

// syncBuffer is a bytes.Buffer safe for a server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// keyedTracker starts a reference tracker that requires testAPIKey on its
// API and testToken on every postback, logging every request (as
// `cbsim tracker -v` does) to the returned buffer.
func keyedTracker(t *testing.T) (*tracker.Server, *syncBuffer) {
	t.Helper()
	var log syncBuffer
	srv, err := tracker.NewServer(tracker.Config{APIKey: testAPIKey, PostbackToken: testToken,
		Logger: slog.New(slog.NewTextHandler(&log, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	return srv, &log
}

// clearEnv unsets, for the test, every CBSIM_ variable of the caller's
// environment (an empty one counts as unset), so that only what the test
// sets configures cbsim.
func clearEnv(t *testing.T) {
	t.Helper()
	for _, kv := range os.Environ() {
		if name, _, _ := strings.Cut(kv, "="); strings.HasPrefix(name, "CBSIM_") {
			t.Setenv(name, "")
		}
	}
}

// TestSecretsFromEnvironment: the tracker URL, API key and postback token
// given only as environment variables reach the tracker; without the
// token the tracker refuses the postbacks and the run fails.
func TestSecretsFromEnvironment(t *testing.T) {
	clearEnv(t)
	srv, _ := keyedTracker(t)
	t.Setenv("CBSIM_TRACKER", srv.URL)
	t.Setenv("CBSIM_TEST_API_KEY", testAPIKey)
	t.Setenv("CBSIM_POSTBACK_TOKEN", testToken) // the tracker command's too
	args := []string{"test", "--features", filepath.Join("testdata", "secrets"), "--format", "progress"}
	if code, out, errs := cli(t, args...); code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errs)
	}
	t.Setenv("CBSIM_POSTBACK_TOKEN", "")
	if code, out, errs := cli(t, args...); code != 1 || !strings.Contains(out, "not delivered") {
		t.Fatalf("without the token: exit %d; want 1 and the postbacks not delivered\n%s\n%s", code, out, errs)
	}
}

// TestSecretsFromConfigFile: the same, with everything in a cbsim.yaml
// named by --config, then found in the working directory.
func TestSecretsFromConfigFile(t *testing.T) {
	clearEnv(t)
	srv, _ := keyedTracker(t)
	features, err := filepath.Abs(filepath.Join("testdata", "secrets"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, configFile)
	write := func(token string) {
		conf := fmt.Sprintf("# cbsim.yaml\ntest:\n  tracker: %q\n  api-key: %q\n  features: %q\n  format: progress\n", srv.URL, testAPIKey, features)
		if token != "" {
			conf += fmt.Sprintf("  postback-token: %q\n", token)
		}
		if err := os.WriteFile(path, []byte(conf+"serve:\n  addr: 127.0.0.1:0\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(testToken)
	if code, out, errs := cli(t, "test", "--config", path); code != 0 {
		t.Fatalf("--config: exit %d\n%s\n%s", code, out, errs)
	}
	t.Chdir(dir)
	if code, out, errs := cli(t, "test"); code != 0 {
		t.Fatalf("./cbsim.yaml: exit %d\n%s\n%s", code, out, errs)
	}
	write("")
	if code, out, errs := cli(t, "test"); code != 1 || !strings.Contains(out, "not delivered") {
		t.Fatalf("without the token: exit %d; want 1 and the postbacks not delivered\n%s\n%s", code, out, errs)
	}
}

// TestSecretsNeverShown: a run with a failing scenario, whose failure
// message quotes the journal of postback URLs (each with the token), and a
// run against a tracker whose API echoes the request (with the key) as
// garbage. Neither secret, as given or escaped, is in stdout, stderr, the
// JUnit and cucumber files or the tracker's log — and *** stands in each
// where the secret was, so the secrets were in play.
func TestSecretsNeverShown(t *testing.T) {
	clearEnv(t)
	srv, trackerLog := keyedTracker(t)
	dir := t.TempDir()
	junit, cucumber := filepath.Join(dir, "junit.xml"), filepath.Join(dir, "cucumber.json")
	t.Setenv("CBSIM_TEST_API_KEY", testAPIKey)
	code, out, errs := cli(t, "test", "--tracker", srv.URL, "--postback-token", testToken, "--features", filepath.Join("testdata", "leak"),
		"--format", "pretty,junit:"+junit+",cucumber:"+cucumber)
	if code != 1 || !strings.Contains(out, "expected ClickBank to send 9 postbacks") {
		t.Fatalf("exit %d; want 1 and the failure of the postback count\n%s\n%s", code, out, errs)
	}

	echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "not JSON: %s", r.URL.RequestURI())
	}))
	t.Cleanup(echo.Close)
	echoCode, echoOut, echoErrs := cli(t, "test", "--tracker", echo.URL, "--features", filepath.Join("testdata", "leak"))
	if echoCode != 1 || !strings.Contains(echoErrs, "reporting API does not answer") {
		t.Fatalf("echoing tracker: exit %d; want 1 and the API not answering\n%s\n%s", echoCode, echoOut, echoErrs)
	}

	read := func(path string) string {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return string(data)
	}
	for _, c := range []struct {
		name, text string
		masks      []string // what must show that a secret was masked
	}{
		{"stdout", out, []string{"ptoken=***"}},
		{"stderr", errs, nil},
		{"JUnit report", read(junit), []string{"ptoken=***"}},
		{"cucumber report", read(cucumber), []string{"ptoken=***"}},
		{"tracker log", trackerLog.String(), []string{"ptoken=***", "api_key=***"}},
		{"stdout against the echoing tracker", echoOut, nil},
		{"stderr against the echoing tracker", echoErrs, []string{"api_key=***"}},
	} {
		shown := []string{"Secret"} // the part both secrets share
		for _, secret := range []string{testAPIKey, testToken} {
			shown = append(shown, secret, url.QueryEscape(secret), url.PathEscape(secret))
		}
		for _, form := range shown {
			if strings.Contains(c.text, form) {
				t.Errorf("the %s shows %q:\n%s", c.name, form, c.text)
			}
		}
		for _, m := range c.masks {
			if !strings.Contains(c.text, m) {
				t.Errorf("the %s does not show %s:\n%s", c.name, m, c.text)
			}
		}
	}
}

// viaRun is command name as run starts it: with its output masked.
func viaRun(name string) func(context.Context, []string, io.Writer, io.Writer) int {
	return func(ctx context.Context, args []string, stdout, stderr io.Writer) int {
		return run(ctx, append([]string{name}, args...), stdout, stderr)
	}
}
