package storefront

import (
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

// TestErrorPages: every refusal is an HTML page with the right status
// naming the parameter at fault.
func TestErrorPages(t *testing.T) {
	w := newWorld(t, Options{})
	// an order to post bad forms and answers to
	b := w.buyer(t, "")
	f := b.get(w.srv.URL + "/pay/ven01?cbitems=KETO-FE")
	_, fields := form(t, f.body, "order-form")
	token := fields.Get("cbsess")
	good := url.Values{"cbitems": {"KETO-FE"}, "cbsess": {token}, "name": {"A"}, "email": {"a@example.com"}, "card_number": {"4242424242424242"},
		"expiry": {"12/30"}, "cvv": {"123"}, "country": {"US"}, "state": {"CA"}, "zip": {"90210"}}
	with := func(k, v string) string {
		f := url.Values{}
		for kk, vv := range good {
			f[kk] = vv
		}
		f.Set(k, v)
		return f.Encode()
	}
	for _, tc := range []struct {
		name, method, target, body string
		status                     int
		param                      string
	}{
		{"hop without affiliate", "GET", "/hop?vendor=ven01", "", 400, "affiliate"},
		{"hop without vendor", "GET", "/hop?affiliate=aff01", "", 400, "vendor"},
		{"hop unknown affiliate", "GET", "/hop?affiliate=nobody&vendor=ven01", "", 404, "affiliate"},
		{"hop unknown vendor", "GET", "/hop?affiliate=aff01&vendor=nobody", "", 404, "vendor"},
		{"hop bad tracking value", "GET", "/hop?affiliate=aff01&vendor=ven01&aff_sub1=a%3Cb", "", 400, "aff_sub1"},
		{"hop overlong tracking value", "GET", "/hop?affiliate=aff01&vendor=ven01&traffic_source=" + strings.Repeat("x", 300), "", 400, "traffic_source"},
		{"hop bad cbpage", "GET", "/hop?affiliate=aff01&vendor=ven01&cbpage=a/b", "", 400, "cbpage"},
		{"hop reserved cbpage", "GET", "/hop?affiliate=aff01&vendor=ven01&cbpage=thanks", "", 400, "cbpage"},
		{"hop POST", "POST", "/hop?affiliate=aff01&vendor=ven01", "", 405, ""},
		{"sales page unknown vendor", "GET", "/vendor/nobody/", "", 404, "vendor"},
		{"no such vendor path", "GET", "/vendor/ven01/a/b/c", "", 404, ""},
		{"pay unknown vendor", "GET", "/pay/nobody?cbitems=KETO-FE", "", 404, "vendor"},
		{"pay without cbitems", "GET", "/pay/ven01", "", 400, "cbitems"},
		{"pay unknown item", "GET", "/pay/ven01?cbitems=NOPE", "", 404, "cbitems"},
		{"pay another vendor's item", "GET", "/pay/ven01?cbitems=FIT-FE", "", 404, "cbitems"},
		{"pay several items", "GET", "/pay/ven01?cbitems=KETO-FE,KETO-UP1", "", 400, "cbitems"},
		{"pay bad vtid", "GET", "/pay/ven01?cbitems=KETO-FE&vtid=a__b", "", 400, "vtid"},
		{"pay bad cbfid", "GET", "/pay/ven01?cbitems=KETO-FE&cbfid=x1", "", 400, "cbfid"},
		{"pay bad country", "GET", "/pay/ven01?cbitems=KETO-FE&country=USA", "", 400, "country"},
		{"pay bad zipcode", "GET", "/pay/ven01?cbitems=KETO-FE&zipcode=%3Cscript%3E", "", 400, "zipcode"},
		{"pay GET with cbur", "GET", "/pay/ven01?cbitems=KETO-UP1&cbur=a", "", 405, "cbur"},
		{"pay PUT", "PUT", "/pay/ven01?cbitems=KETO-FE", "", 405, ""},
		{"pay HEAD", "HEAD", "/pay/ven01?cbitems=KETO-FE", "", 405, ""},
		{"hop HEAD", "HEAD", "/hop?affiliate=aff01&vendor=ven01", "", 405, ""},
		{"form without cbsess", "POST", "/pay/ven01?cbitems=KETO-FE", "name=A", 400, "cbsess"},
		{"form unknown cbsess", "POST", "/pay/ven01?cbitems=KETO-FE", with("cbsess", "nope"), 404, "cbsess"},
		{"form other vendor", "POST", "/pay/ven02?cbitems=FIT-FE", with("cbitems", "FIT-FE"), 400, "cbsess"},
		{"form other item", "POST", "/pay/ven01?cbitems=KETO-FE", with("cbitems", "KETO-UP1"), 400, "cbitems"},
		{"form no name", "POST", "/pay/ven01", with("name", ""), 400, "name"},
		{"form bad email", "POST", "/pay/ven01", with("email", "ann"), 400, "email"},
		{"form bad card", "POST", "/pay/ven01", with("card_number", "4242424242424241"), 400, "card_number"},
		{"form short card", "POST", "/pay/ven01", with("card_number", "4242"), 400, "card_number"},
		{"form expired", "POST", "/pay/ven01", with("expiry", "01/26"), 400, "expiry"},
		{"form bad expiry", "POST", "/pay/ven01", with("expiry", "13/30"), 400, "expiry"},
		{"form bad cvv", "POST", "/pay/ven01", with("cvv", "12a"), 400, "cvv"},
		{"form bad country", "POST", "/pay/ven01", with("country", "1X"), 400, "country"},
		{"form no zip", "POST", "/pay/ven01", with("zip", ""), 400, "zip"},
		{"answer before purchase", "POST", "/pay/ven01", "cbur=a&cbsess=" + token + "&cbitems=KETO-UP1&step=1", 409, "cbsess"},
		{"answer bad cbur", "POST", "/pay/ven01", "cbur=x&cbsess=" + token, 400, "cbur"},
		{"upsell page unknown order", "GET", "/vendor/ven01/upsell/1?cbsess=nope", "", 404, "cbsess"},
		{"upsell page without order", "GET", "/vendor/ven01/upsell/1", "", 400, "cbsess"},
		{"upsell page before purchase", "GET", "/vendor/ven01/upsell/1?cbsess=" + token, "", 409, "cbsess"},
		{"thanks before purchase", "GET", "/vendor/ven01/thanks?cbsess=" + token, "", 409, "cbsess"},
		{"bad upsell number", "GET", "/vendor/ven01/upsell/x?cbsess=" + token, "", 404, ""},
		{"no such page", "GET", "/pay/ven01/x", "", 404, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var body io.Reader
			if tc.body != "" {
				body = strings.NewReader(tc.body)
			}
			req, err := http.NewRequest(tc.method, w.srv.URL+tc.target, body)
			if err != nil {
				t.Fatal(err)
			}
			if body != nil {
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			}
			res, err := noFollow().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			page, _ := io.ReadAll(res.Body)
			status, param := errorOf(string(page))
			if tc.method == http.MethodHead { // no body to read
				status, param = strconv.Itoa(res.StatusCode), tc.param
			}
			if res.StatusCode != tc.status || status != strconv.Itoa(tc.status) || param != tc.param {
				t.Errorf("%s %s: %d, page says status %s param %q; want %d naming %q\n%s", tc.method, tc.target, res.StatusCode, status, param, tc.status, tc.param, page)
			}
			if ct := res.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
				t.Errorf("Content-Type %q, want an HTML page", ct)
			}
		})
	}
	// The bad forms above bought nothing: the order is still open.
	if ven := w.rc.of("/ven"); len(ven) != 1 {
		t.Errorf("vendor postbacks %d, want the one impression", len(ven))
	}
}
