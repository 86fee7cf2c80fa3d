package profile

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// postTo sends a postback to srv or fails the test.
func postTo(t *testing.T, tr *Tracker, fields map[string]string) int {
	t.Helper()
	u, _ := tr.PostbackURL(fields)
	status, _, err := tr.postback(context.Background(), u)
	if err != nil {
		t.Fatal(err)
	}
	return status
}

// TestReadHTTP: the reader follows offset paging past the server's own
// page cap, filters by click id, maps fields, values and params, and
// reads money exactly.
func TestReadHTTP(t *testing.T) {
	srv := newTestTracker(t, "k1")
	ctx := context.Background()
	tr := mustBind(t, mustParse(t, testProfile), Config{TrackerURL: srv.URL, Set: map[string]string{"key": "k1"},
		Campaigns: map[string]string{RoleAffiliate: "a", RoleVendor: "v"}, HTTPClient: srv.Client()})
	a, err := tr.Click(ctx, RoleAffiliate)
	if err != nil {
		t.Fatal(err)
	}
	b, err := tr.Click(ctx, RoleAffiliate)
	if err != nil {
		t.Fatal(err)
	}
	for i, sum := range []string{"45.75", "0.1", "19.00", "7", "0.07"} {
		postTo(t, tr, map[string]string{FieldClickID: a.ID, FieldSum: sum, FieldTransactionID: fmt.Sprint("R", i), FieldStatus: "ok"})
		postTo(t, tr, map[string]string{FieldClickID: b.ID, FieldSum: "1"})
	}
	if s := postTo(t, tr, map[string]string{FieldClickID: "nope"}); !tr.Refused(s, nil) {
		t.Errorf("unknown click answered %d, not refused", s)
	}
	srv.pages = 0
	got, err := tr.Conversions(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	wantCents := []int64{4575, 10, 1900, 700, 7}
	if len(got) != len(wantCents) {
		t.Fatalf("%d conversions, want %d: %+v", len(got), len(wantCents), got)
	}
	for i, c := range got {
		if c.ClickID != a.ID || c.Payout != wantCents[i] || c.TransactionID != fmt.Sprint("R", i) || c.Status != "approved" {
			t.Errorf("conversion %d = %+v", i, c)
		}
		if c.Params["zip"] != "" || len(c.Params) != 0 {
			t.Errorf("conversion %d params = %v; empty values are left out", i, c.Params)
		}
		if c.Raw["amount"] == "" || c.Raw["click"] != fmt.Sprintf(`{"id":%q}`, a.ID) {
			t.Errorf("conversion %d raw = %v", i, c.Raw)
		}
	}
	if srv.pages != 4 { // 10 rows at the server's 3 a page
		t.Errorf("%d pages read, want 4", srv.pages)
	}
}

// TestReadHTTPErrors: a refused key, a wrong list path, too many pages
// and a payout past the cent are errors saying what to change, and never
// show the secret.
func TestReadHTTPErrors(t *testing.T) {
	srv := newTestTracker(t, "good")
	ctx := context.Background()
	bind := func(profile, key string) *Tracker {
		return mustBind(t, mustParse(t, profile), Config{TrackerURL: srv.URL, Set: map[string]string{"key": key},
			Campaigns: map[string]string{RoleAffiliate: "a", RoleVendor: "v"}, HTTPClient: srv.Client()})
	}
	ok := bind(testProfile, "good")
	c, err := ok.Click(ctx, RoleAffiliate)
	if err != nil {
		t.Fatal(err)
	}
	for range 7 {
		postTo(t, ok, map[string]string{FieldClickID: c.ID, FieldSum: "12.345"})
	}
	tests := []struct {
		name, profile, key string
		want, fix          string
	}{
		{"refused key", testProfile, "wrong-key-123", "api key refused (HTTP 401)", "check the API key"},
		{"list path", strings.Replace(testProfile, "list: data", "list: items", 1), "good", `the reply has no "items"`, "set list:"},
		{"list not an array", strings.Replace(testProfile, "list: data", "list: meta", 1), "good", `the reply's "meta" is not an array`, "set list:"},
		{"page cap", strings.Replace(testProfile, "page_size: 3}", "page_size: 3, max_pages: 2}", 1), "good", "more than 2 pages", "max_pages"},
		{"past the cent", testProfile, "good", "12.345 has a digit past the cent", "rounding"},
		{"field missing", strings.Replace(testProfile, "click.id, sum: amount,", "click.id, sum: payout,", 1), "good", "no row has it: the row has no sum (mapped to payout); its fields: amount, click, extra, n, st, tx", "fields.sum"},
		{"click id missing", strings.Replace(testProfile, "{click_id: click.id,", "{click_id: clickid,", 1), "good", "row 1: the row has no click_id (mapped to clickid)", "fields.click_id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := bind(tt.profile, tt.key).Conversions(ctx, c.ID)
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(fixOf(err, ""), tt.fix) {
				t.Errorf("Conversions = %v (fix %q); want %q, fix %q", err, fixOf(err, ""), tt.want, tt.fix)
			}
			if err != nil && strings.Contains(err.Error(), tt.key) && tt.key != "good" {
				t.Errorf("the error shows the key: %v", err)
			}
		})
	}
	half := bind(strings.Replace(testProfile, "params_from: extra", "params_from: extra\n      rounding: half_up", 1), "good")
	cs, err := half.Conversions(ctx, c.ID)
	if err != nil || len(cs) != 7 || cs[0].Payout != 1235 {
		t.Errorf("half_up: %+v, %v", cs, err)
	}
	none := mustBind(t, mustParse(t, minimal), Config{TrackerURL: srv.URL, Campaigns: map[string]string{RoleAffiliate: "a", RoleVendor: "v"}})
	if _, err := none.Conversions(ctx, "x"); !errors.Is(err, ErrNotSupported) {
		t.Errorf("Conversions without a reader = %v", err)
	}
	if _, err := none.ClickKept(ctx, "x"); !errors.Is(err, ErrNotSupported) {
		t.Errorf("ClickKept without a reader = %v", err)
	}
}

// TestReadHTTPQuery: the window, the click id, query auth and page
// paging reach the server; cents come as cents; POST bodies are sent.
func TestReadHTTPQuery(t *testing.T) {
	var mu sync.Mutex
	var seen []url.Values
	var bodies []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		seen = append(seen, r.URL.Query())
		b := make([]byte, 1024)
		n, _ := r.Body.Read(b)
		bodies = append(bodies, string(b[:n]))
		if r.URL.Query().Get("key") != "K" {
			w.WriteHeader(http.StatusForbidden)
			return
		}
		switch r.URL.Query().Get("p") {
		case "1":
			fmt.Fprint(w, `{"rows":[{"cid":"x","cents":1234,"kind":"Upsell"},{"cid":"y","cents":"5"}]}`)
		case "2":
			fmt.Fprint(w, `{"rows":[{"cid":"x","cents":1e2,"kind":null}]}`)
		default:
			fmt.Fprint(w, `{"rows":[]}`)
		}
	}))
	t.Cleanup(srv.Close)
	profile := minimal + `settings:
  key: {doc: k, secret: true}
read:
  conversions:
    http:
      url: "{api}/r?cid={click_id}"
      method: POST
      body: '{"from":"{date_from}","click":"{click_id}"}'
      auth: {query: key, value: "{key}"}
      query: {df: "{date_from}", dt: "{date_to}", tf: "{time_from}", tt: "{time_to}"}
      paging: {style: page, page_param: p, size_param: per, page_size: 2, first_page: 1}
      list: rows
      fields: {click_id: cid, sum: cents, type: kind}
      money: cents
`
	now := time.Date(2026, 3, 10, 15, 0, 0, 0, time.UTC)
	tr := mustBind(t, mustParse(t, profile), Config{TrackerURL: "http://unused.example", APIURL: srv.URL, Set: map[string]string{"key": "K"},
		Campaigns: map[string]string{RoleAffiliate: "a", RoleVendor: "v"}, EventTime: time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC), Now: func() time.Time { return now }})
	cs, err := tr.Conversions(context.Background(), `x&y`)
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 0 {
		t.Errorf("rows of other click ids kept: %+v", cs)
	}
	cs, err = tr.Conversions(context.Background(), "x")
	if err != nil || len(cs) != 2 || cs[0].Payout != 1234 || cs[0].Type != "Upsell" || cs[1].Payout != 100 || cs[1].Type != "" {
		t.Fatalf("Conversions = %+v, %v", cs, err)
	}
	q := seen[0]
	if q.Get("cid") != "x&y" || q.Get("df") != "2026-01-14" || q.Get("dt") != "2026-03-11" || q.Get("tf") != "1768392000" || q.Get("p") != "1" || q.Get("per") != "2" {
		t.Errorf("first request's query = %v", q)
	}
	if len(seen) != 4 || seen[3].Get("p") != "2" {
		t.Errorf("requests = %v; want pages 1, 2 (short: stop) twice", seen)
	}
	if bodies[0] != `{"from":"2026-01-14","click":"x\u0026y"}` && bodies[0] != `{"from":"2026-01-14","click":"x&y"}` {
		t.Errorf("body = %s", bodies[0])
	}
}

// TestReadDoesNotFollowRedirects: a reporting API that redirects is an
// error saying so; the API key never reaches the host redirected to.
func TestReadDoesNotFollowRedirects(t *testing.T) {
	var leaked sync.Map
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		leaked.Store(r.Header.Get("Authorization"), true)
		fmt.Fprint(w, `{"data":[]}`)
	}))
	defer other.Close()
	redirector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+r.URL.RequestURI(), http.StatusTemporaryRedirect)
	}))
	defer redirector.Close()
	tr := mustBind(t, mustParse(t, testProfile), Config{TrackerURL: redirector.URL, Set: map[string]string{"key": "k1-secret"},
		Campaigns: map[string]string{RoleAffiliate: "a", RoleVendor: "v"}})
	_, err := tr.Conversions(context.Background(), "c1")
	if err == nil || !strings.Contains(err.Error(), "307") || !strings.Contains(fixOf(err, ""), "does not follow a redirect") {
		t.Errorf("Conversions through a redirect: %v (fix %q); want an error naming the 307, and a fix about the redirect", err, fixOf(err, ""))
	}
	leaked.Range(func(k, _ any) bool {
		t.Errorf("the host redirected to got Authorization %q", k)
		return true
	})
}

// TestDefaultClientTimesOut: without a client of the caller's, requests
// give up after DefaultTimeout instead of hanging on a silent tracker.
func TestDefaultClientTimesOut(t *testing.T) {
	tr := mustBind(t, mustParse(t, testProfile), Config{TrackerURL: "http://127.0.0.1:1", Set: map[string]string{"key": "k"},
		Campaigns: map[string]string{RoleAffiliate: "a", RoleVendor: "v"}})
	if tr.hc.Timeout != DefaultTimeout || tr.noFollow.Timeout != DefaultTimeout {
		t.Errorf("default client timeouts %v and %v, want %v", tr.hc.Timeout, tr.noFollow.Timeout, DefaultTimeout)
	}
}
