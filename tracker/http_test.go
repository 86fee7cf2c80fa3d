package tracker_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/cbsim/cbsim/tracker"
)

func TestClick(t *testing.T) {
	f := newFixture(t, tracker.Config{})
	t.Run("Redirect", func(t *testing.T) {
		r := f.get("/camp?sub1=abc&utm_source=fb")
		hasStatus(http.StatusFound)(t, r)
		loc, err := url.Parse(r.header.Get("Location"))
		if err != nil {
			t.Fatal(err)
		}
		if loc.Host != "127.0.0.1:8700" || loc.Path != "/hop" || loc.Query().Get("affiliate") != "aff01" || loc.Query().Get("vendor") != "ven01" {
			t.Errorf("Location = %s, want the offer URL", loc)
		}
		tid := loc.Query().Get("tid")
		if !isClickID(tid) {
			t.Fatalf("tid = %q, want a 24-char lowercase hex click id", tid)
		}
		items, total := f.items("/tracks?clickid=" + tid)
		if total != 1 {
			t.Fatalf("tracks for %s: %d, want 1", tid, total)
		}
		cb, _ := items[0]["cbsim"].(map[string]any)
		if items[0]["id"] != tid || items[0]["sub1"] != "abc" || fmt.Sprint(cb["subs"]) != "map[utm_source:fb]" ||
			items[0]["campaign"] != "camp" || items[0]["track_time"] != "2026-03-14T12:00:00Z" {
			t.Errorf("track = %v", items[0])
		}
	})
	t.Run("JSON", func(t *testing.T) {
		r := f.get("/camp?format=json&sub2=x")
		hasStatus(http.StatusOK)(t, r)
		id, _ := r.body["clickid"].(string)
		if !isClickID(id) {
			t.Fatalf("clickid = %q", id)
		}
		items, _ := f.items("/tracks?clickid=" + id)
		if cb, _ := items[0]["cbsim"].(map[string]any); items[0]["sub2"] != "x" || fmt.Sprint(cb["subs"]) != "map[]" {
			t.Errorf("track = %v, want sub2 and format left out", items[0])
		}
	})
	t.Run("ByID", func(t *testing.T) {
		cs, _ := f.items("/api/campaigns")
		r := f.get("/" + cs[0]["id"].(string) + "?format=json")
		hasStatus(http.StatusOK)(t, r)
	})
	t.Run("ErrUnknownCampaign", func(t *testing.T) {
		r := f.get("/nope")
		hasStatus(http.StatusNotFound)(t, r)
		hasField("param", "campaign")(t, r)
		errorContains(`unknown campaign "nope"`)(t, r)
	})
	t.Run("UniqueIDs", func(t *testing.T) {
		seen := map[string]bool{}
		for range 20 {
			id := f.click()
			if seen[id] {
				t.Fatalf("click id %s twice", id)
			}
			seen[id] = true
		}
	})
}

func isClickID(s string) bool {
	if len(s) != 24 {
		return false
	}
	for _, r := range s {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'f') {
			return false
		}
	}
	return true
}

func TestCampaignAPI(t *testing.T) {
	f := newFixture(t, tracker.Config{Campaigns: []tracker.Campaign{}})
	tests := []struct {
		name   string
		path   string
		body   string
		checks []check
	}{
		{"OK", "/api/campaigns?api_key=" + testKey, `{"name":"aff","offer_url":"http://127.0.0.1:8700/hop?tid={clickid}"}`,
			[]check{hasStatus(201), hasField("name", "aff"), hasField("offer_url", "http://127.0.0.1:8700/hop?tid={clickid}")}},
		{"ErrConflict", "/api/campaigns?api_key=" + testKey, `{"name":"aff","offer_url":"http://x/"}`,
			[]check{hasStatus(409), hasField("param", "name"), errorContains("already exists")}},
		{"ErrBadURL", "/api/campaigns?api_key=" + testKey, `{"name":"b","offer_url":"ftp://x/"}`,
			[]check{hasStatus(400), hasField("param", "offer_url")}},
		{"ErrReserved", "/api/campaigns?api_key=" + testKey, `{"name":"conversions","offer_url":"http://x/"}`,
			[]check{hasStatus(400), hasField("param", "name"), errorContains("reserved")}},
		{"ErrBody", "/api/campaigns?api_key=" + testKey, `name=aff`,
			[]check{hasStatus(400), hasField("param", "body")}},
		{"ErrNoKey", "/api/campaigns", `{"name":"c","offer_url":"http://x/"}`,
			[]check{hasStatus(401), errorContains("missing api_key")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := f.do(http.MethodPost, tt.path, tt.body)
			for _, c := range tt.checks {
				c(t, r)
			}
		})
	}
	items, total := f.items("/api/campaigns")
	if total != 1 || items[0]["name"] != "aff" || !isClickID(items[0]["id"].(string)) {
		t.Errorf("campaigns = %v", items)
	}
	r := f.get("/aff")
	if loc := r.header.Get("Location"); r.status != 302 || !strings.HasPrefix(loc, "http://127.0.0.1:8700/hop?tid=") {
		t.Errorf("click on new campaign: %d %s", r.status, loc)
	}
}

// TestRedTrackCampaignAPI: RedTrack's POST /campaigns?api_key with a
// models.Campaign body answers 201 with the campaign, id included
// (swagger.json, path /campaigns, post); GET /campaigns lists them as an
// array of models.Campaign.
func TestRedTrackCampaignAPI(t *testing.T) {
	f := newFixture(t, tracker.Config{Campaigns: []tracker.Campaign{}})
	key := "/campaigns?api_key=" + testKey
	body := `{"title":"aff","source_id":"src1","streams":[],"status":1,"cbsim":{"offer_url":"http://127.0.0.1:8700/hop?tid={clickid}"}}`
	tests := []struct {
		name   string
		path   string
		body   string
		checks []check
	}{
		{"OK", key, body, []check{hasStatus(201), hasField("title", "aff"), hasField("created_at", "2026-03-14T12:00:00Z"),
			func(t *testing.T, r reply) {
				if !isClickID(fmt.Sprint(r.body["id"])) || r.body["status"] != 1.0 || fmt.Sprint(r.body["cbsim"]) != "map[offer_url:http://127.0.0.1:8700/hop?tid={clickid}]" {
					t.Errorf("campaign = %s", r.raw)
				}
			}}},
		{"ErrConflict", key, body, []check{hasStatus(409), hasField("param", "title"), errorContains(`campaign "aff" already exists`)}},
		{"ErrNoTitle", key, `{"cbsim":{"offer_url":"http://x/"}}`, []check{hasStatus(400), hasField("param", "title"), errorContains("campaign title is empty")}},
		{"ErrNoOfferURL", key, `{"title":"b"}`, []check{hasStatus(400), hasField("param", "cbsim.offer_url"), errorContains("not a RedTrack field")}},
		{"ErrBadOfferURL", key, `{"title":"b","cbsim":{"offer_url":"ftp://x/"}}`, []check{hasStatus(400), hasField("param", "cbsim.offer_url")}},
		{"ErrReserved", key, `{"title":"campaigns","cbsim":{"offer_url":"http://x/"}}`, []check{hasStatus(400), errorContains("reserved")}},
		{"ErrBody", key, `title=b`, []check{hasStatus(400), hasField("param", "body"), errorContains("models.Campaign")}},
		{"ErrNoKey", "/campaigns", body, []check{hasStatus(401), errorContains("missing api_key")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := f.do(http.MethodPost, tt.path, tt.body)
			for _, c := range tt.checks {
				c(t, r)
			}
		})
	}
	hasStatus(201)(t, f.do(http.MethodPost, key, `{"title":"vendor","cbsim":{"offer_url":"http://127.0.0.1:8700/pay?vtid={clickid}"}}`))
	list := func(query string) []map[string]any {
		t.Helper()
		r := f.get(key + query)
		hasStatus(200)(t, r)
		var out []map[string]any
		if err := json.Unmarshal([]byte(r.raw), &out); err != nil {
			t.Fatalf("GET /campaigns%s: %s is not an array of models.Campaign: %v", query, r.raw, err)
		}
		return out
	}
	all := list("")
	if len(all) != 2 || all[0]["title"] != "aff" || all[1]["title"] != "vendor" {
		t.Fatalf("campaigns = %v", all)
	}
	for query, want := range map[string]int{"&title=aff": 1, "&title=nope": 0, "&ids=" + all[1]["id"].(string): 1, "&per=1&page=2": 1, "&per=1&page=3": 0} {
		if got := list(query); len(got) != want {
			t.Errorf("GET /campaigns%s: %d, want %d", query, len(got), want)
		}
	}
	// A campaign made through RedTrack's API takes clicks, by id or title.
	for _, c := range []string{"aff", all[0]["id"].(string)} {
		if r := f.get("/" + c); r.status != 302 || !strings.HasPrefix(r.header.Get("Location"), "http://127.0.0.1:8700/hop?tid=") {
			t.Errorf("click on %s: %d %s", c, r.status, r.header.Get("Location"))
		}
	}
	// The deprecated API sees the same campaigns.
	if _, n := f.items("/api/campaigns"); n != 2 {
		t.Errorf("/api/campaigns lists %d, want 2", n)
	}
}

func TestAPIKey(t *testing.T) {
	f := newFixture(t, tracker.Config{})
	for _, path := range []string{"/conversions", "/tracks", "/rejections", "/campaigns", "/api/campaigns"} {
		for _, key := range []string{"", "?api_key=wrong", "?api_key=" + strings.ToUpper(testKey)} {
			t.Run(path+key, func(t *testing.T) {
				r := f.get(path + key)
				hasStatus(http.StatusUnauthorized)(t, r)
				if r.body["error"] == "" || len(r.body) != 1 {
					t.Errorf("body = %s, want only {\"error\":...}", r.raw)
				}
			})
		}
	}
	// The postback and click endpoints need no key.
	hasStatus(http.StatusOK)(t, f.postback("clickid", f.click()))
}

func TestNoAPIKeyConfigured(t *testing.T) {
	srv, err := tracker.NewServer(tracker.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	resp, err := srv.Client().Get(srv.URL + "/conversions?date_from=2026-01-01&date_to=2026-01-01")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("status %d, want 200 when no api key is configured", resp.StatusCode)
	}
}

func TestConversionsReport(t *testing.T) {
	f := newFixture(t, tracker.Config{})
	a, b := f.click(), f.click()
	days := []time.Time{
		time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2026, 3, 1, 23, 59, 59, 0, time.UTC),
		time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC),
		time.Date(2026, 3, 3, 0, 0, 0, 0, time.UTC),
	}
	for i, d := range days {
		f.clock.Set(d)
		hasStatus(200)(t, f.postback("clickid", a, "sum", fmt.Sprint(i+1), "type", "InitialPurchase"))
		hasStatus(200)(t, f.postback("clickid", b, "sum", fmt.Sprint(i+1), "type", "UpsellPurchase"))
	}
	tests := []struct {
		name    string
		query   string
		total   int
		payouts string // payouts of the page, in order
	}{
		{"All", "", 8, "[1 1 2 2 3 3 4 4]"},
		{"FromInclusive", "date_from=2026-03-02", 4, "[3 3 4 4]"},
		{"ToInclusive", "date_to=2026-03-01", 4, "[1 1 2 2]"},
		{"OneDay", "date_from=2026-03-02&date_to=2026-03-02", 2, "[3 3]"},
		{"Empty", "date_from=2026-03-04", 0, "[]"},
		{"Click", "clickid=" + a, 4, "[1 2 3 4]"},
		{"Type", "type=UpsellPurchase", 4, "[1 2 3 4]"},
		{"TypeCase", "type=upsellpurchase", 0, "[]"},
		{"ClickAndDay", "clickid=" + b + "&date_to=2026-03-01", 2, "[1 2]"},
		{"Page1", "per=3", 8, "[1 1 2]"},
		{"Page2", "per=3&page=2", 8, "[2 3 3]"},
		{"Page3", "per=3&page=3", 8, "[4 4]"},
		{"PastEnd", "per=3&page=4", 8, "[]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			items, total := f.items("/conversions?" + tt.query)
			var payouts []float64
			for _, c := range items {
				payouts = append(payouts, c["payout"].(float64))
			}
			if total != tt.total || fmt.Sprint(payouts) != tt.payouts && !(len(payouts) == 0 && tt.payouts == "[]") {
				t.Errorf("total %d payouts %v, want %d %s", total, payouts, tt.total, tt.payouts)
			}
		})
	}
	if items, total := f.items("/conversions?per=10000"); total != 8 || len(items) != 8 {
		t.Errorf("per=10000: %d of %d, want 8 of 8", len(items), total)
	}
	const span = "date_from=2026-03-01&date_to=2026-03-03"
	bad := []struct{ query, param, reason string }{
		{"", "date_from", "date_from is required"},
		{"date_from=2026-03-01", "date_to", "date_to is required"},
		{"date_to=2026-03-01", "date_from", "date_from is required"},
		{"date_from=2026-3-1&date_to=2026-03-01", "date_from", "not a date YYYY-MM-DD"},
		{"date_from=2026-03-01&date_to=yesterday", "date_to", "not a date YYYY-MM-DD"},
		{"date_from=2026-03-02&date_to=2026-03-01", "date_to", "before date_from"},
		{span + "&page=0", "page", "page"},
		{span + "&page=x", "page", "page"},
		{span + "&per=10001", "per", "from 1 to 10000"},
		{span + "&per=0", "per", "per"},
	}
	for _, tt := range bad {
		for _, path := range []string{"/conversions", "/tracks"} {
			t.Run("Err"+path+"_"+tt.query, func(t *testing.T) {
				r := f.get(path + "?api_key=" + testKey + "&" + tt.query)
				hasStatus(http.StatusBadRequest)(t, r)
				hasField("param", tt.param)(t, r)
				errorContains(tt.reason)(t, r)
			})
		}
	}
}

func TestTracksPagination(t *testing.T) {
	f := newFixture(t, tracker.Config{})
	var ids []string
	for range 5 {
		ids = append(ids, f.click())
	}
	items, total := f.items("/tracks?per=2&page=3")
	if total != 5 || len(items) != 1 || items[0]["id"] != ids[4] {
		t.Errorf("page 3 of 2 = %v (total %d), want only %s", items, total, ids[4])
	}
	if _, total := f.items("/tracks?clickid=000000000000000000000000"); total != 0 {
		t.Errorf("unknown click: total %d", total)
	}
}

func TestUnknownPath(t *testing.T) {
	f := newFixture(t, tracker.Config{})
	r := f.get("/a/b")
	hasStatus(http.StatusNotFound)(t, r)
	errorContains("no such path")(t, r)
}
