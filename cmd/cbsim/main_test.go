package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func cli(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	return cliContext(context.Background(), args...)
}

// cliStopped runs cbsim with a context already cancelled: a command that
// wrongly starts serving stops at once instead of hanging the test.
func cliStopped(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return cliContext(ctx, args...)
}

func cliContext(ctx context.Context, args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := run(ctx, args, &out, &errb)
	return code, out.String(), errb.String()
}

// TestFireNotesWithheldMacros: a vendor fire whose template keeps {tid}
// says on stderr that ClickBank sends it empty.
func TestFireNotesWithheldMacros(t *testing.T) {
	code, out, errs := cli(t, "fire", "--dry-run", "--event", "initial_purchase", "--role", "vendor", "--affiliate", "aff01",
		"--tid", "abc123", "--url", "http://127.0.0.1:9/postback?clickid={tid}&sum={vendor_earnings}")
	if code != 0 || !strings.Contains(out, "postback?clickid=&sum=") ||
		!strings.Contains(errs, `note: vendor integration "adhoc-vendor", initial_purchase: {tid} sent empty`) {
		t.Fatalf("exit %d\nstdout %s\nstderr %s", code, out, errs)
	}
}

func TestFireDryRunJSON(t *testing.T) {
	cases := []struct {
		name      string
		args      []string
		wantQuery string
	}{
		{"affiliate", []string{"--role", "affiliate", "--tid", "abc123", "--url", "http://127.0.0.1:9/postback?clickid={tid}&sum={affiliate_earnings}&type=InitialPurchase"},
			"clickid=abc123&sum=45.75&type=InitialPurchase"},
		{"vendor", []string{"--role", "vendor", "--vtid", "v123", "--url", "http://127.0.0.1:9/postback?clickid={vtid}&sum={vendor_earnings}&type=InitialPurchase"},
			"clickid=v123&sum=45.75&type=InitialPurchase"},
		{"impression", []string{"--role", "affiliate", "--tid", "abc123", "--url", "http://127.0.0.1:9/postback?clickid={tid}&sum={affiliate_earnings}&type=OrderFormImpression"},
			"clickid=abc123&sum=0.00&type=OrderFormImpression"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			event := "initial_purchase"
			if c.name == "impression" {
				event = "order_form_impression"
			}
			args := append([]string{"fire", "--dry-run", "--json", "--event", event, "--price", "100.00", "--commission", "50"}, c.args...)
			code, out, errs := cli(t, args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errs)
			}
			var rec struct {
				Event, Integration, URL, Error string
				Status, Attempts               int
				Values                         map[string]string
			}
			if err := json.Unmarshal([]byte(out), &rec); err != nil {
				t.Fatalf("output is not one JSON object: %v\n%s", err, out)
			}
			u, _ := url.Parse(rec.URL)
			if u.RawQuery != c.wantQuery || rec.Event != event || rec.Values == nil || rec.Attempts != 0 {
				t.Fatalf("got %+v, want query %s", rec, c.wantQuery)
			}
		})
	}
}

func TestUsageErrorsExit2(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"frobnicate"}, "unknown command"},
		{[]string{"fire", "--colour", "red"}, "flag provided but not defined"},
		{[]string{"fire", "--event", "refund", "--role", "affiliate", "--url", "http://x/"}, "allowed: order_form_impression"},
		{[]string{"fire", "--event", "initial_purchase", "--role", "owner", "--url", "http://x/"}, "allowed: affiliate, vendor"},
		{[]string{"fire", "--event", "initial_purchase", "--role", "affiliate", "--url", "http://x/", "--price", "1,00"}, "--price"},
		{[]string{"fire", "--event", "initial_purchase", "--role", "affiliate"}, "--url TEMPLATE or --integration FILE"},
		{[]string{"fire", "--event", "initial_purchase", "--role", "affiliate", "--url", "http://x/", "--retry", "soon"}, "--retry"},
		{[]string{"fire", "--event", "initial_purchase", "--role", "affiliate", "--url", "http://x/", "--dry-run", "--timeout", "-1s"}, "--timeout"},
		{[]string{"fire", "--event", "initial_purchase", "--role", "affiliate", "--url", "http://x/", "--dry-run", "--timeout", "0"}, "--timeout"},
		{[]string{"fire", "--event", "initial_purchase", "--role", "affiliate", "--url", "http://x/", "--dry-run", "--vendor", ""}, "--vendor"},
		{[]string{"lint"}, "name at least one integration file"},
		{[]string{"test", "--concurrency", "0"}, "--concurrency"},
		{[]string{"test", "--campaign", "owner=1", "--tracker", "http://127.0.0.1:9"}, "role must be affiliate or vendor"},
	}
	for _, c := range cases {
		code, _, errs := cli(t, c.args...)
		if code != 2 || !strings.Contains(errs, c.want) {
			t.Errorf("cbsim %v: exit %d, stderr %q; want exit 2 mentioning %q", c.args, code, errs, c.want)
		}
	}
}

func TestLintExitCodes(t *testing.T) {
	if code, out, errs := cli(t, "lint", filepath.Join("..", "..", "fixtures", "integrations.json")); code != 0 {
		t.Fatalf("default integrations: exit %d\n%s%s", code, out, errs)
	}
	bad := filepath.Join(t.TempDir(), "bad.json")
	os.WriteFile(bad, []byte(`{"integrations":[{"name":"v","role":"vendor","events":["initial_purchase"],"url":"http://t/p?clickid={tid}&type=IP"}]}`), 0o644)
	code, out, _ := cli(t, "lint", bad)
	if code != 1 || !strings.Contains(out, bad+":1: integration \"v\": {tid} is affiliate only: ClickBank sends it empty to a vendor integration") {
		t.Fatalf("exit %d, output %q", code, out)
	}
	broken := filepath.Join(t.TempDir(), "broken.json")
	os.WriteFile(broken, []byte("{\n\"integrations\": [}\n"), 0o644)
	if code, _, errs := cli(t, "lint", broken); code != 2 || !strings.Contains(errs, broken+":2") {
		t.Fatalf("broken file: exit %d, %q", code, errs)
	}
}

// TestFixtureErrors: a fixture error names the file by the path given and
// the line: duplicate integration names are refused by lint as by fire and
// serve, and a truncated file says where it ends. Serve's bad flags are
// here too: they must stop it before it listens.
func TestFixtureErrors(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "sub", "dir")
	os.MkdirAll(dir, 0o755)
	dup := filepath.Join(dir, "dup.json")
	os.WriteFile(dup, []byte(`{"integrations":[
 {"name":"a","role":"affiliate","events":["initial_purchase"],"url":"http://127.0.0.1:9/p?clickid={tid}&type=IP"},
 {"name":"a","role":"affiliate","events":["initial_purchase"],"url":"http://127.0.0.1:9/p?clickid={tid}&type=IP"}
]}`), 0o644)
	truncated := filepath.Join(dir, "truncated.json")
	os.WriteFile(truncated, []byte("{\"integrations\":[\n {\"name\":\"a\",\n  \"role\":\"affiliate\",\n"), 0o644)
	fire := []string{"fire", "--event", "initial_purchase", "--role", "affiliate", "--dry-run", "--integration"}
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"LintDuplicate", []string{"lint", dup}, dup + ":3: integrations[1].name: integration \"a\" is defined twice"},
		{"FireDuplicate", append(fire, dup), dup + ":3: integrations[1].name: integration \"a\" is defined twice"},
		{"ServeDuplicate", []string{"serve", "--addr", "127.0.0.1:0", "--integrations", dup}, dup + ":3"},
		{"ServeTimeout", []string{"serve", "--addr", "127.0.0.1:0", "--timeout", "-1s"}, "--timeout"},
		{"ServeJournalCapacity", []string{"serve", "--addr", "127.0.0.1:0", "--journal-capacity", "0"}, "--journal-capacity"},
		{"LintTruncated", []string{"lint", truncated}, truncated + ":3: unexpected end of file"},
		{"FireTruncated", append(fire, truncated), truncated + ":3: unexpected end of file"},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, _, errs := cliStopped(t, c.args...)
			if code != 2 || !strings.Contains(errs, c.want) {
				t.Fatalf("cbsim %v: exit %d, stderr %q; want exit 2 saying %q", c.args, code, errs, c.want)
			}
		})
	}
}

// TestFireRedirect: a tracker's 302 is not a delivery unless
// --follow-redirects says to follow it.
func TestFireRedirect(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/moved" {
			return
		}
		http.Redirect(w, r, "/moved", http.StatusFound)
	}))
	t.Cleanup(srv.Close)
	args := []string{"fire", "--event", "initial_purchase", "--role", "affiliate", "--json", "--url", srv.URL + "/p?c={tid}"}
	if code, out, errs := cli(t, args...); code != 1 || !strings.Contains(out, "redirect to /moved not followed") {
		t.Fatalf("exit %d, %s%s; want exit 1 and the redirect not followed", code, out, errs)
	}
	if code, out, errs := cli(t, append(args, "--follow-redirects")...); code != 0 || !strings.Contains(out, `"status":200`) {
		t.Fatalf("--follow-redirects: exit %d, %s%s; want exit 0 and status 200", code, out, errs)
	}
}
