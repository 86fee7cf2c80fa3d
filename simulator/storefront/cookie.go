package storefront

import (
	"net/http"
	"time"
)

// cookiePrefix begins the name of the hop cookie, one per vendor
// ("cbhop_ven01"), whose value is the hop id. ClickBank sets a cookie at
// the hop that names the affiliate (http://clickbanknoobs.com/how-a-clickbank-transaction-takes-place/ [likely]);
// its name and shape are not public, so these are cbsim's [choice]. One
// cookie per vendor makes the last hop to a vendor win its referral
// ("the commission is awarded to the last affiliate who referred the
// customer to that particular vendor", ClickBank's Hoplink FAQ quoted at
// http://www.envirosaver.com/topchoice/id13.html [likely]).
const cookiePrefix = "cbhop_"

// cookieName is the hop cookie of vendor ven.
func cookieName(ven string) string { return cookiePrefix + ven }

// setHopCookie sets the hop cookie of ven to hopID for the window: for the
// whole clickbank.net domain when the request came to a ClickBank host
// (so that VEN.pay.clickbank.net reads what hop.clickbank.net set), else
// host-only on the host the request came to.
func setHopCookie(w http.ResponseWriter, host requestHost, ven, hopID string, window time.Duration) {
	c := &http.Cookie{
		Name:     cookieName(ven),
		Value:    hopID,
		Path:     "/",
		MaxAge:   int(window / time.Second),
		HttpOnly: true,
		SameSite: http.SameSiteLaxMode,
	}
	if IsClickBankHost(host.name) {
		c.Domain = "clickbank.net"
	}
	http.SetCookie(w, c)
}

// hopCookie returns the hop id the request's hop cookie of ven names, ""
// without one.
func hopCookie(r *http.Request, ven string) string {
	c, err := r.Cookie(cookieName(ven))
	if err != nil {
		return ""
	}
	return c.Value
}
