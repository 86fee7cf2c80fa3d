package storefront

import (
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/cbsim/cbsim/simulator"
	"github.com/cbsim/cbsim/simulator/ids"
)

// hop is one buyer's click through a hoplink, as ClickBank records it.
type hop struct {
	ID        string            // hopId: a UUID v4 (docs/clickbank.md §2 [likely])
	Affiliate string            // nickname
	Vendor    string            // nickname
	TID       string            // as the TID rule kept it; "" if none or dropped
	Tracking  map[string]string // affiliate tracking parameters
	UserAgent string
	At        time.Time // sim.Clock's time of the click
}

// Query parameters of the hoplink ClickBank reads (docs/clickbank.md §3):
// the accounts (affiliate, older hop), the TID, and the landing page
// (cbpage, older pid). The tracking parameters come from the macro
// catalog. Anything else passes through to the vendor's page [likely:
// ClickBank's Hoplink FAQ #17, "Can I pass other parameters through the
// hoplink, to arrive at the target url?", http://www.clickbank.com/hoplink_faq.html].
var hopParams = []string{"affiliate", "hop", "vendor", "tid", "cbpage", "pid", "hopId"}

// Reserved page names of the vendor's site that a cbpage cannot take.
const (
	upsellPath = "upsell"
	thanksPath = "thanks"
)

// serveHop records a hop and redirects the buyer to the vendor's page
// with the hop cookie set. The accounts come from the legacy host
// (AFF.VEN.hop.…) or from the query.
func (s *Store) serveHop(w http.ResponseWriter, r *http.Request, host requestHost) {
	if r.Method != http.MethodGet {
		// not even HEAD: a hop records a click, which a link checker's
		// HEAD is not [choice]
		w.Header().Set("Allow", "GET")
		s.writeError(w, r, fail(http.StatusMethodNotAllowed, "", "method %s not allowed on a hoplink (allowed: GET, the buyer's click)", r.Method))
		return
	}
	q := r.URL.Query()
	aff, ven := host.aff, host.ven
	if host.kind != hopLegacy {
		aff, ven = first(q, "affiliate", "hop"), q.Get("vendor")
	}
	aff, ven = strings.ToLower(aff), strings.ToLower(ven)
	c := s.sim.Catalog
	if aff == "" {
		s.writeError(w, r, fail(http.StatusBadRequest, "affiliate", "the hoplink names no affiliate: /hop?affiliate=AFF&vendor=VEN (known affiliates: %s)", strings.Join(slices.Sorted(maps.Keys(c.Affiliates)), ", ")))
		return
	}
	if ven == "" {
		s.writeError(w, r, fail(http.StatusBadRequest, "vendor", "the hoplink names no vendor: /hop?affiliate=AFF&vendor=VEN (known vendors: %s)", strings.Join(slices.Sorted(maps.Keys(c.Vendors)), ", ")))
		return
	}
	if _, ok := c.Affiliates[aff]; !ok {
		s.writeError(w, r, fail(http.StatusNotFound, "affiliate", "unknown affiliate %q (known: %s)", aff, strings.Join(slices.Sorted(maps.Keys(c.Affiliates)), ", ")))
		return
	}
	if _, ok := c.Vendors[ven]; !ok {
		s.writeError(w, r, fail(http.StatusNotFound, "vendor", "unknown vendor %q (known: %s)", ven, strings.Join(slices.Sorted(maps.Keys(c.Vendors)), ", ")))
		return
	}
	page := first(q, "cbpage", "pid")
	if err := checkPageName(page); err != nil {
		s.writeError(w, r, fail(http.StatusBadRequest, "cbpage", "%v", err))
		return
	}
	tracking, err := s.trackingOf(q)
	if err != nil {
		s.writeError(w, r, err)
		return
	}

	seed := s.nextSeed()
	h := &hop{ID: ids.UUID(simulator.NewRand(seed)), Affiliate: aff, Vendor: ven, Tracking: tracking, UserAgent: r.UserAgent(), At: s.now()}
	var notes []simulator.Note
	if raw := q.Get("tid"); raw != "" {
		tid, err := ids.NormalizeTID(raw, s.rule)
		switch {
		case err != nil:
			notes = append(notes, simulator.Note{Kind: simulator.TIDDropped, Text: fmt.Sprintf("tid dropped at hop %s (affiliate %s, vendor %s): %v", h.ID, aff, ven, err)})
		case tid != raw:
			notes = append(notes, simulator.Note{Kind: simulator.TIDChanged, Text: fmt.Sprintf("tid changed at hop %s by the %s rule: %q became %q", h.ID, s.rule, raw, tid)})
		}
		h.TID = tid
	}
	s.mu.Lock()
	// A new hop replaces the buyer's earlier one to the vendor; it is
	// worth a note when the referral changes hands or TID.
	if old, ok := s.hops.get(hopCookie(r, ven)); ok && old.Vendor == ven && !s.expired(old, h.At) && (old.Affiliate != aff || old.TID != h.TID) {
		notes = append(notes, simulator.Note{Kind: simulator.HopReplaced, Text: fmt.Sprintf("hop %s (affiliate %s, tid %q) replaces hop %s (affiliate %s, tid %q) to vendor %s: the last hop wins the referral",
			h.ID, aff, h.TID, old.ID, old.Affiliate, old.TID, ven)})
	}
	s.hops.put(h.ID, h)
	s.mu.Unlock()
	s.journal(notes...)
	s.log.Info("storefront hop", "hop", h.ID, "affiliate", aff, "vendor", ven, "tid", h.TID, "seed", seed)

	// The vendor's page gets hopId, the affiliate, the TID as kept, the
	// tracking parameters and every parameter ClickBank does not read
	// (docs/clickbank.md §3).
	next := url.Values{}
	for name, vs := range q {
		if !slices.Contains(hopParams, name) && !s.tracking[name] {
			next[name] = vs
		}
	}
	for name, v := range tracking {
		next.Set(name, v)
	}
	next.Set("hopId", h.ID)
	next.Set("affiliate", aff)
	if h.TID != "" {
		next.Set("tid", h.TID)
	}
	setHopCookie(w, host, ven, h.ID, s.window)
	loc := "/vendor/" + url.PathEscape(ven) + "/" + url.PathEscape(page) + "?" + next.Encode()
	w.Header().Set("Location", loc)
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusFound)
}

// trackingOf returns the affiliate tracking parameters of a hoplink's
// query (docs/clickbank.md §3), each checked by simulator.ValidateTracking:
// a bad one is a 400 naming it.
func (s *Store) trackingOf(q url.Values) (map[string]string, error) {
	var out map[string]string
	names := slices.Sorted(maps.Keys(q))
	for _, name := range names {
		if !s.tracking[name] {
			continue
		}
		v := q.Get(name)
		if err := simulator.ValidateTracking(map[string]string{name: v}); err != nil {
			return nil, fail(http.StatusBadRequest, name, "tracking parameter %v", err)
		}
		if out == nil {
			out = map[string]string{}
		}
		out[name] = v
	}
	return out, nil
}

// expired reports whether h is older than the referral window at now.
func (s *Store) expired(h *hop, now time.Time) bool { return now.Sub(h.At) > s.window }

// checkPageName checks a cbpage: up to 50 letters, digits, '-' and '_',
// not a page of cbsim's own (upsell, thanks) [choice].
func checkPageName(p string) error {
	if len(p) > 50 {
		return fmt.Errorf("cbpage is %d characters, at most 50 are allowed", len(p))
	}
	for i := 0; i < len(p); i++ {
		if c := p[i]; !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return fmt.Errorf("cbpage %q has %q at position %d, only letters, digits, - and _ are allowed", p, c, i+1)
		}
	}
	if p == upsellPath || p == thanksPath {
		return fmt.Errorf("cbpage %q is reserved for cbsim's own pages (upsell, thanks)", p)
	}
	return nil
}

// first returns the first non-empty value of the named parameters.
func first(q url.Values, names ...string) string {
	for _, n := range names {
		if v := q.Get(n); v != "" {
			return v
		}
	}
	return ""
}
