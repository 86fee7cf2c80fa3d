package tracker_test

import (
	"net/http"
	"testing"

	"github.com/cbsim/cbsim/tracker"
)

// TestDatesBeyondStoredSpan: a date range that reaches past what the store
// can hold (1677-09-21 … 2262-04-11, int64 nanoseconds) covers every row,
// where it used to overflow and find none.
func TestDatesBeyondStoredSpan(t *testing.T) {
	f := newFixture(t, tracker.Config{})
	id := f.click()
	for range 3 {
		hasStatus(200)(t, f.postback("clickid", id, "sum", "1"))
	}
	for _, q := range []string{
		"date_from=1677-01-01&date_to=2100-12-31",
		"date_from=2000-01-01&date_to=2263-01-01",
		"date_from=2000-01-01&date_to=9999-12-31",
		"date_from=0001-01-01&date_to=9999-12-31",
	} {
		for _, path := range []string{"/conversions", "/tracks"} {
			t.Run(path+"?"+q, func(t *testing.T) {
				want := 3
				if path == "/tracks" {
					want = 1
				}
				if items, total := f.items(path + "?" + q); total != want || len(items) != want {
					t.Errorf("%d of %d rows, want %d", len(items), total, want)
				}
			})
		}
	}
}

// TestHugePageIsEmpty: a page past the end is empty, however large its
// number, where page=MaxInt64 overflowed the offset into the first page.
func TestHugePageIsEmpty(t *testing.T) {
	f := newFixture(t, tracker.Config{})
	id := f.click()
	hasStatus(200)(t, f.postback("clickid", id))
	hasStatus(404)(t, f.postback("clickid", "nope"))
	for _, p := range []string{"9223372036854775807", "4611686018427387905", "922337203685477581"} {
		for _, path := range []string{"/conversions", "/tracks", "/rejections"} {
			t.Run(path+"_"+p, func(t *testing.T) {
				items, total := f.items(path + "?per=10&page=" + p)
				if len(items) != 0 || total != 1 {
					t.Errorf("page %s: %d items of %d, want 0 of 1", p, len(items), total)
				}
			})
		}
		t.Run("/campaigns_"+p, func(t *testing.T) {
			r := f.get("/campaigns?api_key=" + testKey + "&per=10&page=" + p)
			hasStatus(200)(t, r)
			if r.raw != "[]\n" {
				t.Errorf("page %s: %s, want []", p, r.raw)
			}
		})
	}
}

// TestHeadRecordsNothing: HEAD matches GET patterns in net/http's ServeMux;
// on the two paths whose GET records something, HEAD is refused 405 and
// records nothing.
func TestHeadRecordsNothing(t *testing.T) {
	f := newFixture(t, tracker.Config{})
	id := f.click()
	for _, path := range []string{"/postback?clickid=" + id + "&sum=999.00", "/camp", "/camp?format=json"} {
		t.Run(path, func(t *testing.T) {
			r := f.do(http.MethodHead, path, "")
			hasStatus(http.StatusMethodNotAllowed)(t, r)
			if got := r.header.Get("Allow"); got != "GET" {
				t.Errorf("Allow = %q, want GET", got)
			}
		})
	}
	if _, n := f.items("/conversions"); n != 0 {
		t.Errorf("HEAD recorded %d conversions", n)
	}
	if _, n := f.items("/tracks"); n != 1 {
		t.Errorf("%d clicks, want the 1 made by GET", n)
	}
	hasStatus(http.StatusOK)(t, f.do(http.MethodHead, "/healthz", ""))
}

// TestRepeatedParameter: a parameter given twice is refused with 400 naming
// it, on postbacks and the reporting and campaign API, where the first value
// used to win silently. (A click keeps the first value: see doc.go.)
func TestRepeatedParameter(t *testing.T) {
	f := newFixture(t, tracker.Config{})
	id := f.click()
	const span = "&date_from=2000-01-01&date_to=2100-12-31"
	tests := []struct{ path, param string }{
		{"/postback?clickid=" + id + "&sum=1&sum=999", "sum"},
		{"/postback?clickid=" + id + "&clickid=" + id, "clickid"},
		{"/postback?clickid=" + id + "&zip=1&zip=2", "zip"},
		{"/postback?clickid=" + id + "&type=InitialPurchase&type=UpsellPurchase", "type"},
		{"/conversions?api_key=" + testKey + span + "&per=1&per=2", "per"},
		{"/tracks?api_key=" + testKey + span + "&date_from=1999-01-01", "date_from"},
		{"/rejections?api_key=" + testKey + "&page=1&page=2", "page"},
		{"/campaigns?api_key=" + testKey + "&title=a&title=b", "title"},
		{"/conversions?api_key=" + testKey + "&api_key=" + testKey + span, "api_key"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			r := f.get(tt.path)
			hasStatus(http.StatusBadRequest)(t, r)
			hasField("param", tt.param)(t, r)
			errorContains("given 2 times")(t, r)
		})
	}
	if _, n := f.items("/conversions"); n != 0 {
		t.Errorf("%d conversions recorded from postbacks with a repeated parameter", n)
	}
}
