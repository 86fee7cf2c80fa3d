// Package storefront is the buyer's side of ClickBank over real HTTP, and
// the vendors' web sites beside it: the hoplink that sets the hop cookie,
// the vendor's sales page, the order form (pay link), the upsell pages
// and the thank-you page. Each step fires what ClickBank would fire
// (Order Form Impression, Initial Purchase, Upsell Purchase) through the
// simulator, so a tracker under test sees its postbacks and INS come from
// a buyer that a browser or a plain HTTP client walked.
//
//	GET  /hop?affiliate=AFF&vendor=VEN[&tid=…][&cbpage=NAME][&<tracking>]   the readable hoplink
//	     Host AFF.VEN.hop.<any>, any other path                              the legacy hoplink
//	     Host hop.clickbank.net, path / or /hop                              the readable hoplink through the proxy
//	GET  /vendor/VEN/[NAME]                                                  the sales page (NAME = cbpage)
//	GET  /pay/VEN?cbitems=SKU[&vtid=…]      Host VEN.pay.<any>, path /       the order form: Order Form Impression
//	POST /pay/VEN (the order form)                                           Initial Purchase, 303 to the upsells
//	GET  /vendor/VEN/upsell/N?cbsess=T                                       upsell offer N: accept and decline forms
//	POST /pay/VEN cbur=a|d (the upsell forms)                                Upsell Purchase on accept
//	GET  /vendor/VEN/thanks?cbsess=T                                         the receipts of the order
//
// Pages are plain HTML without script; every state-changing action is a
// POST form, every link is relative, so the pages work on 127.0.0.1:PORT
// and on ClickBank's host names alike. Elements a client looks for have
// stable ids: the sales page's buy links id="buy-SKU", the order form
// id="order-form", the upsell forms id="accept" and id="decline", the
// thank-you page's list id="receipts"; an error page has id="error" with
// data-param naming the parameter at fault.
//
// Every ClickBank decision (a TID dropped or changed at the hop, a hop
// past its referral window, a second hop replacing the first, a tid on a
// pay link) is journaled as a simulator.Note. Hops and orders are kept in
// memory, the latest Options.MaxHops and Options.MaxOrders (older ones are
// forgotten first). Each hop and each order form takes the next seed of
// the sequence (Options.Seed, Seed+1, …), so a store started with the
// same seed gives the same hop ids, receipts and event ids to the same
// sequence of requests. A Store is safe for concurrent use; one order's
// requests run one at a time.
//
// A page that fires an event answers once the event's postbacks (and INS
// notifications) are sent, through simulator.Simulator.DeliverAll: a
// slow tracker slows the page, and the journal holds the deliveries by
// the time the buyer sees the next page. A buyer who leaves mid-request
// does not cancel them.
package storefront

import (
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cbsim/cbsim/simulator"
	"github.com/cbsim/cbsim/simulator/ids"
)

// DefaultWindow is the hop cookie's referral window: an affiliate earns a
// commission on a purchase up to 60 days after the hop (docs/clickbank.md
// §3; "If the customer buys the product within 60 days of clicking on the
// HopLink, the affiliate … receives credit", https://support.clickbank.com/hc/en-us/articles/360038090932 [doc]).
const DefaultWindow = 60 * 24 * time.Hour

// DefaultTestCard is the card number that makes a test order. ClickBank
// gives each vendor its own test card number on the My Site page, valid
// for 24 hours (https://www.clickbank.com/important-changes-to-product-test-process-for-vendors/ [doc]);
// its numbers are not public, so cbsim takes this Luhn-valid one [choice].
const DefaultTestCard = "4111111111111111"

// DefaultMaxHops and DefaultMaxOrders are how many hops and orders a
// Store keeps unless Options say otherwise; the oldest go first [choice].
const (
	DefaultMaxHops   = 10000
	DefaultMaxOrders = 10000
)

// Options configures New; zero fields take the defaults named.
type Options struct {
	Seed     uint64        // first seed of hops and order forms (each takes the next), like control's
	TIDRule  ids.TIDRule   // how the hop treats an affiliate's TID (zero = ids.TIDCurrent)
	Window   time.Duration // referral window of the hop cookie; 0 = DefaultWindow
	TestCard string        // card number that makes a test order; "" = DefaultTestCard
	Log      *slog.Logger  // nil = no logs

	MaxHops   int // hops kept; 0 = DefaultMaxHops
	MaxOrders int // orders kept; 0 = DefaultMaxOrders
}

// Store is the buyer's side of ClickBank and the vendors' sites over one
// simulator. Its zero value is not usable: call New.
type Store struct {
	sim      *simulator.Simulator
	rule     ids.TIDRule
	window   time.Duration
	testCard string
	log      *slog.Logger
	seed     uint64        // first seed of the sequence
	next     atomic.Uint64 // seeds taken so far
	tracking map[string]bool

	mu     sync.Mutex       // guards hops and orders
	hops   *bounded[*hop]   // by hop id
	orders *bounded[*order] // by order token (cbsess)
}

// New returns the store of sim. sim.Clock is its clock (nil = the real
// time): when a hop happened and whether it is still inside the window.
func New(sim *simulator.Simulator, opts Options) *Store {
	s := &Store{sim: sim, rule: opts.TIDRule, window: opts.Window, testCard: opts.TestCard, log: opts.Log, seed: opts.Seed,
		tracking: map[string]bool{}}
	if s.window <= 0 {
		s.window = DefaultWindow
	}
	if s.testCard == "" {
		s.testCard = DefaultTestCard
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if opts.MaxHops <= 0 {
		opts.MaxHops = DefaultMaxHops
	}
	if opts.MaxOrders <= 0 {
		opts.MaxOrders = DefaultMaxOrders
	}
	s.hops = newBounded[*hop](opts.MaxHops)
	s.orders = newBounded[*order](opts.MaxOrders)
	for _, name := range simulator.TrackingParams() {
		s.tracking[name] = true
	}
	return s
}

// nextSeed returns the next seed of the sequence.
func (s *Store) nextSeed() uint64 { return s.seed + s.next.Add(1) - 1 }

// now is the simulator's clock.
func (s *Store) now() time.Time { return s.sim.Clock.Now() }

// journal records ClickBank's decisions, and logs them.
func (s *Store) journal(notes ...simulator.Note) {
	if len(notes) == 0 {
		return
	}
	s.sim.JournalNotes(notes...)
	for _, n := range notes {
		s.log.Info("storefront note", "kind", n.Kind, "text", n.Text)
	}
}
