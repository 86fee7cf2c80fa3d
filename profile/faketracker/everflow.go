package faketracker

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"
)

// The fake Everflow is written from Everflow's public documentation (its
// help desk and developers.everflow.io), each behaviour citing the page it
// came from; where no page says, the comment says UNCONFIRMED and names
// the fake's choice. It was never compared with a real Everflow account.

// EverflowEvent is a post-conversion event of an offer, fired by an
// advertiser postback that carries its advertiser event id ("You can find
// the Event Postbacks by selecting the Event from the drop-down menu",
// https://helpdesk.everflow.io/en/articles/6279436-getting-started-advertiser-server-postbacks;
// adv_event_id, "Advertiser Event ID ... Available in Advertiser Postback
// only", https://mrpostback.com/everflow/, a third-party list).
type EverflowEvent struct {
	// AdvEventID is the value adv_event_id carries. Whether Everflow lets
	// a network choose it as free text is UNCONFIRMED; the fake matches it
	// exactly.
	AdvEventID string
	// Name is the event's name, the report's "event" column.
	Name string
}

// EverflowOffer is one offer of the fake Everflow with its tracking link
// {URL}/{Path}.
type EverflowOffer struct {
	// Path is the tracking link's path after the domain. Everflow's links
	// carry encoded offer and partner ids (e.g. "2RCXGZ1/2HMS8L"); their
	// exact form is UNCONFIRMED. It must be unique, and neither empty nor
	// under /v1/.
	Path string
	// OfferURL is the offer's destination, with {transaction_id} replaced
	// by the click's transaction id ("the macro for a transaction ID in the
	// Everflow platform is {transaction_id}",
	// https://helpdesk.everflow.io/en/articles/6173403-a-guide-to-parameters-and-macros).
	OfferURL string
	// AllowDuplicateConversions lets a click have more than one base
	// conversion ("Error 8 (Duplicate): For subscriptions: Enable 'Allow
	// Duplicate Conversions' in Offers → Revenue & Payout Tab",
	// https://helpdesk.everflow.io/customer/conversions-error-code-reference-guide).
	AllowDuplicateConversions bool
	// Events are the offer's post-conversion events.
	Events []EverflowEvent
}

// EverflowOptions configures NewEverflow. No field may change after the
// fake has started.
type EverflowOptions struct {
	// NetworkID is the network id (nid) every postback must carry
	// ("Network ID (nid): Your unique identifier in Everflow",
	// https://helpdesk.everflow.io/customer/accessing-editing-s2s-postback-urls).
	NetworkID string
	// APIKey is the one key the reporting API accepts in X-Eflow-Api-Key.
	// Empty: every key is refused.
	APIKey string
	// Offers are the offers the fake answers clicks for.
	Offers []EverflowOffer
	// Broken makes the fake a broken twin:
	//   BrokenSum: every conversion records a sale_amount 1.00 more than sent.
	//   BrokenClickID: a conversion is recorded under the transaction id it
	//     was sent with its last character changed.
	Broken Broken
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Rand is the source of transaction ids; nil means crypto/rand.
	Rand io.Reader
}

// Everflow is an in-process fake of the parts of Everflow a tracker
// profile uses: the tracking link (a click, redirected to the offer with
// its transaction id), the advertiser S2S postback and the network API's
// raw conversions report, POST /v1/networks/reporting/conversions. It
// serves on 127.0.0.1 in the manner of net/http/httptest.Server (tracking
// domain and API at once) and is safe for concurrent use.
type Everflow struct {
	// URL is the base URL, "http://127.0.0.1:PORT", without a trailing
	// slash: the tracking domain and api.eflow.team at once.
	URL string

	opts    EverflowOptions
	*server // Client, Requests, Close

	mu          sync.Mutex // guards the fields below, the fake's store
	offers      map[string]*EverflowOffer
	clicks      map[string]*everflowClick // transaction id → click
	conversions []*everflowConversion
}

// everflowClick is one click, a transaction.
type everflowClick struct {
	transactionID string
	offer         *EverflowOffer
	at            time.Time
}

// everflowConversion is a base conversion or an event, a row of the raw
// conversions report.
type everflowConversion struct {
	conversionID  string
	transactionID string
	status        string // approved, rejected
	errorCode     int
	errorMessage  string
	isEvent       bool
	event         string
	saleAmount    decimal5
	orderID       string
	adv           [5]string
	clickAt, at   time.Time
}

// NewEverflow starts a fake Everflow on 127.0.0.1:0.
func NewEverflow(opts EverflowOptions) (*Everflow, error) {
	if err := opts.Broken.validate(); err != nil {
		return nil, err
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Rand == nil {
		opts.Rand = rand.Reader
	}
	if opts.NetworkID == "" {
		return nil, fmt.Errorf("faketracker: Everflow NetworkID is empty: every postback carries the network id (nid)")
	}
	e := &Everflow{opts: opts, offers: map[string]*EverflowOffer{}, clicks: map[string]*everflowClick{}}
	for i := range opts.Offers {
		o := opts.Offers[i]
		where := fmt.Sprintf("faketracker: Everflow Offers[%d]", i)
		o.Path = strings.Trim(o.Path, "/")
		switch {
		case o.Path == "" || strings.ContainsAny(o.Path, "?#"):
			return nil, fmt.Errorf("%s: Path %q is not a tracking link path: use segments such as 2RCXGZ1/2HMS8L", where, o.Path)
		case o.Path == "v1" || strings.HasPrefix(o.Path, "v1/"):
			return nil, fmt.Errorf("%s: Path %q is under the API's /v1/: choose another", where, o.Path)
		case strings.TrimSpace(o.OfferURL) == "":
			return nil, fmt.Errorf("%s: OfferURL is empty: a click needs an offer to go to", where)
		}
		if _, dup := e.offers[o.Path]; dup {
			return nil, fmt.Errorf("%s: Path %q is used twice: each tracking link names one offer", where, o.Path)
		}
		e.offers[o.Path] = &o
	}
	srv, err := startServer(e.routes(), opts.Now)
	if err != nil {
		return nil, fmt.Errorf("faketracker: start Everflow: %w", err)
	}
	e.server, e.URL = srv, srv.url
	return e, nil
}

// routes is the fake's HTTP surface: the API under /v1/, the postback at
// the tracking domain's root, tracking links anywhere else.
func (e *Everflow) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/v1/networks/reporting/conversions", e.handleReport)
	mux.HandleFunc("/v1/", http.NotFound)
	mux.HandleFunc("/{$}", e.handlePostback)
	mux.HandleFunc("/", e.handleClick)
	return mux
}

// handleClick records a click on a tracking link and redirects to the
// offer.
//
//   - The transaction id is 32 lower-case hex characters ("Both IDs are
//     32-character hexadecimal strings (e.g.
//     868c44c49aad4c8d9091b7a2a74c716c)",
//     https://helpdesk.everflow.io/customer/understanding-transaction-and-conversion-ids);
//     "A click is recorded (redirect ...)" (same page).
//   - {transaction_id} in the offer URL is replaced by it.
//   - The answer is a 302 (the redirect method; UNCONFIRMED which is the
//     default). An unknown path answers 404 (UNCONFIRMED). Duplicate
//     click filters, caps and fail traffic are not modelled.
func (e *Everflow) handleClick(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	defer e.mu.Unlock()
	o, ok := e.offers[strings.Trim(r.URL.Path, "/")]
	if !ok || r.Method != http.MethodGet && r.Method != http.MethodHead {
		http.NotFound(w, r)
		return
	}
	id, err := e.newID()
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	e.clicks[id] = &everflowClick{transactionID: id, offer: o, at: e.opts.Now()}
	w.Header().Set("Location", strings.ReplaceAll(o.OfferURL, "{transaction_id}", id))
	w.WriteHeader(http.StatusFound)
}

// newID draws a 32-character lower-case hex id.
func (e *Everflow) newID() (string, error) {
	var b [16]byte
	if _, err := io.ReadFull(e.opts.Rand, b[:]); err != nil {
		return "", fmt.Errorf("read 16 random bytes for an id: %w", err)
	}
	return hex.EncodeToString(b[:]), nil
}
