package faketracker

// Binom (self-hosted, closed source) is faked from its public
// documentation only; each behaviour cites the page it comes from, and
// UNCONFIRMED marks a choice the pages do not settle.
//
//	[postback] https://docs.binom.org/postback-url.php
//	[payout]   https://docs.binom.org/payout-tracking-v2.php
//	[update]   https://docs.binom.org/update-click-v2.php
//	[source]   https://docs.binom.org/create-source.php
//	[api]      https://docs.binom.org/api.php, https://docs.binom.org/api-v2.php
//
// The surface (the Binom 1 file click.php, and Binom 2's /click, which
// [update] shows for postback clicks):
//
//	GET /click.php?key=KEY  or  ?camp_id=ID   a campaign link: a new click
//	    (a "base click", [update]) and a 302 to the campaign's offer URL
//	    with {clickid} replaced ([postback]: the click id "transmits to the
//	    offer network by {clickid} token in offer's URL"). UNCONFIRMED: the
//	    campaign link's form — the pages name a campaign's id and key
//	    ({campaign}, {campaign_key}, [source]) but show no link; the fake
//	    takes either. An unknown campaign: 404 (UNCONFIRMED).
//	    Click ids are 14 lower-case letters and digits, the shape of
//	    [payout]'s examples (81e60haa86o0b7); the exact shape is UNCONFIRMED.
//	GET /click.php?cnv_id=CLICKID&payout=X[&cnv_status=&cnv_status2=&cnv_currency=]
//	    a postback ([postback]). The conversion belongs to the click: the
//	    first postback makes it, each later one updates it — payout,
//	    statuses, currency — ([update]: a base click "can be updated an
//	    unlimited number of times"; "A redirect to the postback link cannot
//	    be made without a base click"), so a click keeps one payout, the
//	    last one sent (UNCONFIRMED: no page says what a second postback
//	    does to the payout). An unknown or missing cnv_id: 404
//	    (UNCONFIRMED: the pages do not say what Binom answers). Accepted:
//	    200 with an empty body (UNCONFIRMED).
//
// No conversions API is faked: [api] describes report URLs and a Swagger
// file served by each tracker. Binom 2 does list a conversions report
// (GET /public/api/v1/conversions, api-key header, rows with payout,
// status, clicked_at, conversed_at, in public client code and in a copy
// of a tracker's Swagger, pavelraiden/binom-api-encyclopedia), but no
// source read shows the column that carries the click id or a filter by
// it, so a fake of it would be guesswork. Conversions returns the fake's
// own record, for tests of the fake; Binom offers no such thing.

import (
	"crypto/rand"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// BinomCampaign is one campaign of the fake Binom with the one offer its
// clicks go to.
type BinomCampaign struct {
	// ID is the campaign's id, a click link's camp_id. It must be positive
	// and unique.
	ID int64
	// Key is the campaign's key, a click link's key. Empty: the campaign
	// is reached by camp_id only.
	Key string
	// OfferURL is where a click is sent, with {clickid} for the click id.
	OfferURL string
}

// BinomOptions configures NewBinom. No field may change after the fake has
// started.
type BinomOptions struct {
	// Campaigns are the campaigns the fake answers clicks for.
	Campaigns []BinomCampaign
	// Broken makes the fake a broken twin:
	//   BrokenSum: every conversion records 1.00 more than was sent.
	//   BrokenClickID: a postback's cnv_id is altered (its last character
	//     changed) before the click is looked up, so the conversion finds
	//     no click, is lost, and the postback is answered 404.
	Broken Broken
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Rand is the source of click ids; nil means crypto/rand.
	Rand io.Reader
}

// BinomConversion is a conversion as the fake Binom keeps it.
type BinomConversion struct {
	ClickID    string    // the click's id
	CampaignID int64     // the click's campaign
	Payout     string    // the last payout, five places ("45.75000")
	Status     string    // cnv_status as last sent
	Status2    string    // cnv_status2 as last sent
	Currency   string    // cnv_currency as last sent
	Postbacks  int       // how many postbacks the conversion took
	At         time.Time // the first postback's time
}

// Binom is an in-process fake of the parts of Binom a tracker profile
// uses: campaign links and the postback of click.php. It serves on
// 127.0.0.1 in the manner of net/http/httptest.Server and is safe for
// concurrent use.
type Binom struct {
	// URL is the base URL, "http://127.0.0.1:PORT", without a trailing slash.
	URL string

	opts    BinomOptions
	*server // Client, Requests, Close

	mu          sync.Mutex // guards clicks and conversions, the fake's database
	clicks      map[string]int64
	conversions []*BinomConversion
}

// NewBinom starts a fake Binom on 127.0.0.1:0.
func NewBinom(opts BinomOptions) (*Binom, error) {
	if err := opts.Broken.validate(); err != nil {
		return nil, err
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Rand == nil {
		opts.Rand = rand.Reader
	}
	ids, keys := map[int64]int{}, map[string]int{}
	for i, c := range opts.Campaigns {
		where := fmt.Sprintf("faketracker: Binom Campaigns[%d]", i)
		if c.ID <= 0 {
			return nil, fmt.Errorf("%s: ID %d is not a campaign id: use a positive number", where, c.ID)
		}
		if j, dup := ids[c.ID]; dup {
			return nil, fmt.Errorf("%s: ID %d is already Campaigns[%d]'s: each id names one campaign", where, c.ID, j)
		}
		ids[c.ID] = i
		if c.Key != "" {
			if j, dup := keys[c.Key]; dup {
				return nil, fmt.Errorf("%s: Key %q is already Campaigns[%d]'s: each key names one campaign", where, c.Key, j)
			}
			keys[c.Key] = i
		}
		if strings.TrimSpace(c.OfferURL) == "" {
			return nil, fmt.Errorf("%s: OfferURL is empty: a click needs an offer to go to", where)
		}
	}
	b := &Binom{opts: opts, clicks: map[string]int64{}}
	srv, err := startServer(b.routes(), opts.Now)
	if err != nil {
		return nil, fmt.Errorf("faketracker: start Binom: %w", err)
	}
	b.server, b.URL = srv, srv.url
	return b, nil
}

// routes is the fake's HTTP surface; every other path is 404.
func (b *Binom) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /click.php", b.handleClickPHP)
	mux.HandleFunc("GET /click", b.handleClickPHP)
	mux.HandleFunc("/", http.NotFound)
	return mux
}

// Conversions returns copies of the conversions the fake keeps, oldest
// first. It is the fake's own record for tests; Binom has no documented
// API that serves it.
func (b *Binom) Conversions() []BinomConversion {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := make([]BinomConversion, 0, len(b.conversions))
	for _, c := range b.conversions {
		out = append(out, *c)
	}
	return out
}

// handleClickPHP is click.php: a postback when cnv_id is present, else a
// campaign link.
func (b *Binom) handleClickPHP(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Has("cnv_id") {
		b.postback(w, q)
		return
	}
	idx := slices.IndexFunc(b.opts.Campaigns, func(c BinomCampaign) bool {
		return (q.Get("key") != "" && c.Key == q.Get("key")) || (q.Get("camp_id") != "" && fmt.Sprint(c.ID) == q.Get("camp_id"))
	})
	if idx < 0 {
		http.NotFound(w, r)
		return
	}
	camp := b.opts.Campaigns[idx]
	raw := make([]byte, 14)
	if _, err := io.ReadFull(b.opts.Rand, raw); err != nil {
		http.Error(w, "clickid: "+err.Error(), http.StatusInternalServerError)
		return
	}
	for i := range raw {
		raw[i] = keitaroSubidAlphabet[int(raw[i])%len(keitaroSubidAlphabet)]
	}
	id := string(raw)
	b.mu.Lock()
	b.clicks[id] = camp.ID
	b.mu.Unlock()
	http.Redirect(w, r, strings.ReplaceAll(camp.OfferURL, "{clickid}", id), http.StatusFound)
}

// postback makes or updates the conversion of the click cnv_id.
func (b *Binom) postback(w http.ResponseWriter, q map[string][]string) {
	get := func(k string) string {
		if v := q[k]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	id := get("cnv_id")
	if b.opts.Broken == BrokenClickID {
		id = keitaroAlter(id)
	}
	amount, _ := parseDecimal5(get("payout")) // UNCONFIRMED: a missing or non-numeric payout counts as 0
	if b.opts.Broken == BrokenSum {
		amount += decimal5FromCents(100)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	camp, ok := b.clicks[id]
	if id == "" || !ok {
		http.Error(w, "click not found", http.StatusNotFound)
		return
	}
	var conv *BinomConversion
	for _, c := range b.conversions {
		if c.ClickID == id {
			conv = c
		}
	}
	if conv == nil {
		conv = &BinomConversion{ClickID: id, CampaignID: camp, At: b.opts.Now()}
		b.conversions = append(b.conversions, conv)
	}
	conv.Payout, conv.Status, conv.Status2, conv.Currency = amount.String(), get("cnv_status"), get("cnv_status2"), get("cnv_currency")
	conv.Postbacks++
	w.WriteHeader(http.StatusOK)
}
