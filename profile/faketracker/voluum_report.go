package faketracker

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"
)

// The reporting API. developers.voluum.com documents the cwauth-token
// header and GET /report (#!/Reports/get_report) with from and to in ISO
// 8601 ("2017-02-20T00:00:00Z") and tz; no documentation page read shows
// GET /report/conversions. Its shape here comes from public client code
// that calls it (offset, limit, from, to, tz, columns; a reply with rows,
// totalRows and limit; columns clickId, transactionId, revenue,
// conversionType, postbackTimestamp, visitTimestamp, campaignId): all
// UNCONFIRMED.

// voluumDefaultLimit is the page size when no limit is sent: UNCONFIRMED.
const voluumDefaultLimit = 100

// voluumRow is one row of the conversions report.
type voluumRow struct {
	ClickID           string      `json:"clickId"`
	TransactionID     string      `json:"transactionId"`
	Revenue           json.Number `json:"revenue"`
	Currency          string      `json:"currency,omitempty"` // UNCONFIRMED column
	ConversionType    string      `json:"conversionType"`
	CampaignID        string      `json:"campaignId"`
	VisitTimestamp    string      `json:"visitTimestamp"`
	PostbackTimestamp string      `json:"postbackTimestamp"`
}

// voluumReport is the reply of GET /report/conversions.
type voluumReport struct {
	TotalRows int         `json:"totalRows"`
	Limit     int         `json:"limit"`
	Offset    int         `json:"offset"`
	Rows      []voluumRow `json:"rows"`
}

// handleReport serves GET /report/conversions.
//
//   - The cwauth-token header must be the session token
//     (https://developers.voluum.com): missing or wrong, 401 with
//     {"error":{"code":"UNAUTHORIZED",…}} (the body is UNCONFIRMED).
//   - from is required, to optional (now when absent), both RFC 3339;
//     missing or malformed, 400 (UNCONFIRMED). A conversion is in the
//     report when its postback time is in [from, to). tz only changes how
//     times print in the real API; the fake prints UTC (RFC 3339) always.
//   - offset and limit page the rows, oldest first; totalRows counts them
//     all. columns is ignored: every row has every column the fake keeps.
//   - revenue is a JSON number with five places (the fake's precision).
func (v *Voluum) handleReport(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		writeVoluumError(w, http.StatusMethodNotAllowed, "METHOD_NOT_ALLOWED", "use GET")
		return
	}
	if tok := r.Header.Get("cwauth-token"); v.opts.Token == "" || tok != v.opts.Token {
		writeVoluumError(w, http.StatusUnauthorized, "UNAUTHORIZED", "a valid session token is required in the cwauth-token header")
		return
	}
	q := r.URL.Query()
	from, err := time.Parse(time.RFC3339, q.Get("from"))
	if err != nil {
		writeVoluumError(w, http.StatusBadRequest, "BAD_REQUEST", "from: want an ISO 8601 time such as 2017-02-20T00:00:00Z")
		return
	}
	to := v.opts.Now()
	if s := q.Get("to"); s != "" {
		if to, err = time.Parse(time.RFC3339, s); err != nil {
			writeVoluumError(w, http.StatusBadRequest, "BAD_REQUEST", "to: want an ISO 8601 time such as 2017-02-21T00:00:00Z")
			return
		}
	}
	offset, limit := 0, voluumDefaultLimit
	if s := q.Get("offset"); s != "" {
		if offset, err = strconv.Atoi(s); err != nil || offset < 0 {
			writeVoluumError(w, http.StatusBadRequest, "BAD_REQUEST", "offset: want a whole number ≥ 0")
			return
		}
	}
	if s := q.Get("limit"); s != "" {
		if limit, err = strconv.Atoi(s); err != nil || limit < 1 {
			writeVoluumError(w, http.StatusBadRequest, "BAD_REQUEST", "limit: want a whole number ≥ 1")
			return
		}
	}
	v.mu.Lock()
	var rows []voluumRow
	for _, c := range v.conversions {
		if c.postbackAt.Before(from) || !c.postbackAt.Before(to) {
			continue
		}
		rows = append(rows, voluumRow{
			ClickID: c.clickID, TransactionID: c.transactionID, Revenue: json.Number(c.revenue.String()),
			Currency: c.currency, ConversionType: c.conversionTyp, CampaignID: c.campaignID,
			VisitTimestamp: c.visitAt.UTC().Format(time.RFC3339), PostbackTimestamp: c.postbackAt.UTC().Format(time.RFC3339),
		})
	}
	v.mu.Unlock()
	rep := voluumReport{TotalRows: len(rows), Limit: limit, Offset: offset, Rows: []voluumRow{}}
	if offset < len(rows) {
		rep.Rows = rows[offset:min(offset+limit, len(rows))]
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(rep)
}

// writeVoluumError answers an API error.
func writeVoluumError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]map[string]string{"error": {"code": code, "description": msg}})
}
