package faketracker

import (
	"crypto/rand"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"
)

// The fake Voluum is written from Voluum's public documentation, each
// behaviour citing the page it came from; where no page says, the comment
// says UNCONFIRMED and names the fake's choice. It was never compared with
// a real Voluum account.

// VoluumCampaign is one campaign of the fake Voluum: its campaign URL is
// {URL}/{ID}, and a visit redirects to OfferURL.
type VoluumCampaign struct {
	// ID is the campaign id the campaign URL's path carries. It must be
	// unique and must not be "postback", "report" or "auth".
	ID string
	// OfferURL is where a visit goes, with the {clickid} token replaced
	// by the visit's click id ("https://www.offer_link.com?s2={clickid}",
	// https://doc.voluum.com/article/parameters-in-postback-urls).
	OfferURL string
	// PayoutCents is the offer's manual payout, recorded for a postback
	// that sends no payout ("two available options for tracking conversion
	// payout in Voluum: Auto or Manual", same page).
	PayoutCents int64
}

// VoluumOptions configures NewVoluum. No field may change after the fake
// has started.
type VoluumOptions struct {
	// Campaigns are the campaigns the fake answers visits for.
	Campaigns []VoluumCampaign
	// Token is the one session token the reporting API accepts in the
	// cwauth-token header (https://developers.voluum.com). Empty: every
	// token is refused.
	Token string
	// AccessID and AccessKey are the one access key POST
	// /auth/access/session takes to hand out Token
	// (https://doc.voluum.com/en/voluum_api_docs.html: an access key "is
	// then used to get the session token"). Empty AccessID: every key is
	// refused. POST /auth/session, with an email and a password, is not
	// served.
	AccessID, AccessKey string
	// Broken makes the fake a broken twin:
	//   BrokenSum: every conversion records 1.00 more revenue than sent.
	//   BrokenClickID: a conversion is recorded under the click id it was
	//     sent with its last character changed.
	Broken Broken
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Rand is the source of click ids; nil means crypto/rand.
	Rand io.Reader
}

// Voluum is an in-process fake of the parts of hosted Voluum a tracker
// profile uses: the campaign URL (a visit, redirected to the offer with
// the click id), the S2S postback URL /postback and the reporting API's
// GET /report/conversions. It serves on 127.0.0.1 in the manner of
// net/http/httptest.Server (both the tracking domain and the API) and is
// safe for concurrent use.
type Voluum struct {
	// URL is the base URL, "http://127.0.0.1:PORT", without a trailing
	// slash: the tracking domain and api.voluum.com at once.
	URL string

	opts    VoluumOptions
	*server // Client, Requests, Close

	mu          sync.Mutex // guards the fields below, the fake's store
	campaigns   map[string]VoluumCampaign
	visits      map[string]*voluumVisit // click id → visit
	conversions []*voluumConversion
}

// voluumVisit is one click: a visit of a campaign.
type voluumVisit struct {
	clickID  string
	campaign VoluumCampaign
	ip       string
	at       time.Time
}

// voluumConversion is one recorded conversion, a row of the conversions
// report.
type voluumConversion struct {
	clickID       string
	transactionID string
	revenue       decimal5
	currency      string
	conversionTyp string // the et parameter, "" when none was sent
	campaignID    string
	visitAt       time.Time
	postbackAt    time.Time
}

// NewVoluum starts a fake Voluum on 127.0.0.1:0.
func NewVoluum(opts VoluumOptions) (*Voluum, error) {
	if err := opts.Broken.validate(); err != nil {
		return nil, err
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Rand == nil {
		opts.Rand = rand.Reader
	}
	v := &Voluum{opts: opts, campaigns: map[string]VoluumCampaign{}, visits: map[string]*voluumVisit{}}
	for i, c := range opts.Campaigns {
		where := fmt.Sprintf("faketracker: Voluum Campaigns[%d]", i)
		switch {
		case c.ID == "" || strings.ContainsAny(c.ID, "/?#"):
			return nil, fmt.Errorf("%s: ID %q is not a path segment: use letters, digits and -", where, c.ID)
		case c.ID == "postback" || c.ID == "report" || c.ID == "auth":
			return nil, fmt.Errorf("%s: ID %q is one of the fake's own paths: choose another", where, c.ID)
		case strings.TrimSpace(c.OfferURL) == "":
			return nil, fmt.Errorf("%s: OfferURL is empty: a visit needs an offer to go to", where)
		}
		if _, dup := v.campaigns[c.ID]; dup {
			return nil, fmt.Errorf("%s: ID %q is used twice: each campaign id names one campaign", where, c.ID)
		}
		v.campaigns[c.ID] = c
	}
	srv, err := startServer(v.routes(), opts.Now)
	if err != nil {
		return nil, fmt.Errorf("faketracker: start Voluum: %w", err)
	}
	v.server, v.URL = srv, srv.url
	return v, nil
}

// routes is the fake's HTTP surface.
func (v *Voluum) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/postback", v.handlePostback)
	mux.HandleFunc("/report/conversions", v.handleReport)
	mux.HandleFunc("/auth/access/session", v.handleAccessSession)
	mux.HandleFunc("/", v.handleVisit)
	return mux
}
