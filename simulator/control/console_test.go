package control

import (
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// TestConsoleFiles: the page and its files come with their types, the
// console's CSP, nosniff and no-store; an unknown console file is a JSON 404
// like the API's, another method a 405 naming GET and HEAD.
func TestConsoleFiles(t *testing.T) {
	srv := serve(t, newSim(t, "http://127.0.0.1:9"))
	secure := func(t *testing.T, h http.Header) {
		t.Helper()
		for k, want := range map[string]string{
			"Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'",
			"X-Content-Type-Options":  "nosniff",
			"Cache-Control":           "no-store",
		} {
			if got := h.Get(k); got != want {
				t.Errorf("%s: %q; want %q", k, got, want)
			}
		}
	}
	for _, c := range []struct {
		name, method, path string
		status             int
		ctype              string // the Content-Type's start
		has                string // in the body
	}{
		{"Page", "GET", "/", 200, "text/html; charset=utf-8", `<table id="journal">`},
		{"PageHead", "HEAD", "/", 200, "text/html; charset=utf-8", ""},
		{"Style", "GET", "/console/console.css", 200, "text/css; charset=utf-8", "#journal"},
		{"Script", "GET", "/console/console.js", 200, "text/javascript; charset=utf-8", "/journal/stream"},
		{"Icon", "GET", "/console/favicon.svg", 200, "image/svg+xml", "<svg"},
		{"UnknownFile", "GET", "/console/nope.js", 404, "application/json", `"error":"no such console file /console/nope.js`},
		{"PageNotUnderConsole", "GET", "/console/index.html", 404, "application/json", "no such console file"},
		{"ConsoleDir", "GET", "/console/", 404, "application/json", "no such console file"},
		{"Subdir", "GET", "/console/x/console.js", 404, "application/json", "no such console file"},
		{"PostPage", "POST", "/", 405, "application/json", "allowed: GET, HEAD"},
		{"DeleteFile", "DELETE", "/console/console.js", 405, "application/json", "allowed: GET, HEAD"},
		{"OtherPathStillAPI", "GET", "/nope", 404, "application/json", "no such endpoint"},
	} {
		t.Run(c.name, func(t *testing.T) {
			req, _ := http.NewRequest(c.method, srv.URL+c.path, nil)
			resp, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != c.status || !strings.HasPrefix(resp.Header.Get("Content-Type"), c.ctype) || !strings.Contains(string(body), c.has) {
				t.Fatalf("%s %s: %d %q %.200s; want %d, %s, a body with %q", c.method, c.path, resp.StatusCode, resp.Header.Get("Content-Type"), body, c.status, c.ctype, c.has)
			}
			if c.status == 405 && resp.Header.Get("Allow") != "GET, HEAD" {
				t.Errorf("Allow: %q; want GET, HEAD", resp.Header.Get("Allow"))
			}
			if strings.HasPrefix(c.path, "/console/") || c.path == "/" {
				secure(t, resp.Header)
			}
		})
	}
}

// TestConsoleSameOriginOnly reads the page and its files without a browser
// and checks that every URL they name is on the server's own origin (a
// path, not a host or a scheme), that each asset the page loads is served,
// and that the script and the style sheet name no other origin either:
// the CSP would refuse anything else, so this catches it before a browser
// does.
func TestConsoleSameOriginOnly(t *testing.T) {
	srv := serve(t, newSim(t, "http://127.0.0.1:9"))
	get := func(path string) string {
		t.Helper()
		resp, err := srv.Client().Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 {
			t.Fatalf("GET %s: %d %s", path, resp.StatusCode, body)
		}
		return string(body)
	}
	page := get("/")
	refs := regexp.MustCompile(`(?i)\b(?:src|href|action|formaction|data|poster)\s*=\s*["']?([^"'\s>]*)`).FindAllStringSubmatch(page, -1)
	if len(refs) < 3 {
		t.Fatalf("the page names %d URLs; want at least its icon, style sheet and script", len(refs))
	}
	for _, m := range refs {
		ref := m[1]
		u, err := url.Parse(ref)
		if err != nil || u.Scheme != "" || u.Host != "" || !strings.HasPrefix(ref, "/") || strings.HasPrefix(ref, "//") {
			t.Errorf("the page names %q: want a path on its own origin", ref)
			continue
		}
		get(ref) // served
	}
	for _, inline := range []string{"<script>", "style=", "onclick=", "onload=", "onsubmit=", "javascript:"} {
		if strings.Contains(strings.ToLower(page), inline) {
			t.Errorf("the page has inline %q, which the CSP refuses", inline)
		}
	}
	external := regexp.MustCompile(`(?i)https?://|//[a-z0-9.-]+\.[a-z]{2,}|@import|url\(\s*["']?[a-z]+:`)
	for _, path := range []string{"/console/console.js", "/console/console.css"} {
		body := get(path)
		for _, m := range external.FindAllString(body, -1) {
			t.Errorf("%s names another origin: %q", path, m)
		}
	}
	if js := get("/console/console.js"); strings.Contains(js, "innerHTML") || strings.Contains(js, "insertAdjacentHTML") || strings.Contains(js, "document.write") {
		t.Error("console.js writes HTML; it must insert data as text only")
	}
}
