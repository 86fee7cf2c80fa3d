package redtrack

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Paging limits of the reporting API.
const (
	DefaultPerPage = 100  // items per page when Query.PerPage is 0
	MaxPerPage     = 1000 // the largest page the API serves
	maxPages       = 100_000
	maxBody        = 64 << 20 // largest response body read
)

// Client calls the reporting API. Its fields must not change while calls
// are in flight.
type Client struct {
	// BaseURL is the API's base, e.g. "https://api.redtrack.io" or a
	// tracker.Server's URL; no trailing slash needed.
	BaseURL string
	// TrackingURL is the base of campaign links used by Click, e.g.
	// "https://trk.example.com"; "" means BaseURL (cbsim's tracker serves
	// both on one address).
	TrackingURL string
	// APIKey is sent as the api_key query parameter.
	APIKey string
	// HTTPClient sends the requests; nil means http.DefaultClient.
	HTTPClient *http.Client
}

// Query selects conversions. Zero fields do not filter.
type Query struct {
	ClickID string
	Type    string
	From    time.Time // first day included (its calendar date in its location)
	To      time.Time // last day included
	PerPage int       // page size while following pagination; 0 means DefaultPerPage
}

// APIError is a non-2xx reply of the API.
type APIError struct {
	Status  int    // HTTP status
	Message string // the body's "error", or the body's first bytes
}

// Error says what the API refused; a 401 says the api key was refused.
func (e *APIError) Error() string {
	if e.Status == http.StatusUnauthorized {
		return fmt.Sprintf("api key refused (HTTP 401): %s", e.Message)
	}
	return fmt.Sprintf("HTTP %d: %s", e.Status, e.Message)
}

// Conversions returns every conversion matching q, in the API's order,
// following pagination to the end.
func (c *Client) Conversions(ctx context.Context, q Query) ([]Conversion, error) {
	params := url.Values{}
	if q.ClickID != "" {
		params.Set("clickid", q.ClickID)
	}
	if q.Type != "" {
		params.Set("type", q.Type)
	}
	if !q.From.IsZero() {
		params.Set("date_from", q.From.Format(time.DateOnly))
	}
	if !q.To.IsZero() {
		params.Set("date_to", q.To.Format(time.DateOnly))
	}
	out, err := paginate[Conversion](ctx, c, "/conversions", params, q.PerPage)
	if err != nil {
		return nil, fmt.Errorf("redtrack conversions: %w", err)
	}
	return out, nil
}

// Tracks returns the recorded clicks, only those of clickID when it is not
// empty, following pagination to the end.
func (c *Client) Tracks(ctx context.Context, clickID string) ([]Track, error) {
	params := url.Values{}
	if clickID != "" {
		params.Set("clickid", clickID)
	}
	out, err := paginate[Track](ctx, c, "/tracks", params, 0)
	if err != nil {
		return nil, fmt.Errorf("redtrack tracks: %w", err)
	}
	return out, nil
}

// Rejections returns the postbacks the tracker refused, oldest first. Only
// cbsim's reference tracker serves it.
func (c *Client) Rejections(ctx context.Context) ([]Rejection, error) {
	out, err := paginate[Rejection](ctx, c, "/rejections", url.Values{}, 0)
	if err != nil {
		return nil, fmt.Errorf("redtrack rejections: %w", err)
	}
	return out, nil
}

// CreateCampaign creates a campaign on cbsim's reference tracker
// (POST {BaseURL}/api/campaigns). offerURL may hold {clickid}.
func (c *Client) CreateCampaign(ctx context.Context, name, offerURL string) (Campaign, error) {
	body, err := json.Marshal(map[string]string{"name": name, "offer_url": offerURL})
	if err != nil {
		return Campaign{}, fmt.Errorf("redtrack create campaign %s: %w", name, err)
	}
	var out Campaign
	if err := c.call(ctx, http.MethodPost, c.apiURL("/api/campaigns", url.Values{}), body, &out); err != nil {
		return Campaign{}, fmt.Errorf("redtrack create campaign %s: %w", name, err)
	}
	return out, nil
}

// Campaigns lists the campaigns of cbsim's reference tracker
// (GET {BaseURL}/api/campaigns).
func (c *Client) Campaigns(ctx context.Context) ([]Campaign, error) {
	out, err := paginate[Campaign](ctx, c, "/api/campaigns", url.Values{}, 0)
	if err != nil {
		return nil, fmt.Errorf("redtrack campaigns: %w", err)
	}
	return out, nil
}

// EnsureCampaign returns the campaign called name, creating it with
// offerURL when there is none; an existing one is returned as it is (its
// offer URL may differ from offerURL). Runs against a long-lived tracker
// can so be repeated.
func (c *Client) EnsureCampaign(ctx context.Context, name, offerURL string) (Campaign, error) {
	created, err := c.CreateCampaign(ctx, name, offerURL)
	var apiErr *APIError
	if err == nil || !errors.As(err, &apiErr) || apiErr.Status != http.StatusConflict {
		return created, err
	}
	all, err := c.Campaigns(ctx)
	if err != nil {
		return Campaign{}, err
	}
	for _, cp := range all {
		if cp.Name == name {
			return cp, nil
		}
	}
	return Campaign{}, fmt.Errorf("redtrack campaign %s: the tracker says it exists but does not list it", name)
}

// Click creates a click on a campaign (id or name) the way a visitor's
// browser would, with params as the click's subs, and returns the click id:
// GET {TrackingURL}/{campaign}?params&format=json.
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
	if err := c.call(ctx, http.MethodGet, u, nil, &out); err != nil {
		return "", fmt.Errorf("redtrack click on %s: %w", campaign, err)
	}
	if out.ClickID == "" {
		return "", fmt.Errorf("redtrack click on %s: reply has no clickid", campaign)
	}
	return out.ClickID, nil
}

// page is the API's list envelope.
type page[T any] struct {
	Items []T `json:"items"`
	Total int `json:"total"`
}

// paginate fetches pages 1, 2, … of path until it has total items or a
// page comes back empty.
func paginate[T any](ctx context.Context, c *Client, path string, params url.Values, per int) ([]T, error) {
	if per <= 0 {
		per = DefaultPerPage
	}
	per = min(per, MaxPerPage)
	params.Set("per", fmt.Sprint(per))
	all := []T{}
	for n := 1; n <= maxPages; n++ {
		params.Set("page", fmt.Sprint(n))
		var p page[T]
		if err := c.call(ctx, http.MethodGet, c.apiURL(path, params), nil, &p); err != nil {
			return nil, fmt.Errorf("page %d: %w", n, err)
		}
		all = append(all, p.Items...)
		if len(p.Items) == 0 || len(all) >= p.Total {
			return all, nil
		}
	}
	return nil, fmt.Errorf("more than %d pages", maxPages)
}

func (c *Client) apiURL(path string, params url.Values) string {
	q := url.Values{}
	for k, v := range params {
		q[k] = v
	}
	if c.APIKey != "" {
		q.Set("api_key", c.APIKey)
	}
	return strings.TrimRight(c.BaseURL, "/") + path + "?" + q.Encode()
}

// call sends one request and decodes a 2xx JSON reply into out.
func (c *Client) call(ctx context.Context, method, u string, body []byte, out any) error {
	var rd io.Reader
	if body != nil {
		rd = strings.NewReader(string(body))
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return err
	}
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
		return err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return fmt.Errorf("read reply: %w", err)
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
		return &APIError{Status: resp.StatusCode, Message: msg}
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return fmt.Errorf("reply is not the expected JSON (%v): %q", err, firstBytes(raw))
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
