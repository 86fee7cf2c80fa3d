package faketracker

import (
	"fmt"
	"net/url"
	"strconv"
	"sync"
	"testing"
	"time"
)

const key202 = "k202"

// newP202 starts a fake Prosper202 with two campaigns and a test clock.
func newP202(t *testing.T, broken Broken) (*Prosper202, *clock) {
	t.Helper()
	clk := newClock()
	p, err := NewProsper202(Prosper202Options{
		Campaigns: []Prosper202Campaign{
			{TrackerID: 12, Name: "Sleep Guide", PayoutCents: 2500,
				OfferURL: "https://offer.example/lp?sub=[[subid]]&c1=[[c1]]&kw=[[t202kw]]&pay=[[payout]]&geo=[[country]]&keep=[[foo]]&up=[[SUBID]]"},
			{TrackerID: 34, Name: "Keto", PayoutCents: 1000, OfferURL: "https://keto.example/?s=[[subid]]"},
		},
		APIKey: key202,
		Broken: broken,
		Now:    clk.Now,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	return p, clk
}

// clickP202 clicks tracker t202id and returns the subid of the redirect.
func clickP202(t *testing.T, p *Prosper202, t202id int, headers ...string) int64 {
	t.Helper()
	r := do(t, p.Client(), fmt.Sprintf("%s/tracking202/redirect/dl.php?t202id=%d", p.URL, t202id), headers...)
	if r.status != 302 {
		t.Fatalf("click: status %d, want 302", r.status)
	}
	u, err := url.Parse(r.header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	param := "sub"
	if t202id == 34 {
		param = "s"
	}
	id, err := strconv.ParseInt(u.Query().Get(param), 10, 64)
	if err != nil {
		t.Fatalf("click: no numeric subid in %s", u)
	}
	return id
}

func postback202(t *testing.T, p *Prosper202, query string) response {
	t.Helper()
	return do(t, p.Client(), p.URL+"/tracking202/static/gpb.php?"+query)
}

func api202(t *testing.T, p *Prosper202, pathQuery string) response {
	t.Helper()
	return do(t, p.Client(), p.URL+"/api/v3"+pathQuery, "Authorization: Bearer "+key202)
}

// convList is the conversions list as the tests read it.
type convList struct {
	Data []struct {
		ConvID          int64   `json:"conv_id"`
		ClickID         int64   `json:"click_id"`
		TransactionID   *string `json:"transaction_id"`
		CampaignID      int64   `json:"campaign_id"`
		ClickPayout     float64 `json:"click_payout"`
		UserID          int64   `json:"user_id"`
		ConvTime        int64   `json:"conv_time"`
		AffCampaignName *string `json:"aff_campaign_name"`
	} `json:"data"`
	Pagination struct {
		Total  int `json:"total"`
		Limit  int `json:"limit"`
		Offset int `json:"offset"`
	} `json:"pagination"`
}

func conversions202(t *testing.T, p *Prosper202, query string) convList {
	t.Helper()
	r := api202(t, p, "/conversions"+query)
	if r.status != 200 {
		t.Fatalf("conversions: %d %s", r.status, r.body)
	}
	var l convList
	decode(t, r, &l)
	return l
}

type clickRow struct {
	ClickID       int64  `json:"click_id"`
	AffCampaignID int64  `json:"aff_campaign_id"`
	ClickPayout   string `json:"click_payout"`
	ClickLead     int    `json:"click_lead"`
	ClickFiltered int    `json:"click_filtered"`
	ClickTime     int64  `json:"click_time"`
}

func clicks202(t *testing.T, p *Prosper202, query string) []clickRow {
	t.Helper()
	r := api202(t, p, "/clicks"+query)
	if r.status != 200 {
		t.Fatalf("clicks: %d %s", r.status, r.body)
	}
	var l struct{ Data []clickRow }
	decode(t, r, &l)
	return l.Data
}

func TestProsper202Click(t *testing.T) {
	cases := []struct {
		name   string
		query  string
		checks []check
		clicks int // clicks recorded afterwards
	}{
		{"no t202id dies", "", []check{hasStatus(200), hasBody(""), hasHeader("Location", "")}, 0},
		{"non-numeric t202id dies", "t202id=abc", []check{hasStatus(200), hasBody("")}, 0},
		{"unknown tracker dies", "t202id=99", []check{hasStatus(200), hasBody("")}, 0},
		{"tokens are filled, blanked or kept", "t202id=12&C1=a%20b&t202kw=kw",
			[]check{hasStatus(302), hasHeader("Location",
				"https://offer.example/lp?sub=7001&c1=a%20b&kw=kw&pay=25.00000&geo=&keep=[[foo]]&up=7001")}, 1},
		{"a numeric string is compared as MySQL compares", "t202id=1.2e1",
			[]check{hasStatus(302), hasHeader("Location",
				"https://offer.example/lp?sub=7001&c1=&kw=&pay=25.00000&geo=&keep=[[foo]]&up=7001")}, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, _ := newP202(t, NotBroken)
			r := do(t, p.Client(), p.URL+"/tracking202/redirect/dl.php?"+tc.query)
			runChecks(t, r, tc.checks...)
			if got := len(clicks202(t, p, "")); got != tc.clicks {
				t.Errorf("%d clicks recorded, want %d", got, tc.clicks)
			}
		})
	}
}

func TestProsper202SubidsIncrementAndPayoutIsTheCampaigns(t *testing.T) {
	p, clk := newP202(t, NotBroken)
	a := clickP202(t, p, 12)
	clk.Add(time.Second)
	b := clickP202(t, p, 34)
	if a != DefaultFirstClickID202 || b != a+1 {
		t.Fatalf("subids %d, %d; want %d, %d", a, b, DefaultFirstClickID202, DefaultFirstClickID202+1)
	}
	rows := clicks202(t, p, "")
	want := []clickRow{
		// the same IP for the same user, on any campaign, is in 202_last_ips
		{ClickID: b, AffCampaignID: 2, ClickPayout: "10.00000", ClickFiltered: 1, ClickTime: t0.Unix() + 1},
		{ClickID: a, AffCampaignID: 1, ClickPayout: "25.00000", ClickTime: t0.Unix()},
	}
	if fmt.Sprint(rows) != fmt.Sprint(want) {
		t.Errorf("clicks %+v, want %+v", rows, want)
	}
}

func TestProsper202FilteredClicksAreRecordedAndRedirected(t *testing.T) {
	p, clk := newP202(t, NotBroken)
	first := clickP202(t, p, 12, "X-Forwarded-For: 203.0.113.7, 10.0.0.1")
	second := clickP202(t, p, 12, "X-Forwarded-For: 203.0.113.7, 10.0.0.1")
	other := clickP202(t, p, 12, "X-Forwarded-For: 203.0.113.7") // the raw header is the IP: another IP
	clk.Add(24 * time.Hour)
	later := clickP202(t, p, 12, "X-Forwarded-For: 203.0.113.7, 10.0.0.1")
	filtered := map[int64]int{}
	for _, c := range clicks202(t, p, "") {
		filtered[c.ClickID] = c.ClickFiltered
	}
	want := map[int64]int{first: 0, second: 1, other: 0, later: 0}
	if fmt.Sprint(filtered) != fmt.Sprint(want) {
		t.Errorf("click_filtered %v, want %v", filtered, want)
	}
}

func TestProsper202Postback(t *testing.T) {
	const notFound = `{"error":true,"code":404,"msg":"SubID not found"}`
	cases := []struct {
		name    string
		query   string // %d is the click's subid
		checks  []check
		payouts []float64 // conversion rows the API serves afterwards, newest first
		click   string    // the click's click_payout afterwards
		lead    int
	}{
		{"no subid", "amount=5", []check{hasStatus(404), hasBody(notFound), hasHeader("Content-Type", "application/json")}, nil, "25.00000", 0},
		{"non-numeric subid", "subid=abc&amount=5", []check{hasStatus(404), hasBody(notFound)}, nil, "25.00000", 0},
		{"unknown numeric subid", "subid=999999&amount=5", []check{hasStatus(200), hasBody("")}, nil, "25.00000", 0},
		{"sid when subid is not numeric", "subid=x&sid=%d&amount=12.5", []check{hasStatus(200), hasBody("")}, []float64{12.5}, "12.50000", 1},
		{"amount overwrites the payout", "subid=%d&amount=33.79", []check{hasStatus(200), hasBody("")}, []float64{33.79}, "33.79000", 1},
		{"no amount keeps the payout", "subid=%d", []check{hasStatus(200)}, []float64{25}, "25.00000", 1},
		{"amount 0 is falsy in PHP", "subid=%d&amount=0", []check{hasStatus(200)}, []float64{25}, "25.00000", 1},
		{"amount rounds to five places", "subid=%d&amount=1.234567", []check{hasStatus(200)}, []float64{1.23457}, "1.23457", 1},
		{"subid 0 is the newest click from REMOTE_ADDR", "subid=0&amount=7", []check{hasStatus(200)}, []float64{7}, "7.00000", 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, _ := newP202(t, NotBroken)
			id := clickP202(t, p, 12)
			q := tc.query
			if containsVerb(q) {
				q = fmt.Sprintf(q, id)
			}
			runChecks(t, postback202(t, p, q), tc.checks...)
			l := conversions202(t, p, "")
			var got []float64
			for _, c := range l.Data {
				got = append(got, c.ClickPayout)
				if c.ClickID != id || c.CampaignID != 1 || c.UserID != 1 || c.AffCampaignName == nil || *c.AffCampaignName != "Sleep Guide" {
					t.Errorf("row %+v: want click %d, campaign 1 \"Sleep Guide\", user 1", c, id)
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.payouts) {
				t.Errorf("conversion payouts %v, want %v", got, tc.payouts)
			}
			c := clicks202(t, p, "")[0]
			if c.ClickPayout != tc.click || c.ClickLead != tc.lead {
				t.Errorf("click payout %s lead %d, want %s lead %d", c.ClickPayout, c.ClickLead, tc.click, tc.lead)
			}
		})
	}
}

func containsVerb(s string) bool {
	for i := 0; i+1 < len(s); i++ {
		if s[i] == '%' && s[i+1] == 'd' {
			return true
		}
	}
	return false
}

func TestProsper202SubidZeroWithoutAClickFromThisAddress(t *testing.T) {
	p, _ := newP202(t, NotBroken)
	clickP202(t, p, 12, "X-Forwarded-For: 198.51.100.4") // recorded under the forwarded IP, not 127.0.0.1
	runChecks(t, postback202(t, p, "subid=0&amount=7"), hasStatus(404), hasBody(`{"error":true,"code":404,"msg":"SubID not found"}`))
}

func TestProsper202RepeatedPostbacksAddRowsAndOverwriteTheClick(t *testing.T) {
	p, clk := newP202(t, NotBroken)
	id := clickP202(t, p, 12)
	for _, amount := range []string{"10", "20"} {
		clk.Add(time.Minute)
		runChecks(t, postback202(t, p, fmt.Sprintf("subid=%d&amount=%s", id, amount)), hasStatus(200), hasBody(""))
	}
	l := conversions202(t, p, "")
	if l.Pagination.Total != 2 || len(l.Data) != 2 || l.Data[0].ClickPayout != 20 || l.Data[1].ClickPayout != 10 {
		t.Errorf("conversions %+v, want two rows, 20 then 10", l)
	}
	if c := clicks202(t, p, "")[0]; c.ClickPayout != "20.00000" || c.ClickLead != 1 {
		t.Errorf("click %+v, want payout 20.00000 (the last amount) and lead 1", c)
	}
}

func TestProsper202TransactionIDDeduplicates(t *testing.T) {
	cases := []struct {
		name    string
		queries []string
		rows    int
		click   string
	}{
		{"same txid twice", []string{"amount=10&txid=A", "amount=20&txid=A"}, 1, "10.00000"},
		{"alias keys are one id", []string{"amount=10&transaction_id=A", "amount=20&oid=A"}, 1, "10.00000"},
		{"different txids", []string{"amount=10&txid=A", "amount=20&txid=B"}, 2, "20.00000"},
		{"blank txid is none", []string{"amount=10&txid=%20", "amount=20&txid="}, 2, "20.00000"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, _ := newP202(t, NotBroken)
			id := clickP202(t, p, 12)
			for _, q := range tc.queries {
				runChecks(t, postback202(t, p, fmt.Sprintf("subid=%d&%s", id, q)), hasStatus(200))
			}
			if got := conversions202(t, p, "").Pagination.Total; got != tc.rows {
				t.Errorf("%d rows, want %d", got, tc.rows)
			}
			if c := clicks202(t, p, "")[0]; c.ClickPayout != tc.click {
				t.Errorf("click payout %s, want %s", c.ClickPayout, tc.click)
			}
		})
	}
}

func TestProsper202APIAuth(t *testing.T) {
	const required = `{"error":true,"message":"API key required. Pass via Authorization: Bearer <key> header.","status":401}`
	const invalid = `{"error":true,"message":"Invalid API key.","status":401}`
	cases := []struct {
		name    string
		path    string
		headers []string
		checks  []check
	}{
		{"no key", "/api/v3/conversions", nil, []check{hasStatus(401), hasBody(required), hasHeader("Content-Type", "application/json; charset=utf-8")}},
		{"not bearer", "/api/v3/conversions", []string{"Authorization: Basic " + key202}, []check{hasStatus(401), hasBody(required)}},
		{"bearer is case-sensitive", "/api/v3/conversions", []string{"Authorization: bearer " + key202}, []check{hasStatus(401), hasBody(required)}},
		{"query key is not read", "/api/v3/conversions?apikey=" + key202, nil, []check{hasStatus(401), hasBody(required)}},
		{"wrong key", "/api/v3/conversions", []string{"Authorization: Bearer nope"}, []check{hasStatus(401), hasBody(invalid)}},
		{"right key", "/api/v3/conversions", []string{"Authorization: Bearer " + key202},
			[]check{hasStatus(200), hasJSON(`{"data":[],"pagination":{"total":0,"limit":50,"offset":0}}`)}},
		{"/api/ prefix", "/api/conversions/", []string{"Authorization: Bearer " + key202}, []check{hasStatus(200)}},
		{"health needs no key", "/api/v3/system/health", nil,
			[]check{hasStatus(200), hasJSON(fmt.Sprintf(`{"data":{"status":"healthy","timestamp":%d,"api_version":"v3"}}`, t0.Unix()))}},
		{"unsupported version", "/api/v3/conversions", []string{"Authorization: Bearer " + key202, "X-P202-API-Version: v2"},
			[]check{hasStatus(400), hasJSON(`{"error":true,"message":"Unsupported API version","status":400,"supported_versions":["v3"],"requested_version":"v2"}`)}},
		{"unknown route", "/api/v3/nothing", []string{"Authorization: Bearer " + key202}, []check{hasStatus(404)}},
		{"unknown conversion", "/api/v3/conversions/77", []string{"Authorization: Bearer " + key202},
			[]check{hasStatus(404), hasJSON(`{"error":true,"message":"Conversion not found","status":404}`)}},
		{"unknown click", "/api/v3/clicks/77", []string{"Authorization: Bearer " + key202},
			[]check{hasStatus(404), hasJSON(`{"error":true,"message":"Click not found","status":404}`)}},
	}
	p, _ := newP202(t, NotBroken)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			runChecks(t, do(t, p.Client(), p.URL+tc.path, tc.headers...), tc.checks...)
		})
	}
}

func TestProsper202APIListing(t *testing.T) {
	p, clk := newP202(t, NotBroken)
	a := clickP202(t, p, 12)
	b := clickP202(t, p, 34)
	for i, id := range []int64{a, b, a} { // conv_time t0+1, +2, +3 minutes
		clk.Add(time.Minute)
		postback202(t, p, fmt.Sprintf("subid=%d&amount=%d", id, i+1))
	}
	m := int64(60)
	cases := []struct {
		query  string
		total  int
		limit  int
		convs  []int64 // conv_id, in order served
		offset int
	}{
		{"", 3, 50, []int64{3, 2, 1}, 0},
		{"?limit=2&offset=1", 3, 2, []int64{2, 1}, 1},
		{"?limit=0", 3, 1, []int64{3}, 0},
		{"?limit=abc", 3, 1, []int64{3}, 0},
		{"?limit=9999", 3, 500, []int64{3, 2, 1}, 0},
		{"?offset=-4", 3, 50, []int64{3, 2, 1}, 0},
		{"?offset=7", 3, 50, nil, 7},
		{"?campaign_id=2", 1, 50, []int64{2}, 0},
		{"?campaign_id=0", 3, 50, []int64{3, 2, 1}, 0},
		{fmt.Sprintf("?time_from=%d", t0.Unix()+2*m), 2, 50, []int64{3, 2}, 0},
		{fmt.Sprintf("?time_to=%d", t0.Unix()+2*m), 2, 50, []int64{2, 1}, 0},
	}
	for _, tc := range cases {
		t.Run(tc.query, func(t *testing.T) {
			l := conversions202(t, p, tc.query)
			var got []int64
			for _, c := range l.Data {
				got = append(got, c.ConvID)
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.convs) || l.Pagination.Total != tc.total || l.Pagination.Limit != tc.limit || l.Pagination.Offset != tc.offset {
				t.Errorf("conv ids %v, pagination %+v; want %v, total %d limit %d offset %d", got, l.Pagination, tc.convs, tc.total, tc.limit, tc.offset)
			}
		})
	}
	t.Run("one conversion", func(t *testing.T) {
		runChecks(t, api202(t, p, "/conversions/2"), hasStatus(200), hasJSON(fmt.Sprintf(
			`{"data":{"conv_id":2,"click_id":%d,"transaction_id":null,"campaign_id":2,"click_payout":2.0,"user_id":1,"click_time":%d,"conv_time":%d,"deleted":0,"aff_campaign_name":"Keto"}}`,
			b, t0.Unix(), t0.Unix()+2*m)))
	})
	t.Run("clicks filtered by lead and campaign", func(t *testing.T) {
		if got := clicks202(t, p, "?click_lead=1&aff_campaign_id=2"); len(got) != 1 || got[0].ClickID != b {
			t.Errorf("clicks %+v, want only %d", got, b)
		}
		if got := clicks202(t, p, "?click_lead=0"); len(got) != 0 {
			t.Errorf("clicks %+v, want none without a lead", got)
		}
	})
}

func TestProsper202BrokenTwins(t *testing.T) {
	cases := []struct {
		broken      Broken
		clickOffset int64
		payout      float64
		click       string
	}{
		{NotBroken, 0, 33.79, "33.79000"},
		{BrokenSum, 0, 34.79, "34.79000"},
		{BrokenClickID, 1, 33.79, "33.79000"},
	}
	for _, tc := range cases {
		t.Run(string(tc.broken)+"twin", func(t *testing.T) {
			p, _ := newP202(t, tc.broken)
			id := clickP202(t, p, 12)
			runChecks(t, postback202(t, p, fmt.Sprintf("subid=%d&amount=33.79", id)), hasStatus(200), hasBody(""))
			l := conversions202(t, p, "")
			if len(l.Data) != 1 || l.Data[0].ClickID != id+tc.clickOffset || l.Data[0].ClickPayout != tc.payout {
				t.Fatalf("rows %+v, want one row for click %d paying %v", l.Data, id+tc.clickOffset, tc.payout)
			}
			if c := clicks202(t, p, "")[0]; c.ClickPayout != tc.click {
				t.Errorf("click payout %s, want %s", c.ClickPayout, tc.click)
			}
		})
	}
}

func TestProsper202ConcurrentClicksGetDistinctSubids(t *testing.T) {
	p, _ := newP202(t, NotBroken)
	const n = 20
	ids := make(chan int64, n)
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ids <- clickP202(t, p, 12)
		}()
	}
	wg.Wait()
	close(ids)
	seen := map[int64]bool{}
	for id := range ids {
		if seen[id] {
			t.Errorf("subid %d handed out twice", id)
		}
		seen[id] = true
	}
	if len(seen) != n {
		t.Errorf("%d distinct subids, want %d", len(seen), n)
	}
}

func TestProsper202Options(t *testing.T) {
	cases := []struct {
		name string
		opts Prosper202Options
	}{
		{"tracker id 0", Prosper202Options{Campaigns: []Prosper202Campaign{{OfferURL: "x"}}}},
		{"duplicate tracker", Prosper202Options{Campaigns: []Prosper202Campaign{{TrackerID: 1, OfferURL: "x"}, {TrackerID: 1, OfferURL: "y"}}}},
		{"duplicate campaign", Prosper202Options{Campaigns: []Prosper202Campaign{{TrackerID: 1, CampaignID: 2, OfferURL: "x"}, {TrackerID: 2, CampaignID: 2, OfferURL: "y"}}}},
		{"no offer", Prosper202Options{Campaigns: []Prosper202Campaign{{TrackerID: 1}}}},
		{"unknown defect", Prosper202Options{Broken: "typo"}},
		{"negative first id", Prosper202Options{FirstClickID: -1}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, err := NewProsper202(tc.opts)
			if err == nil {
				p.Close()
				t.Fatal("started; want an error")
			}
			t.Log(err)
		})
	}
}

func TestProsper202KeepsARequestLog(t *testing.T) {
	p, _ := newP202(t, NotBroken)
	clickP202(t, p, 12)
	postback202(t, p, "amount=1")
	reqs := p.Requests()
	if len(reqs) != 2 {
		t.Fatalf("%d requests logged, want 2", len(reqs))
	}
	if reqs[0].Path != "/tracking202/redirect/dl.php" || reqs[0].RawQuery != "t202id=12" || reqs[0].Status != 302 || !reqs[0].At.Equal(t0) {
		t.Errorf("first request %+v", reqs[0])
	}
	if reqs[1].Path != "/tracking202/static/gpb.php" || reqs[1].Status != 404 {
		t.Errorf("second request %+v", reqs[1])
	}
	p.Close()
	p.Close() // idempotent
}
