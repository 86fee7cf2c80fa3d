package profile

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"sync"
	"testing"
)

// writeFile writes a test file.
func writeFile(path, data string) error { return os.WriteFile(path, []byte(data), 0o600) }

// testTracker is a small tracker written for these tests (not one of the
// fakes of real trackers): clicks at /c/{campaign} redirect to an offer
// URL with tid=<id>; postbacks at /pb?cid&amount&tx; conversions at
// /api/convs with a bearer key, offset/limit paging and {data, meta:
// {total}}. It records the requests' visitor headers.
type testTracker struct {
	*httptest.Server
	key string

	mu       sync.Mutex
	next     int
	clicks   map[string]bool
	convs    []map[string]any
	visitors []Visitor
	pages    int // conversion pages served
}

// newTestTracker starts a testTracker that accepts key.
func newTestTracker(t *testing.T, key string) *testTracker {
	tt := &testTracker{key: key, clicks: map[string]bool{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /c/{campaign}", func(w http.ResponseWriter, r *http.Request) {
		tt.mu.Lock()
		defer tt.mu.Unlock()
		tt.next++
		id := fmt.Sprintf("c%04d", tt.next)
		tt.clicks[id] = true
		tt.visitors = append(tt.visitors, Visitor{IP: r.Header.Get("X-Forwarded-For"), UserAgent: r.Header.Get("User-Agent")})
		switch r.PathValue("campaign") {
		case "json":
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprintf(w, `{"click":{"id":%q},"url":"https://offer.example/?tid=%s"}`, id, id)
		case "plain":
			fmt.Fprint(w, "<html>landing</html>")
		case "nomacro":
			http.Redirect(w, r, "https://offer.example/?tid=[[subid]]", http.StatusFound)
		default:
			http.Redirect(w, r, "https://offer.example/hop?x=1&tid="+id, http.StatusFound)
		}
	})
	mux.HandleFunc("GET /pb", func(w http.ResponseWriter, r *http.Request) {
		tt.mu.Lock()
		defer tt.mu.Unlock()
		q := r.URL.Query()
		if !tt.clicks[q.Get("cid")] {
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprint(w, `{"error":"no such click"}`)
			return
		}
		tt.convs = append(tt.convs, map[string]any{"click": map[string]any{"id": q.Get("cid")}, "amount": json.Number(orZero(q.Get("amount"))),
			"tx": q.Get("tx"), "st": q.Get("st"), "extra": map[string]any{"zip": q.Get("zip")}, "n": len(tt.convs) + 1})
		fmt.Fprint(w, "OK")
	})
	mux.HandleFunc("GET /api/convs", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+tt.key {
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprint(w, `{"error":"bad key `+r.Header.Get("Authorization")+`"}`)
			return
		}
		tt.mu.Lock()
		defer tt.mu.Unlock()
		tt.pages++
		off, _ := strconv.Atoi(r.URL.Query().Get("offset"))
		lim, _ := strconv.Atoi(r.URL.Query().Get("limit"))
		if lim <= 0 || lim > 3 {
			lim = 3 // the server's own cap
		}
		rows := []map[string]any{}
		for i := off; i < len(tt.convs) && i < off+lim; i++ {
			rows = append(rows, tt.convs[i])
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"data": rows, "meta": map[string]any{"total": len(tt.convs)}})
	})
	tt.Server = httptest.NewServer(mux)
	t.Cleanup(tt.Close)
	return tt
}

// orZero returns s, or "0" when empty.
func orZero(s string) string {
	if s == "" {
		return "0"
	}
	return s
}

// testProfile describes testTracker.
const testProfile = `name: testtracker
title: The tests' tracker
settings:
  key: {doc: the API key, secret: true}
click:
  url: "{tracker}/c/{campaign}"
  offer_url_macro: "{id}"
postback:
  url: "{tracker}/pb"
  fields: {click_id: cid, sum: amount, transaction_id: tx, status: st}
  refused: {status: [404]}
read:
  conversions:
    http:
      url: "{api}/api/convs"
      auth: {header: Authorization, value: "Bearer {key}"}
      paging: {style: offset, offset_param: offset, size_param: limit, page_size: 3}
      list: data
      total: meta.total
      fields: {click_id: click.id, sum: amount, transaction_id: tx, status: st}
      values: {status: {"ok": approved}}
      params: {zip: extra.zip}
      params_from: extra
features: {dedup: none, payout_per_click: many}
`

// mustParse parses a profile or fails the test.
func mustParse(t *testing.T, data string) *Profile {
	t.Helper()
	p, err := Parse("test.yaml", []byte(data))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return p
}

// mustBind binds p or fails the test; the tracker is closed at cleanup.
func mustBind(t *testing.T, p *Profile, cfg Config) *Tracker {
	t.Helper()
	tr, err := p.Bind(cfg)
	if err != nil {
		t.Fatalf("Bind: %v", err)
	}
	t.Cleanup(func() { tr.Close() })
	return tr
}
