package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cbsim/cbsim/tracker"
)

// loadTracker starts the reference tracker in process for cbsim load.
func loadTracker(t *testing.T) *tracker.Server {
	t.Helper()
	srv, err := tracker.NewServer(tracker.Config{APIKey: "key1"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	return srv
}

// loadReport is the part of cbsim load's JSON report the tests read.
type loadReport struct {
	Requests  uint64 `json:"requests"`
	Delivered uint64 `json:"delivered"`
	Journeys  uint64 `json:"journeys"`
	Postbacks struct {
		Requests uint64 `json:"requests"`
	} `json:"postbacks"`
	Shards  []int `json:"shards"`
	Verdict *struct {
		Matched, Lost, Doubled, WrongSum int
	} `json:"verdict"`
}

func parseLoadReport(t *testing.T, out string) loadReport {
	t.Helper()
	var r loadReport
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("report is not JSON: %v\n%s", err, out)
	}
	return r
}

// TestLoadChecksTheReferenceTracker: cbsim load through the cbsim profile
// sends real clicks and postbacks with ClickBank-side faults, reads the
// tracker back and finds every accepted postback recorded; the HTML
// report is written.
func TestLoadChecksTheReferenceTracker(t *testing.T) {
	t.Parallel()
	srv := loadTracker(t)
	html := filepath.Join(t.TempDir(), "load.html")
	code, out, errs := cli(t, "load", "--tracker", srv.URL, "--profile", "cbsim", "--api-key", "key1", "--journeys", "30",
		"--rate", "max", "--connections", "4", "--fault", "duplicate=0.1,reorder=0.1,delay=5ms", "--json", "--report", html)
	if code != 0 {
		t.Fatalf("exit %d\nstdout %s\nstderr %s", code, out, errs)
	}
	r := parseLoadReport(t, out)
	if r.Journeys != 30 || r.Postbacks.Requests == 0 || r.Delivered != r.Requests || r.Verdict == nil ||
		r.Verdict.Matched != int(r.Postbacks.Requests) || r.Verdict.Lost+r.Verdict.Doubled+r.Verdict.WrongSum != 0 {
		t.Errorf("report %+v verdict %+v", r, r.Verdict)
	}
	if strings.Contains(out+errs, "key1") {
		t.Errorf("the API key was printed:\n%s\n%s", out, errs)
	}
	page, err := os.ReadFile(html)
	if err != nil || !strings.Contains(string(page), "<svg") || !strings.Contains(string(page), "What the tracker recorded") {
		t.Errorf("HTML report: %v\n%.300s", err, page)
	}
}

// TestLoadShardsMerge: two shards of a run send, between them, what one
// machine sends, and their merged report says so.
func TestLoadShardsMerge(t *testing.T) {
	t.Parallel()
	srv := loadTracker(t)
	dir := t.TempDir()
	args := []string{"load", "--tracker", srv.URL, "--profile", "cbsim", "--api-key", "key1", "--journeys", "24", "--rate", "max",
		"--connections", "2", "--seed", "9", "--json"}
	var files []string
	for _, shard := range []string{"0/2", "1/2"} {
		code, out, errs := cli(t, append(args, "--shard", shard)...)
		if code != 0 {
			t.Fatalf("shard %s: exit %d\n%s", shard, code, errs)
		}
		f := filepath.Join(dir, strings.ReplaceAll(shard, "/", "-")+".json")
		os.WriteFile(f, []byte(out), 0o644)
		files = append(files, f)
	}
	code, out, errs := cli(t, append([]string{"load", "merge", "--json"}, files...)...)
	if code != 0 {
		t.Fatalf("merge: exit %d\n%s", code, errs)
	}
	merged := parseLoadReport(t, out)
	code, out, errs = cli(t, args...)
	if code != 0 {
		t.Fatalf("one machine: exit %d\n%s", code, errs)
	}
	one := parseLoadReport(t, out)
	if merged.Journeys != 24 || merged.Requests != one.Requests || merged.Postbacks.Requests != one.Postbacks.Requests ||
		len(merged.Shards) != 2 || merged.Verdict == nil || merged.Verdict.Matched != one.Verdict.Matched {
		t.Errorf("merged %+v (verdict %+v), one machine %+v (verdict %+v)", merged, merged.Verdict, one, one.Verdict)
	}
	code, _, errs = cli(t, "load", "merge", files[0])
	if code != 1 || !strings.Contains(errs, "missing shard") {
		t.Errorf("merging one of two shards: exit %d, %s", code, errs)
	}
}

// TestLoadReportsLosses: a proxy that answers every fourth postback 200
// without passing it on makes cbsim load exit 1, naming the loss.
func TestLoadReportsLosses(t *testing.T) {
	t.Parallel()
	srv := loadTracker(t)
	var n atomic.Int64
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/postback" && n.Add(1)%4 == 0 {
			io.WriteString(w, "ok")
			return
		}
		req, _ := http.NewRequestWithContext(r.Context(), r.Method, srv.URL+r.URL.RequestURI(), r.Body)
		req.Header = r.Header.Clone()
		resp, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		for k, v := range resp.Header {
			w.Header()[k] = v
		}
		w.WriteHeader(resp.StatusCode)
		io.Copy(w, resp.Body)
	}))
	defer proxy.Close()
	code, out, errs := cli(t, "load", "--tracker", proxy.URL, "--api", srv.URL, "--profile", "cbsim", "--api-key", "key1",
		"--journeys", "12", "--rate", "max", "--connections", "2", "--settle", "0s")
	swallowed := n.Load() / 4
	if code != 1 || !strings.Contains(errs, "the tracker lost") || !strings.Contains(out, "lost ") || swallowed == 0 {
		t.Fatalf("exit %d (swallowed %d)\nstdout %s\nstderr %s", code, swallowed, out, errs)
	}
}

func TestLoadUsageErrors(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		args []string
		want string
	}{
		{nil, "--tracker is required"},
		{[]string{"--tracker", "ftp://x"}, "--tracker"},
		{[]string{"--tracker", "http://127.0.0.1:1", "--rate", "fast"}, `--rate "fast"`},
		{[]string{"--tracker", "http://127.0.0.1:1", "--shard", "2/2"}, "2/2"},
		{[]string{"--tracker", "http://127.0.0.1:1", "--fault", "lose=0.1"}, "lose"},
		{[]string{"--tracker", "http://127.0.0.1:1", "--connections", "0"}, "--connections must be at least 1"},
		{[]string{"--tracker", "http://127.0.0.1:1", "--upsell-rate", "2"}, "--upsell-rate"},
		{[]string{"--tracker", "http://127.0.0.1:1", "--clicks", "5"}, "--clicks"},
		{[]string{"--tracker", "http://127.0.0.1:1", "--duplicates", "new"}, "--duplicates belongs to a profile"},
		{[]string{"--tracker", "http://127.0.0.1:1", "--profile", "cbsim", "--api-key", "k", "--duplicates", "twice"}, `unknown duplicate mode "twice"`},
		{[]string{"--tracker", "http://127.0.0.1:1", "--rate", "10/s..20/s", "--journeys", "5"}, "needs a positive --duration"},
		{[]string{"--tracker", "http://127.0.0.1:1", "--funnel-mix", "/no/such/mix.yaml"}, "--funnel-mix"},
		{[]string{"--tracker", "http://127.0.0.1:1/?ptoken=abc"}, "without a query"},
	} {
		code, _, errs := cliStopped(t, append([]string{"load"}, c.args...)...)
		if code != 2 || !strings.Contains(errs, c.want) {
			t.Errorf("cbsim load %v: exit %d, want 2 and %q:\n%s", c.args, code, c.want, errs)
		}
	}
}

// TestLoadClickPool: journeys that share a few clicks made up front are
// all checked, and the pool's clicks count as clicks, not journeys.
func TestLoadClickPool(t *testing.T) {
	t.Parallel()
	srv := loadTracker(t)
	code, out, errs := cli(t, "load", "--tracker", srv.URL, "--profile", "cbsim", "--api-key", "key1", "--journeys", "60",
		"--clicks", "2", "--rate", "max", "--connections", "2", "--settle", "0s", "--json")
	if code != 0 {
		t.Fatalf("exit %d\nstdout %s\nstderr %s", code, out, errs)
	}
	r := parseLoadReport(t, out)
	if r.Journeys != 60 || r.Verdict == nil || r.Verdict.Matched != int(r.Postbacks.Requests) {
		t.Errorf("journeys %d, postbacks %d, verdict %+v", r.Journeys, r.Postbacks.Requests, r.Verdict)
	}
}

// TestLoadHidesCredentials: a password in --tracker is in no report.
func TestLoadHidesCredentials(t *testing.T) {
	t.Parallel()
	srv := loadTracker(t)
	withUser := strings.Replace(srv.URL, "http://", "http://bob:hunter2pw@", 1)
	html := filepath.Join(t.TempDir(), "r.html")
	for _, extra := range [][]string{{"--profile", "cbsim", "--api-key", "key1"}, nil} {
		args := append([]string{"load", "--tracker", withUser, "--journeys", "2", "--rate", "max", "--json", "--report", html}, extra...)
		_, out, errs := cli(t, args...)
		page, _ := os.ReadFile(html)
		if strings.Contains(out+errs+string(page), "hunter2pw") || !strings.Contains(out, "127.0.0.1") {
			t.Errorf("cbsim %v printed the password:\n%s\n%s", args, out, errs)
		}
	}
}

// TestLoadInterrupted: a run stopped before its end exits 1 and says so.
func TestLoadInterrupted(t *testing.T) {
	t.Parallel()
	srv := loadTracker(t)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	code, out, errs := cliContext(ctx, "load", "--tracker", srv.URL, "--profile", "cbsim", "--api-key", "key1", "--duration", "1m", "--rate", "50/s")
	if code != 1 || !strings.Contains(errs, "interrupted") || !strings.Contains(out, "INTERRUPTED") || strings.Contains(out, "verify:") {
		t.Fatalf("exit %d\nstdout %s\nstderr %s", code, out, errs)
	}
}

// TestLoadMergeRefusesMixedChecks: shards checked differently, or some not
// at all, do not merge.
func TestLoadMergeRefusesMixedChecks(t *testing.T) {
	t.Parallel()
	srv := loadTracker(t)
	dir := t.TempDir()
	base := []string{"load", "--tracker", srv.URL, "--profile", "cbsim", "--api-key", "key1", "--journeys", "4", "--rate", "max", "--json"}
	shard := func(name string, extra ...string) string {
		code, out, errs := cli(t, append(base, extra...)...)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", name, code, errs)
		}
		f := filepath.Join(dir, name+".json")
		os.WriteFile(f, []byte(out), 0o644)
		return f
	}
	a := shard("a", "--shard", "0/2")
	b := shard("b", "--shard", "1/2", "--duplicates", "ignore_event_id")
	c := shard("c", "--shard", "1/2", "--check=false")
	for _, pair := range [][2]string{{a, b}, {a, c}} {
		code, _, errs := cli(t, "load", "merge", pair[0], pair[1])
		if code != 1 || !strings.Contains(errs, "merge:") {
			t.Errorf("merge %v: exit %d: %s", pair, code, errs)
		}
	}
}

// TestLoadNothingDelivered: a run whose clicks all fail (a wrong API key)
// or whose postbacks are all refused tested nothing: exit 1, saying why.
func TestLoadNothingDelivered(t *testing.T) {
	t.Parallel()
	srv := loadTracker(t)
	code, _, errs := cli(t, "load", "--tracker", srv.URL, "--profile", "cbsim", "--api-key", "wrongkey", "--journeys", "3", "--rate", "max")
	if code != 1 || !strings.Contains(errs, "3 of 3 clicks failed") || !strings.Contains(errs, "HTTP 401") || !strings.Contains(errs, "no postback was sent") {
		t.Errorf("wrong API key: exit %d\n%s", code, errs)
	}
	// Without a profile the click ids are made up: the reference tracker refuses every postback (404).
	code, out, errs := cli(t, "load", "--tracker", srv.URL, "--journeys", "3", "--rate", "max")
	if code != 1 || !strings.Contains(errs, "accepted none of") || !strings.Contains(out, "status_4xx") {
		t.Errorf("unknown clicks: exit %d\n%s\n%s", code, out, errs)
	}
}
