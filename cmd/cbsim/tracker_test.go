package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestTrackerCommand(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	outR, outW := io.Pipe()
	var stderr bytes.Buffer
	done := make(chan int, 1)
	go func() {
		done <- runTracker(ctx, []string{"--addr", "127.0.0.1:0", "--api-key", "k", "--db", filepath.Join(t.TempDir(), "t.db"),
			"--conversion-type", "InitialPurchase:ignore", "--campaign", "camp=http://127.0.0.1:8700/hop?tid={clickid}"}, outW, &stderr)
		outW.Close()
	}()
	lines := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(outR).ReadString('\n')
		lines <- line
		io.Copy(io.Discard, outR)
	}()
	var line string
	select {
	case line = <-lines:
	case code := <-done:
		t.Fatalf("exited %d before ready: %s", code, stderr.String())
	case <-time.After(10 * time.Second):
		t.Fatal("no ready line within 10s")
	}
	base, ok := strings.CutPrefix(strings.TrimSpace(line), "ready ")
	if !ok || !strings.HasPrefix(base, "http://127.0.0.1:") || strings.HasSuffix(base, ":0") {
		t.Fatalf("ready line = %q, want \"ready http://127.0.0.1:PORT\"", line)
	}
	for _, path := range []string{"/healthz", "/camp?format=json", "/conversions?api_key=k"} {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s: %d", path, resp.StatusCode)
		}
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("exit code %d after cancel, want 0: %s", code, stderr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no exit within 10s of cancel")
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
