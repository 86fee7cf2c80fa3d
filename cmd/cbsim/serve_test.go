package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/cbsim/cbsim/simulator/ins"
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

// TestServeINS: `cbsim serve --ins-url affiliate=URL --ins-secret KEY`
// tells a journey's purchases by INS to the affiliate's URL, sealed with
// the key; /ins/refund tells a refund; no answer shows the key, which the
// receiver quotes in its reply.
func TestServeINS(t *testing.T) {
	const secret = "SERVEKEY2026"
	var mu sync.Mutex // guards got
	var got []*ins.Notification
	rc := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/ins" {
			return // a postback
		}
		body, _ := io.ReadAll(r.Body)
		plain, err := ins.Decode(body, secret)
		var n *ins.Notification
		if err == nil {
			n, err = ins.Parse(plain)
		}
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		mu.Lock()
		got = append(got, n)
		mu.Unlock()
		w.Write([]byte("OK " + secret))
	}))
	t.Cleanup(rc.Close)
	base := startCommand(t, viaRun("serve"), "--addr", "127.0.0.1:0", "--tracker", rc.URL,
		"--ins-url", "affiliate="+rc.URL+"/ins", "--ins-secret", secret, "--ins-version", "8.0")
	post := func(path, body string) string {
		t.Helper()
		resp, err := http.Post(base+path, "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 || strings.Contains(string(b), secret) || !strings.Contains(string(b), "OK ***") {
			t.Fatalf("POST %s: %d %s; want 200, the receiver's reply with its key masked", path, resp.StatusCode, b)
		}
		return string(b)
	}
	var j struct {
		INS []struct{ Type, Role, Receipt, Version string }
	}
	json.Unmarshal([]byte(post("/journeys", `{"funnel":"keto","affiliate":"aff01","tid":"clk7","accept":[false]}`)), &j)
	if len(j.INS) != 1 || j.INS[0].Type != "SALE" || j.INS[0].Role != "AFFILIATE" || j.INS[0].Version != "8.0" {
		t.Fatalf("/journeys INS %+v; want one affiliate SALE in 8.0", j.INS)
	}
	post("/ins/refund", `{"receipt":"`+j.INS[0].Receipt+`"}`)
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 2 || got[0].TransactionType != ins.Sale || got[1].TransactionType != ins.Refund ||
		got[0].Receipt != j.INS[0].Receipt || got[1].Receipt != j.INS[0].Receipt || got[0].Role != ins.Affiliate ||
		strings.Join(got[0].TrackingCodes, ",") != "clk7" {
		t.Fatalf("receiver opened %d notifications %+v; want the affiliate's SALE (tracking clk7) and RFND of %s", len(got), got, j.INS[0].Receipt)
	}
}

// TestServeINSFlagErrors: a bad INS flag of cbsim serve exits 2 naming
// the flag, and never quotes the secret.
func TestServeINSFlagErrors(t *testing.T) {
	const u = "http://127.0.0.1:9/ins"
	for _, c := range []struct {
		name string
		args []string
		says string
	}{
		{"Role", []string{"--ins-url", "buyer=" + u, "--ins-secret", "KEY12345"}, "-ins-url"},
		{"NoURL", []string{"--ins-url", "vendor", "--ins-secret", "KEY12345"}, "-ins-url"},
		{"ThreeURLs", []string{"--ins-url", "vendor=" + u, "--ins-url", "vendor=" + u, "--ins-url", "vendor=" + u, "--ins-secret", "KEY12345"}, "at most 2"},
		{"Scheme", []string{"--ins-url", "vendor=ftp://x/ins", "--ins-secret", "KEY12345"}, "--ins-url"},
		{"NoSecret", []string{"--ins-url", "vendor=" + u}, "--ins-secret"},
		{"SecretNoURL", []string{"--ins-secret", "KEY12345"}, "--ins-url"},
		{"BadSecret", []string{"--ins-url", "vendor=" + u, "--ins-secret", "lower-key-1"}, "--ins-secret"},
		{"Version", []string{"--ins-version", "9.0"}, "--ins-version"},
		{"Factor", []string{"--ins-time-factor", "0"}, "--ins-time-factor"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := run(context.Background(), append([]string{"serve", "--addr", "127.0.0.1:0"}, c.args...), &out, &errb)
			if code != 2 || !strings.Contains(errb.String(), c.says) || strings.Contains(errb.String(), "lower-key-1") || strings.Contains(out.String(), "ready") {
				t.Errorf("exit %d, stderr:\n%s\nwant exit 2 naming %s, the secret not shown, no ready line", code, errb.String(), c.says)
			}
		})
	}
}

// TestServeProfile: --profile makes the integrations in the profile's
// names — the affiliate's click id in its ClickBank parameter — without
// asking for what only clicks and reads need; the wrong combinations are
// usage errors naming the flag.
func TestServeProfile(t *testing.T) {
	base := startCommand(t, runServe, "--addr", "127.0.0.1:0", "--profile", "voluum", "--tracker", "http://127.0.0.1:9")
	resp, err := http.Post(base+"/fire", "application/json", strings.NewReader(`{"event":"upsell_purchase","role":"affiliate","params":{"extclid":"ABCdef123"},"dry_run":true}`))
	if err != nil {
		t.Fatal(err)
	}
	var fired struct{ Deliveries []struct{ URL string } }
	json.NewDecoder(resp.Body).Decode(&fired)
	resp.Body.Close()
	if len(fired.Deliveries) != 1 || !strings.HasPrefix(fired.Deliveries[0].URL, "http://127.0.0.1:9/postback?cid=ABCdef123&payout=") ||
		!strings.Contains(fired.Deliveries[0].URL, "&et=UpsellPurchase") {
		t.Fatalf("an upsell through the voluum profile built %+v", fired.Deliveries)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--profile", "voluum"}, "--profile voluum needs --tracker"},
		{[]string{"--profile", "voluum", "--tracker", "http://127.0.0.1:9", "--integrations", "x.json"}, "give --profile or --integrations, not both"},
		{[]string{"--set", "api_token=x"}, "--set gives a profile's settings: give --profile too"},
		{[]string{"--profile", "nosuch", "--tracker", "http://127.0.0.1:9"}, "--profile"},
		{[]string{"--profile", "voluum", "--tracker", "http://127.0.0.1:9", "--set", "nosuch=1"}, "unknown setting nosuch"},
	} {
		var out, errb bytes.Buffer
		code := run(context.Background(), append([]string{"serve", "--addr", "127.0.0.1:0"}, c.args...), &out, &errb)
		if code != 2 || !strings.Contains(errb.String(), c.want) {
			t.Errorf("serve %v: exit %d, stderr %q; want 2 and %q", c.args, code, errb.String(), c.want)
		}
	}
}

// TestServeAllowHost: without --token, cbsim serve answers only loopback
// and IP Host names, and the ones --allow-host names; a rebound name is
// refused with a message saying how to allow it.
func TestServeAllowHost(t *testing.T) {
	base := startCommand(t, runServe, "--addr", "127.0.0.1:0", "--allow-host", "sim,cbsim.internal")
	for host, want := range map[string]int{"sim:8080": 200, "CBSIM.internal": 200, "localhost": 200, "evil.example": 403} {
		req, _ := http.NewRequest("GET", base+"/integrations", nil)
		req.Host = host
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != want || (want == 403 && !strings.Contains(string(body), "--allow-host")) {
			t.Errorf("Host %s: %d %s; want %d", host, resp.StatusCode, body, want)
		}
	}
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"serve", "--addr", "127.0.0.1:0", "--allow-host", "http://x"}, &out, &errb); code != 2 || !strings.Contains(errb.String(), "-allow-host") || !strings.Contains(errb.String(), "is not a host name") {
		t.Errorf("--allow-host http://x: exit %d, %q", code, errb.String())
	}
}

// TestServeCACert: --ca-cert writes the CA the proxy signs ClickBank's
// host names with, the same certificate /ca.pem serves; a file that
// cannot be written is an error naming the flag.
func TestServeCACert(t *testing.T) {
	file := filepath.Join(t.TempDir(), "cbsim-ca.pem")
	base := startCommand(t, runServe, "--addr", "127.0.0.1:0", "--ca-cert", file)
	written, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(base + "/ca.pem")
	if err != nil {
		t.Fatal(err)
	}
	served, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !bytes.HasPrefix(written, []byte("-----BEGIN CERTIFICATE-----")) || !bytes.Equal(written, served) {
		t.Fatalf("--ca-cert wrote %q, /ca.pem serves %q; want the same certificate", written, served)
	}
	var out, errb bytes.Buffer
	code := run(context.Background(), []string{"serve", "--addr", "127.0.0.1:0", "--ca-cert", filepath.Join(t.TempDir(), "no", "such", "dir", "ca.pem")}, &out, &errb)
	if code != 1 || !strings.Contains(errb.String(), "--ca-cert") {
		t.Fatalf("an unwritable --ca-cert: exit %d, %q", code, errb.String())
	}
}
