package main

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestServeCommand drives `cbsim serve` the way another stack would: plain
// HTTP against its ready URL, postbacks landing on a `cbsim tracker`.
func TestServeCommand(t *testing.T) {
	trk := startTrackerCommand(t, "--api-key", "K", "--campaign", "aff=https://hop.clickbank.net/?tid={clickid}")
	sim := startCommand(t, runServe, "--addr", "127.0.0.1:0", "--tracker", trk)

	var click struct{ ClickID string }
	getJSON(t, trk+"/aff?format=json", &click)
	resp, err := http.Post(sim+"/fire", "application/json", strings.NewReader(`{"event":"initial_purchase","role":"affiliate","tid":"`+click.ClickID+`","price":"100.00","commission":"50"}`))
	if err != nil {
		t.Fatal(err)
	}
	var fired struct {
		Deliveries []struct {
			URL    string
			Status int
		}
	}
	json.NewDecoder(resp.Body).Decode(&fired)
	resp.Body.Close()
	if len(fired.Deliveries) != 1 || fired.Deliveries[0].Status != 200 {
		t.Fatalf("fire: %+v", fired)
	}
	var convs struct {
		Items []struct {
			ClickID string
			Payout  float64
			Type    string
		}
	}
	getJSON(t, trk+"/conversions?date_from=2000-01-01&date_to=2100-12-31&api_key=K", &convs)
	if len(convs.Items) != 1 || convs.Items[0].ClickID != click.ClickID || convs.Items[0].Payout != 45.75 || convs.Items[0].Type != "InitialPurchase" {
		t.Fatalf("tracker recorded %+v", convs.Items)
	}
}

func getJSON(t *testing.T, url string, v any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d", url, resp.StatusCode)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
}

// TestServeBindsLoopback: --addr :PORT listens on 127.0.0.1, as cbsim
// tracker does for the same form, not on every interface.
func TestServeBindsLoopback(t *testing.T) {
	base := startCommand(t, runServe, "--addr", ":0")
	if !strings.HasPrefix(base, "http://127.0.0.1:") {
		t.Fatalf("cbsim serve --addr :0 is ready at %s; want http://127.0.0.1:PORT", base)
	}
}

// TestServeToken: --token, else $CBSIM_SERVE_TOKEN, else the config file
// guards the control API; --journal-capacity bounds the journal, whose
// page reports what rolled off. It runs through run, whose masking of the
// token must not hold back the ready line.
func TestServeToken(t *testing.T) {
	file := filepath.Join(t.TempDir(), "cbsim.yaml")
	if err := os.WriteFile(file, []byte("serve:\n  token: from-file\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name  string
		args  []string
		env   string
		token string
	}{
		{"Flag", []string{"--token", "s3cret"}, "from-env", "s3cret"},
		{"Env", nil, "from-env", "from-env"},
		{"File", nil, "", "from-file"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Setenv("CBSIM_SERVE_TOKEN", c.env)
			base := startCommand(t, viaRun("serve"), append([]string{"--config", file, "--addr", "127.0.0.1:0", "--journal-capacity", "1"}, c.args...)...)
			call := func(method, path, token, body string) (int, string) {
				t.Helper()
				req, _ := http.NewRequest(method, base+path, strings.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				if token != "" {
					req.Header.Set("Authorization", "Bearer "+token)
				}
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				b, _ := io.ReadAll(resp.Body)
				return resp.StatusCode, string(b)
			}
			if status, body := call("GET", "/journal", "", ""); status != 401 {
				t.Fatalf("without the token: %d %s; want 401", status, body)
			}
			for range 2 {
				if status, body := call("POST", "/fire", c.token, `{"event":"initial_purchase","role":"affiliate","url":"http://127.0.0.1:9/?c={tid}"}`); status != 200 {
					t.Fatalf("fire with the token: %d %s", status, body)
				}
			}
			if status, body := call("GET", "/journal", c.token, ""); status != 200 || !strings.Contains(body, `"rolled_off":1`) {
				t.Fatalf("journal with the token: %d %s; want 200 and rolled_off 1", status, body)
			}
		})
	}
}
