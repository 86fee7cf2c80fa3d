package faketracker

// Keitaro (self-hosted, closed source) is faked from its public
// documentation only; each behaviour cites the page it comes from, and
// UNCONFIRMED marks a choice the pages do not settle.
//
//	[postback]  https://docs.keitaro.io/en/conversions/postback.html
//	[postback9] https://v9.help.keitaro.io/en/conversions-and-postback/postback.html
//	[log9]      https://v9.help.keitaro.io/en/conversions-and-postback/conversions-report.html
//	[adminapi]  https://docs.keitaro.io/en/admin-api and https://help.keitaro.io/en/admin-api
//	[legacy]    http://v7.help-legacy.keitaro.io/en/postbacks
//
// The surface:
//
//	GET /ALIAS                       a campaign link (UNCONFIRMED: links by alias):
//	    unknown alias 404; else a new click with a fresh subid and a 302 to
//	    the campaign's offer URL with {subid} replaced ([legacy]: "Each
//	    visitor in Keitaro has its own unique SubID … passed … through a
//	    macro {subid}"). The subid's shape is UNCONFIRMED: 14 lower-case
//	    letters and digits here.
//	GET|POST /KEY/postback?subid=&payout=|revenue=&status=&tid=&currency=&return=
//	    [postback]: subid is required; payout (or revenue); status, default
//	    sale; sale_status, lead_status, rejected_status transform custom
//	    statuses, the raw one kept as original_status; ignore_status lists
//	    statuses to ignore ([postback9]); return=OK answers "OK".
//	    A wrong key, a missing or unknown subid: 404 (UNCONFIRMED: the
//	    pages do not say what Keitaro answers a postback it refuses).
//	    One conversion per subid and tid ([log9]: "Conversions are recorded
//	    by the date of the first postback received on subid for each unique
//	    tid value"); a repeat of a subid and tid updates that conversion,
//	    its status only along the documented transitions lead→sale,
//	    lead→rejected, sale→rejected, rebill→rejected ([postback]).
//	    A new tid on a subid that has a conversion is a rebill — a
//	    conversion of its own with status rebill — when the campaign's
//	    offer allows rebills and the status is sale or rebill ([postback]
//	    "Rebills"); otherwise it updates the subid's conversion, so its
//	    payout is the last one sent (UNCONFIRMED: the pages say only when a
//	    rebill is made, not what happens instead).
//	POST /admin_api/v1/conversions/log   Api-Key: KEY or Authorization: Bearer KEY ([adminapi])
//	    [openapi]: the Admin API's own OpenAPI file ("Get conversions",
//	    requestBody ConversionRequest, 200 Report). The body is
//	    {"range":{"from","to","timezone","interval"},"limit","offset",
//	    "columns":[…],"filters":[{"name","operator","expression"}],
//	    "sort":[{"name","order":"ASC"|"DESC"}]}; the reply is
//	    {"rows":[…],"total":N,"meta":[…]}. See keitaro_api.go for each
//	    rule and what the fake chose where the sources are silent.
//
//	[openapi] playtini/keitaro-client@b393de1b51ebbf4e0aa6171289651c70465cbbca
//	          original/openapi.json ("title": "Keitaro Admin API", servers
//	          /admin_api/v1), a copy of the spec behind admin-api.docs.keitaro.io
//	[client]  public client code calling the endpoint against live trackers,
//	          read through the search tool's index (ids 56340690191, 6029961225,
//	          70910750986): rows are flat objects holding the requested
//	          columns only; an unknown column is 400; revenue (not payout)
//	          is the revenue column; operators EQUALS, NOT_EQUAL, IN_LIST

import (
	"crypto/rand"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"
)

// KeitaroCampaign is one campaign of the fake Keitaro with the one offer
// its clicks go to.
type KeitaroCampaign struct {
	// Alias is the campaign link's path, /ALIAS. It must be unique and
	// made of letters, digits, '-' and '_'.
	Alias string
	// Name is the campaign's name.
	Name string
	// OfferURL is where a click is sent, with {subid} for the click id.
	OfferURL string
	// AllowRebills is the offer's Rebill setting: a postback with a new
	// tid and status sale or rebill then makes a further conversion.
	AllowRebills bool
}

// KeitaroOptions configures NewKeitaro. No field may change after the fake
// has started.
type KeitaroOptions struct {
	// Campaigns are the campaigns the fake answers clicks for.
	Campaigns []KeitaroCampaign
	// PostbackKey is the first path segment of the postback URL
	// (Maintenance → Postback URL). It must not be empty.
	PostbackKey string
	// APIKey is the Admin API key. Empty: every key is refused.
	APIKey string
	// Broken makes the fake a broken twin:
	//   BrokenSum: every conversion records 1.00 more than was sent.
	//   BrokenClickID: a conversion is recorded under its subid with its
	//     last character changed (the click itself is kept).
	Broken Broken
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Rand is the source of subids; nil means crypto/rand.
	Rand io.Reader
}

// Keitaro is an in-process fake of the parts of Keitaro a tracker profile
// uses: campaign links, the postback and the Admin API's conversion log.
// It serves on 127.0.0.1 in the manner of net/http/httptest.Server and is
// safe for concurrent use.
type Keitaro struct {
	// URL is the base URL, "http://127.0.0.1:PORT", without a trailing slash.
	URL string

	opts    KeitaroOptions
	*server // Client, Requests, Close

	mu          sync.Mutex // guards clicks, clickAt and conversions, the fake's database
	clicks      map[string]*KeitaroCampaign
	clickAt     map[string]time.Time // subid → the click's time
	conversions []*keitaroConversion
	lastConvID  int // the last conversion_id given
}

// keitaroConversion is one row of the conversion log.
type keitaroConversion struct {
	id             int    // conversion_id, 1, 2, … (UNCONFIRMED form)
	subID          string // the click's subid (altered by BrokenClickID)
	tid            string
	status         string // lead, sale, rejected or rebill
	originalStatus string
	revenue        decimal5
	currency       string
	at             time.Time // the first postback's time
	clickAt        time.Time // the click's time
}

// NewKeitaro starts a fake Keitaro on 127.0.0.1:0.
func NewKeitaro(opts KeitaroOptions) (*Keitaro, error) {
	if err := opts.Broken.validate(); err != nil {
		return nil, err
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Rand == nil {
		opts.Rand = rand.Reader
	}
	if opts.PostbackKey == "" || strings.Contains(opts.PostbackKey, "/") {
		return nil, fmt.Errorf("faketracker: Keitaro PostbackKey %q: use a non-empty key without '/'", opts.PostbackKey)
	}
	aliases := map[string]int{}
	for i, c := range opts.Campaigns {
		where := fmt.Sprintf("faketracker: Keitaro Campaigns[%d]", i)
		if !keitaroIsAlias(c.Alias) {
			return nil, fmt.Errorf("%s: Alias %q: use letters, digits, '-' and '_'", where, c.Alias)
		}
		if c.Alias == "admin_api" {
			return nil, fmt.Errorf("%s: Alias %q is the Admin API's path: use another", where, c.Alias)
		}
		if j, dup := aliases[c.Alias]; dup {
			return nil, fmt.Errorf("%s: Alias %q is already Campaigns[%d]'s: each alias names one campaign", where, c.Alias, j)
		}
		aliases[c.Alias] = i
		if strings.TrimSpace(c.OfferURL) == "" {
			return nil, fmt.Errorf("%s: OfferURL is empty: a click needs an offer to go to", where)
		}
	}
	k := &Keitaro{opts: opts, clicks: map[string]*KeitaroCampaign{}, clickAt: map[string]time.Time{}}
	srv, err := startServer(k.routes(), opts.Now)
	if err != nil {
		return nil, fmt.Errorf("faketracker: start Keitaro: %w", err)
	}
	k.server, k.URL = srv, srv.url
	return k, nil
}

// keitaroIsAlias reports whether s is a non-empty run of letters, digits, '-'
// and '_'.
func keitaroIsAlias(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

// routes is the fake's HTTP surface; every other path is 404.
func (k *Keitaro) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /admin_api/v1/conversions/log", k.handleConversionLog)
	mux.HandleFunc("/{key}/postback", k.handlePostback)
	mux.HandleFunc("GET /{alias}", k.handleClick)
	mux.HandleFunc("/", http.NotFound)
	return mux
}

// keitaroSubidAlphabet is what the fake's subids are made of (UNCONFIRMED shape).
const keitaroSubidAlphabet = "0123456789abcdefghijklmnopqrstuvwxyz"

// handleClick records a click of the campaign /ALIAS and redirects to its
// offer with {subid} replaced.
func (k *Keitaro) handleClick(w http.ResponseWriter, r *http.Request) {
	alias := r.PathValue("alias")
	var camp *KeitaroCampaign
	for i := range k.opts.Campaigns {
		if k.opts.Campaigns[i].Alias == alias {
			camp = &k.opts.Campaigns[i]
		}
	}
	if camp == nil {
		http.NotFound(w, r)
		return
	}
	b := make([]byte, 14)
	if _, err := io.ReadFull(k.opts.Rand, b); err != nil {
		http.Error(w, "subid: "+err.Error(), http.StatusInternalServerError)
		return
	}
	for i := range b {
		b[i] = keitaroSubidAlphabet[int(b[i])%len(keitaroSubidAlphabet)]
	}
	subid := string(b)
	k.mu.Lock()
	k.clicks[subid] = camp
	k.clickAt[subid] = k.opts.Now()
	k.mu.Unlock()
	http.Redirect(w, r, strings.ReplaceAll(camp.OfferURL, "{subid}", subid), http.StatusFound)
}
