package containers_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// testTimeout bounds each container test, image builds included.
const testTimeout = 3 * time.Minute

func testContext(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	t.Cleanup(cancel)
	return ctx
}

// do sends a request and decodes a JSON reply into out (when not nil),
// failing the test unless the status is want.
func do(t testing.TB, method, url, body string, want int, out any) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	client := &http.Client{Timeout: 10 * time.Second}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: read body: %v", method, url, err)
	}
	if resp.StatusCode != want {
		t.Fatalf("%s %s: status %d, want %d; body %s", method, url, resp.StatusCode, want, b)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s %s: decode %s: %v", method, url, b, err)
		}
	}
}

// miniTracker is the build of testdata/minitracker shared by the tests:
// one go build per process.
var miniTracker struct {
	once sync.Once
	dir  string // the build context: Dockerfile and minitracker
	err  error
}

// TestMain removes the mini tracker's build context after the tests.
func TestMain(m *testing.M) {
	code := m.Run()
	if miniTracker.dir != "" {
		os.RemoveAll(miniTracker.dir)
	}
	os.Exit(code)
}

// miniTrackerContext builds testdata/minitracker as a static binary into a
// build context beside a copy of its Dockerfile, once per process, and
// returns the Dockerfile's path.
func miniTrackerContext(t testing.TB) string {
	t.Helper()
	miniTracker.once.Do(func() {
		miniTracker.dir, miniTracker.err = buildMiniTracker()
	})
	if miniTracker.err != nil {
		t.Fatal(miniTracker.err)
	}
	return filepath.Join(miniTracker.dir, "Dockerfile")
}

func buildMiniTracker() (string, error) {
	dir, err := os.MkdirTemp("", "cbsim-minitracker-")
	if err != nil {
		return "", err
	}
	cmd := exec.Command("go", "build", "-trimpath", "-buildvcs=false", "-o", filepath.Join(dir, "minitracker"), "./testdata/minitracker")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux")
	if out, err := cmd.CombinedOutput(); err != nil {
		return dir, fmt.Errorf("build minitracker: %v\n%s", err, out)
	}
	df, err := os.ReadFile("testdata/minitracker/Dockerfile")
	if err != nil {
		return dir, err
	}
	return dir, os.WriteFile(filepath.Join(dir, "Dockerfile"), df, 0o644)
}

// conversionList is the part of a reporting API reply the tests read.
type conversionList struct {
	Items []struct {
		ClickID string          `json:"clickid"`
		Type    string          `json:"type"`
		Payout  json.RawMessage `json:"payout"`
		Sum     string          `json:"sum"`
	} `json:"items"`
}

func (l conversionList) clickIDs() string {
	ids := make([]string, len(l.Items))
	for i, c := range l.Items {
		ids[i] = c.ClickID
	}
	return fmt.Sprint(ids)
}
