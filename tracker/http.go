package tracker

import (
	"bytes"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Reporting API paging limits.
const (
	DefaultPerPage = 100 // items per page when per is absent
	// MaxPerPage is the largest accepted per: RedTrack's "page limit, max
	// 10000" (swagger.json, paths /conversions and /tracks, parameter per).
	MaxPerPage = 10000
)

// routes builds the HTTP surface:
//
//	GET  /healthz                      {"status":"ok"}
//	GET  /postback?clickid=&sum=&type=&status=&currency=&rdtk_event_id=&ptoken=&…
//	GET  /conversions?api_key=&date_from=&date_to=[&clickid=&type=&campaign_id=&page=&per=]
//	GET  /tracks?api_key=&date_from=&date_to=[&clickid=&campaign_id=&page=&per=]
//	GET  /rejections?api_key=&page=&per=
//	POST /ins                          ClickBank's INS envelope {"notification":..,"iv":..} (ins.go)
//	POST /campaigns?api_key=           models.Campaign {"title":..,"cbsim":{"offer_url":..}}
//	GET  /campaigns?api_key=[&title=&ids=&page=&per=]
//	POST /api/campaigns?api_key=       {"name":..,"offer_url":..} (deprecated)
//	GET  /api/campaigns?api_key=       (deprecated)
//	GET  /{campaign}[?format=json]     click: 302 to the offer URL, or {"clickid":..}
func (t *Tracker) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("GET /postback", getOnly(t, t.handlePostback))
	mux.HandleFunc("GET /conversions", t.withAPIKey(t.handleConversions))
	mux.HandleFunc("GET /tracks", t.withAPIKey(t.handleTracks))
	mux.HandleFunc("GET /rejections", t.withAPIKey(t.handleRejections))
	mux.HandleFunc("POST "+insPath, t.handleINS)
	mux.HandleFunc("GET "+insPath, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Allow", http.MethodPost)
		t.writeError(w, r, errorf(EMethod, "", "%s %s is not allowed: ClickBank POSTs its Instant Notifications", r.Method, r.URL.Path))
	})
	mux.HandleFunc("POST /campaigns", t.withAPIKey(t.handleCreateCampaign))
	mux.HandleFunc("GET /campaigns", t.withAPIKey(t.handleListCampaigns))
	mux.HandleFunc("POST /api/campaigns", t.withAPIKey(t.handleCreateLegacyCampaign))
	mux.HandleFunc("GET /api/campaigns", t.withAPIKey(t.handleListLegacyCampaigns))
	mux.HandleFunc("GET /{campaign}", getOnly(t, t.handleClick))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		t.writeError(w, r, errorf(ENotFound, "", "no such path %s %s", r.Method, r.URL.Path))
	})
	maxBody := t.cfg.Server.MaxBodyBytes
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, maxBody)
		mux.ServeHTTP(w, r)
	})
}

// getOnly refuses HEAD, which net/http's ServeMux routes to GET patterns,
// with 405 and "Allow: GET": for a path whose GET records something, HEAD
// would record it too.
func getOnly(t *Tracker, next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet {
			w.Header().Set("Allow", http.MethodGet)
			t.writeError(w, r, errorf(EMethod, "", "%s %s is not allowed: use GET", r.Method, r.URL.Path))
			return
		}
		next(w, r)
	}
}

// handlePostback records a postback or rejects it, logging the rejection.
func (t *Tracker) handlePostback(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	pb, perr := t.parsePostback(r.URL.RawQuery)
	if perr != nil {
		t.rejectPostback(w, r, perr)
		return
	}
	out, err := t.store.record(ctx, pb, t.modes[pb.Type])
	if e, ok := errors.AsType[*Error](err); ok {
		t.rejectPostback(w, r, e)
		return
	}
	if err != nil {
		t.writeError(w, r, err)
		return
	}
	t.log.DebugContext(ctx, "postback", "clickid", pb.ClickID, "type", pb.Type, "sum", formatCents(pb.Cents),
		"action", out.Action, "duplicate_status", out.DuplicateStatus, "query", r.URL.RawQuery)
	writeJSON(w, http.StatusOK, struct {
		Status string `json:"status"`
		outcome
	}{"ok", out})
}

// rejectPostback answers a refused postback and keeps it in the rejections
// log, with the values of ptoken and api_key masked (maskQuery).
func (t *Tracker) rejectPostback(w http.ResponseWriter, r *http.Request, e *Error) {
	status := statusOf(e.Code)
	t.log.InfoContext(r.Context(), "postback rejected", "status", status, "param", e.Param, "error", e.Message, "query", r.URL.RawQuery)
	if err := t.store.reject(r.Context(), "/postback", maskQuery(r.URL.RawQuery), e.Param, e.Message, status); err != nil {
		t.log.ErrorContext(r.Context(), "log rejection", "err", err)
	}
	t.writeError(w, r, e)
}

// handleClick records a click and redirects to the campaign's offer URL.
func (t *Tracker) handleClick(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	c, err := t.store.campaign(ctx, r.PathValue("campaign"))
	if err != nil {
		t.writeError(w, r, err)
		return
	}
	q, qerr := parseQuery(r.URL.RawQuery)
	if qerr != nil {
		t.writeError(w, r, qerr)
		return
	}
	asJSON := q.Get("format") == "json"
	subs := make(map[string]string, len(q))
	for name, values := range q {
		if name != "format" {
			subs[name] = values[0]
		}
	}
	k, err := t.store.createClick(ctx, c, subs)
	if err != nil {
		t.writeError(w, r, err)
		return
	}
	t.log.DebugContext(ctx, "click", "campaign", c.Name, "clickid", k.ID)
	if asJSON {
		writeJSON(w, http.StatusOK, map[string]string{"clickid": k.ID})
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, strings.ReplaceAll(c.OfferURL, "{clickid}", url.QueryEscape(k.ID)), http.StatusFound)
}

// list is the deprecated campaign API's envelope.
type list[T any] struct {
	Items []T `json:"items"`
	Total int `json:"total"`
}

// handleConversions serves GET /conversions as RedTrack's conversions log
// (swagger.json, path /conversions): date_from and date_to are required,
// clickid, type and campaign_id filter (type and campaign_id take
// comma-separated lists), page and per page.
func (t *Tracker) handleConversions(w http.ResponseWriter, r *http.Request) {
	f, err := parseLogFilter(r.URL.Query())
	if err != nil {
		t.writeError(w, r, err)
		return
	}
	cf := conversionFilter{f, commaList(r.URL.Query().Get("type"))}
	total, err := t.store.countConversions(r.Context(), cf)
	if err != nil {
		t.writeError(w, r, err)
		return
	}
	t.streamLog(w, r, fmt.Sprintf(`"total":%d`, total), func(emit func(any) error) error {
		return t.store.eachConversion(r.Context(), cf, func(v conversionRow) error { return emit(t.conversionView(v)) })
	})
}

// handleTracks serves GET /tracks as RedTrack's clicks log (swagger.json,
// path /tracks): date_from and date_to are required, clickid and
// campaign_id filter, page and per page.
func (t *Tracker) handleTracks(w http.ResponseWriter, r *http.Request) {
	f, err := parseLogFilter(r.URL.Query())
	if err != nil {
		t.writeError(w, r, err)
		return
	}
	total, err := t.store.countClicks(r.Context(), f)
	if err != nil {
		t.writeError(w, r, err)
		return
	}
	t.streamLog(w, r, fmt.Sprintf(`"total":%d`, total), func(emit func(any) error) error {
		return t.store.eachClick(r.Context(), f, func(k click) error { return emit(trackView(k)) })
	})
}

// parseLogFilter reads what every log takes: clickid and campaign_id
// (a comma-separated list), page and per, and the required date range.
func parseLogFilter(q url.Values) (logFilter, error) {
	f := logFilter{ClickID: q.Get("clickid"), CampaignIDs: commaList(q.Get("campaign_id"))}
	var err error
	if f.Page, err = parsePage(q); err == nil {
		f.From, f.To, err = parseDateRange(q)
	}
	return f, err
}

// streamLog answers 200 with a page of a log as RedTrack's {"items":[…],
// "total":N}, writing each item as each emits it; tail is what follows the
// items ("total":N and what else the log reports). A page is never built
// whole: a page of MaxPerPage rows can be tens of megabytes. Once the first
// byte is sent the status cannot change, so a failure midway aborts the
// reply (the client sees it cut short, never a valid-looking partial page).
func (t *Tracker) streamLog(w http.ResponseWriter, r *http.Request, tail string, each func(emit func(v any) error) error) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	buf.WriteString(`{"items":[`)
	sep := ""
	err := each(func(v any) error {
		buf.WriteString(sep)
		sep = ","
		if err := enc.Encode(v); err != nil {
			return err
		}
		buf.Truncate(buf.Len() - 1) // Encode's newline
		_, err := w.Write(buf.Bytes())
		buf.Reset()
		return err
	})
	if err != nil {
		t.log.ErrorContext(r.Context(), "reply cut short", "method", r.Method, "path", r.URL.Path, "err", err)
		panic(http.ErrAbortHandler)
	}
	buf.WriteString(`],` + tail + "}\n")
	w.Write(buf.Bytes())
}

// commaList splits a comma-separated filter; "" is no filter.
func commaList(s string) []string {
	if s == "" {
		return nil
	}
	var out []string
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

func (t *Tracker) handleRejections(w http.ResponseWriter, r *http.Request) {
	p, err := parsePage(r.URL.Query())
	if err != nil {
		t.writeError(w, r, err)
		return
	}
	total, dropped, err := t.store.countRejections(r.Context())
	if err != nil {
		t.writeError(w, r, err)
		return
	}
	t.streamLog(w, r, fmt.Sprintf(`"total":%d,"dropped":%d`, total, dropped), func(emit func(any) error) error {
		return t.store.eachRejection(r.Context(), p, func(x rejection) error { return emit(x) })
	})
}

// handleCreateCampaign answers RedTrack's POST /campaigns (swagger.json,
// path /campaigns, post: a models.Campaign body, 201 with the created
// campaign). The reference tracker reads title (its unique name) and
// cbsim.offer_url, and ignores the other models.Campaign fields.
func (t *Tracker) handleCreateCampaign(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Title string        `json:"title"`
		CBSim campaignCBSim `json:"cbsim"`
	}
	if err := readJSON(w, r, &in, `a models.Campaign {"title":..,"cbsim":{"offer_url":..}}`); err != nil {
		t.writeError(w, r, err)
		return
	}
	if in.CBSim.OfferURL == "" {
		t.writeError(w, r, errorf(EInvalid, "cbsim.offer_url", "cbsim.offer_url is required: the reference tracker has no offers, so a campaign carries its offer URL there (not a RedTrack field)"))
		return
	}
	c, err := t.CreateCampaign(r.Context(), in.Title, in.CBSim.OfferURL)
	if e, ok := errors.AsType[*Error](err); ok {
		// models.Campaign's names for the fields.
		renamed := *e
		switch e.Param {
		case "name":
			renamed.Param, renamed.Message = "title", strings.Replace(e.Message, "campaign name", "campaign title", 1)
		case "offer_url":
			renamed.Param = "cbsim.offer_url"
		}
		err = &renamed
	}
	if err != nil {
		t.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, newCampaignView(c))
}

// handleListCampaigns answers RedTrack's GET /campaigns (swagger.json, path
// /campaigns, get: an array of models.Campaign by default): title keeps the
// campaigns whose title contains it, ids those of the comma-separated ids,
// page and per page.
func (t *Tracker) handleListCampaigns(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	p, err := parsePage(q)
	if err != nil {
		t.writeError(w, r, err)
		return
	}
	cs, err := t.store.campaigns(r.Context())
	if err != nil {
		t.writeError(w, r, err)
		return
	}
	title, ids := q.Get("title"), commaList(q.Get("ids"))
	out := []campaignView{}
	for _, c := range cs {
		if strings.Contains(c.Name, title) && (ids == nil || slices.Contains(ids, c.ID)) {
			out = append(out, newCampaignView(c))
		}
	}
	start := int(min(p.offset(), int64(len(out))))
	out = out[start:min(start+p.per, len(out))]
	writeJSON(w, http.StatusOK, out)
}

// handleCreateLegacyCampaign answers POST /api/campaigns, cbsim's own
// campaign API before it spoke RedTrack's POST /campaigns. Deprecated: kept
// for existing scripts; use POST /campaigns.
func (t *Tracker) handleCreateLegacyCampaign(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Name     string `json:"name"`
		OfferURL string `json:"offer_url"`
	}
	if err := readJSON(w, r, &in, `{"name":..,"offer_url":..}`); err != nil {
		t.writeError(w, r, err)
		return
	}
	c, err := t.CreateCampaign(r.Context(), in.Name, in.OfferURL)
	if err != nil {
		t.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, c)
}

// handleListLegacyCampaigns answers GET /api/campaigns. Deprecated: use
// GET /campaigns.
func (t *Tracker) handleListLegacyCampaigns(w http.ResponseWriter, r *http.Request) {
	cs, err := t.store.campaigns(r.Context())
	if err != nil {
		t.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, list[Campaign]{cs, len(cs)})
}

// readJSON reads a JSON object body (of at most ServerLimits.MaxBodyBytes:
// routes wraps every body) into v; want describes the expected body in the
// error.
func readJSON(w http.ResponseWriter, r *http.Request, v any, want string) error {
	body, err := io.ReadAll(r.Body)
	if mb, ok := errors.AsType[*http.MaxBytesError](err); ok {
		return errorf(EInvalid, "body", "body is too large: more than %d bytes", mb.Limit)
	}
	if err != nil {
		return errorf(EInvalid, "body", "read body: %v", err)
	}
	if err := json.Unmarshal(body, v); err != nil {
		return errorf(EInvalid, "body", "body is not %s: %v", want, err)
	}
	return nil
}

// withAPIKey refuses requests whose api_key is not Config.APIKey. A refused
// request's body is not read: the reply says "Connection: close", so that
// net/http sends it at once instead of draining the body first, and closes
// the connection after it.
func (t *Tracker) withAPIKey(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		refuse := func(err error) {
			if r.ContentLength != 0 {
				w.Header().Set("Connection", "close")
			}
			t.writeError(w, r, err)
		}
		t.log.DebugContext(r.Context(), "api", "method", r.Method, "path", r.URL.Path, "query", r.URL.RawQuery)
		q := r.URL.Query()
		if n := len(q["api_key"]); n > 1 {
			refuse(errorf(EInvalid, "api_key", "parameter %q given %d times; give it once", "api_key", n))
			return
		}
		if t.cfg.APIKey != "" {
			got := q.Get("api_key")
			if got == "" {
				refuse(errorf(EUnauthorized, "", "missing api_key"))
				return
			}
			if subtle.ConstantTimeCompare([]byte(got), []byte(t.cfg.APIKey)) != 1 {
				refuse(errorf(EUnauthorized, "", "wrong api_key"))
				return
			}
		}
		if err := onceEach(q); err != nil {
			refuse(err)
			return
		}
		next(w, r)
	}
}

// parsePage reads page (from 1) and per (1..MaxPerPage).
func parsePage(q url.Values) (page, error) {
	p := page{num: 1, per: DefaultPerPage}
	if s := q.Get("page"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			return p, errorf(EInvalid, "page", "page %q is not a whole number from 1", s)
		}
		p.num = n
	}
	if s := q.Get("per"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > MaxPerPage {
			return p, errorf(EInvalid, "per", "per %q is not a whole number from 1 to %d", s, MaxPerPage)
		}
		p.per = n
	}
	return p, nil
}

// parseDateRange reads the required date_from and date_to (YYYY-MM-DD,
// UTC calendar days, both inclusive): RedTrack requires both on its logs
// (swagger.json, paths /conversions and /tracks: "required": true). It
// returns the first instant of date_from and the last of date_to.
func parseDateRange(q url.Values) (from, to time.Time, err error) {
	if from, err = parseDate(q, "date_from"); err != nil {
		return
	}
	if to, err = parseDate(q, "date_to"); err != nil {
		return
	}
	if to.Before(from) {
		return from, to, errorf(EInvalid, "date_to", "date_to %s is before date_from %s", q.Get("date_to"), q.Get("date_from"))
	}
	return from, to.Add(24*time.Hour - time.Nanosecond), nil
}

// parseDate reads a required YYYY-MM-DD parameter (0001-01-01 …
// 9999-12-31) as the start of that day in UTC. Days beyond the span of the
// stored times are allowed: logFilter.where clamps them to it.
func parseDate(q url.Values, name string) (time.Time, error) {
	s := q.Get(name)
	if s == "" {
		return time.Time{}, errorf(EInvalid, name, "%s is required: a date YYYY-MM-DD", name)
	}
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, errorf(EInvalid, name, "%s %q is not a date YYYY-MM-DD", name, s)
	}
	return d, nil
}

// errorBody is the JSON body of every error reply.
type errorBody struct {
	Error string `json:"error"`
	Param string `json:"param,omitempty"`
}

// writeError answers with err's status and JSON body; internal errors are
// logged and answered without detail.
func (t *Tracker) writeError(w http.ResponseWriter, r *http.Request, err error) {
	e, ok := errors.AsType[*Error](err)
	if !ok {
		t.log.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		e = errorf(EInternal, "", "internal error")
	}
	writeJSON(w, statusOf(e.Code), errorBody{Error: e.Message, Param: e.Param})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		status, body = http.StatusInternalServerError, []byte(`{"error":"internal error"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(append(body, '\n'))
}
