package steps

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/cbsim/cbsim/redtrack"
	"github.com/cbsim/cbsim/simulator"
)

// DefaultOfferURLs are the offer URLs of the campaigns the steps create on
// a tracker that lets them (cbsim's reference tracker): the ClickBank
// hoplink with tid={clickid}, and the pay link with vtid={clickid}.
var defaultOfferURLs = map[simulator.Role]string{
	simulator.RoleAffiliate: "https://hop.clickbank.net/?affiliate=aff01&vendor=ven01&tid={clickid}",
	simulator.RoleVendor:    "https://ven01.pay.clickbank.net/?cbitems=KETO-FE&vtid={clickid}",
}

// RedTrack is a tracker that speaks RedTrack's surface: clicks at
// GET {TrackingURL}/{campaign}, postbacks at {TrackingURL}/postback, and the
// API at {APIURL} as RedTrack's Swagger describes it, read through package
// redtrack (conversions at GET /conversions?api_key&date_from&date_to&clickid,
// campaigns created with POST /campaigns). Real RedTrack and cbsim's
// reference tracker both do. It is safe for concurrent scenarios.
type RedTrack struct {
	TrackingURL string // base of campaign links and of the postback URL
	APIURL      string // API base; "" = TrackingURL
	APIKey      string // API key, sent as api_key
	// Campaigns are the campaign id (or name) per role. A missing one is
	// found by its title cbsim-<role>, or created with RedTrack's POST
	// /campaigns (which a real account refuses without a traffic source:
	// give real campaigns' ids).
	Campaigns  map[simulator.Role]string
	HTTPClient *http.Client // nil = http.DefaultClient
	// PostbackParams names the offer source's additional postback
	// parameters by slot, p_sub1 first; nil = redtrack.ClickBankPostbackParams
	// (eventid, zip, order_id), the ClickBank template's.
	PostbackParams []string
	// EventTime is when the scenario's events happen; zero =
	// simulator.DefaultTime, which the steps use. Conversions reads the days
	// from EventTime to the tracker's clock (Now), a day more either side.
	EventTime time.Time
	// Now is the harness's view of the tracker's clock; nil = time.Now.
	Now func() time.Time

	mu      sync.Mutex // guards created
	created map[simulator.Role]string
}

var _ Tracker = (*RedTrack)(nil)

func (r *RedTrack) client() *redtrack.Client {
	api := r.APIURL
	if api == "" {
		api = r.TrackingURL
	}
	return &redtrack.Client{BaseURL: api, TrackingURL: r.TrackingURL, APIKey: r.APIKey, HTTPClient: r.HTTPClient}
}

// PostbackURL returns {TrackingURL}/postback.
func (r *RedTrack) PostbackURL() string { return strings.TrimRight(r.TrackingURL, "/") + "/postback" }

// campaign returns the campaign of role, creating it when none was given.
func (r *RedTrack) campaign(ctx context.Context, role simulator.Role) (string, error) {
	if id := r.Campaigns[role]; id != "" {
		return id, nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if id := r.created[role]; id != "" {
		return id, nil
	}
	c, err := r.client().EnsureCampaign(ctx, "cbsim-"+string(role), defaultOfferURLs[role])
	if err != nil {
		return "", fmt.Errorf("no %s campaign was given and creating one failed (give its id with --campaign %s=ID): %w", role, role, err)
	}
	if r.created == nil {
		r.created = map[simulator.Role]string{}
	}
	r.created[role] = c.ID
	return c.ID, nil
}

// Click sends a visitor to the campaign of role without following the
// redirect: the Location is the offer URL with the click id in it.
func (r *RedTrack) Click(ctx context.Context, role simulator.Role) (Click, error) {
	id, err := r.campaign(ctx, role)
	if err != nil {
		return Click{}, err
	}
	hc := http.DefaultClient
	if r.HTTPClient != nil {
		hc = r.HTTPClient
	}
	noFollow := *hc
	noFollow.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	u := strings.TrimRight(r.TrackingURL, "/") + "/" + url.PathEscape(id)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return Click{}, err
	}
	resp, err := noFollow.Do(req)
	if err != nil {
		return Click{}, err
	}
	resp.Body.Close()
	if resp.StatusCode < 300 || resp.StatusCode > 399 {
		// No redirect: ask for the click id itself.
		cid, err := r.client().Click(ctx, id, nil)
		return Click{ID: cid}, err
	}
	landing, err := resp.Location()
	if err != nil {
		return Click{}, fmt.Errorf("campaign %s redirected without a usable Location: %w", id, err)
	}
	param := "tid"
	if role == simulator.RoleVendor {
		param = "vtid"
	}
	cid := landing.Query().Get(param)
	if cid == "" {
		return Click{}, fmt.Errorf("campaign %s redirects to %s, which carries no %s=: its offer URL must end with %s={clickid}", id, landing, param, param)
	}
	return Click{ID: cid, Landing: landing}, nil
}

// Window returns the dates Conversions asks for: RedTrack requires
// date_from and date_to (swagger.json, path /conversions). A simulated event
// happens at EventTime (the fixed simulator.DefaultTime, 2026-01-15, unless
// set), but a tracker records a conversion at its own clock time; the window
// covers both, from the earlier of the two minus a day to the later plus a
// day (redtrack.Window). The spare days cover the account's report timezone
// and the hours a scenario's journeys add to its event time.
func (r *RedTrack) Window() (from, to time.Time) {
	event := r.EventTime
	if event.IsZero() {
		event = simulator.DefaultTime
	}
	now := time.Now
	if r.Now != nil {
		now = r.Now
	}
	return redtrack.Window(event, now())
}

// Conversions reads GET /conversions for a click id over Window and maps
// RedTrack's models.ConversionView onto what the steps assert: payout in
// cents, duplicate_status 1/2/0 as "new"/"repeated"/"", the event id from
// deduplicate_token (where rdtk_event_id goes), and Params from p_sub1…p_sub20
// named by PostbackParams (plus, on cbsim's reference tracker, its
// cbsim.params).
func (r *RedTrack) Conversions(ctx context.Context, clickID string) ([]Conversion, error) {
	from, to := r.Window()
	cs, err := r.client().Conversions(ctx, redtrack.Query{ClickID: clickID, From: from, To: to})
	if err != nil {
		return nil, err
	}
	names := r.PostbackParams
	if names == nil {
		names = redtrack.ClickBankPostbackParams()
	}
	out := make([]Conversion, len(cs))
	for i, c := range cs {
		out[i] = Conversion{ClickID: c.ClickID, Type: c.Type, Status: c.Status, Payout: c.PayoutCents(), Currency: c.Currency,
			Order: c.Order, EventID: c.DeduplicateToken, DuplicateStatus: c.DuplicateStatusName(), Params: c.PostbackParams(names)}
	}
	return out, nil
}

// Rejections reads cbsim's rejections log; a tracker without one (real
// RedTrack answers 404) is ErrNotSupported.
func (r *RedTrack) Rejections(ctx context.Context) ([]Rejection, error) {
	rs, err := r.client().Rejections(ctx)
	var apiErr *redtrack.APIError
	if errors.As(err, &apiErr) && (apiErr.Status == http.StatusNotFound || apiErr.Status == http.StatusMethodNotAllowed) {
		return nil, fmt.Errorf("rejections log: %w", ErrNotSupported)
	}
	if err != nil {
		return nil, err
	}
	out := make([]Rejection, len(rs))
	for i, x := range rs {
		out[i] = Rejection{Query: x.Query, Param: x.Param, Reason: x.Error, Status: x.Status}
	}
	return out, nil
}

// Shared is a factory that hands every scenario the same tracker.
type Shared struct{ Tracker Tracker }

// Open returns the shared tracker.
func (s Shared) Open(context.Context) (Tracker, error) { return s.Tracker, nil }

// Release does nothing: the tracker outlives the scenarios.
func (Shared) Release(Tracker) {}
