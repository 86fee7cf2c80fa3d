package storefront

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/cbsim/cbsim/simulator"
)

// FuzzStore sends garbage requests (any method, host, target and form
// body, with or without a hop cookie) to a store: it must answer every
// one with a status and never panic. The seed corpus walks the real pages
// too, so the fuzzer mutates requests that reach deep handlers.
func FuzzStore(f *testing.F) {
	c, _, err := simulator.LoadDefaults()
	if err != nil {
		f.Fatal(err)
	}
	sim := simulator.New(c, nil) // no integrations: nothing is sent
	sim.Clock = &simulator.Clock{Base: func() time.Time { return epoch }}
	s := New(sim, Options{MaxHops: 50, MaxOrders: 50})
	// an order that exists, so that forms naming it reach the checks
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/pay/ven01?cbitems=KETO-FE", nil))
	_, fields := form(f, rec.Body.String(), "order-form")
	token := fields.Get("cbsess")

	for _, seed := range []struct{ method, host, target, body, cookie string }{
		{"GET", "127.0.0.1", "/hop?affiliate=aff01&vendor=ven01&tid=abc&aff_sub1=x&cbpage=p", "", ""},
		{"GET", "aff01.ven01.hop.localhost", "/?tid=A_B", "", ""},
		{"GET", "hop.clickbank.net", "/?affiliate=aff02&vendor=ven02", "", ""},
		{"GET", "ven01.pay.clickbank.net", "/?cbitems=KETO-FE&vtid=v&country=us&zipcode=1", "", "x"},
		{"GET", "keto-fe.ven01.pay.localhost", "/", "", ""},
		{"POST", "127.0.0.1", "/pay/ven01", "cbsess=" + token + "&name=A&email=a@b.c&card_number=4111111111111111&expiry=01/30&cvv=123&country=US&zip=1", ""},
		{"POST", "127.0.0.1", "/pay/ven01", "cbur=a&step=1&cbitems=KETO-UP1&cbsess=" + token, ""},
		{"GET", "127.0.0.1", "/vendor/ven01/upsell/1?cbsess=" + token, "", ""},
		{"GET", "127.0.0.1", "/vendor/ven01/thanks?cbsess=" + token, "", ""},
		{"GET", "127.0.0.1", "/vendor/VEN01/%zz", "", ""},
		{"OPTIONS", "[::1]:80", "/pay/", "%%%", ""},
	} {
		f.Add(seed.method, seed.host, seed.target, seed.body, seed.cookie)
	}
	f.Fuzz(func(t *testing.T, method, host, target, body, cookie string) {
		if !strings.HasPrefix(target, "/") {
			target = "/" + target
		}
		req, err := http.NewRequest(method, "http://x"+target, strings.NewReader(body))
		if err != nil {
			return // not a request net/http would hand a handler
		}
		req.Host = host
		req.RequestURI = target
		if method == http.MethodPost {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		if cookie != "" {
			req.Header.Set("Cookie", "cbhop_ven01="+cookie)
		}
		rec := httptest.NewRecorder()
		s.Handles(req)
		s.ServeHTTP(rec, req)
		if rec.Code < 200 || rec.Code > 599 {
			t.Fatalf("%s %s%s: status %d", method, host, target, rec.Code)
		}
		if rec.Code >= 400 && !strings.Contains(rec.Body.String(), `id="error"`) {
			t.Fatalf("%s %s%s: %d without an error page:\n%s", method, host, target, rec.Code, rec.Body)
		}
	})
}
