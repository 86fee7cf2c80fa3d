package faketracker

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// Prosper202's REST API v3: the entry point api/v3/index.php (commit
// 02bf86ec8b5cb79da9bd8b407198276d4ccae016), authentication api/V3/Auth.php
// (commit 07db174cb2b1986d2f5ec164607a14c2c5f92c44), responses
// api/V3/Bootstrap.php (commit a8271e7ad1e620e87779478664eb8ede408ab124),
// and the controllers api/V3/Controllers/ConversionsController.php (commit
// 04abf6038e8e996cdf74179f7b40c4dcfa85f7e7) and ClicksController.php
// (commit 087ef1c5d700cca0d9870c94d884723f23031265).

// handleAPI serves /api/v3/… (and /api/…, whose prefix index.php strips
// the same way).
//
//   - X-P202-API-Version other than "v3" or "3": 400.
//   - GET /system/health needs no key.
//   - Everything else needs "Authorization: Bearer <key>": none gives 401
//     "API key required. Pass via Authorization: Bearer <key> header.", an
//     unknown key 401 "Invalid API key.".
//   - Errors are {"error":true,"message":…,"status":N}.
//   - GET /conversions, /conversions/{id}, /clicks, /clicks/{id}; any
//     other route is 404 "Not found" (the router's own answer for an
//     unknown route was not read: UNCONFIRMED).
func (p *Prosper202) handleAPI(w http.ResponseWriter, r *http.Request) {
	path := r.URL.Path
	if strings.HasPrefix(path, "/api/v3") {
		path = path[len("/api/v3"):]
	} else if strings.HasPrefix(path, "/api/") {
		path = path[len("/api"):]
	}
	if path = strings.TrimRight(path, "/"); path == "" {
		path = "/"
	}
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "no-store")
	if v := strings.ToLower(strings.TrimSpace(r.Header.Get("X-P202-API-Version"))); v != "" && v != "v3" && v != "3" {
		writeJSON202(w, http.StatusBadRequest, errorBody202{
			Error: true, Message: "Unsupported API version", Status: http.StatusBadRequest,
			SupportedVersions: []string{"v3"}, RequestedVersion: v,
		})
		return
	}
	w.Header().Set("X-P202-API-Version-Resolved", "v3")
	if path == "/system/health" && r.Method == http.MethodGet {
		type health struct {
			Status     string `json:"status"`
			Timestamp  int64  `json:"timestamp"`
			APIVersion string `json:"api_version"`
		}
		writeJSON202(w, http.StatusOK, map[string]health{"data": {"healthy", p.opts.Now().Unix(), "v3"}})
		return
	}

	// Auth::fromRequest: "Bearer " exactly, then the trimmed rest.
	key := ""
	if h := r.Header.Get("Authorization"); strings.HasPrefix(h, "Bearer ") {
		key = strings.TrimSpace(h[len("Bearer "):])
	}
	if key == "" {
		writeError202(w, http.StatusUnauthorized, "API key required. Pass via Authorization: Bearer <key> header.")
		return
	}
	if p.opts.APIKey == "" || key != p.opts.APIKey {
		writeError202(w, http.StatusUnauthorized, "Invalid API key.")
		return
	}

	resource, id, hasID := strings.Cut(strings.TrimPrefix(path, "/"), "/")
	if r.Method != http.MethodGet || strings.Contains(id, "/") {
		writeError202(w, http.StatusNotFound, "Not found")
		return
	}
	q := r.URL.Query()
	p.mu.Lock()
	defer p.mu.Unlock()
	switch {
	case resource == "conversions" && !hasID:
		p.listConversions(w, q)
	case resource == "conversions":
		p.getConversion(w, phpInt(id))
	case resource == "clicks" && !hasID:
		p.listClicks(w, q)
	case resource == "clicks":
		p.getClick(w, phpInt(id))
	default:
		writeError202(w, http.StatusNotFound, "Not found")
	}
}

// conversion202 is a conversion as the API serves it, in the SELECT's
// column order. click_payout is a number: the newest controller (index id
// 70334069936) casts the DECIMAL, which mysqli hands back as a string, to
// a float; 04abf603 served the string ("10.00000").
type conversion202 struct {
	ConvID          int64    `json:"conv_id"`
	ClickID         int64    `json:"click_id"`
	TransactionID   *string  `json:"transaction_id"`
	CampaignID      int64    `json:"campaign_id"`
	ClickPayout     phpFloat `json:"click_payout"`
	UserID          int64    `json:"user_id"`
	ClickTime       int64    `json:"click_time"`
	ConvTime        int64    `json:"conv_time"`
	Deleted         int      `json:"deleted"`
	AffCampaignName *string  `json:"aff_campaign_name"`
}

// pagination202 is the list envelope's "pagination".
type pagination202 struct {
	Total  int   `json:"total"`
	Limit  int64 `json:"limit"`
	Offset int64 `json:"offset"`
}

// listConversions is ConversionsController::list: the key's user's rows
// with deleted=0, filtered by campaign_id and by time_from/time_to on
// conv_time (each ignored when empty in PHP's sense, so "0" is no
// filter), newest conv_time first (ties by conv_id, newest first, as the
// newest controller orders), paged by limit (1-500, default 50; a value
// out of range is clamped, not refused) and offset.
func (p *Prosper202) listConversions(w http.ResponseWriter, q url.Values) {
	limit, offset := page202(q)
	var rows []*p202Conversion
	for _, c := range p.conversions {
		if c.userID != user202 || c.deleted != 0 {
			continue
		}
		if truthy(q, "campaign_id") && c.campaignID != phpInt(valueOf(q, "campaign_id")) {
			continue
		}
		if truthy(q, "time_from") && c.convTime < phpInt(valueOf(q, "time_from")) {
			continue
		}
		if truthy(q, "time_to") && c.convTime > phpInt(valueOf(q, "time_to")) {
			continue
		}
		rows = append(rows, c)
	}
	sort.SliceStable(rows, func(i, j int) bool {
		if rows[i].convTime != rows[j].convTime {
			return rows[i].convTime > rows[j].convTime
		}
		return rows[i].convID > rows[j].convID
	})
	data := []conversion202{}
	for _, c := range window(rows, limit, offset) {
		data = append(data, p.conversionJSON(c))
	}
	writeJSON202(w, http.StatusOK, struct {
		Data       []conversion202 `json:"data"`
		Pagination pagination202   `json:"pagination"`
	}{data, pagination202{len(rows), limit, offset}})
}

// getConversion is ConversionsController::get.
func (p *Prosper202) getConversion(w http.ResponseWriter, id int64) {
	for _, c := range p.conversions {
		if c.convID == id && c.userID == user202 && c.deleted == 0 {
			writeJSON202(w, http.StatusOK, map[string]conversion202{"data": p.conversionJSON(c)})
			return
		}
	}
	writeError202(w, http.StatusNotFound, "Conversion not found")
}

func (p *Prosper202) conversionJSON(c *p202Conversion) conversion202 {
	out := conversion202{
		ConvID: c.convID, ClickID: c.clickID, TransactionID: c.txid, CampaignID: c.campaignID,
		ClickPayout: phpFloat(c.payout.float()), UserID: c.userID, ClickTime: c.clickTime,
		ConvTime: c.convTime, Deleted: c.deleted,
	}
	if camp, ok := p.campaignByID(c.campaignID); ok { // LEFT JOIN 202_aff_campaigns
		out.AffCampaignName = &camp.name
	}
	return out
}

// click202 is a click as ClicksController::list serves it, in its column
// order. The DECIMAL columns click_cpc and click_payout are strings
// ("25.00000"), as mysqli returns them and 087ef1c5 passes them on. The
// lookup ids the fake does not model (keyword, country, platform,
// browser, device) are 0 and their joined names null; rotator_id and
// rule_id are 0 (UNCONFIRMED: their defaults were not seen).
type click202 struct {
	ClickID       int64   `json:"click_id"`
	AffCampaignID int64   `json:"aff_campaign_id"`
	PpcAccountID  int64   `json:"ppc_account_id"`
	LandingPageID int64   `json:"landing_page_id"`
	ClickCPC      string  `json:"click_cpc"`
	ClickPayout   string  `json:"click_payout"`
	ClickLead     int     `json:"click_lead"`
	ClickFiltered int     `json:"click_filtered"`
	ClickBot      int     `json:"click_bot"`
	ClickALP      int     `json:"click_alp"`
	ClickTime     int64   `json:"click_time"`
	RotatorID     int64   `json:"rotator_id"`
	RuleID        int64   `json:"rule_id"`
	ClickIDPublic int64   `json:"click_id_public"`
	ClickCloaking int     `json:"click_cloaking"`
	ClickIn       int     `json:"click_in"`
	ClickOut      int     `json:"click_out"`
	KeywordID     int64   `json:"keyword_id"`
	CountryID     int64   `json:"country_id"`
	PlatformID    int64   `json:"platform_id"`
	BrowserID     int64   `json:"browser_id"`
	DeviceID      int64   `json:"device_id"`
	CountryName   *string `json:"country_name"`
	CountryCode   *string `json:"country_code"`
	PlatformName  *string `json:"platform_name"`
	BrowserName   *string `json:"browser_name"`
}

// listClicks is ClicksController::list: the user's clicks filtered by
// time_from/time_to on click_time and by aff_campaign_id, ppc_account_id
// and landing_page_id (when non-empty), and by click_lead and click_bot
// (when given at all), newest click_time first (ties by click_id, newest
// first), paged as conversions are.
func (p *Prosper202) listClicks(w http.ResponseWriter, q url.Values) {
	limit, offset := page202(q)
	var rows []*p202Click
	for _, c := range p.clicks {
		if c.userID != user202 {
			continue
		}
		if truthy(q, "time_from") && c.time < phpInt(valueOf(q, "time_from")) {
			continue
		}
		if truthy(q, "time_to") && c.time > phpInt(valueOf(q, "time_to")) {
			continue
		}
		if truthy(q, "aff_campaign_id") && c.campaignID != phpInt(valueOf(q, "aff_campaign_id")) {
			continue
		}
		if (truthy(q, "ppc_account_id") && phpInt(valueOf(q, "ppc_account_id")) != 0) ||
			(truthy(q, "landing_page_id") && phpInt(valueOf(q, "landing_page_id")) != 0) {
			continue // the fake's clicks have neither
		}
		if v, ok := param(q, "click_lead"); ok && int64(c.lead) != phpInt(v) {
			continue
		}
		if v, ok := param(q, "click_bot"); ok && phpInt(v) != 0 {
			continue // no fake click is a bot
		}
		rows = append(rows, c)
	}
	sort.SliceStable(rows, func(i, j int) bool {
		if rows[i].time != rows[j].time {
			return rows[i].time > rows[j].time
		}
		return rows[i].id > rows[j].id
	})
	data := []click202{}
	for _, c := range window(rows, limit, offset) {
		data = append(data, clickJSON(c))
	}
	writeJSON202(w, http.StatusOK, struct {
		Data       []click202    `json:"data"`
		Pagination pagination202 `json:"pagination"`
	}{data, pagination202{len(rows), limit, offset}})
}

// getClick is ClicksController::get, served with the list's columns plus
// user_id (the single-click SELECT's further lookup columns are not
// modelled).
func (p *Prosper202) getClick(w http.ResponseWriter, id int64) {
	c, ok := p.byClickID[id]
	if !ok || c.userID != user202 {
		writeError202(w, http.StatusNotFound, "Click not found")
		return
	}
	writeJSON202(w, http.StatusOK, map[string]any{"data": struct {
		click202
		UserID int64 `json:"user_id"`
	}{clickJSON(c), c.userID}})
}

func clickJSON(c *p202Click) click202 {
	return click202{
		ClickID: c.id, AffCampaignID: c.campaignID, ClickCPC: decimal5(0).String(),
		ClickPayout: c.payout.String(), ClickLead: c.lead, ClickFiltered: c.filtered,
		ClickTime: c.time, ClickIDPublic: c.publicID, ClickIn: 1, ClickOut: 1,
	}
}

// page202 reads limit and offset as both controllers do:
// max(1, min(500, (int)(limit ?? 50))) and max(0, (int)(offset ?? 0)).
func page202(q url.Values) (limit, offset int64) {
	limit = 50
	if v, ok := param(q, "limit"); ok {
		limit = max(1, min(500, phpInt(v)))
	}
	if v, ok := param(q, "offset"); ok {
		offset = max(0, phpInt(v))
	}
	return limit, offset
}

// window is LIMIT limit OFFSET offset.
func window[T any](rows []T, limit, offset int64) []T {
	if offset >= int64(len(rows)) {
		return nil
	}
	return rows[offset:min(int64(len(rows)), offset+limit)]
}

// errorBody202 is Bootstrap::errorResponse's body.
type errorBody202 struct {
	Error             bool     `json:"error"`
	Message           string   `json:"message"`
	Status            int      `json:"status"`
	SupportedVersions []string `json:"supported_versions,omitempty"`
	RequestedVersion  string   `json:"requested_version,omitempty"`
}

func writeError202(w http.ResponseWriter, status int, msg string) {
	writeJSON202(w, status, errorBody202{Error: true, Message: msg, Status: status})
}

// writeJSON202 is Bootstrap::jsonResponse: JSON_UNESCAPED_SLASHES |
// JSON_UNESCAPED_UNICODE, so slashes and UTF-8 are written as they are.
func writeJSON202(w http.ResponseWriter, status int, v any) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(b.Len()-1))
	w.WriteHeader(status)
	_, _ = w.Write(bytes.TrimSuffix(b.Bytes(), []byte("\n")))
}
