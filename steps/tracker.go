package steps

import (
	"context"
	"errors"
	"net/url"

	"github.com/cbsim/cbsim/simulator"
)

// ErrNotSupported is returned by a Tracker that cannot do what a step asks
// (an observe-only tracker has no reporting API). Steps fail with it; they
// never pass silently.
var ErrNotSupported = errors.New("not supported by this tracker")

// Click is what the tracker did with one visitor's click.
type Click struct {
	ID      string   // the tracker's click id
	Landing *url.URL // where the tracker redirected the visitor, nil if it did not say
}

// Conversion is what a tracker recorded for one postback.
type Conversion struct {
	ClickID         string
	Type            string
	Status          string
	Payout          int64 // cents
	Currency        string
	Order           string
	EventID         string
	DuplicateStatus string
	Params          map[string]string // the further parameters it kept (eventid, zip, order_id ...)
}

// Rejection is a postback the tracker refused and logged.
type Rejection struct {
	Query  string
	Param  string
	Reason string
	Status int
}

// Tracker is the tracker under test, as the steps see it.
type Tracker interface {
	// Click sends one visitor through the tracker's campaign of role: an
	// affiliate's (the offer URL carries tid={clickid}) or a vendor's
	// (vtid={clickid}).
	Click(ctx context.Context, role simulator.Role) (Click, error)
	// PostbackURL is the base URL postbacks go to, without a query.
	PostbackURL() string
	// Conversions lists what the tracker recorded for a click id.
	Conversions(ctx context.Context, clickID string) ([]Conversion, error)
	// Rejections lists the postbacks the tracker refused, oldest first.
	Rejections(ctx context.Context) ([]Rejection, error)
}

// TrackerConfig is the configuration a scenario asks of the tracker: its
// conversion types with their duplicate modes, and a postback token.
type TrackerConfig struct {
	ConversionTypes []string // "Name" or "Name:mode"; nil = the tracker's defaults
	DuplicateMode   string   // the offer-wide mode; "" = the tracker's default
	PostbackToken   string
	EventIDParam    string // the parameter that carries the event id ("" = rdtk_event_id, else eventid)
	INSSecret       string // the secret key INS notifications are sealed with ("" = the tracker's own, if any)
}

// Configurable is a Tracker the steps can configure, like the reference
// tracker. Scenarios tagged @reference need one.
type Configurable interface {
	Tracker
	// Configure applies cfg; it is called before the scenario's first
	// click or postback.
	Configure(ctx context.Context, cfg TrackerConfig) error
}

// Restarter is a Tracker the steps can restart mid-scenario (the reference
// tracker in-process or in a container). What it recorded must survive.
type Restarter interface {
	Tracker
	// Restart stops the tracker and starts it again on the same store.
	Restart(ctx context.Context) error
}

// TrackerFactory gives each scenario its tracker and takes it back after.
type TrackerFactory interface {
	// Open returns the tracker for one scenario.
	Open(ctx context.Context) (Tracker, error)
	// Release is called when the scenario ends.
	Release(t Tracker)
}
