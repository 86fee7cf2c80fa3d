package faketracker

import (
	"net/http"
	"net/url"
	"strings"
)

// voluumIDChars are the characters after the first of a fake Voluum click
// id. The documented examples are 24 or 26 characters, a lower-case letter
// then upper-case letters and digits: c384EFV6JHQODRN70575OK6UG5
// (https://doc.voluum.com/en/upselling.html), w2NL3V3S27I4FV9MHIQSQTD5
// (https://doc.voluum.com/en/scale_up_step3.html). The exact alphabet and
// length are UNCONFIRMED; the fake makes 24 characters in that shape.
const voluumIDChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

// voluumClickIDLen is the length of a fake Voluum click id.
const voluumClickIDLen = 24

// handleVisit records a visit of the campaign the path names and redirects
// to its offer URL.
//
//   - The campaign URL is the tracking domain followed by the campaign id,
//     {URL}/{ID}: UNCONFIRMED (the pages read show campaign URLs only in
//     the product). An unknown campaign answers 404 (UNCONFIRMED).
//   - Each visit gets a new click id, which replaces {clickid} in the
//     offer URL ("During each campaign visit, a unique click ID is added
//     to the offer URL",
//     https://doc.voluum.com/article/parameters-in-postback-urls). The
//     value is put in as it is: it needs no escaping.
//   - The answer is a 302 (the redirect mode; UNCONFIRMED which is the
//     default). The visitor's address is the first X-Forwarded-For entry,
//     else the peer's; the fake filters no visit (bot filtering is not
//     modelled).
func (v *Voluum) handleVisit(w http.ResponseWriter, r *http.Request) {
	id := strings.TrimPrefix(r.URL.Path, "/")
	v.mu.Lock()
	defer v.mu.Unlock()
	camp, ok := v.campaigns[id]
	if !ok || r.Method != http.MethodGet && r.Method != http.MethodHead {
		http.NotFound(w, r)
		return
	}
	clickID, err := v.newClickID()
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	ip := remoteIP(r)
	if xff, ok := serverVar(r, "X-Forwarded-For"); ok {
		ip = strings.TrimSpace(strings.Split(xff, ",")[0])
	}
	v.visits[clickID] = &voluumVisit{clickID: clickID, campaign: camp, ip: ip, at: v.opts.Now()}
	w.Header().Set("Location", strings.ReplaceAll(camp.OfferURL, "{clickid}", url.QueryEscape(clickID)))
	w.WriteHeader(http.StatusFound)
}

// newClickID draws a click id no visit has.
func (v *Voluum) newClickID() (string, error) {
	for {
		b := make([]byte, voluumClickIDLen)
		first, err := randIntn(v.opts.Rand, 26)
		if err != nil {
			return "", err
		}
		b[0] = byte('a' + first)
		for i := 1; i < len(b); i++ {
			n, err := randIntn(v.opts.Rand, int64(len(voluumIDChars)))
			if err != nil {
				return "", err
			}
			b[i] = voluumIDChars[n]
		}
		if _, taken := v.visits[string(b)]; !taken {
			return string(b), nil
		}
	}
}
