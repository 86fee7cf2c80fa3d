package profile

import (
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"
)

// ErrNotSupported is returned for what a profile does not describe: no
// reader of conversions (an observe-only tracker), no reader of clicks.
var ErrNotSupported = errors.New("not supported by this tracker's profile")

// DefaultTimeout bounds each request to the tracker when Config.HTTPClient
// is nil: a tracker that accepts a connection and never answers fails the
// request instead of hanging the run.
const DefaultTimeout = 30 * time.Second

// Config is what the user gives to drive one tracker with a profile. Its
// fields are read by Bind; later changes have no effect.
type Config struct {
	// TrackerURL is {tracker}: the base of click and postback URLs, e.g.
	// "https://trk.example.com" (--tracker).
	TrackerURL string
	// APIURL is {api}: the base of the tracker's API; "" = TrackerURL.
	APIURL string
	// APIKey fills the setting api_key (--api-key); it wins over
	// Set["api_key"].
	APIKey string
	// Campaigns is {campaign} per role ("affiliate", "vendor")
	// (--campaign ROLE=ID). A role without one is found or created
	// through the profile's campaigns: section, or is an error.
	Campaigns map[string]string
	// Set gives the profile's other settings by name (--set NAME=VALUE).
	// A name the profile does not declare is an error.
	Set map[string]string
	// OfferURLs are the offer URLs of campaigns the profile's API creates,
	// per role; a missing role gets a ClickBank hop link (affiliate) or pay
	// link (vendor) carrying the profile's click parameter = offer URL macro.
	OfferURLs map[string]string
	// PostbackFields overrides postback.fields, logical → wire name; ""
	// removes a field (the tracker has no such parameter). click_id cannot
	// be removed.
	PostbackFields map[string]string
	// PostbackExtra overrides postback.extra, wire name → value; ""
	// removes a parameter.
	PostbackExtra map[string]string
	// PostbackOnly binds the profile for sending postbacks only (cbsim
	// serve --profile): the click, the campaigns and the readers are left
	// out, so only what the postback URL needs must be given. Click,
	// Conversions and ClickKept then fail.
	PostbackOnly bool
	// Reader picks the reader where the profile has both: "http" or
	// "sql"; "" = the profile's read.prefer.
	Reader string
	// HTTPClient sends every request; nil = a client that gives up on a
	// request after DefaultTimeout. No request follows a redirect (a
	// reader's credentials must not reach another host). Clicks
	// never follow redirects, whatever its CheckRedirect.
	HTTPClient *http.Client
	// DB is used by a SQL reader instead of opening read.*.sql.dsn; the
	// Tracker does not close it.
	DB *sql.DB
	// Seed makes visitors reproducible: the same seed, the same addresses
	// and user agents in the same order.
	Seed int64
	// EventTime is when the simulated events happen; with Now it spans the
	// read window ({date_from} … {date_to}): from the earlier minus a day
	// to the later plus a day. Zero = Now only.
	EventTime time.Time
	// Now is the clock; nil = time.Now.
	Now func() time.Time
}

// Tracker is a Profile bound to one tracker deployment: it clicks, names
// postbacks and reads what was recorded. It is safe for concurrent use.
type Tracker struct {
	p        *Profile
	vals     map[string]string // settings, {tracker} and {api}
	secrets  []string          // values Redact hides
	campaign map[string]string // role → given campaign
	offers   map[string]string // role → offer URL for created campaigns
	fields   map[string]string // logical → wire
	extra    map[string]string // wire → value
	hc       *http.Client
	noFollow *http.Client
	conv     reader // nil: no conversions reader
	clicks   reader // nil: no clicks reader
	convMap  *rowSpec
	clickMap *rowSpec
	db       *sql.DB // opened by Bind, closed by Close
	now      func() time.Time
	event    time.Time
	visitors *visitors

	postbackOnly bool // bound with Config.PostbackOnly: no click, no reader

	mu      sync.Mutex        // guards created
	created map[string]string // role → campaign found or created
}

// Bind checks cfg against the profile and returns a Tracker. Its error
// names every missing or unknown setting and how to give it (--campaign
// ROLE=ID, --api-key KEY, --set NAME=VALUE).
func (p *Profile) Bind(cfg Config) (*Tracker, error) {
	var problems []string
	t := &Tracker{p: p, vals: map[string]string{}, campaign: map[string]string{}, offers: map[string]string{}, created: map[string]string{}}
	setting := func(name string) (string, bool) {
		if name == "api_key" && cfg.APIKey != "" {
			return cfg.APIKey, true
		}
		if v, ok := cfg.Set[name]; ok {
			return v, true
		}
		s := p.settings[name]
		if s != nil && s.HasDefault {
			return s.Default, true
		}
		return "", false
	}
	for _, name := range slices.Sorted(maps.Keys(cfg.Set)) {
		if _, ok := p.settings[name]; !ok {
			problems = append(problems, fmt.Sprintf("unknown setting %s (--set %s=…); %s", name, name, p.settingList()))
		}
	}
	if cfg.APIKey != "" && p.settings["api_key"] == nil {
		problems = append(problems, fmt.Sprintf("an API key was given but profile %s has no api_key setting", p.Name))
	}
	for _, role := range slices.Sorted(maps.Keys(cfg.Campaigns)) {
		if !slices.Contains(roles(), role) {
			problems = append(problems, fmt.Sprintf("unknown role %q in --campaign; roles: %s", role, strings.Join(roles(), ", ")))
		} else if cfg.Campaigns[role] != "" {
			t.campaign[role] = cfg.Campaigns[role]
		}
	}
	for _, role := range slices.Sorted(maps.Keys(cfg.OfferURLs)) {
		if !slices.Contains(roles(), role) {
			problems = append(problems, fmt.Sprintf("unknown role %q in the offer URLs; roles: %s", role, strings.Join(roles(), ", ")))
		}
	}

	// Which reader of each kind is used.
	reader := cfg.Reader
	if reader != "" && reader != "http" && reader != "sql" {
		problems = append(problems, fmt.Sprintf("reader %q: want http or sql", reader))
		reader = ""
	}
	if reader == "" {
		reader = p.read.prefer
	}
	var conv, clicks *chosenReader // the clicks reader follows the conversions reader's kind, or is left out
	if !cfg.PostbackOnly {
		var err error
		if conv, err = p.read.conversions.pick(reader, cfg.Reader != ""); err != nil {
			problems = append(problems, err.Error())
		}
		if conv != nil {
			clicks, _ = p.read.clicks.pick(conv.kind(), true)
		}
	}

	// The templates in use decide which values are needed.
	used := []*template{p.postback.url}
	if !cfg.PostbackOnly {
		used = append(used, p.click.url)
	}
	for _, w := range slices.Sorted(maps.Keys(p.postback.extra)) {
		if _, removed := cfg.PostbackExtra[w]; !removed {
			used = append(used, p.postback.extra[w])
		}
	}
	if c := p.campaigns; c != nil && len(t.campaign) < len(roles()) && !cfg.PostbackOnly {
		used = append(used, c.title, c.findURL, c.createURL, c.createBody)
	}
	for _, r := range []*chosenReader{conv, clicks} {
		if r != nil {
			used = append(used, r.templates(cfg.DB != nil)...)
		}
	}
	needs := map[string]bool{}
	for _, tp := range used {
		for _, n := range tp.names() {
			needs[n] = true
		}
	}
	if needs[phTracker] || (needs[phAPI] && cfg.APIURL == "") {
		if err := checkBase(cfg.TrackerURL); err != nil {
			problems = append(problems, fmt.Sprintf("the tracker's base URL (--tracker URL) %v", err))
		}
	}
	t.vals[phTracker] = strings.TrimRight(cfg.TrackerURL, "/")
	t.vals[phAPI] = t.vals[phTracker]
	if cfg.APIURL != "" {
		if err := checkBase(cfg.APIURL); err != nil {
			problems = append(problems, fmt.Sprintf("the API base URL %v", err))
		}
		t.vals[phAPI] = strings.TrimRight(cfg.APIURL, "/")
	}
	for _, name := range slices.Sorted(maps.Keys(p.settings)) {
		v, ok := setting(name)
		if ok {
			t.vals[name] = v
			if p.settings[name].Secret && v != "" {
				t.secrets = append(t.secrets, v)
			}
			continue
		}
		if needs[name] {
			how := fmt.Sprintf("--set %s=VALUE", name)
			if name == "api_key" {
				how = "--api-key KEY"
			}
			problems = append(problems, fmt.Sprintf("missing setting %s: %s (give %s)", name, p.settings[name].Doc, how))
		}
	}
	if needs[phCampaign] && p.campaigns == nil {
		for _, role := range roles() {
			if t.campaign[role] == "" {
				problems = append(problems, fmt.Sprintf("missing the %s campaign (give --campaign %s=ID)", role, role))
			}
		}
	}

	// Postback names.
	t.fields = maps.Clone(p.postback.fields)
	for _, k := range slices.Sorted(maps.Keys(cfg.PostbackFields)) {
		v := cfg.PostbackFields[k]
		switch {
		case !slices.Contains(postbackFields(), k):
			problems = append(problems, fmt.Sprintf("postback field %q: not a postback field; allowed: %s", k, strings.Join(postbackFields(), ", ")))
		case k == FieldClickID && v == "":
			problems = append(problems, "postback field click_id cannot be removed")
		case v == "":
			delete(t.fields, k)
		default:
			t.fields[k] = v
		}
	}
	wires := map[string]string{}
	for _, k := range slices.Sorted(maps.Keys(t.fields)) {
		if other, dup := wires[t.fields[k]]; dup {
			problems = append(problems, fmt.Sprintf("postback fields %s and %s are both sent as %s", other, k, t.fields[k]))
		}
		wires[t.fields[k]] = k
	}
	t.extra = map[string]string{}
	for w, tp := range p.postback.extra {
		if v, err := tp.expand(t.vals); err == nil {
			t.extra[w] = v
		}
	}
	for w, v := range cfg.PostbackExtra {
		if v == "" {
			delete(t.extra, w)
		} else {
			t.extra[w] = v
		}
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("profile %s: %s", p.Name, strings.Join(problems, "; "))
	}

	t.hc = cfg.HTTPClient
	if t.hc == nil {
		t.hc = &http.Client{Timeout: DefaultTimeout}
	}
	nf := *t.hc
	nf.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	t.noFollow = &nf
	t.now = cfg.Now
	if t.now == nil {
		t.now = time.Now
	}
	t.event = cfg.EventTime
	t.postbackOnly = cfg.PostbackOnly
	t.visitors = newVisitors(p.visitors, cfg.Seed)
	for _, role := range roles() {
		t.offers[role] = cfg.OfferURLs[role]
		if t.offers[role] == "" {
			t.offers[role] = defaultOfferURL(role, p.click.param[role], p.click.offerMacro)
		}
	}
	var err error
	if t.conv, t.convMap, err = t.open(conv, cfg.DB); err == nil {
		t.clicks, t.clickMap, err = t.open(clicks, cfg.DB)
	}
	if err != nil {
		t.Close()
		return nil, fmt.Errorf("profile %s: %w", p.Name, err)
	}
	return t, nil
}

// checkBase checks a base URL: absolute, http or https, no query.
func checkBase(s string) error {
	if s == "" {
		return fmt.Errorf("is missing")
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%q is not an absolute http(s) URL", s)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("%q must not have a query or fragment", s)
	}
	return nil
}

// settingList names the profile's settings for an error.
func (p *Profile) settingList() string {
	if len(p.settings) == 0 {
		return "profile " + p.Name + " has no settings"
	}
	return "its settings: " + strings.Join(slices.Sorted(maps.Keys(p.settings)), ", ")
}

// defaultOfferURL is the offer URL of a campaign created for role when the
// user gives none: a ClickBank hop link (affiliate) or pay link (vendor)
// with param=macro, so the redirect carries the click id where Click looks.
func defaultOfferURL(role, param, macro string) string {
	if macro == "" {
		macro = "{clickid}"
	}
	if role == RoleVendor {
		return "https://ven01.pay.clickbank.net/?cbitems=KETO-FE&" + param + "=" + macro
	}
	return "https://hop.clickbank.net/?affiliate=aff01&vendor=ven01&" + param + "=" + macro
}

// Profile returns the profile t was bound from.
func (t *Tracker) Profile() *Profile { return t.p }

// Features returns what the tracker can do, as its profile says.
func (t *Tracker) Features() Features { return t.p.features }

// Redact replaces every secret setting's value in s with ***.
func (t *Tracker) Redact(s string) string {
	for _, v := range t.secrets {
		s = strings.ReplaceAll(s, v, "***")
		if e := url.QueryEscape(v); e != v {
			s = strings.ReplaceAll(s, e, "***")
		}
	}
	return s
}

// Close closes the database a SQL reader opened; a Config.DB stays open.
func (t *Tracker) Close() error {
	if t.db != nil {
		err := t.db.Close()
		t.db = nil
		return err
	}
	return nil
}

// window returns the read window: EventTime and now, a day spare either
// side (the account's report timezone may not be UTC).
func (t *Tracker) window() (from, to time.Time) {
	now := t.now()
	lo, hi := now, now
	if !t.event.IsZero() {
		if t.event.Before(lo) {
			lo = t.event
		}
		if t.event.After(hi) {
			hi = t.event
		}
	}
	return lo.Add(-24 * time.Hour).UTC(), hi.Add(24 * time.Hour).UTC()
}
