package faketracker

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"
)

// everflowRow is one row of the raw conversions report, with the columns
// of https://developers.everflow.io/api-reference/post-networksreportingconversions
// the fake keeps.
type everflowRow struct {
	ConversionID            string      `json:"conversion_id"`
	TransactionID           string      `json:"transaction_id"`
	ConversionUnixTimestamp int64       `json:"conversion_unix_timestamp"`
	ClickUnixTimestamp      int64       `json:"click_unix_timestamp"`
	Status                  string      `json:"status"`
	ErrorCode               int         `json:"error_code"`
	ErrorMessage            string      `json:"error_message"`
	IsEvent                 bool        `json:"is_event"`
	Event                   string      `json:"event"`
	SaleAmount              json.Number `json:"sale_amount"`
	Payout                  json.Number `json:"payout"`
	Revenue                 json.Number `json:"revenue"`
	OrderID                 string      `json:"order_id"`
	Adv1                    string      `json:"adv1"`
	Adv2                    string      `json:"adv2"`
	Adv3                    string      `json:"adv3"`
	Adv4                    string      `json:"adv4"`
	Adv5                    string      `json:"adv5"`
}

// everflowReportRequest is the body of POST /v1/networks/reporting/conversions.
type everflowReportRequest struct {
	From            string `json:"from"`
	To              string `json:"to"`
	TimezoneID      *int   `json:"timezone_id"`
	ShowConversions *bool  `json:"show_conversions"`
	ShowEvents      *bool  `json:"show_events"`
	Query           struct {
		Filters []struct {
			ResourceType  string          `json:"resource_type"`
			FilterIDValue json.RawMessage `json:"filter_id_value"`
		} `json:"filters"`
	} `json:"query"`
}

// everflowPaging is the reply's paging object
// (https://developers.everflow.io/user-guide/paging).
type everflowPaging struct {
	Page       int `json:"page"`
	PageSize   int `json:"page_size"`
	TotalCount int `json:"total_count"`
}

// everflowUTC is the timezone_id of UTC ("timezone_id: 67 (UTC)",
// https://developers.everflow.io/user-guide/timezones).
const everflowUTC = 67

// Paging bounds: "When not specified, the API returns page 1 with a page
// size of 50. The maximum page size is typically 2,000"
// (https://developers.everflow.io/user-guide/paging).
const (
	everflowDefaultPageSize = 50
	everflowMaxPageSize     = 2000
)

// handleReport serves POST /v1/networks/reporting/conversions
// (https://developers.everflow.io/docs/network/reporting/raw_conversions).
//
//   - The key is X-Eflow-Api-Key (same page); missing or wrong: 401
//     (status and body UNCONFIRMED).
//   - "Each request must contain: from and to dates (format can be
//     YYYY-mm-DD or YYYY-mm-DD hh:mm:ss), the timezone_id, a
//     show_conversions boolean ... a show_events boolean" (same page): a
//     body without one of them, or with a date in neither format, is 400
//     (UNCONFIRMED status). A date alone covers its whole day
//     (UNCONFIRMED: the timezones page says from and to "are interpreted
//     as 00:00:00 in the requested timezone_id", which leaves to's day
//     open). timezone_id 67 is UTC (timezones page); the fake knows no
//     other and answers 400 for one.
//   - query.filters entries are {resource_type, filter_id_value}
//     (https://developers.everflow.io/user-guide/api-filters); the fake
//     models the status filter only (a resource_type public client code
//     sends) and answers 400 for another, naming it.
//   - show_conversions keeps base conversions, show_events events.
//   - Paging: page and page_size in the query string, 1 and 50 when
//     absent, page_size at most 2000; the reply carries {"page",
//     "page_size","total_count"} in paging (paging page; public client
//     code pages this very endpoint so). The reply is {"conversions":[…],
//     "paging":{…}}, oldest first (UNCONFIRMED order). payout and revenue
//     are 0: the fake models no offer payout settings.
func (e *Everflow) handleReport(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		writeEverflowError(w, http.StatusMethodNotAllowed, "use POST")
		return
	}
	if k := r.Header.Get("X-Eflow-Api-Key"); e.opts.APIKey == "" || k != e.opts.APIKey {
		writeEverflowError(w, http.StatusUnauthorized, "invalid or missing X-Eflow-Api-Key")
		return
	}
	page, size, err := everflowPage(r.URL.Query())
	if err != nil {
		writeEverflowError(w, http.StatusBadRequest, err.Error())
		return
	}
	var req everflowReportRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		writeEverflowError(w, http.StatusBadRequest, "the body is not JSON: "+err.Error())
		return
	}
	from, okFrom := everflowDate(req.From, false)
	to, okTo := everflowDate(req.To, true)
	switch {
	case !okFrom || !okTo:
		writeEverflowError(w, http.StatusBadRequest, "from and to: want YYYY-mm-DD or YYYY-mm-DD hh:mm:ss")
		return
	case req.TimezoneID == nil || req.ShowConversions == nil || req.ShowEvents == nil:
		writeEverflowError(w, http.StatusBadRequest, "timezone_id, show_conversions and show_events are required")
		return
	case *req.TimezoneID != everflowUTC:
		writeEverflowError(w, http.StatusBadRequest, fmt.Sprintf("timezone_id %d: the fake knows only %d (UTC)", *req.TimezoneID, everflowUTC))
		return
	}
	var statuses []string
	for i, f := range req.Query.Filters {
		var v string
		if f.ResourceType != "status" || json.Unmarshal(f.FilterIDValue, &v) != nil {
			writeEverflowError(w, http.StatusBadRequest, fmt.Sprintf("query.filters[%d]: resource_type %q: the fake filters by status only, "+
				"with a string filter_id_value", i, f.ResourceType))
			return
		}
		statuses = append(statuses, v)
	}
	e.mu.Lock()
	rows := []everflowRow{}
	for _, c := range e.conversions {
		if c.at.Before(from) || c.at.After(to) || c.isEvent && !*req.ShowEvents || !c.isEvent && !*req.ShowConversions {
			continue
		}
		if len(statuses) > 0 && !slices.Contains(statuses, c.status) {
			continue
		}
		rows = append(rows, everflowRow{
			ConversionID: c.conversionID, TransactionID: c.transactionID, ConversionUnixTimestamp: c.at.Unix(),
			ClickUnixTimestamp: c.clickAt.Unix(), Status: c.status, ErrorCode: c.errorCode, ErrorMessage: c.errorMessage,
			IsEvent: c.isEvent, Event: c.event, SaleAmount: json.Number(c.saleAmount.String()), Payout: "0", Revenue: "0",
			OrderID: c.orderID, Adv1: c.adv[0], Adv2: c.adv[1], Adv3: c.adv[2], Adv4: c.adv[3], Adv5: c.adv[4],
		})
	}
	e.mu.Unlock()
	total := len(rows)
	lo := min((page-1)*size, total)
	rows = rows[lo:min(lo+size, total)]
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(struct {
		Conversions []everflowRow  `json:"conversions"`
		Paging      everflowPaging `json:"paging"`
	}{rows, everflowPaging{page, size, total}})
}

// everflowPage reads page and page_size from the query string.
func everflowPage(q url.Values) (page, size int, err error) {
	page, size = 1, everflowDefaultPageSize
	if s := q.Get("page"); s != "" {
		if page, err = strconv.Atoi(s); err != nil || page < 1 {
			return 0, 0, fmt.Errorf("page %q: want a whole number ≥ 1", s)
		}
	}
	if s := q.Get("page_size"); s != "" {
		if size, err = strconv.Atoi(s); err != nil || size < 1 || size > everflowMaxPageSize {
			return 0, 0, fmt.Errorf("page_size %q: want a whole number from 1 to %d", s, everflowMaxPageSize)
		}
	}
	return page, size, nil
}

// everflowDate reads a report date in UTC; a date alone is its first
// second, or with end its last.
func everflowDate(s string, end bool) (time.Time, bool) {
	if t, err := time.Parse(time.DateTime, s); err == nil {
		return t, true
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, false
	}
	if end {
		t = t.Add(24*time.Hour - time.Nanosecond)
	}
	return t, true
}

// writeEverflowError answers an API error (the body's shape is
// UNCONFIRMED).
func writeEverflowError(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"Error": msg})
}
