package main

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"
)

// TestTrackerCommand: `cbsim tracker` prints its ready line with the port
// it took, serves the tracker's surface, and exits 0 when interrupted
// (startCommand checks that).
func TestTrackerCommand(t *testing.T) {
	base := startTrackerCommand(t, "--api-key", "k",
		"--conversion-type", "InitialPurchase:ignore", "--campaign", "camp=http://127.0.0.1:8700/hop?tid={clickid}",
		"--max-rejections", "5", "--read-header-timeout", "5s", "--read-timeout", "10s", "--write-timeout", "10s",
		"--idle-timeout", "5s", "--max-header-bytes", "16384", "--max-body-bytes", "4096", "--max-conns", "16")
	if !strings.HasPrefix(base, "http://127.0.0.1:") || strings.HasSuffix(base, ":0") {
		t.Fatalf("ready URL = %q, want http://127.0.0.1:PORT", base)
	}
	for _, path := range []string{"/healthz", "/camp?format=json", "/conversions?date_from=2000-01-01&date_to=2100-12-31&api_key=k"} {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s: %d", path, resp.StatusCode)
		}
	}
}

func TestTrackerCommandBadFlags(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--api-key", "k", "--duplicate-mode", "sometimes"}, "new, new_marked, ignore, edit, add_payout, ignore_event_id"},
		{[]string{"--api-key", "k", "--conversion-type", "Sale:maybe"}, "allowed: new, new_marked"},
		{[]string{"--api-key", "k", "--campaign", "noequals"}, "want NAME=URL"},
		{[]string{"--api-key", "k", "--addr", "8800"}, "want HOST:PORT"},
		{[]string{"--api-key", "k", "--conversion-type", "Sale", "--default-type", "Lead"}, `default type "Lead"`},
		{[]string{"--addr", "127.0.0.1:0"}, "--api-key"},
		{[]string{"--api-key", "k", "extra"}, "unexpected argument"},
		{[]string{"--api-key", "k", "--max-conns", "0"}, "--max-conns must be positive"},
		{[]string{"--api-key", "k", "--idle-timeout", "-1s"}, "--idle-timeout must be positive"},
		{[]string{"--api-key", "k", "--max-rejections", "-5"}, "--max-rejections must be positive"},
		{[]string{"--api-key", "k", "--read-timeout", "soon"}, "invalid value"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			t.Setenv("CBSIM_API_KEY", "")
			var stdout, stderr bytes.Buffer
			code := runTracker(context.Background(), tt.args, &stdout, &stderr)
			if code != 2 {
				t.Errorf("exit code %d, want 2", code)
			}
			if !strings.Contains(stderr.String(), tt.want) {
				t.Errorf("stderr = %q, want it to contain %q", stderr.String(), tt.want)
			}
			if stdout.Len() != 0 {
				t.Errorf("stdout = %q, want nothing", stdout.String())
			}
		})
	}
}
