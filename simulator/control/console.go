package control

import (
	"embed"
	"net/http"
	"path"
	"strings"
)

// consoleFiles holds the web console: one page, its style sheet and its
// script, plain files with no build step (console/).
//
//go:embed console
var consoleFiles embed.FS

// consoleAsset is one file of the console as it is served.
type consoleAsset struct {
	body        []byte
	contentType string
}

// consoleType returns the Content-Type of a console file by its name's
// extension; "" for a kind the console does not serve.
func consoleType(name string) string {
	switch path.Ext(name) {
	case ".html":
		return "text/html; charset=utf-8"
	case ".css":
		return "text/css; charset=utf-8"
	case ".js":
		return "text/javascript; charset=utf-8"
	case ".svg":
		return "image/svg+xml"
	}
	return ""
}

// consoleCSP keeps the console to its own origin: no script, style or
// connection elsewhere, no inline script, and no framing (clickjacking).
const consoleCSP = "default-src 'self'; frame-ancestors 'none'"

// consoleRoutes registers the web console's pages on h.mux: the page at
// GET / and its files at GET /console/NAME. They are static and hold no
// data, so they need no token (guard.go); the page reads everything through
// the API and asks for the token when the API answers 401.
func (h *Handler) consoleRoutes() {
	assets := map[string]consoleAsset{}
	entries, _ := consoleFiles.ReadDir("console") // embedded: cannot fail
	for _, e := range entries {
		body, _ := consoleFiles.ReadFile("console/" + e.Name())
		if t := consoleType(e.Name()); t != "" {
			assets[e.Name()] = consoleAsset{body: body, contentType: t}
		}
	}
	page := assets["index.html"]
	delete(assets, "index.html") // served at / only
	h.mux.HandleFunc("/{$}", func(w http.ResponseWriter, r *http.Request) {
		serveConsole(w, r, page, true)
	})
	h.mux.HandleFunc("/console/", func(w http.ResponseWriter, r *http.Request) {
		a, ok := assets[strings.TrimPrefix(r.URL.Path, "/console/")]
		serveConsole(w, r, a, ok)
	})
}

// serveConsole answers one request for a console file: the file with its
// type and the console's security headers, 405 for a method other than GET
// or HEAD, and a JSON 404 like the API's for a file it does not have.
func serveConsole(w http.ResponseWriter, r *http.Request, a consoleAsset, ok bool) {
	hdr := w.Header()
	hdr.Set("Content-Security-Policy", consoleCSP)
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Set("Cache-Control", "no-store")
	hdr.Set("Referrer-Policy", "no-referrer")
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		hdr.Set("Allow", "GET, HEAD")
		writeError(w, refuse(EMethod, "", "method %s not allowed on %s (allowed: GET, HEAD)", r.Method, r.URL.Path))
		return
	}
	if !ok {
		writeError(w, refuse(ENotFound, "", "no such console file %s (the console is GET /, its files /console/console.css and /console/console.js)", clipText(r.URL.Path, 96)))
		return
	}
	hdr.Set("Content-Type", a.contentType)
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(a.body)
}
