package storefront

import "net/http"

// Front is the buyer's side of ClickBank as cbsim serve serves it beside
// the control API (control.WithFront): the Store, and the Proxy that
// answers ClickBank's own host names through it.
type Front struct {
	Store *Store
	Proxy *Proxy
}

// NewFront returns the store and a proxy to it that signs with ca.
func NewFront(s *Store, ca *CA) *Front {
	return &Front{Store: s, Proxy: NewProxy(s, ca)}
}

// Handles reports whether r is the proxy's (a CONNECT, an absolute-form
// request, /proxy.pac, /ca.pem) or the store's.
func (f *Front) Handles(r *http.Request) bool {
	return f.Proxy.Handles(r) || f.Store.Handles(r)
}

// ServeHTTP sends r to the proxy or the store.
func (f *Front) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if f.Proxy.Handles(r) {
		f.Proxy.ServeHTTP(w, r)
		return
	}
	f.Store.ServeHTTP(w, r)
}

// Close closes the proxy's open tunnels.
func (f *Front) Close() error { return f.Proxy.Close() }
