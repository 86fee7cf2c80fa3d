package control

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/cbsim/cbsim/internal/buildinfo"
)

// TestRefusesCrossOriginAndNonJSON: a web page in the user's browser must
// not be able to make the control API fire: cross-origin requests (by
// Sec-Fetch-Site or Origin) are 403, a POST whose body is not declared JSON
// is 415, and JSON followed by more data is 400. Same-origin and
// non-browser requests go through.
func TestRefusesCrossOriginAndNonJSON(t *testing.T) {
	srv := serve(t, newSim(t, "http://127.0.0.1:9"))
	const fire = `{"event":"initial_purchase","role":"affiliate","tid":"abc","dry_run":true}`
	host := strings.TrimPrefix(srv.URL, "http://")
	for _, c := range []struct {
		name, method, path, body string
		header                   map[string]string
		status                   int
		says                     string
	}{
		{"NonBrowser", "POST", "/fire", fire, map[string]string{"Content-Type": "application/json"}, 200, ""},
		{"CharsetIsJSON", "POST", "/fire", fire, map[string]string{"Content-Type": "application/json; charset=utf-8"}, 200, ""},
		{"SameOrigin", "POST", "/fire", fire, map[string]string{"Content-Type": "application/json", "Origin": "http://" + host, "Sec-Fetch-Site": "same-origin"}, 200, ""},
		{"CrossSite", "POST", "/fire", fire, map[string]string{"Content-Type": "application/json", "Sec-Fetch-Site": "cross-site"}, 403, "cross-origin"},
		{"SameSiteOtherPort", "POST", "/fire", fire, map[string]string{"Content-Type": "application/json", "Sec-Fetch-Site": "same-site"}, 403, "cross-origin"},
		{"ForeignOrigin", "POST", "/fire", fire, map[string]string{"Content-Type": "application/json", "Origin": "http://evil.example"}, 403, "evil.example"},
		{"NullOrigin", "DELETE", "/journal", "", map[string]string{"Origin": "null"}, 403, "cross-origin"},
		{"ForeignOriginGET", "GET", "/journal", "", map[string]string{"Origin": "http://evil.example"}, 403, "cross-origin"},
		{"TextPlain", "POST", "/fire", fire, map[string]string{"Content-Type": "text/plain"}, 415, "application/json"},
		{"FormPost", "POST", "/journeys", fire, map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, 415, "application/json"},
		{"NoContentType", "POST", "/fire", fire, nil, 415, "application/json"},
		{"TrailingData", "POST", "/fire", fire + `{"event":"upsell_purchase"}`, map[string]string{"Content-Type": "application/json"}, 400, "after the JSON"},
		{"TrailingGarbage", "POST", "/fire", fire + ` x`, map[string]string{"Content-Type": "application/json"}, 400, "after the JSON"},
		{"CrossSiteConsolePage", "GET", "/", "", map[string]string{"Sec-Fetch-Site": "cross-site"}, 403, "cross-origin"},
		{"ForeignOriginConsoleScript", "GET", "/console/console.js", "", map[string]string{"Origin": "http://evil.example"}, 403, "cross-origin"},
		{"SameOriginConsoleScript", "GET", "/console/console.js", "", map[string]string{"Sec-Fetch-Site": "same-origin"}, 200, ""},
		{"TrailingSpaceIsFine", "POST", "/fire", fire + " \n", map[string]string{"Content-Type": "application/json"}, 200, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			req, _ := http.NewRequest(c.method, srv.URL+c.path, strings.NewReader(c.body))
			for k, v := range c.header {
				req.Header.Set(k, v)
			}
			status, _, out := do(t, req)
			msg, _ := out["error"].(string)
			if status != c.status || !strings.Contains(msg, c.says) {
				t.Fatalf("status %d, body %v; want %d and an error saying %q", status, out, c.status, c.says)
			}
		})
	}
}

// TestToken: with a token every endpoint but /healthz and the console's
// static files (GET / and GET /console/NAME) wants "Authorization: Bearer
// TOKEN"; anything else is a 401.
func TestToken(t *testing.T) {
	ln := listen(t)
	srv := Serve(ln, newSim(t, "http://127.0.0.1:9"), 1, WithToken("s3cret"))
	t.Cleanup(func() { srv.Close() })
	for _, c := range []struct {
		name, method, path, auth string
		status                   int
	}{
		{"Healthz", "GET", "/healthz", "", 200},
		{"Missing", "GET", "/journal", "", 401},
		{"Wrong", "GET", "/journal", "Bearer s3cret2", 401},
		{"NotBearer", "GET", "/journal", "Basic czNjcmV0", 401},
		{"Right", "GET", "/journal", "Bearer s3cret", 200},
		{"FireWithout", "POST", "/fire", "", 401},
		{"UnknownEndpointWithout", "GET", "/nope", "", 401},
		{"ConsolePage", "GET", "/", "", 200},
		{"ConsoleScript", "GET", "/console/console.js", "", 200},
		{"ConsoleStyle", "GET", "/console/console.css", "", 200},
		{"UnknownConsoleFile", "GET", "/console/nope.js", "", 404},
		{"ConsoleDirWithout", "GET", "/console/", "", 401},
		{"ConsoleHeadWithout", "HEAD", "/", "", 401},
		{"ConsolePostWithout", "POST", "/", "", 401},
		{"ConsoleDeleteWithout", "DELETE", "/console/console.js", "", 401},
		{"DotDotOutOfConsole", "GET", "/console/../journal", "", 401},
		{"EscapedDotDotOutOfConsole", "GET", "/console/%2e%2e/journal", "", 401},
		{"DoubleSlash", "GET", "/console//console.js", "", 401},
	} {
		t.Run(c.name, func(t *testing.T) {
			req, _ := http.NewRequest(c.method, srv.URL+c.path, strings.NewReader(`{"event":"initial_purchase","role":"affiliate","dry_run":true}`))
			req.Header.Set("Content-Type", "application/json")
			if c.auth != "" {
				req.Header.Set("Authorization", c.auth)
			}
			status, header, out := do(t, req)
			if status != c.status {
				t.Fatalf("status %d, body %v; want %d", status, out, c.status)
			}
			if c.status == 401 && c.method == "HEAD" {
				if header.Get("WWW-Authenticate") != "Bearer" {
					t.Fatalf("401 with WWW-Authenticate %q", header.Get("WWW-Authenticate"))
				}
				return
			}
			if c.status == 401 && (header.Get("WWW-Authenticate") != "Bearer" || !strings.Contains(out["error"].(string), "token")) {
				t.Fatalf("401 with WWW-Authenticate %q, body %v", header.Get("WWW-Authenticate"), out)
			}
		})
	}
}

// do sends req and returns the status, the headers and the JSON object of
// the reply (nil when the reply is not one).
func do(t *testing.T, req *http.Request) (int, http.Header, map[string]any) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, resp.Header, out
}

// TestHealthzSaysWhichCbsim: /healthz answers without the token and says
// which build answers, as `cbsim version --json` does.
func TestHealthzSaysWhichCbsim(t *testing.T) {
	ln := listen(t)
	srv := Serve(ln, newSim(t, "http://127.0.0.1:9"), 1, WithToken("s3cret"))
	t.Cleanup(func() { srv.Close() })
	req, _ := http.NewRequest("GET", srv.URL+"/healthz", nil)
	status, _, out := do(t, req)
	want := buildinfo.Read()
	if status != 200 || out["status"] != "ok" || out["version"] != want.Version || out["go"] != want.Go || out["platform"] != want.Platform {
		t.Errorf("GET /healthz: %d %v; want ok and %+v", status, out, want)
	}
}

// TestRefusesForeignHostWithoutToken: without a token, the API answers
// only the Host names a DNS-rebinding page cannot take: IP addresses,
// localhost and names under it, and the names WithAllowedHosts gives. A
// page on evil.example that made its name resolve to 127.0.0.1 is same
// origin with itself, so only the Host tells it apart. With a token the
// token guards, whatever the Host; /healthz answers every Host.
func TestRefusesForeignHostWithoutToken(t *testing.T) {
	const clock = `{"advance":"1h"}`
	open := NewHandler(newSim(t, "http://127.0.0.1:9"), 1, WithAllowedHosts("sim", "Tracker.Example"))
	tokened := NewHandler(newSim(t, "http://127.0.0.1:9"), 1, WithToken("tok-12345"))
	for _, c := range []struct {
		name   string
		h      *Handler
		host   string
		method string
		path   string
		header map[string]string
		status int
		says   string
	}{
		{"Rebinding", open, "evil.example", "POST", "/clock", map[string]string{"Origin": "http://evil.example"}, 403, "is not one cbsim serve answers without a token"},
		{"RebindingWithPort", open, "evil.example:8080", "GET", "/journal", nil, 403, "--allow-host"},
		{"RebindingConsole", open, "evil.example:8080", "GET", "/", nil, 403, "--allow-host"},
		{"IPv4", open, "127.0.0.1:8080", "POST", "/clock", nil, 200, ""},
		{"IPv6", open, "[::1]:8080", "GET", "/journal", nil, 200, ""},
		{"OtherIP", open, "10.1.2.3", "GET", "/journal", nil, 200, ""},
		{"Localhost", open, "localhost:8080", "GET", "/journal", nil, 200, ""},
		{"UnderLocalhost", open, "cbsim.localhost", "GET", "/journal", nil, 200, ""},
		{"Allowed", open, "sim:8080", "GET", "/journal", nil, 200, ""},
		{"AllowedAnyCase", open, "tracker.example", "GET", "/journal", nil, 200, ""},
		{"Healthz", open, "evil.example", "GET", "/healthz", nil, 200, ""},
		{"TokenGuards", tokened, "evil.example", "GET", "/journal", nil, 401, "token"},
		{"TokenGiven", tokened, "evil.example", "GET", "/journal", map[string]string{"Authorization": "Bearer tok-12345"}, 200, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			body := ""
			if c.method == "POST" {
				body = clock
			}
			req := httptest.NewRequest(c.method, "http://x"+c.path, strings.NewReader(body))
			req.Host = c.host
			req.Header.Set("Content-Type", "application/json")
			for k, v := range c.header {
				req.Header.Set(k, v)
			}
			rec := httptest.NewRecorder()
			c.h.ServeHTTP(rec, req)
			if rec.Code != c.status || !strings.Contains(rec.Body.String(), c.says) {
				t.Fatalf("%s %s Host %s: %d %s; want %d saying %q", c.method, c.path, c.host, rec.Code, rec.Body.String(), c.status, c.says)
			}
		})
	}
}
