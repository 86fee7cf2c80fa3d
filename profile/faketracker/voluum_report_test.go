package faketracker

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// The requests below are written by hand from public client code that
// calls Voluum's API — not from the bundled profile, so that the fake and
// the profile cannot merely agree with each other. No Voluum documentation
// page read shows GET /report/conversions; these are the clients (search
// index ids): 18192003962 (POST https://api.voluum.com/auth/access/session
// {"accessId","accessKey"} → token, then offset, limit, tz, from, to,
// columns, filter, sort=postbackTimestamp, direction=ASC; reads rows,
// totalRows and limit), 23839841116 and 23651023667 (from and to
// "…T00%3A00%3A00Z", tz, sort, direction=asc, columns repeated,
// groupBy=conversion, offset=0, limit=100000, include=ACTIVE,
// conversionTimeMode=VISIT; checks totalRows against len(rows)) and
// 3966844210 (sort=postbackTimestamp&direction=desc, the Cwauth-Token
// header). The cwauth-token header and the ISO 8601 from/to are
// https://developers.voluum.com's.

// TestVoluumReportAsClientsCallIt gets a session with an access key, then
// the conversions report the way the clients above ask for it.
func TestVoluumReportAsClientsCallIt(t *testing.T) {
	clk := newClock() // 2026-12-03 10:00 UTC
	v, err := NewVoluum(VoluumOptions{Token: "sess-token", AccessID: "ak-id", AccessKey: "ak-secret", Now: clk.Now,
		Campaigns: []VoluumCampaign{{ID: "camp", OfferURL: "https://offer.example/?extclid={clickid}"}}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(v.Close)
	var clicks []string
	for i, pay := range []string{"10", "30", "20"} {
		id := visitVoluum(t, v, "camp", "extclid")
		clk.Add(time.Minute)
		runChecks(t, do(t, v.Client(), v.URL+"/postback?cid="+id+"&payout="+pay+"&txid=T"+string(rune('1'+i))), hasStatus(200))
		clicks = append(clicks, id)
	}

	// the session
	r := everflowPost(t, v.Client(), v.URL+"/auth/access/session", `{"accessId":"ak-id","accessKey":"ak-secret"}`,
		"Content-Type: application/json; charset=utf-8", "Accept: application/json")
	runChecks(t, r, hasStatus(http.StatusOK))
	var sess struct{ Token, ExpirationTimestamp string }
	decode(t, r, &sess)
	if sess.Token != "sess-token" || sess.ExpirationTimestamp == "" {
		t.Fatalf("session %+v, want the token and an expiration", sess)
	}
	runChecks(t, everflowPost(t, v.Client(), v.URL+"/auth/access/session", `{"accessId":"ak-id","accessKey":"wrong"}`),
		hasStatus(http.StatusUnauthorized))

	// the report, as the clients send it
	const q = "/report/conversions?from=2026-12-03T00%3A00%3A00Z&to=2026-12-04T00:00:00Z&tz=America%2FNew_York" +
		"&sort=postbackTimestamp&direction=desc&columns=clickId&columns=transactionId&columns=revenue" +
		"&groupBy=conversion&offset=0&limit=2&include=ACTIVE&conversionTimeMode=VISIT"
	r = do(t, v.Client(), v.URL+q, "Cwauth-Token: "+sess.Token, "Accept: application/json")
	runChecks(t, r, hasStatus(http.StatusOK))
	var rep struct {
		TotalRows int `json:"totalRows"`
		Limit     int `json:"limit"`
		Rows      []struct {
			ClickID, TransactionID, PostbackTimestamp string
			Revenue                                   float64
		}
	}
	decode(t, r, &rep)
	if rep.TotalRows != 3 || rep.Limit != 2 || len(rep.Rows) != 2 {
		t.Fatalf("totalRows %d, limit %d, %d rows: want 3, 2, 2", rep.TotalRows, rep.Limit, len(rep.Rows))
	}
	for i, want := range []struct {
		click, txid string
		revenue     float64
	}{{clicks[2], "T3", 20}, {clicks[1], "T2", 30}} {
		got := rep.Rows[i]
		if got.ClickID != want.click || got.TransactionID != want.txid || got.Revenue != want.revenue {
			t.Errorf("row %d: %+v, want click %s txid %s revenue %v (newest first)", i, got, want.click, want.txid, want.revenue)
		}
	}

	key := "cwauth-token: sess-token"
	base := "/report/conversions?from=2026-12-03T00:00:00Z&to=2026-12-04T00:00:00Z"
	for _, c := range []struct {
		name, query string
		checks      []check
	}{
		{"SortRevenueAsc", "&sort=revenue&direction=ASC&column=transactionId", []check{hasStatus(200), rowsInOrder("T1", "T3", "T2")}},
		{"FilterOnClickID", "&filter=" + strings.ToUpper(clicks[1]), []check{hasStatus(200), rowsInOrder("T2")}},
		{"ErrUnknownSort", "&sort=nope", []check{hasStatus(400)}},
		{"ErrBadDirection", "&sort=revenue&direction=up", []check{hasStatus(400)}},
	} {
		t.Run(c.name, func(t *testing.T) { runChecks(t, do(t, v.Client(), v.URL+base+c.query, key), c.checks...) })
	}
}

// rowsInOrder checks the report's transaction ids, in order.
func rowsInOrder(txids ...string) check {
	return func(t *testing.T, r response) {
		t.Helper()
		var rep voluumReport
		decode(t, r, &rep)
		var got []string
		for _, row := range rep.Rows {
			got = append(got, row.TransactionID)
		}
		if strings.Join(got, " ") != strings.Join(txids, " ") {
			t.Errorf("transaction ids %v, want %v", got, txids)
		}
	}
}
