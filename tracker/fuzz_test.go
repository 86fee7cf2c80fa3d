package tracker

import (
	"encoding/json"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

// The fuzz targets drive the tracker through its Handler, in process: no
// listener, no network.

const fuzzKey = "fuzzkey"

// fuzzNow is the tracker's clock in the fuzz targets.
var fuzzNow = time.Date(2026, 3, 14, 12, 0, 0, 0, time.UTC)

// fuzzTracker opens an in-memory tracker with the campaign "camp".
func fuzzTracker(f *testing.F) *Tracker {
	tr, err := Open(Config{APIKey: fuzzKey, Now: func() time.Time { return fuzzNow },
		Campaigns: []Campaign{{Name: "camp", OfferURL: "http://127.0.0.1:1/offer?tid={clickid}"}}})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { tr.Close() })
	return tr
}

// serve sends one request to tr's handler and decodes the JSON reply; a
// reply of another status than allowed, or not one JSON value, fails.
func serve(t testing.TB, tr *Tracker, method, target string, body string, v any) int {
	t.Helper()
	w := httptest.NewRecorder()
	r := httptest.NewRequest(method, "http://tracker.test/", strings.NewReader(body))
	r.URL.RawQuery = ""
	if path, q, ok := strings.Cut(target, "?"); ok {
		r.URL.Path, r.URL.RawQuery = path, q
	} else {
		r.URL.Path = target
	}
	tr.Handler().ServeHTTP(w, r)
	if w.Code >= 500 {
		t.Fatalf("%s %s %q: status %d: %s", method, target, body, w.Code, w.Body)
	}
	if v == nil {
		var any any
		v = &any
	}
	if err := json.Unmarshal(w.Body.Bytes(), v); err != nil {
		t.Fatalf("%s %s: reply %q is not the expected JSON: %v", method, target, w.Body, err)
	}
	if w.Code >= 400 {
		var e errorBody
		if json.Unmarshal(w.Body.Bytes(), &e); e.Error == "" {
			t.Fatalf("%s %s: status %d without an error: %s", method, target, w.Code, w.Body)
		}
	}
	return w.Code
}

// newClick makes a click on "camp" and returns its id.
func newClick(t testing.TB, tr *Tracker) string {
	t.Helper()
	var out struct{ ClickID string }
	if code := serve(t, tr, "GET", "/camp?format=json", "", &out); code != 200 || out.ClickID == "" {
		t.Fatalf("click: %d %+v", code, out)
	}
	return out.ClickID
}

// exactCents is s, a decimal, in cents rounded half up; ok is false
// when s is not digits[.digits].
func exactCents(s string) (*big.Int, bool) {
	whole, frac, hasDot := strings.Cut(s, ".")
	if whole == "" || hasDot && frac == "" || strings.Trim(whole+frac, "0123456789") != "" {
		return nil, false
	}
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		return nil, false
	}
	r.Mul(r, big.NewRat(100, 1)).Add(r, big.NewRat(1, 2))
	return new(big.Int).Quo(r.Num(), r.Denom()), true
}

// FuzzParseCents: parseCents reads exactly the non-negative decimals, in
// cents rounded half up, below maxCents; formatCents writes what it reads
// back.
func FuzzParseCents(f *testing.F) {
	for _, s := range []string{"0", "12", "12.5", "45.75", "007.10", "0.125", "0.124", "0.999", "99999999999.99", "99999999999.995",
		"100000000000", "", "-1", "+1", "1e3", "1,50", ".5", "5.", "1.2.3", "abc", " 1", "1 ", "０"} {
		f.Add(s, int64(0))
	}
	f.Add("", int64(maxCents-1))
	f.Add("", int64(-5))
	f.Fuzz(func(t *testing.T, s string, c int64) {
		got, err := parseCents(s)
		want, isDecimal := exactCents(s)
		switch {
		case err == nil && !isDecimal:
			t.Fatalf("parseCents(%q) = %d; want an error", s, got)
		case err == nil && (got < 0 || got >= maxCents || want.Cmp(big.NewInt(got)) != 0):
			t.Fatalf("parseCents(%q) = %d; want %s (half up), below %d", s, got, want, int64(maxCents))
		case err != nil && isDecimal && want.Cmp(big.NewInt(maxCents)) < 0:
			t.Fatalf("parseCents(%q): %v; want %s", s, err, want)
		}
		if c >= 0 && c < maxCents {
			if back, err := parseCents(formatCents(c)); err != nil || back != c {
				t.Fatalf("parseCents(formatCents(%d) = %q) = %d, %v", c, formatCents(c), back, err)
			}
		}
	})
}

// FuzzPostback: whatever its sum, currency, status, type and further
// parameters, a postback on a fresh click is answered without a 5xx; an
// accepted one is recorded with the sum in cents (half up), an upper-case
// 3-letter currency, one of the four statuses and a configured type, as
// sent.
func FuzzPostback(f *testing.F) {
	tr := fuzzTracker(f)
	f.Add("45.75", "usd", "approved", "InitialPurchase", "eventid=ev-1&zip=90210")
	f.Add("", "", "", "", "")
	f.Add("0.125", "EUR", "pending", "UpsellPurchase", "order_id=A1&order=B2")
	f.Add("-1", "US", "paid", "initialpurchase", "")
	f.Add("1e3", "€", "declined", "Refund", "%zz")
	f.Add("99999999999.99", "gbp", "other", "OrderFormImpression", strings.Repeat("a", 200)+"=1")
	f.Add("12", "usd", "approved", "InitialPurchase", "ptoken=x&rdtk_event_id=e")
	f.Fuzz(func(t *testing.T, sum, currency, status, typ, extra string) {
		id := newClick(t, tr)
		q := url.Values{"clickid": {id}, "sum": {sum}, "currency": {currency}, "status": {status}, "type": {typ}}.Encode()
		if extra != "" {
			q += "&" + extra
		}
		var out struct {
			ConversionID string `json:"conversion_id"`
		}
		if serve(t, tr, "GET", "/postback?"+q, "", &out) != 200 {
			return
		}
		var log struct {
			Items []map[string]any
			Total int
		}
		if code := serve(t, tr, "GET", "/conversions?api_key="+fuzzKey+"&date_from=2026-03-14&date_to=2026-03-14&clickid="+id, "", &log); code != 200 || len(log.Items) == 0 {
			t.Fatalf("postback %s accepted but its click has no conversion: %d %+v", q, code, log)
		}
		c := log.Items[len(log.Items)-1]
		// The values actually received: what the query holds first.
		got, _ := url.ParseQuery(q)
		wantCents := int64(0)
		if s := got.Get("sum"); s != "" {
			w, ok := exactCents(s)
			if !ok || w.Cmp(big.NewInt(maxCents)) >= 0 {
				t.Fatalf("sum %q accepted", s)
			}
			wantCents = w.Int64()
		}
		if p, _ := c["payout"].(float64); int64(p*100+0.5) != wantCents {
			t.Fatalf("postback %s recorded payout %v, want %d cents", q, c["payout"], wantCents)
		}
		cur, _ := c["currency"].(string)
		if len(cur) != 3 || strings.Trim(cur, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" || (got.Get("currency") != "" && cur != strings.ToUpper(got.Get("currency"))) {
			t.Fatalf("postback %s recorded currency %q", q, cur)
		}
		if st, _ := c["status"].(string); !strings.Contains(" approved pending declined other ", " "+st+" ") || (got.Get("status") != "" && st != got.Get("status")) {
			t.Fatalf("postback %s recorded status %q", q, st)
		}
		if ty, _ := c["type"].(string); !tr.cfg.hasType(ty) || (got.Get("type") != "" && ty != got.Get("type")) {
			t.Fatalf("postback %s recorded type %q", q, ty)
		}
	})
}

// FuzzReportQuery: the reporting API's date range and page parameters
// either are refused with a 4xx or select exactly what they say: with
// three clicks and three conversions, all at fuzzNow, a range that holds
// that day totals three and one that does not totals zero, and a page
// holds the rows the page and per arithmetic leaves it.
func FuzzReportQuery(f *testing.F) {
	tr := fuzzTracker(f)
	for range 3 {
		id := newClick(f, tr)
		if code := serve(f, tr, "GET", "/postback?clickid="+id+"&sum=1", "", nil); code != 200 {
			f.Fatalf("postback: %d", code)
		}
	}
	f.Add("2026-03-14", "2026-03-14", "", "", uint8(0))
	f.Add("2026-03-01", "2026-03-31", "2", "2", uint8(1))
	f.Add("2026-03-15", "2026-03-20", "1", "10000", uint8(0))
	f.Add("2026-3-14", "2026-03-14", "0", "0", uint8(1))
	f.Add("2026-03-14", "2026-03-13", "-1", "10001", uint8(2))
	f.Add("", "", "x", "1.5", uint8(3))
	f.Add("2026-02-30", "2026-03-14", "1", "1", uint8(0))
	f.Fuzz(func(t *testing.T, from, to, pageS, perS string, which uint8) {
		path := []string{"/conversions", "/tracks", "/rejections", "/campaigns"}[which%4]
		q := url.Values{"api_key": {fuzzKey}, "date_from": {from}, "date_to": {to}}
		if pageS != "" {
			q.Set("page", pageS)
		}
		if perS != "" {
			q.Set("per", perS)
		}
		var raw json.RawMessage
		if serve(t, tr, "GET", path+"?"+q.Encode(), "", &raw) != 200 {
			return
		}
		page, per := int64(1), int64(DefaultPerPage)
		if pageS != "" {
			page = mustInt(t, "page", pageS)
		}
		if perS != "" {
			per = mustInt(t, "per", perS)
		}
		if page < 1 || per < 1 || per > MaxPerPage {
			t.Fatalf("%s?%s: page %d, per %d accepted", path, q.Encode(), page, per)
		}
		if path == "/rejections" || path == "/campaigns" {
			return
		}
		d0, err0 := time.Parse(time.DateOnly, from)
		d1, err1 := time.Parse(time.DateOnly, to)
		if err0 != nil || err1 != nil || d1.Before(d0) {
			t.Fatalf("%s?%s: dates accepted: %v, %v", path, q.Encode(), err0, err1)
		}
		var l struct {
			Items []json.RawMessage
			Total int64
		}
		if err := json.Unmarshal(raw, &l); err != nil {
			t.Fatal(err)
		}
		wantTotal := int64(0)
		if !fuzzNow.Before(d0) && fuzzNow.Before(d1.AddDate(0, 0, 1)) {
			wantTotal = 3
		}
		wantItems := int64(0)
		if skip := new(big.Int).Mul(big.NewInt(page-1), big.NewInt(per)); skip.Cmp(big.NewInt(wantTotal)) < 0 {
			wantItems = min(per, wantTotal-skip.Int64())
		}
		if l.Total != wantTotal || int64(len(l.Items)) != wantItems {
			t.Fatalf("%s?%s: total %d with %d items; want total %d with %d items", path, q.Encode(), l.Total, len(l.Items), wantTotal, wantItems)
		}
	})
}

func mustInt(t *testing.T, name, s string) int64 {
	t.Helper()
	n, ok := new(big.Int).SetString(s, 10)
	if !ok || !n.IsInt64() {
		t.Fatalf("%s %q accepted: not a whole number", name, s)
	}
	return n.Int64()
}

// FuzzCampaignJSON: a campaign body is created (201) only with a valid
// title and an absolute http(s) offer URL, and the reply is that campaign;
// anything else is a 4xx. ParseCampaign agrees on NAME=URL.
func FuzzCampaignJSON(f *testing.F) {
	tr := fuzzTracker(f)
	f.Add([]byte(`{"title":"spring-sale","cbsim":{"offer_url":"https://offer.example/p?tid={clickid}"}}`), false)
	f.Add([]byte(`{"name":"legacy_1","offer_url":"http://127.0.0.1:8700/hop?tid={clickid}"}`), true)
	for _, s := range []string{``, `{}`, `[]`, `null`, `{"title":"camp","cbsim":{"offer_url":"http://x/"}}`, `{"title":"postback","cbsim":{"offer_url":"http://x/"}}`,
		`{"title":"a b","cbsim":{"offer_url":"http://x/"}}`, `{"title":"ok","cbsim":{"offer_url":"ftp://x/"}}`, `{"title":"ok","cbsim":{"offer_url":"http:///x"}}`,
		`{"title":1}`, `{"title":"x"} trailing`, `{"title":"é","cbsim":{"offer_url":"http://x/"}}`} {
		f.Add([]byte(s), false)
	}
	f.Fuzz(func(t *testing.T, body []byte, legacy bool) {
		var in struct {
			Title string `json:"title"`
			Name  string `json:"name"`
			CBSim struct {
				OfferURL string `json:"offer_url"`
			} `json:"cbsim"`
			OfferURL string `json:"offer_url"`
		}
		path := "/campaigns"
		if legacy {
			path = "/api/campaigns"
		}
		var out map[string]any
		code := serve(t, tr, "POST", path+"?api_key="+fuzzKey, string(body), &out)
		if code != http.StatusCreated {
			return
		}
		if err := json.Unmarshal(body, &in); err != nil {
			t.Fatalf("POST %s %q: created from a body that is not JSON: %v", path, body, err)
		}
		name, offer, gotName := in.Title, in.CBSim.OfferURL, out["title"]
		if legacy {
			name, offer, gotName = in.Name, in.OfferURL, out["name"]
		}
		if gotName != name || out["id"] == "" {
			t.Fatalf("POST %s %q: reply %v, want the campaign %q with an id", path, body, out, name)
		}
		c := Campaign{Name: name, OfferURL: offer}
		if err := c.validate(); err != nil {
			t.Fatalf("POST %s %q: created an invalid campaign: %v", path, body, err)
		}
		if !strings.Contains(name, "=") {
			if p, err := ParseCampaign(name + "=" + offer); err != nil || p.Name != name || p.OfferURL != offer {
				t.Fatalf("ParseCampaign(%q) = %+v, %v; the API created it", name+"="+offer, p, err)
			}
		}
	})
}
