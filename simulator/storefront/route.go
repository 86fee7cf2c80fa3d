package storefront

import (
	"net"
	"net/http"
	"strconv"
	"strings"
)

// hostKind says which of ClickBank's host names a request came to.
type hostKind uint8

const (
	plainHost     hostKind = iota // cbsim's own host (127.0.0.1:PORT): paths decide
	hopLegacy                     // AFF.VEN.hop.<any>: the legacy hoplink, accounts from the host
	hopReadable                   // hop.clickbank.net: the readable hoplink through the proxy
	payHost                       // VEN.pay.<any> or ITEM.VEN.pay.<any>: the order form
	clickBankElse                 // another clickbank.net name: nothing here
)

// requestHost is what a request's Host says.
type requestHost struct {
	kind     hostKind
	name     string // lower case, without port or trailing dot
	aff, ven string // from a hop or pay host
	item     string // from a legacy ITEM.VEN.pay host
}

// parseHost reads the Host header: the legacy hoplink host
// AFF.VEN.hop.clickbank.net and the pay host VEN.pay.clickbank.net
// (older ITEM.VEN.pay.clickbank.net) (docs/clickbank.md §3), under
// clickbank.net or under localhost, so that aff01.ven01.hop.localhost
// works too. Under any other parent such a name is an ordinary host — the
// control API's — not ClickBank's [choice].
func parseHost(host string) requestHost {
	name := strings.ToLower(host)
	if h, _, err := net.SplitHostPort(name); err == nil {
		name = h
	}
	name = strings.TrimSuffix(name, ".")
	h := requestHost{name: name}
	labels := strings.Split(name, ".")
	under := func(from int) bool { return len(labels) > from && hostParent(strings.Join(labels[from:], ".")) }
	switch {
	case len(labels) >= 4 && labels[2] == "hop" && labels[0] != "" && labels[1] != "" && under(3):
		h.kind, h.aff, h.ven = hopLegacy, labels[0], labels[1]
	case name == "hop.clickbank.net":
		h.kind = hopReadable
	case len(labels) >= 3 && labels[1] == "pay" && labels[0] != "" && under(2):
		h.kind, h.ven = payHost, labels[0]
	case len(labels) >= 4 && labels[2] == "pay" && labels[0] != "" && labels[1] != "" && under(3):
		h.kind, h.item, h.ven = payHost, strings.ToUpper(labels[0]), labels[1]
	case IsClickBankHost(name):
		h.kind = clickBankElse
	}
	return h
}

// hostParent reports whether ClickBank's host forms are read under
// parent: clickbank.net, localhost, or a name under localhost.
func hostParent(parent string) bool {
	return parent == "clickbank.net" || parent == "localhost" || strings.HasSuffix(parent, ".localhost")
}

// storePath reports whether path is one of the store's on cbsim's own
// host.
func storePath(path string) bool {
	return path == "/hop" || strings.HasPrefix(path, "/vendor/") || strings.HasPrefix(path, "/pay/")
}

// browserFile reports whether path is one a browser asks for on its own
// (a favicon, robots.txt): on a legacy hop host it is not a click, so it
// records no hop [choice].
func browserFile(path string) bool {
	return path == "/favicon.ico" || path == "/robots.txt" || strings.HasPrefix(path, "/apple-touch-icon")
}

// Handles reports whether the store serves r: one of its paths (/hop,
// /vendor/…, /pay/…) on any host, or any request to a ClickBank host name
// (a hoplink or pay host, or another name under clickbank.net, which gets
// a 404 page from the store rather than the control API's JSON).
func (s *Store) Handles(r *http.Request) bool {
	return parseHost(r.Host).kind != plainHost || storePath(r.URL.Path)
}

// ServeHTTP serves the buyer's side of ClickBank (see the package doc).
// Every error is an HTML page with the status it deserves, naming the
// parameter at fault.
func (s *Store) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := parseHost(r.Host)
	path := r.URL.Path
	switch {
	case h.kind == hopLegacy && !storePath(path) && !browserFile(path):
		s.serveHop(w, r, h)
	case h.kind == hopReadable && (path == "/" || path == "/hop"):
		s.serveHop(w, r, h)
	case h.kind == payHost && path == "/":
		s.servePay(w, r, h.ven, h.item)
	case path == "/hop":
		s.serveHop(w, r, h)
	case strings.HasPrefix(path, "/pay/"):
		ven := strings.TrimSuffix(strings.TrimPrefix(path, "/pay/"), "/")
		if strings.Contains(ven, "/") {
			s.writeError(w, r, fail(http.StatusNotFound, "", "no such page %s: a pay link is /pay/VENDOR?cbitems=ITEM", path))
			return
		}
		s.servePay(w, r, ven, "")
	case strings.HasPrefix(path, "/vendor/"):
		s.serveVendorSite(w, r, strings.TrimPrefix(path, "/vendor/"))
	case h.kind == clickBankElse:
		s.writeError(w, r, fail(http.StatusNotFound, "", "cbsim does not simulate %s%s: it serves hop.clickbank.net (/ and /hop), AFF.VEN.hop.clickbank.net, VEN.pay.clickbank.net and the paths /hop, /vendor/VENDOR/ and /pay/VENDOR on them; encrypted hoplinks are not simulated", h.name, path))
	default:
		s.writeError(w, r, fail(http.StatusNotFound, "", "no such page %s on %s: cbsim's storefront serves /hop, /vendor/VENDOR/ and /pay/VENDOR", path, h.name))
	}
}

// serveVendorSite routes the vendor's own site: rest is the path after
// /vendor/.
func (s *Store) serveVendorSite(w http.ResponseWriter, r *http.Request, rest string) {
	if !s.getOnly(w, r) {
		return
	}
	parts := strings.Split(rest, "/")
	ven := parts[0]
	switch {
	case len(parts) == 1 || len(parts) == 2 && parts[1] == "":
		s.salesPage(w, r, ven, "")
	case len(parts) == 3 && parts[1] == upsellPath:
		n, err := strconv.Atoi(parts[2])
		if err != nil || n < 1 || n > 1000 {
			s.writeError(w, r, fail(http.StatusNotFound, "", "no such upsell page %q: upsell pages are numbered from 1", parts[2]))
			return
		}
		s.upsellPage(w, r, ven, n)
	case len(parts) == 2 && parts[1] == thanksPath:
		s.thanksPage(w, r, ven)
	case len(parts) == 2 || len(parts) == 3 && parts[2] == "":
		s.salesPage(w, r, ven, parts[1])
	default:
		s.writeError(w, r, fail(http.StatusNotFound, "", "no such page /vendor/%s on the vendor's site", rest))
	}
}

// getOnly answers 405 to anything but GET and HEAD.
func (s *Store) getOnly(w http.ResponseWriter, r *http.Request) bool {
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		return true
	}
	w.Header().Set("Allow", "GET, HEAD")
	s.writeError(w, r, fail(http.StatusMethodNotAllowed, "", "method %s not allowed on %s (allowed: GET, HEAD)", r.Method, r.URL.Path))
	return false
}
