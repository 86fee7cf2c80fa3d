package faketracker

import (
	"encoding/json"
	"net/http"
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
}

// handleReport serves POST /v1/networks/reporting/conversions
// (https://developers.everflow.io/docs/network/reporting/raw_conversions).
//
//   - The key is X-Eflow-Api-Key (same page); missing or wrong: 401
//     (status and body UNCONFIRMED).
//   - "Each request must contain: from and to dates (format can be
//     YYYY-mm-DD or YYYY-mm-DD hh:mm:ss), the timezone_id, a
//     show_conversions boolean ... a show_events boolean" (same page): a
//     body without one of them, or with a date in neither format, is 400
//     (UNCONFIRMED). A date alone covers its whole day. Every timezone_id
//     is read as UTC (67 is the one the documentation's example sends;
//     that it is UTC is UNCONFIRMED). query.filters is ignored.
//   - show_conversions keeps base conversions, show_events events.
//   - The reply is {"conversions":[…]} oldest first, every row at once
//     (the network endpoint's paging is UNCONFIRMED). payout and revenue
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
	}
	e.mu.Lock()
	rows := []everflowRow{}
	for _, c := range e.conversions {
		if c.at.Before(from) || c.at.After(to) || c.isEvent && !*req.ShowEvents || !c.isEvent && !*req.ShowConversions {
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
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string][]everflowRow{"conversions": rows})
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
