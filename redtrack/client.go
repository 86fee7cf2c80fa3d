package redtrack

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Paging limits of the reporting API.
const (
	DefaultPerPage = 100 // items per page when Query.PerPage is 0
	// MaxPerPage is the largest page RedTrack serves: "page limit, max
	// 10000" (swagger.json, paths /conversions and /tracks, parameter per).
	MaxPerPage = 10000
	maxPages   = 100_000
	maxBody    = 256 << 20 // largest response body read
)

// Client calls RedTrack's API (swagger.json, host api.redtrack.io) or cbsim's
// reference tracker, which serves the same paths. Its fields must not
// change while calls are in flight.
type Client struct {
	// BaseURL is the API's base, e.g. "https://api.redtrack.io" or a
	// tracker.Server's URL; no trailing slash needed.
	BaseURL string
	// TrackingURL is the base of campaign links used by Click, e.g.
	// "https://trk.example.com"; "" means BaseURL (cbsim's tracker serves
	// both on one address).
	TrackingURL string
	// APIKey is sent as the api_key query parameter of every API call:
	// RedTrack requires it on every path (swagger.json: "api_key", "in":
	// "query", "required": true).
	APIKey string
	// HTTPClient sends the requests; nil means http.DefaultClient.
	HTTPClient *http.Client
	// Now is the clock that fills a Query without dates; nil means time.Now.
	Now func() time.Time
}

// Query selects conversions or clicks. RedTrack requires date_from and
// date_to (YYYY-MM-DD) on GET /conversions and GET /tracks (swagger.json,
// "required": true): they are always sent. Empty fields other than the
// dates do not filter.
type Query struct {
	ClickID    string
	Type       string // conversions only; RedTrack's example filters by "default_type,type1"
	CampaignID string // one id or a comma-separated list
	// From and To are the first and last day included, as calendar dates in
	// their own location. A zero To means tomorrow (UTC); a zero From means
	// DefaultLookback before To. Window gives both for a set of times.
	From, To time.Time
	PerPage  int // page size while following pagination; 0 means DefaultPerPage, at most MaxPerPage
}

// values returns the query's parameters, dates included.
func (c *Client) values(q Query) (url.Values, error) {
	now := time.Now
	if c.Now != nil {
		now = c.Now
	}
	from, to, err := dateRange(q.From, q.To, now())
	if err != nil {
		return nil, err
	}
	params := url.Values{"date_from": {from}, "date_to": {to}}
	if q.ClickID != "" {
		params.Set("clickid", q.ClickID)
	}
	if q.Type != "" {
		params.Set("type", q.Type)
	}
	if q.CampaignID != "" {
		params.Set("campaign_id", q.CampaignID)
	}
	return params, nil
}

// APIError is a non-2xx reply of the API. RedTrack's error body is api.Err,
// {"error": "…"} (swagger.json, definitions/api.Err), with status 400 or 401
// on the reporting paths.
type APIError struct {
	Method string // of the request
	Path   string // of the request, without its query (which holds the api key)
	Status int    // HTTP status
	// Message is the body's "error", or the body's first bytes quoted
	// when it has none.
	Message string
}

// Error says which call the API refused and why; a 401 says the api key
// was refused.
func (e *APIError) Error() string {
	if e.Status == http.StatusUnauthorized {
		return fmt.Sprintf("%s %s: api key refused (HTTP 401): %s", e.Method, e.Path, e.Message)
	}
	return fmt.Sprintf("%s %s: HTTP %d: %s", e.Method, e.Path, e.Status, e.Message)
}

// Conversions returns every conversion matching q in the API's order,
// following pagination (page from 1, per) to the end: GET
// /conversions?api_key&date_from&date_to[&clickid&type&campaign_id]&page&per.
func (c *Client) Conversions(ctx context.Context, q Query) ([]Conversion, error) {
	return readLog[Conversion](ctx, c, "conversions", q)
}

// Tracks returns every click matching q (its Type is not sent), following
// pagination to the end: GET /tracks?api_key&date_from&date_to[&clickid&campaign_id]&page&per.
func (c *Client) Tracks(ctx context.Context, q Query) ([]Track, error) {
	q.Type = ""
	return readLog[Track](ctx, c, "tracks", q)
}

// readLog reads every row of the log GET /name that q selects.
func readLog[T any](ctx context.Context, c *Client, name string, q Query) ([]T, error) {
	params, err := c.values(q)
	var out []T
	if err == nil {
		out, err = paginate[T](ctx, c, "/"+name, params, q.PerPage)
	}
	if err != nil {
		return nil, fmt.Errorf("redtrack %s: %w", name, err)
	}
	return out, nil
}

// Rejections returns the postbacks the tracker refused, oldest first. Only
// cbsim's reference tracker serves it (GET /rejections); RedTrack answers
// 404.
func (c *Client) Rejections(ctx context.Context) ([]Rejection, error) {
	out, err := paginate[Rejection](ctx, c, "/rejections", url.Values{}, 0)
	if err != nil {
		return nil, fmt.Errorf("redtrack rejections: %w", err)
	}
	return out, nil
}

// CreateCampaign creates cp with RedTrack's POST /campaigns?api_key (a
// models.Campaign body; 201 with the created campaign: swagger.json, path
// /campaigns, post) and returns the campaign the API created, id included.
// cbsim's reference tracker also needs cp.CBSim.OfferURL; a real account
// needs what its campaigns require (a source, streams …), or refuses with
// 400.
func (c *Client) CreateCampaign(ctx context.Context, cp Campaign) (Campaign, error) {
	body, err := json.Marshal(cp)
	if err != nil {
		return Campaign{}, fmt.Errorf("redtrack create campaign %s: %w", cp.Title, err)
	}
	var out Campaign
	if err := c.call(ctx, http.MethodPost, "/campaigns", url.Values{}, body, &out); err != nil {
		return Campaign{}, fmt.Errorf("redtrack create campaign %s: %w", cp.Title, err)
	}
	if out.ID == "" {
		return Campaign{}, fmt.Errorf("redtrack create campaign %s: the reply has no id", cp.Title)
	}
	return out, nil
}

// Campaigns lists the campaigns whose title contains title ("" lists all)
// with RedTrack's GET /campaigns?api_key&title&page&per, whose default reply
// is an array of models.Campaign (swagger.json, path /campaigns, get); it
// follows the pages until one comes back short.
func (c *Client) Campaigns(ctx context.Context, title string) ([]Campaign, error) {
	params := url.Values{"per": {strconv.Itoa(DefaultPerPage)}}
	if title != "" {
		params.Set("title", title)
	}
	all := []Campaign{}
	for n := 1; n <= maxPages; n++ {
		params.Set("page", strconv.Itoa(n))
		var page []Campaign
		if err := c.call(ctx, http.MethodGet, "/campaigns", params, nil, &page); err != nil {
			return nil, fmt.Errorf("redtrack campaigns: page %d: %w", n, err)
		}
		all = append(all, page...)
		if len(page) < DefaultPerPage {
			return all, nil
		}
	}
	return nil, fmt.Errorf("redtrack campaigns: more than %d pages", maxPages)
}

// EnsureCampaign returns the campaign titled title, creating it (with
// offerURL under cbsim.offer_url, for cbsim's reference tracker) when the
// API lists none. An existing campaign is returned as it is, whatever its
// offer URL, so that runs against a long-lived tracker can be repeated.
func (c *Client) EnsureCampaign(ctx context.Context, title, offerURL string) (Campaign, error) {
	find := func() (Campaign, bool, error) {
		all, err := c.Campaigns(ctx, title)
		if err != nil {
			return Campaign{}, false, err
		}
		for _, cp := range all {
			if cp.Title == title {
				return cp, true, nil
			}
		}
		return Campaign{}, false, nil
	}
	if cp, ok, err := find(); ok || err != nil {
		return cp, err
	}
	created, err := c.CreateCampaign(ctx, Campaign{Title: title, CBSim: &CampaignCBSim{OfferURL: offerURL}})
	apiErr, isAPI := errors.AsType[*APIError](err)
	if err == nil || !isAPI || apiErr.Status != http.StatusConflict {
		return created, err
	}
	// Created meanwhile by another run.
	if cp, ok, err := find(); ok || err != nil {
		return cp, err
	}
	return Campaign{}, fmt.Errorf("redtrack campaign %s: the API says it exists but does not list it", title)
}

// Click creates a click on a campaign (id or name) the way a visitor's
// browser would, with params as the click's subs, and returns the click id:
// GET {TrackingURL}/{campaign}?params&format=json (format=json is cbsim's
// reference tracker's; RedTrack redirects).
func (c *Client) Click(ctx context.Context, campaign string, params url.Values) (string, error) {
	base := c.TrackingURL
	if base == "" {
		base = c.BaseURL
	}
	q := url.Values{}
	for k, v := range params {
		q[k] = v
	}
	q.Set("format", "json")
	u := strings.TrimRight(base, "/") + "/" + url.PathEscape(campaign) + "?" + q.Encode()
	var out struct {
		ClickID string `json:"clickid"`
	}
	if err := c.do(ctx, http.MethodGet, u, nil, &out); err != nil {
		return "", fmt.Errorf("redtrack click on %s: %w", campaign, err)
	}
	if out.ClickID == "" {
		return "", fmt.Errorf("redtrack click on %s: reply has no clickid", campaign)
	}
	return out.ClickID, nil
}

// page is the envelope of RedTrack's logs: {items, total} (swagger.json,
// path /conversions, 200: items and total).
type page[T any] struct {
	Items []T `json:"items"`
	Total int `json:"total"`
}

// paginate fetches pages 1, 2, … of path with per items each until it has
// total items or a page comes back empty.
func paginate[T any](ctx context.Context, c *Client, path string, params url.Values, per int) ([]T, error) {
	if per <= 0 {
		per = DefaultPerPage
	}
	per = min(per, MaxPerPage)
	params.Set("per", strconv.Itoa(per))
	all := []T{}
	for n := 1; n <= maxPages; n++ {
		params.Set("page", strconv.Itoa(n))
		var p page[T]
		if err := c.call(ctx, http.MethodGet, path, params, nil, &p); err != nil {
			return nil, fmt.Errorf("page %d: %w", n, err)
		}
		all = append(all, p.Items...)
		if len(p.Items) == 0 || len(all) >= p.Total {
			return all, nil
		}
	}
	return nil, fmt.Errorf("more than %d pages", maxPages)
}

// call sends one API request, api_key added to params.
func (c *Client) call(ctx context.Context, method, path string, params url.Values, body []byte, out any) error {
	q := url.Values{}
	for k, v := range params {
		q[k] = v
	}
	q.Set("api_key", c.APIKey)
	return c.do(ctx, method, strings.TrimRight(c.BaseURL, "/")+path+"?"+q.Encode(), body, out)
}

// do sends one request and decodes a 2xx JSON reply into out. Errors never
// carry the URL's query, which holds the api key.
func (c *Client) do(ctx context.Context, method, u string, body []byte, out any) error {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return err
	}
	where := method + " " + req.URL.Path
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	hc := c.HTTPClient
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		if ue, ok := errors.AsType[*url.Error](err); ok {
			err = ue.Err // its URL holds the api key
		}
		return fmt.Errorf("%s: %w", where, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return fmt.Errorf("%s: read reply: %w", where, err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		var e struct {
			Error string `json:"error"`
		}
		msg := ""
		if json.Unmarshal(raw, &e) == nil {
			msg = e.Error
		}
		if msg == "" {
			msg = fmt.Sprintf("%q", firstBytes(raw))
		}
		return &APIError{Method: method, Path: req.URL.Path, Status: resp.StatusCode, Message: msg}
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return fmt.Errorf("%s: reply is not the expected JSON (%v): %q", where, err, firstBytes(raw))
	}
	return nil
}

// firstBytes returns the start of a body for an error message.
func firstBytes(b []byte) string {
	const n = 64
	if len(b) > n {
		return string(b[:n]) + "…"
	}
	return string(b)
}
