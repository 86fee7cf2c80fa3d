package faketracker

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // TestKeitaroLogSchema's time zone, on a machine without zoneinfo
)

// The requests below are written by hand from Keitaro's Admin API
// specification — playtini/keitaro-client@b393de1b51ebbf4e0aa6171289651c70465cbbca
// original/openapi.json, path /conversions/log, its x-code-samples and
// the schemas ConversionRequest, RangeRequest, FilterRequest, SortRequest,
// Report and Error — not from the bundled profile, so that the fake and
// the profile cannot merely agree with each other.

// keitaroAt starts a fake Keitaro whose clock is c, with the campaign
// "aff" (rebills allowed), postback key "pb" and API key "api".
func keitaroAt(t *testing.T, c *clock) *Keitaro {
	t.Helper()
	k, err := NewKeitaro(KeitaroOptions{PostbackKey: "pb", APIKey: "api", Now: c.Now,
		Rand:      bytes.NewReader(bytes.Repeat([]byte("0123456789abcdefghijklmnopqrstuvwxyz"), 50)),
		Campaigns: []KeitaroCampaign{{Alias: "aff", OfferURL: "https://hop.example/?tid={subid}", AllowRebills: true}}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(k.Close)
	return k
}

// keitaroPost sends body to the conversion log with the Api-Key header.
func keitaroPost(t *testing.T, k *Keitaro, body string) response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, k.URL+"/admin_api/v1/conversions/log", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Api-Key", "api")
	res, err := k.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{res.StatusCode, res.Header, string(b)}
}

// TestKeitaroLogSpecExample sends the specification's own PHP example —
// columns postback_datetime, click_datetime and sub_id; a filter status
// EQUALS lead; 'order' => [['postback_datetime', 'DESC']]; a range
// 2017-01-01 to 2018-04-01 — and expects a Report whose rows hold those
// three columns only, for the one lead in the range.
func TestKeitaroLogSpecExample(t *testing.T) {
	c := &clock{t: time.Date(2017, 6, 1, 9, 30, 0, 0, time.UTC)}
	k := keitaroAt(t, c)
	lead := keitaroClick(t, k, "aff")
	sale := keitaroClick(t, k, "aff")
	c.Add(30 * time.Minute)
	do(t, k.Client(), k.URL+"/pb/postback?subid="+lead+"&status=lead&payout=0")
	do(t, k.Client(), k.URL+"/pb/postback?subid="+sale+"&status=sale&payout=45.75")
	c.Set(time.Date(2018, 6, 1, 0, 0, 0, 0, time.UTC)) // a conversion after the range
	later := keitaroClick(t, k, "aff")
	do(t, k.Client(), k.URL+"/pb/postback?subid="+later+"&status=lead")

	body := `{"columns":["postback_datetime","click_datetime","sub_id"],` +
		`"filters":[{"name":"status","operator":"EQUALS","expression":"lead"}],` +
		`"order":[["postback_datetime","DESC"]],` +
		`"range":{"from":"2017-01-01","to":"2018-04-01"}}`
	runChecks(t, keitaroPost(t, k, body), hasStatus(http.StatusOK), hasJSON(`{"rows":[`+
		`{"postback_datetime":"2017-06-01 10:00:00","click_datetime":"2017-06-01 09:30:00","sub_id":"`+lead+`"}],`+
		`"total":1,"meta":["postback_datetime","click_datetime","sub_id"]}`))
}

// TestKeitaroLogSchema drives the parts of ConversionRequest the example
// leaves out: interval, timezone, limit and offset, sort, IN_LIST and a
// number as expression; and the 400 Error replies.
func TestKeitaroLogSchema(t *testing.T) {
	c := newClock() // 2026-12-03 10:00 UTC
	k := keitaroAt(t, c)
	subid := keitaroClick(t, k, "aff")
	for i, q := range []string{"payout=5&tid=A", "payout=7&tid=B", "payout=6&tid=C&status=rebill"} {
		c.Add(time.Duration(i+1) * time.Minute)
		do(t, k.Client(), k.URL+"/pb/postback?subid="+subid+"&"+q)
	}
	cases := []struct {
		name   string
		body   string
		checks []check
	}{
		{"SortDescLimitOffset", `{"range":{"interval":"today","timezone":"UTC"},"columns":["tid","revenue"],` +
			`"sort":[{"name":"revenue","order":"DESC"}],"limit":2,"offset":1}`,
			[]check{hasStatus(http.StatusOK), hasJSON(`{"rows":[{"tid":"C","revenue":6},{"tid":"A","revenue":5}],"total":3,"meta":["tid","revenue"]}`)}},
		{"InListAndNumber", `{"range":{"from":"2026-12-03","to":"2026-12-03"},"columns":["tid","status"],` +
			`"filters":[{"name":"tid","operator":"IN_LIST","expression":["A","C"]},{"name":"conversion_id","operator":"NOT_EQUAL","expression":1}]}`,
			[]check{hasStatus(http.StatusOK), hasJSON(`{"rows":[{"tid":"C","status":"rebill"}],"total":1,"meta":["tid","status"]}`)}},
		{"TimezoneShiftsDays", `{"range":{"from":"2026-12-02","to":"2026-12-02","timezone":"Etc/GMT+12"},"columns":["postback_datetime"],"limit":1}`,
			[]check{hasStatus(http.StatusOK), hasJSON(`{"rows":[{"postback_datetime":"2026-12-02 22:01:00"}],"total":3,"meta":["postback_datetime"]}`)}},
		{"YesterdayIsEmpty", `{"range":{"interval":"yesterday"},"columns":["tid"]}`,
			[]check{hasStatus(http.StatusOK), hasJSON(`{"rows":[],"total":0,"meta":["tid"]}`)}},
		{"ErrUnknownColumn", `{"range":{"interval":"today"},"columns":["payout"]}`,
			[]check{hasStatus(http.StatusBadRequest), hasJSON(`{"error":"unknown column \"payout\""}`)}},
		{"ErrNoRange", `{"columns":["tid"]}`, []check{hasStatus(http.StatusBadRequest)}},
		{"ErrBadInterval", `{"range":{"interval":"last_week"}}`, []check{hasStatus(http.StatusBadRequest)}},
		{"ErrBadSortOrder", `{"range":{"interval":"today"},"sort":[{"name":"tid","order":"up"}]}`, []check{hasStatus(http.StatusBadRequest)}},
		{"ErrBadOperator", `{"range":{"interval":"today"},"filters":[{"name":"tid","operator":"LIKE","expression":"A"}]}`, []check{hasStatus(http.StatusBadRequest)}},
		{"ErrNotJSON", `range=today`, []check{hasStatus(http.StatusBadRequest)}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { runChecks(t, keitaroPost(t, k, tc.body), tc.checks...) })
	}
}
