package steps

import (
	"cmp"
	"context"
	"fmt"
	"hash/fnv"
	"maps"
	"math/rand/v2"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/cbsim/cbsim/simulator"
	"github.com/cbsim/cbsim/simulator/ids"
	"github.com/cbsim/cbsim/simulator/ins"
	"github.com/cbsim/cbsim/simulator/macro"
	"github.com/cbsim/cbsim/simulator/money"
)

// Options tune the step library.
type Options struct {
	// Seed is mixed with each scenario's name into the seed of its random
	// choices, so a run is reproducible and scenarios differ.
	Seed uint64
	// Wait bounds how long an assertion on what the tracker recorded polls
	// before it fails (asynchronous trackers record late). Zero = 5s.
	Wait time.Duration
	// Settle is how long an assertion that something was NOT recorded waits
	// first. Zero suits synchronous trackers such as the reference tracker.
	Settle time.Duration
	// ConversionTypes are the tracker's conversion type names for the
	// three events, in funnel order. Zero = OrderFormImpression,
	// InitialPurchase, UpsellPurchase.
	ConversionTypes [3]string
	// PostbackTimeout is ClickBank's per-attempt timeout. Zero = 5s.
	PostbackTimeout time.Duration
	// FollowRedirects makes the dispatcher follow a tracker's 3xx replies;
	// by default a 3xx is not delivered (simulator.Dispatcher).
	FollowRedirects bool
	// Catalog is the vendors, affiliates, products and funnels the
	// scenarios sell (a user's own funnel); nil = the embedded catalog.
	// Scenarios use its funnel simulator.DefaultFunnel, or else its first
	// funnel by name, and its affiliate simulator.DefaultAffiliate, or
	// else its first affiliate. It is shared and never modified.
	Catalog *simulator.Catalog
	// Integrations are a user's own ClickBank integrations (as pasted into
	// ClickBank); nil = the guide's offer-source template. When set, "a
	// ROLE integration with CLICKID={x} and SUM={y}" uses the first active
	// integration of that role (or the one a scenario names): its URLs,
	// relative to the tracker under test, its parameter names and type
	// names; see fromOwn.
	Integrations []simulator.Integration
	// Set are parameters added to every postback URL the suite builds,
	// such as a postback token: name → value.
	Set map[string]string
}

// eventTypes are the three event types in funnel order.
var eventTypes = macro.EventTypes()

// defaultTypeNames are the conversion type names of the guide, the names
// the bundled features use.
var defaultTypeNames = map[simulator.EventType]string{
	simulator.OrderFormImpression: "OrderFormImpression",
	simulator.InitialPurchase:     "InitialPurchase",
	simulator.UpsellPurchase:      "UpsellPurchase",
}

// TypeNames returns the tracker's conversion type names of the three
// events, in funnel order: ConversionTypes where set, else the type= each
// event's URL sends in the first active integration of Integrations that
// has one, else the guide's names.
func (o Options) TypeNames() [3]string {
	var out [3]string
	for i, t := range eventTypes {
		out[i] = o.ConversionTypes[i]
		for _, in := range o.Integrations {
			if u, ok := in.URLFor(t); out[i] == "" && ok && in.Active && in.Subscribed(t) {
				if typ := typeOf(u); typ != "" && !strings.Contains(typ, "{") {
					out[i] = typ
				}
			}
		}
		out[i] = cmp.Or(out[i], defaultTypeNames[t])
	}
	return out
}

// EventIDParam returns the parameter the first active integration of
// Integrations sends {event_id} in, the one a tracker set up for them
// gives the Event ID role ("evt" for evt={event_id}); "" when it is the
// guide's eventid or no integration sends one.
func (o Options) EventIDParam() string {
	for _, in := range o.Integrations {
		if !in.Active {
			continue
		}
		for _, t := range eventTypes {
			if u, ok := in.URLFor(t); ok && in.Subscribed(t) {
				if p, ok := paramCarrying(u, "event_id"); ok && p != "eventid" {
					return p
				}
			}
		}
	}
	return ""
}

// typeName returns the tracker's conversion type name of event type t.
func (o Options) typeName(t simulator.EventType) string {
	if i := slices.Index(eventTypes, t); i >= 0 {
		return o.TypeNames()[i]
	}
	return string(t)
}

// World is the state of one scenario: the mock ClickBank, the tracker under
// test, the visitor's click and what was sent.
type World struct {
	opts    Options
	factory TrackerFactory
	seed    uint64
	rng     *rand.Rand

	tracker    Tracker
	trackerCfg TrackerConfig
	cfgTouched bool // a step configured the tracker

	catalog      *simulator.Catalog
	integrations map[simulator.Role]*simulator.Integration
	dispatcher   *simulator.Dispatcher
	journal      *simulator.Journal

	funnel       string
	hopAffiliate string                    // the affiliate of the hoplink traffic
	picked       map[simulator.Role]string // integrations of Options.Integrations a step named
	tidRule      ids.TIDRule
	tidSet       bool   // the hoplink's TID was set by a step, not by a click
	tid          string // what the hoplink carries
	vtid         string // what the pay link carries
	click        Click
	clicked      bool
	clickRole    simulator.Role
	tracking     map[string]string
	buyer        simulator.Buyer
	testCard     bool
	now          time.Time

	fault *fault // misbehaviour between ClickBank and the tracker, if any

	events     []simulator.Event
	deliveries []simulator.Delivery

	insOn         bool                    // ClickBank has the tracker's INS URL and secret
	insCipher     ins.Cipher              // "" = ClickBank's AES-256-CBC
	insDeliveries []simulator.INSDelivery // the INS notifications sent, in order
}

func newWorld(f TrackerFactory, opts Options) *World {
	timeout := opts.PostbackTimeout
	if timeout == 0 {
		timeout = simulator.DefaultTimeout
	}
	return &World{opts: opts, factory: f, journal: &simulator.Journal{}, picked: map[simulator.Role]string{},
		dispatcher:   &simulator.Dispatcher{Timeout: timeout, FollowRedirects: opts.FollowRedirects},
		integrations: map[simulator.Role]*simulator.Integration{}, tracking: map[string]string{},
		now: simulator.DefaultTime}
}

// start prepares the world for a scenario called name.
func (w *World) start(name string) error {
	h := fnv.New64a()
	h.Write([]byte(name))
	w.seed = w.opts.Seed ^ h.Sum64()
	w.rng = simulator.NewRand(w.seed)
	w.catalog = w.opts.Catalog
	if w.catalog == nil {
		c, _, err := simulator.LoadDefaults()
		if err != nil {
			return err
		}
		w.catalog = c
	}
	w.funnel = firstOr(w.catalog.Funnels, simulator.DefaultFunnel)
	w.hopAffiliate = firstOr(w.catalog.Affiliates, simulator.DefaultAffiliate)
	return nil
}

// firstOr returns name when m has it, else m's first key in order, else name.
func firstOr[V any](m map[string]V, name string) string {
	if _, ok := m[name]; ok || len(m) == 0 {
		return name
	}
	return slices.Sorted(maps.Keys(m))[0]
}

func (w *World) close() {
	if w.fault != nil {
		w.fault.close()
		w.fault = nil
	}
	if w.tracker != nil && w.factory != nil {
		w.factory.Release(w.tracker)
	}
	w.tracker = nil
}

// trk returns the scenario's tracker, opening and configuring it on first use.
func (w *World) trk(ctx context.Context) (Tracker, error) {
	if w.tracker != nil {
		return w.tracker, nil
	}
	t, err := w.factory.Open(ctx)
	if err != nil {
		return nil, fmt.Errorf("open the tracker under test: %w", err)
	}
	w.tracker = t
	if w.cfgTouched {
		c, ok := t.(Configurable)
		if !ok {
			return nil, fmt.Errorf("this scenario configures the tracker (conversion types, duplicate mode or token): %w; tag it @reference", ErrNotSupported)
		}
		if err := c.Configure(ctx, w.trackerCfg); err != nil {
			return nil, fmt.Errorf("configure the tracker: %w", err)
		}
	}
	return t, nil
}

// configure records tracker configuration; it must come before the tracker is used.
func (w *World) configure(f func(*TrackerConfig)) error {
	if w.tracker != nil {
		return fmt.Errorf("the tracker is configured in Given steps, before the first click or postback")
	}
	f(&w.trackerCfg)
	w.cfgTouched = true
	return nil
}

// resolve turns a step's URL into a template: a URL starting with "?" or
// "&" is relative to the tracker's postback URL, one starting with "/" to
// the tracker's base. Relative URLs are resolved when postbacks are sent, so
// the tracker can still be configured after the integration is set up.
func (w *World) resolve(ctx context.Context, u string) (string, error) {
	if !strings.HasPrefix(u, "?") && !strings.HasPrefix(u, "&") && !strings.HasPrefix(u, "/") {
		return u, nil
	}
	t, err := w.trk(ctx)
	if err != nil {
		return "", err
	}
	if !strings.HasPrefix(u, "/") {
		q := strings.TrimLeft(u, "?&")
		if wn, ok := t.(wireNamer); ok {
			q, _ = wn.RenameQuery(withReceipt(wn, q))
		}
		base := t.PostbackURL()
		if strings.Contains(base, "?") {
			return strings.TrimRight(base, "&") + "&" + q, nil
		}
		return base + "?" + q, nil
	}
	base, err := url.Parse(t.PostbackURL())
	if err != nil {
		return "", err
	}
	return base.Scheme + "://" + base.Host + u, nil
}

// withReceipt adds txid={receipt_id} to a postback query spelled RedTrack's
// way when the tracker takes a transaction id and the query has none: a
// tracker that keeps one conversion per click and transaction id (Orbitra's
// tid, Prosper202's txid, which else falls back to the order id that an
// upsell shares with its front end) then keeps each purchase, as a QA
// would set it up. The receipt is empty for an order form impression.
func withReceipt(wn wireNamer, q string) string {
	if _, ok := wn.WireName("txid"); !ok {
		return q
	}
	if slices.ContainsFunc(queryParams("?"+q), func(p [2]string) bool { return p[0] == "txid" }) {
		return q
	}
	if q == "" {
		return "txid={receipt_id}"
	}
	return q + "&txid={receipt_id}"
}

// checkTemplate checks a step's URL: relative to the tracker or absolute.
func checkTemplate(u string) error {
	if strings.HasPrefix(u, "?") || strings.HasPrefix(u, "&") || strings.HasPrefix(u, "/") ||
		strings.HasPrefix(u, "http://") || strings.HasPrefix(u, "https://") {
		return nil
	}
	return fmt.Errorf("URL %q must start with ? (the tracker's postback URL), / (the tracker's base) or http(s)://", u)
}

// integration returns (creating) the integration of role.
func (w *World) integration(role simulator.Role) *simulator.Integration {
	in := w.integrations[role]
	if in == nil {
		in = &simulator.Integration{Name: "tracker-" + string(role), Role: role, Active: true,
			PerEvent: true, URLs: map[simulator.EventType]string{}}
		w.integrations[role] = in
	}
	return in
}

// journey builds the buyer's journey from what the scenario said so far.
func (w *World) journey() simulator.Journey {
	j := simulator.Journey{Funnel: w.funnel, TIDRule: w.tidRule, VTID: w.vtid, Buyer: w.buyer, TestCard: w.testCard}
	if w.clickRole != simulator.RoleVendor || w.tidSet {
		j.Affiliate = w.hopAffiliate
		j.TID = w.tid
		j.Tracking = w.tracking
	}
	return j
}

// resolved returns the integration with its URLs resolved against the
// tracker, the Options.Set parameters added, and pointed at the fault in
// front of the tracker, if any.
func (w *World) resolved(ctx context.Context, in simulator.Integration) (simulator.Integration, error) {
	var err error
	if in.URL != "" {
		if in.URL, err = w.resolve(ctx, in.URL); err != nil {
			return in, err
		}
		in.URL = withParams(in.URL, w.opts.Set)
	}
	urls := make(map[simulator.EventType]string, len(in.URLs))
	for t, u := range in.URLs {
		if urls[t], err = w.resolve(ctx, u); err != nil {
			return in, err
		}
		urls[t] = withParams(urls[t], w.opts.Set)
	}
	in.URLs = urls
	if in.Role == simulator.RoleAffiliate && w.clickRole != simulator.RoleVendor {
		// A tracker whose click id rides in another hoplink parameter
		// (extclid) gets it back through that parameter's macro. Beside a
		// vendor's click, the affiliate's click id is not this tracker's:
		// its integration keeps {tid}, and the hoplink TID a step sets.
		cb := w.affiliateCarrier()
		in.URL = withCarrier(in.URL, cb)
		for t, u := range in.URLs {
			in.URLs[t] = withCarrier(u, cb)
		}
	}
	return w.viaFault(in), nil
}

// withParams sets the parameters of set in a URL template, in name order:
// a parameter the template has gets the value, any other is appended.
// Names and values are escaped, so that they are never read as macros.
func withParams(tmpl string, set map[string]string) string {
	for _, name := range slices.Sorted(maps.Keys(set)) {
		k, v := url.QueryEscape(name), url.QueryEscape(set[name])
		switch {
		case slices.ContainsFunc(queryParams(tmpl), func(p [2]string) bool { return p[0] == k }):
			tmpl = withValue(tmpl, k, v)
		case strings.Contains(tmpl, "?"):
			tmpl += "&" + k + "=" + v
		default:
			tmpl += "?" + k + "=" + v
		}
	}
	return tmpl
}

// sim returns a simulator over the scenario's catalog and integrations.
func (w *World) sim(ctx context.Context) (*simulator.Simulator, error) {
	var ins []simulator.Integration
	for _, r := range []simulator.Role{simulator.RoleAffiliate, simulator.RoleVendor} {
		if in := w.integrations[r]; in != nil {
			res, err := w.resolved(ctx, *in)
			if err != nil {
				return nil, err
			}
			ins = append(ins, res)
		}
	}
	return w.simOf(ins), nil
}

// simOf returns a simulator over the scenario's catalog, dispatcher and
// journal that fires ins.
func (w *World) simOf(ins []simulator.Integration) *simulator.Simulator {
	s := simulator.New(w.catalog, ins)
	s.Dispatcher, s.Journal = w.dispatcher, w.journal
	return s
}

// viaFault points an integration at the fault in front of the tracker, if any.
func (w *World) viaFault(in simulator.Integration) simulator.Integration {
	if w.fault == nil {
		return in
	}
	out, err := in.Rebase(w.fault.url)
	if err != nil {
		return in // the fault URL is always absolute
	}
	return out
}

// walk runs the journey and sends its postbacks.
func (w *World) walk(ctx context.Context, j simulator.Journey) error {
	if len(w.integrations) == 0 {
		return fmt.Errorf("no integration is set up in ClickBank: start with \"Given an affiliate integration with CLICKID={tid} and SUM={affiliate_earnings}\"")
	}
	sim, err := w.sim(ctx)
	if err != nil {
		return err
	}
	walk, deliveries, err := sim.Run(ctx, j, w.rng, w.now, false)
	if err != nil {
		return err
	}
	w.now = w.now.Add(time.Hour)
	w.events = append(w.events, walk.Events...)
	w.deliveries = append(w.deliveries, deliveries...)
	return nil
}

// sent returns the deliveries that were really sent (not skipped), of
// type t when t is not empty.
func (w *World) sent(t simulator.EventType) []simulator.Delivery {
	var out []simulator.Delivery
	for _, d := range w.deliveries {
		if d.Skipped == "" && (t == "" || d.Event == t) {
			out = append(out, d)
		}
	}
	return out
}

// clickID is the click id the scenario's postbacks should carry.
func (w *World) clickID() (string, error) {
	if !w.clicked {
		return "", fmt.Errorf("no visitor clicked a campaign in this scenario: add \"Given a visitor clicks the affiliate campaign\"")
	}
	return w.click.ID, nil
}

// editCatalog changes the scenario's catalog through edit, on a copy whose
// products and rates are its own: the catalog given in Options is shared.
func (w *World) editCatalog(edit func(c *simulator.Catalog)) {
	c := *w.catalog
	c.Products, c.Rates = maps.Clone(c.Products), maps.Clone(c.Rates)
	if c.Rates == nil { // a catalog built by hand may have none
		c.Rates = money.Rates{}
	}
	edit(&c)
	w.catalog = &c
}
