package containers_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

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
