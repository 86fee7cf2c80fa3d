package faketracker

import (
	"strconv"
	"testing"
	"time"
)

// The requests below are written by hand from Everflow's documentation,
// not from the bundled profile, so that the fake and the profile cannot
// merely agree with each other:
//
//	body     https://developers.everflow.io/api-reference/post-networksreportingconversions
//	         (its request example, currency_id and search_terms included)
//	paging   https://developers.everflow.io/user-guide/paging ("page and
//	         page_size query parameters"; "paging": {"page", "page_size",
//	         "total_count"}; page 1 and 50 by default, at most 2,000)
//	timezone https://developers.everflow.io/user-guide/timezones ("timezone_id: 67 (UTC)")
//	filters  https://developers.everflow.io/user-guide/api-filters
//	         ({"resource_type", "filter_id_value"})

// TestEverflowReportDocumentedRequest sends the documentation's example
// body with ?page=2&page_size=10 over twelve base conversions made in its
// range, and expects the second page: two rows and the paging object.
func TestEverflowReportDocumentedRequest(t *testing.T) {
	clk := &clock{t: time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)}
	e, err := NewEverflow(EverflowOptions{NetworkID: "4711", APIKey: everflowKey, Now: clk.Now,
		Offers: []EverflowOffer{{Path: "AAA/BBB", OfferURL: "https://offer.example/?tid={transaction_id}"}}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.Close)
	var tids []string
	for i := range 12 {
		tid := clickEverflow(t, e, "/AAA/BBB")
		clk.Add(time.Minute)
		runChecks(t, do(t, e.Client(), e.URL+"/?nid=4711&amount="+strconv.Itoa(i+1)+"&transaction_id="+tid), hasStatus(200))
		tids = append(tids, tid)
	}
	// a conversion after the range
	clk.Set(time.Date(2026, 4, 1, 0, 0, 1, 0, time.UTC))
	late := clickEverflow(t, e, "/AAA/BBB")
	do(t, e.Client(), e.URL+"/?nid=4711&amount=1&transaction_id="+late)

	const body = `{"show_conversions":true,"show_events":false,"from":"2026-03-01","to":"2026-03-31",` +
		`"timezone_id":67,"currency_id":"USD","query":{"filters":[],"search_terms":[]}}`
	r := everflowPost(t, e.Client(), e.URL+"/v1/networks/reporting/conversions?page=2&page_size=10", body,
		"Content-Type: application/json", "X-Eflow-Api-Key: "+everflowKey)
	runChecks(t, r, hasStatus(200))
	var rep struct {
		Conversions []map[string]any
		Paging      map[string]any
	}
	decode(t, r, &rep)
	if p := rep.Paging; p["page"] != 2.0 || p["page_size"] != 10.0 || p["total_count"] != 12.0 {
		t.Errorf("paging %v, want page 2, page_size 10, total_count 12", p)
	}
	if len(rep.Conversions) != 2 {
		t.Fatalf("%d rows on page 2, want 2: %v", len(rep.Conversions), rep.Conversions)
	}
	for i, row := range rep.Conversions {
		want := map[string]any{"transaction_id": tids[10+i], "status": "approved", "is_event": false, "sale_amount": float64(11 + i)}
		for k, v := range want {
			if row[k] != v {
				t.Errorf("row %d: %s = %v, want %v", i, k, row[k], v)
			}
		}
		if ts, ok := row["conversion_unix_timestamp"].(float64); !ok || ts < float64(time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC).Unix()) {
			t.Errorf("row %d: conversion_unix_timestamp %v, want seconds in March 2026", i, row["conversion_unix_timestamp"])
		}
	}

	key := "X-Eflow-Api-Key: " + everflowKey
	for _, c := range []struct {
		name, query, body string
		checks            []check
	}{
		{"DefaultPage", "", body, []check{hasStatus(200), hasPaging(1, 50, 12)}},
		{"StatusFilter", "?page_size=2000",
			`{"from":"2026-03-01","to":"2026-03-31","timezone_id":67,"show_conversions":true,"show_events":true,` +
				`"query":{"filters":[{"resource_type":"status","filter_id_value":"approved"}]}}`,
			[]check{hasStatus(200), hasPaging(1, 2000, 12)}},
		{"StatusFilterNone", "", `{"from":"2026-03-01","to":"2026-03-31","timezone_id":67,"show_conversions":true,"show_events":true,` +
			`"query":{"filters":[{"resource_type":"status","filter_id_value":"rejected"}]}}`,
			[]check{hasStatus(200), hasPaging(1, 50, 0)}},
		{"ErrPageSizeOver2000", "?page_size=2001", body, []check{hasStatus(400)}},
		{"ErrPageZero", "?page=0", body, []check{hasStatus(400)}},
		{"ErrOtherTimezone", "", `{"from":"2026-03-01","to":"2026-03-31","timezone_id":80,"show_conversions":true,"show_events":true}`,
			[]check{hasStatus(400)}},
		{"ErrUnmodelledFilter", "", `{"from":"2026-03-01","to":"2026-03-31","timezone_id":67,"show_conversions":true,"show_events":true,` +
			`"query":{"filters":[{"resource_type":"affiliate","filter_id_value":"142"}]}}`, []check{hasStatus(400)}},
	} {
		t.Run(c.name, func(t *testing.T) {
			runChecks(t, everflowPost(t, e.Client(), e.URL+"/v1/networks/reporting/conversions"+c.query, c.body, key), c.checks...)
		})
	}
}

// hasPaging checks the reply's paging object.
func hasPaging(page, size, total int) check {
	return func(t *testing.T, r response) {
		t.Helper()
		var rep struct{ Paging everflowPaging }
		decode(t, r, &rep)
		if want := (everflowPaging{page, size, total}); rep.Paging != want {
			t.Errorf("paging %+v, want %+v", rep.Paging, want)
		}
	}
}
