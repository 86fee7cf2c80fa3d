package faketracker

import (
	"context"
	"crypto/rand"
	"database/sql"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"
)

// DefaultFirstClickID202 is the subid Prosper202's first click gets when
// Prosper202Options.FirstClickID is 0. A live install's counter
// (202_clicks_counter) is long past 1; starting high keeps a click id from
// coinciding with a conversion id, a campaign id or a tracker id, so a
// profile that reads the wrong field cannot pass by luck.
const DefaultFirstClickID202 = 7001

// user202 is the Prosper202 user every campaign, click and API key of the
// fake belongs to: gpb.php works for user 1 (`$mysql['user_id'] = 1;`).
const user202 = 1

// Prosper202Campaign is one campaign of the fake Prosper202: a tracker
// (202_trackers) whose public id a click link carries, pointing at an
// affiliate campaign (202_aff_campaigns).
type Prosper202Campaign struct {
	// TrackerID is tracker_id_public, the t202id of the click link
	// /tracking202/redirect/dl.php?t202id=N. It must be positive and unique.
	TrackerID int64
	// CampaignID is aff_campaign_id. Zero assigns 1, 2, … in order.
	CampaignID int64
	// Name is aff_campaign_name, which the conversions API joins in.
	Name string
	// OfferURL is aff_campaign_url: where a click is sent, with [[subid]]
	// and Prosper202's other [[tokens]] (see the package doc).
	OfferURL string
	// PayoutCents is aff_campaign_payout, the payout a click starts with.
	PayoutCents int64
}

// Prosper202Options configures NewProsper202. No field may change after
// the fake has started.
type Prosper202Options struct {
	// Campaigns are the trackers the fake answers clicks for.
	Campaigns []Prosper202Campaign
	// APIKey is the one key of 202_api_keys (user 1) the REST API accepts.
	// Empty: every key is refused as invalid.
	APIKey string
	// FirstClickID is the subid of the first click; 0 means
	// DefaultFirstClickID202.
	FirstClickID int64
	// Broken makes the fake a broken twin:
	//   BrokenSum: every conversion row, and the click's click_payout
	//     when an amount overwrites it, records 1.00 more than it should.
	//   BrokenClickID: gpb.php records the conversion row under the subid
	//     it was sent plus one, and deduplicates transaction ids under it
	//     too (the click itself is still updated).
	Broken Broken
	// DB, when set, is a database the fake also keeps Prosper202's
	// 202_clicks and 202_conversion_logs tables in, written as dl.php and
	// gpb.php write them (see Prosper202Dialect), for a profile that reads
	// Prosper202's database. It must hold no such tables yet; the fake
	// creates them in DB's current database. The caller owns DB: Close
	// neither closes it nor drops the tables. nil: the fake keeps its
	// tables in memory only. The API serves from memory either way.
	DB *sql.DB
	// Dialect is DB's SQL dialect; "" means Prosper202SQLite.
	Dialect Prosper202Dialect
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Rand is the source of the [[random]] token and of click_id_public's
	// digits; nil means crypto/rand.
	Rand io.Reader
}

// Prosper202 is an in-process fake of the parts of Prosper202 a tracker
// profile uses: the click redirect dl.php, the global postback gpb.php and
// the REST API v3's conversions and clicks. It serves on 127.0.0.1 in the
// manner of net/http/httptest.Server and is safe for concurrent use.
type Prosper202 struct {
	// URL is the base URL, "http://127.0.0.1:PORT", without a trailing slash.
	URL string

	opts    Prosper202Options
	*server           // Client, Requests, Close
	store   *store202 // the tables in Prosper202Options.DB; nil without one

	mu          sync.Mutex // guards the fields below, the fake's database
	campaigns   []p202Campaign
	clicks      []*p202Click
	byClickID   map[int64]*p202Click
	conversions []*p202Conversion
	lastIPs     map[string]int64 // 202_last_ips: ip → unix time it was first seen (user 1)
	nextClickID int64            // 202_clicks_counter's next value
	nextConvID  int64            // 202_conversion_logs' next conv_id
}

// p202Campaign is a tracker joined with its affiliate campaign.
type p202Campaign struct {
	trackerID  int64
	campaignID int64
	name       string
	offerURL   string
	payout     decimal5
}

// p202Click is a row of 202_clicks with what dl.php stores beside it.
type p202Click struct {
	id         int64
	userID     int64
	campaignID int64
	payout     decimal5 // click_payout
	lead       int      // click_lead
	filtered   int      // click_filtered
	time       int64    // click_time, unix
	publicID   int64    // 202_clicks_record.click_id_public
	ip         string   // 202_ips.ip_address via 202_clicks_advance.ip_id
}

// p202Conversion is a row of 202_conversion_logs.
type p202Conversion struct {
	convID     int64
	clickID    int64
	txid       *string // transaction_id, NULL when none was sent
	campaignID int64
	payout     decimal5 // click_payout of the row
	userID     int64
	clickTime  int64
	convTime   int64
	deleted    int
}

// NewProsper202 starts a fake Prosper202 on 127.0.0.1:0.
func NewProsper202(opts Prosper202Options) (*Prosper202, error) {
	if err := opts.Broken.validate(); err != nil {
		return nil, err
	}
	switch opts.Dialect {
	case "":
		opts.Dialect = Prosper202SQLite
	case Prosper202SQLite, Prosper202MySQL:
		if opts.DB == nil {
			return nil, fmt.Errorf("faketracker: Prosper202 Dialect %q needs DB, the database to write the tables in", string(opts.Dialect))
		}
	default:
		return nil, fmt.Errorf("faketracker: Prosper202 Dialect %q is not a dialect: use %q or %q", string(opts.Dialect), Prosper202SQLite, Prosper202MySQL)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Rand == nil {
		opts.Rand = rand.Reader
	}
	if opts.FirstClickID == 0 {
		opts.FirstClickID = DefaultFirstClickID202
	}
	if opts.FirstClickID < 0 {
		return nil, fmt.Errorf("faketracker: Prosper202 FirstClickID %d is negative: use a positive id or 0 for %d", opts.FirstClickID, DefaultFirstClickID202)
	}
	p := &Prosper202{
		opts:        opts,
		byClickID:   map[int64]*p202Click{},
		lastIPs:     map[string]int64{},
		nextClickID: opts.FirstClickID,
		nextConvID:  1,
	}
	trackers, campaigns := map[int64]int{}, map[int64]int{}
	for i, c := range opts.Campaigns {
		where := fmt.Sprintf("faketracker: Prosper202 Campaigns[%d]", i)
		if c.TrackerID <= 0 {
			return nil, fmt.Errorf("%s: TrackerID %d is not a public tracker id: use a positive number", where, c.TrackerID)
		}
		if j, dup := trackers[c.TrackerID]; dup {
			return nil, fmt.Errorf("%s: TrackerID %d is already Campaigns[%d]'s: each tracker id names one campaign", where, c.TrackerID, j)
		}
		trackers[c.TrackerID] = i
		if c.CampaignID == 0 {
			c.CampaignID = int64(i + 1)
		}
		if c.CampaignID < 0 {
			return nil, fmt.Errorf("%s: CampaignID %d is negative: use a positive id or 0 to number campaigns in order", where, c.CampaignID)
		}
		if j, dup := campaigns[c.CampaignID]; dup {
			return nil, fmt.Errorf("%s: CampaignID %d is already Campaigns[%d]'s", where, c.CampaignID, j)
		}
		campaigns[c.CampaignID] = i
		if strings.TrimSpace(c.OfferURL) == "" {
			return nil, fmt.Errorf("%s: OfferURL is empty: a click needs an offer to go to", where)
		}
		p.campaigns = append(p.campaigns, p202Campaign{
			trackerID: c.TrackerID, campaignID: c.CampaignID, name: c.Name,
			offerURL: c.OfferURL, payout: decimal5FromCents(c.PayoutCents),
		})
	}
	if opts.DB != nil {
		p.store = &store202{db: opts.DB, dialect: opts.Dialect}
		if err := p.store.create(context.Background()); err != nil {
			return nil, fmt.Errorf("faketracker: Prosper202 DB (%s): %w", opts.Dialect, err)
		}
	}
	srv, err := startServer(p.routes(), opts.Now)
	if err != nil {
		return nil, fmt.Errorf("faketracker: start Prosper202: %w", err)
	}
	p.server, p.URL = srv, srv.url
	return p, nil
}

// routes is the fake's HTTP surface; every other path is 404.
func (p *Prosper202) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/tracking202/redirect/dl.php", p.handleClick)
	mux.HandleFunc("/tracking202/static/gpb.php", p.handlePostback)
	mux.HandleFunc("/api/", p.handleAPI)
	mux.HandleFunc("/", http.NotFound)
	return mux
}

// campaignByTracker finds the campaign whose tracker_id_public equals the
// numeric string t202id, compared as MySQL compares a string with an
// integer column (" 12", "12.0" and "1.2e1" all find tracker 12).
func (p *Prosper202) campaignByTracker(t202id string) (p202Campaign, bool) {
	id, whole := numericID(t202id)
	if !whole {
		return p202Campaign{}, false
	}
	for _, c := range p.campaigns {
		if c.trackerID == id {
			return c, true
		}
	}
	return p202Campaign{}, false
}

// campaignByID finds the campaign with aff_campaign_id id.
func (p *Prosper202) campaignByID(id int64) (p202Campaign, bool) {
	for _, c := range p.campaigns {
		if c.campaignID == id {
			return c, true
		}
	}
	return p202Campaign{}, false
}
