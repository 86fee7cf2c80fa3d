package faketracker

import (
	"bytes"
	"net/http"
	"net/url"
	"regexp"
	"testing"
	"time"
)

const everflowKey = "ef-key"

// newEverflow starts a fake Everflow (network 4711) with one offer that
// has an upsell event, and one that allows duplicate conversions.
func newEverflow(t *testing.T, broken Broken) (*Everflow, *clock) {
	t.Helper()
	clk := newClock()
	e, err := NewEverflow(EverflowOptions{
		NetworkID: "4711", APIKey: everflowKey, Broken: broken, Now: clk.Now,
		Offers: []EverflowOffer{
			{Path: "/AAA/BBB/", OfferURL: "https://offer.example/?tid={transaction_id}", Events: []EverflowEvent{{AdvEventID: "UpsellPurchase", Name: "Upsell"}}},
			{Path: "AAA/CCC", OfferURL: "https://offer.example/?tid={transaction_id}", AllowDuplicateConversions: true},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.Close)
	return e, clk
}

// clickEverflow clicks the tracking link path and returns the transaction id.
func clickEverflow(t *testing.T, e *Everflow, path string) string {
	t.Helper()
	r := do(t, e.Client(), e.URL+path)
	if r.status != 302 {
		t.Fatalf("click %s: status %d, want 302", path, r.status)
	}
	u, err := url.Parse(r.header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	return u.Query().Get("tid")
}

// everflowPost sends a POST with a JSON body and headers "Name: value".
func everflowPost(t *testing.T, c *http.Client, u, body string, headers ...string) response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, u, bytes.NewBufferString(body))
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range headers {
		k, v, _ := bytes.Cut([]byte(h), []byte(":"))
		req.Header.Add(string(k), string(bytes.TrimSpace(v)))
	}
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var b bytes.Buffer
	_, _ = b.ReadFrom(res.Body)
	return response{res.StatusCode, res.Header, b.String()}
}

const everflowAll = `{"from":"2026-12-03","to":"2026-12-03","timezone_id":67,"show_conversions":true,"show_events":true,"query":{"filters":[]}}`

// reportEverflow reads the raw conversions report of body.
func reportEverflow(t *testing.T, e *Everflow, body string) []everflowRow {
	t.Helper()
	r := everflowPost(t, e.Client(), e.URL+"/v1/networks/reporting/conversions", body, "X-Eflow-Api-Key: "+everflowKey)
	runChecks(t, r, hasStatus(200))
	var rep struct{ Conversions []everflowRow }
	decode(t, r, &rep)
	return rep.Conversions
}

var everflowIDShape = regexp.MustCompile(`^[0-9a-f]{32}$`)

func TestEverflowClick(t *testing.T) {
	e, _ := newEverflow(t, NotBroken)
	for _, c := range []struct {
		name, path string
		status     int
	}{{"unknown link", "/AAA/ZZZ", 404}, {"api path", "/v1/x", 404}, {"trailing slash", "/AAA/BBB/", 302}} {
		t.Run(c.name, func(t *testing.T) { runChecks(t, do(t, e.Client(), e.URL+c.path), hasStatus(c.status)) })
	}
	a, b := clickEverflow(t, e, "/AAA/BBB"), clickEverflow(t, e, "/AAA/BBB")
	if !everflowIDShape.MatchString(a) || a == b {
		t.Errorf("transaction ids %q and %q: want two different 32-character hex ids", a, b)
	}
}

func TestEverflowPostback(t *testing.T) {
	type want struct {
		status, event, sale, order string
		isEvent                    bool
		altered                    bool
	}
	cases := []struct {
		name   string
		path   string
		broken Broken
		sends  []string // queries after transaction_id=TID
		want   []want
	}{
		{"base", "/AAA/BBB", NotBroken, []string{"nid=4711&amount=45.75&order_id=O1&adv1=x"}, []want{{"approved", "", "45.75000", "O1", false, false}}},
		{"comma decimal", "/AAA/BBB", NotBroken, []string{"nid=4711&amount=12,34"}, []want{{"approved", "", "12.34000", "", false, false}}},
		{"wrong nid", "/AAA/BBB", NotBroken, []string{"nid=1&amount=1"}, nil},
		{"unknown transaction", "/AAA/BBB", NotBroken, []string{"NOCLICK"}, nil},
		{"duplicate base rejected", "/AAA/BBB", NotBroken, []string{"nid=4711&amount=1", "nid=4711&amount=2"},
			[]want{{"approved", "", "1.00000", "", false, false}, {"rejected", "", "2.00000", "", false, false}}},
		{"duplicates allowed", "/AAA/CCC", NotBroken, []string{"nid=4711&amount=1", "nid=4711&amount=2"},
			[]want{{"approved", "", "1.00000", "", false, false}, {"approved", "", "2.00000", "", false, false}}},
		{"event", "/AAA/BBB", NotBroken, []string{"nid=4711&amount=1", "nid=4711&amount=2&adv_event_id=UpsellPurchase", "nid=4711&amount=3&adv_event_id=UpsellPurchase"},
			[]want{{"approved", "", "1.00000", "", false, false}, {"approved", "Upsell", "2.00000", "", true, false}, {"approved", "Upsell", "3.00000", "", true, false}}},
		{"unknown event", "/AAA/BBB", NotBroken, []string{"nid=4711&amount=2&adv_event_id=Nope"}, nil},
		{"broken sum", "/AAA/BBB", BrokenSum, []string{"nid=4711&amount=45.75"}, []want{{"approved", "", "46.75000", "", false, false}}},
		{"broken click id", "/AAA/BBB", BrokenClickID, []string{"nid=4711&amount=45.75", "nid=4711&amount=1"},
			[]want{{"approved", "", "45.75000", "", false, true}, {"rejected", "", "1.00000", "", false, true}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e, clk := newEverflow(t, c.broken)
			tid := clickEverflow(t, e, c.path)
			for _, q := range c.sends {
				u := e.URL + "/?transaction_id=" + tid + "&" + q
				if q == "NOCLICK" {
					u = e.URL + "/?nid=4711&transaction_id=0123456789abcdef0123456789abcdef"
				}
				runChecks(t, do(t, e.Client(), u), hasStatus(200), hasBody(""))
				clk.Add(time.Second)
			}
			rows := reportEverflow(t, e, everflowAll)
			if len(rows) != len(c.want) {
				t.Fatalf("report %+v, want %d rows", rows, len(c.want))
			}
			for i, w := range c.want {
				wantTID := tid
				if w.altered {
					wantTID = flipLastChar(tid)
				}
				g := rows[i]
				if g.TransactionID != wantTID || g.Status != w.status || g.Event != w.event || string(g.SaleAmount) != w.sale ||
					g.OrderID != w.order || g.IsEvent != w.isEvent || !everflowIDShape.MatchString(g.ConversionID) {
					t.Errorf("row %d: %+v, want transaction %s %+v", i, g, wantTID, w)
				}
			}
		})
	}
}

func TestEverflowReport(t *testing.T) {
	e, _ := newEverflow(t, NotBroken)
	tid := clickEverflow(t, e, "/AAA/BBB")
	do(t, e.Client(), e.URL+"/?nid=4711&amount=1&transaction_id="+tid)
	do(t, e.Client(), e.URL+"/?nid=4711&amount=2&adv_event_id=UpsellPurchase&transaction_id="+tid)
	const api = "/v1/networks/reporting/conversions"
	key := "X-Eflow-Api-Key: " + everflowKey
	cases := []struct {
		name   string
		body   string
		header []string
		checks []check
	}{
		{"no key", everflowAll, nil, []check{hasStatus(401)}},
		{"wrong key", everflowAll, []string{"X-Eflow-Api-Key: nope"}, []check{hasStatus(401)}},
		{"not json", "{", []string{key}, []check{hasStatus(400)}},
		{"no timezone", `{"from":"2026-12-03","to":"2026-12-03","show_conversions":true,"show_events":true}`, []string{key}, []check{hasStatus(400)}},
		{"bad date", `{"from":"03/12/2026","to":"2026-12-03","timezone_id":67,"show_conversions":true,"show_events":true}`, []string{key}, []check{hasStatus(400)}},
		{"other day", `{"from":"2026-12-04","to":"2026-12-05","timezone_id":67,"show_conversions":true,"show_events":true}`, []string{key},
			[]check{hasStatus(200), hasJSON(`{"conversions":[],"paging":{"page":1,"page_size":50,"total_count":0}}`)}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			runChecks(t, everflowPost(t, e.Client(), e.URL+api, c.body, c.header...), c.checks...)
		})
	}
	for _, c := range []struct {
		name, body string
		events     []bool
	}{
		{"both", everflowAll, []bool{false, true}},
		{"conversions only", `{"from":"2026-12-03 00:00:00","to":"2026-12-03 23:59:59","timezone_id":67,"show_conversions":true,"show_events":false}`, []bool{false}},
		{"events only", `{"from":"2026-12-03","to":"2026-12-03","timezone_id":67,"show_conversions":false,"show_events":true}`, []bool{true}},
	} {
		t.Run(c.name, func(t *testing.T) {
			rows := reportEverflow(t, e, c.body)
			if len(rows) != len(c.events) {
				t.Fatalf("%d rows, want %d: %+v", len(rows), len(c.events), rows)
			}
			for i, ev := range c.events {
				if rows[i].IsEvent != ev {
					t.Errorf("row %d is_event %t, want %t", i, rows[i].IsEvent, ev)
				}
			}
		})
	}
}

func TestNewEverflowRefuses(t *testing.T) {
	ok := EverflowOffer{Path: "A/B", OfferURL: "https://o.example/"}
	cases := []struct {
		name string
		opts EverflowOptions
	}{
		{"no network", EverflowOptions{}},
		{"empty path", EverflowOptions{NetworkID: "1", Offers: []EverflowOffer{{Path: "/", OfferURL: "https://o.example/"}}}},
		{"api path", EverflowOptions{NetworkID: "1", Offers: []EverflowOffer{{Path: "v1/x", OfferURL: "https://o.example/"}}}},
		{"no offer url", EverflowOptions{NetworkID: "1", Offers: []EverflowOffer{{Path: "A/B"}}}},
		{"duplicate", EverflowOptions{NetworkID: "1", Offers: []EverflowOffer{ok, ok}}},
		{"broken", EverflowOptions{NetworkID: "1", Broken: "x"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if e, err := NewEverflow(c.opts); err == nil {
				e.Close()
				t.Fatal("NewEverflow accepted it")
			}
		})
	}
}
