package control

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/cbsim/cbsim/simulator"
)

// TestWithSecrets: an integration whose URL carries a token, and a server
// token: WithSecrets masks them in every answer — the deliveries of
// /fire, the journal, the integrations, an error that quotes a URL — as
// given and escaped. Without it the same answers show the token, so the
// test can fail.
func TestWithSecrets(t *testing.T) {
	const token, serverToken = "REALTOK/Secret", "srv-Secret-1"
	trk := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"status":"ok"}`))
	}))
	t.Cleanup(trk.Close)
	ins, err := simulator.ParseIntegrations("ins.json", []byte(`{"integrations":[{"name":"a","role":"affiliate","active":true,
		"events":["initial_purchase"],"url":"`+trk.URL+`/postback?clickid={tid}&ptoken=`+url.QueryEscape(token)+`&sum={affiliate_earnings}"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	c, _, err := simulator.LoadDefaults()
	if err != nil {
		t.Fatal(err)
	}
	for _, masked := range []bool{false, true} {
		var opts []Option
		if masked {
			opts = []Option{WithToken(serverToken), WithSecrets(token, serverToken, "")}
		}
		srv, err := NewServer(simulator.New(c, ins), opts...)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { srv.Close() })
		call := func(method, path, body string) string {
			t.Helper()
			req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+serverToken)
			resp, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			data, _ := io.ReadAll(resp.Body)
			return string(data)
		}
		answers := map[string]string{
			"POST /fire":        call("POST", "/fire", `{"event":"initial_purchase","role":"affiliate","integration":"a","tid":"t1"}`),
			"GET /journal":      call("GET", "/journal", ""),
			"GET /integrations": call("GET", "/integrations", ""),
			"POST /fire error":  call("POST", "/fire", `{"event":"initial_purchase","role":"affiliate","integration":"`+serverToken+`"}`),
		}
		for name, body := range answers {
			shows := strings.Contains(body, "Secret")
			switch {
			case masked && shows:
				t.Errorf("%s with WithSecrets shows a secret:\n%s", name, body)
			case masked && !strings.Contains(body, "***"):
				t.Errorf("%s with WithSecrets masks nothing:\n%s", name, body)
			case !masked && !shows:
				t.Errorf("%s without WithSecrets does not show the token, so the test proves nothing:\n%s", name, body)
			}
		}
	}
}
