package control

import (
	"crypto/subtle"
	"mime"
	"net"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strings"
)

// Option configures a Handler; options apply when it is built and cannot
// change afterwards.
type Option func(*Handler)

// WithToken makes every endpoint but GET /healthz and the console's static
// files (GET / and GET /console/NAME) require the header
// "Authorization: Bearer token"; "" requires none.
func WithToken(token string) Option {
	return func(h *Handler) { h.token = token }
}

// WithSecrets masks secrets — the tokens in the integrations' URLs, the
// server's own token — as *** in the body of every answer (the deliveries
// of /fire and /journeys, the journal, the integrations, errors), as
// package internal/redact masks them: also escaped, not inside a longer
// run of letters and digits, and not when shorter than redact.MinLen.
func WithSecrets(secrets ...string) Option {
	return func(h *Handler) { h.secrets.Add(secrets...) }
}

// WithAllowedHosts adds Host names the API answers without a token,
// beside IP addresses, localhost and the names under it (a container's
// name on a Docker network, say); case does not matter, a port is
// ignored. See guard.
func WithAllowedHosts(names ...string) Option {
	return func(h *Handler) {
		for _, n := range names {
			h.hosts = append(h.hosts, strings.ToLower(strings.TrimSuffix(n, ".")))
		}
	}
}

// guard refuses what no endpoint takes: a request from another origin (a
// web page in the user's browser, which must not make the simulator fire
// at arbitrary URLs) and, with a token, a request without it. GET /healthz
// and the console's static files need no token. Without a token, it also
// refuses a Host name a web page could have rebound to this server (DNS
// rebinding: evil.example made to resolve to 127.0.0.1 is same-origin with
// itself): the API answers IP addresses, localhost and names under it, and
// WithAllowedHosts' names.
func (h *Handler) guard(r *http.Request) error {
	if err := sameOrigin(r); err != nil {
		return err
	}
	if r.Method == http.MethodGet && r.URL.Path == "/healthz" {
		return nil
	}
	if h.token == "" {
		return h.knownHost(r.Host)
	}
	if r.Method == http.MethodGet && consoleFile(r.URL.Path) {
		return nil
	}
	scheme, given, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	if !strings.EqualFold(scheme, "Bearer") || subtle.ConstantTimeCompare([]byte(given), []byte(h.token)) != 1 {
		return refuse(EUnauthorized, "", "missing or wrong token: send the header Authorization: Bearer TOKEN with the token cbsim serve was started with (--token or $CBSIM_SERVE_TOKEN)")
	}
	return nil
}

// knownHost refuses a Host that is not an IP address, localhost, a name
// under localhost or one of WithAllowedHosts'.
func (h *Handler) knownHost(host string) error {
	name := strings.ToLower(host)
	if hn, _, err := net.SplitHostPort(name); err == nil {
		name = hn
	}
	name = strings.TrimSuffix(strings.TrimPrefix(strings.TrimSuffix(name, "."), "["), "]")
	if name == "" || net.ParseIP(name) != nil || name == "localhost" || strings.HasSuffix(name, ".localhost") || slices.Contains(h.hosts, name) {
		return nil
	}
	return refuse(EForbidden, "", "Host %q is not one cbsim serve answers without a token (a web page on another name could have made that name resolve here: DNS rebinding): use 127.0.0.1 or localhost, name it with --allow-host, or set --token", clipText(host, 64))
}

// consoleFile reports whether path is one of the console's static files,
// which hold no data: the page at / or a clean path under /console/ (one
// that the mux would redirect elsewhere, like /console/../journal, is not).
func consoleFile(p string) bool {
	return p == "/" || (strings.HasPrefix(p, "/console/") && len(p) > len("/console/") && path.Clean(p) == p)
}

// sameOrigin refuses a request a browser marks as cross-origin: by
// Sec-Fetch-Site (anything but same-origin or none), or by an Origin other
// than the server's own. Clients that send neither (curl, Go, CI) pass.
func sameOrigin(r *http.Request) error {
	switch site := r.Header.Get("Sec-Fetch-Site"); site {
	case "", "same-origin", "none":
	default:
		return refuse(EForbidden, "", "cross-origin request refused (Sec-Fetch-Site: %s): the control API answers its own origin and non-browser clients only", site)
	}
	origin := r.Header.Get("Origin")
	if origin == "" {
		return nil
	}
	if u, err := url.Parse(origin); err != nil || u.Host == "" || !strings.EqualFold(u.Host, r.Host) {
		return refuse(EForbidden, "", "cross-origin request refused (Origin %q is not this server's, %s): the control API answers its own origin and non-browser clients only", clipText(origin, 64), r.Host)
	}
	return nil
}

// jsonBody refuses a POST whose Content-Type is not application/json: an
// HTML form or a "simple" cross-origin fetch cannot send that type without
// the browser asking first.
func jsonBody(r *http.Request) error {
	ct := r.Header.Get("Content-Type")
	if mt, _, err := mime.ParseMediaType(ct); err != nil || mt != "application/json" {
		return refuse(EMediaType, "", "Content-Type must be application/json, got %q", clipText(ct, 64))
	}
	return nil
}

// clipText cuts s to at most n bytes for quoting in an error.
func clipText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
