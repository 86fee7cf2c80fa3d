package faketracker

import (
	"cmp"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The reporting API. developers.voluum.com documents the cwauth-token
// header, its session (POST https://api.voluum.com/auth/session, or with an
// access key, https://doc.voluum.com/en/voluum_api_docs.html) and
// GET /report (#!/Reports/get_report) with from and to in ISO 8601
// ("2017-02-20T00:00:00Z"), tz, sort and direction. No documentation page
// read shows GET /report/conversions; its shape here comes from public
// client code that calls it (several independent clients, search index ids
// 18192003962, 23839841116, 23651023667, 3966844210, 51788477621,
// 20982617455): query from, to, tz, column or columns (repeated), sort,
// direction, offset, limit, filter, groupBy=conversion, include,
// conversionTimeMode; a reply with rows, totalRows and limit; columns
// clickId, transactionId, revenue, conversionType, postbackTimestamp,
// visitTimestamp, campaignId, externalId; and, for an access key,
// POST /auth/access/session {"accessId","accessKey"} answered with
// {"token","expirationTimestamp"}. The client code is not documentation:
// all of it stays UNCONFIRMED until checked against an account.

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

// voluumSorts are the columns the fake sorts by.
var voluumSorts = map[string]func(a, b *voluumRow) int{
	"postbackTimestamp": func(a, b *voluumRow) int { return strings.Compare(a.PostbackTimestamp, b.PostbackTimestamp) },
	"visitTimestamp":    func(a, b *voluumRow) int { return strings.Compare(a.VisitTimestamp, b.VisitTimestamp) },
	"clickId":           func(a, b *voluumRow) int { return strings.Compare(a.ClickID, b.ClickID) },
	"transactionId":     func(a, b *voluumRow) int { return strings.Compare(a.TransactionID, b.TransactionID) },
	"campaignId":        func(a, b *voluumRow) int { return strings.Compare(a.CampaignID, b.CampaignID) },
	"revenue": func(a, b *voluumRow) int {
		x, _ := a.Revenue.Float64()
		y, _ := b.Revenue.Float64()
		return cmp.Compare(x, y)
	},
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
//   - sort names a column and direction is asc or desc, in either case
//     (clients send both); without sort, oldest postback first
//     (UNCONFIRMED). An unknown sort column or direction is 400.
//   - filter keeps the rows one of whose text columns contains it, case
//     ignored (UNCONFIRMED: clients send a traffic source id there; the
//     panel's search box is the likely meaning).
//   - offset and limit page the rows; totalRows counts them all.
//     column/columns, groupBy, include and conversionTimeMode are accepted
//     and ignored: every row has every column the fake keeps.
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
	order := voluumSorts["postbackTimestamp"]
	if s := q.Get("sort"); s != "" {
		if order = voluumSorts[s]; order == nil {
			writeVoluumError(w, http.StatusBadRequest, "BAD_REQUEST", "sort "+strconv.Quote(s)+": the fake sorts by postbackTimestamp, "+
				"visitTimestamp, clickId, transactionId, campaignId or revenue")
			return
		}
	}
	desc := false
	switch d := strings.ToLower(q.Get("direction")); d {
	case "", "asc":
	case "desc":
		desc = true
	default:
		writeVoluumError(w, http.StatusBadRequest, "BAD_REQUEST", "direction "+strconv.Quote(q.Get("direction"))+": want asc or desc")
		return
	}
	filter := strings.ToLower(q.Get("filter"))
	v.mu.Lock()
	var rows []voluumRow
	for _, c := range v.conversions {
		if c.postbackAt.Before(from) || !c.postbackAt.Before(to) {
			continue
		}
		row := voluumRow{
			ClickID: c.clickID, TransactionID: c.transactionID, Revenue: json.Number(c.revenue.String()),
			Currency: c.currency, ConversionType: c.conversionTyp, CampaignID: c.campaignID,
			VisitTimestamp: c.visitAt.UTC().Format(time.RFC3339), PostbackTimestamp: c.postbackAt.UTC().Format(time.RFC3339),
		}
		if filter != "" && !slices.ContainsFunc([]string{row.ClickID, row.TransactionID, row.ConversionType, row.CampaignID},
			func(s string) bool { return strings.Contains(strings.ToLower(s), filter) }) {
			continue
		}
		rows = append(rows, row)
	}
	v.mu.Unlock()
	slices.SortStableFunc(rows, func(a, b voluumRow) int {
		if desc {
			return order(&b, &a)
		}
		return order(&a, &b)
	})
	rep := voluumReport{TotalRows: len(rows), Limit: limit, Offset: offset, Rows: []voluumRow{}}
	if offset < len(rows) {
		rep.Rows = rows[offset:min(offset+limit, len(rows))]
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(rep)
}

// voluumSessionTTL is how long a session from the fake lasts
// (UNCONFIRMED).
const voluumSessionTTL = 4 * time.Hour

// handleAccessSession serves POST /auth/access/session: a body
// {"accessId","accessKey"} matching the fake's access key answers
// {"token","expirationTimestamp"} with the fake's one token; another is
// 401. The shape is client code's (see the top of this file).
func (v *Voluum) handleAccessSession(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		writeVoluumError(w, http.StatusMethodNotAllowed, "METHOD_NOT_ALLOWED", "use POST")
		return
	}
	var body struct {
		AccessID  string `json:"accessId"`
		AccessKey string `json:"accessKey"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16)).Decode(&body); err != nil {
		writeVoluumError(w, http.StatusBadRequest, "BAD_REQUEST", "the body is not JSON {\"accessId\",\"accessKey\"}: "+err.Error())
		return
	}
	if v.opts.AccessID == "" || body.AccessID != v.opts.AccessID || body.AccessKey != v.opts.AccessKey || v.opts.Token == "" {
		writeVoluumError(w, http.StatusUnauthorized, "UNAUTHORIZED", "unknown access key")
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]string{
		"token": v.opts.Token, "expirationTimestamp": v.opts.Now().Add(voluumSessionTTL).UTC().Format(time.RFC3339),
	})
}

// writeVoluumError answers an API error.
func writeVoluumError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]map[string]string{"error": {"code": code, "description": msg}})
}
