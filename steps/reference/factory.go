package reference

import (
	"cmp"
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/cbsim/cbsim/steps"
	"github.com/cbsim/cbsim/tracker"
)

// apiKey is the api key of in-process reference trackers.
const apiKey = "cbsim-reference"

// INSSecret is the secret key of in-process reference trackers' INS
// endpoint (POST /ins) unless the factory's Config names another, so that
// the INS scenarios run in-process.
const INSSecret = "CBSIMREFERENCE"

// Factory gives each scenario its own in-process reference tracker (a store
// in a file of its own on a loopback port), configured as the scenario says
// (steps.Configurable) and restartable on the same store (steps.Restarter).
// Its zero value is ready to use.
type Factory struct {
	// Config is every scenario tracker's configuration unless the scenario
	// configures it: a field the scenario leaves empty keeps this value
	// (e.g. the conversion type names of an integrations file of one's
	// own). The zero Config is the tracker's defaults.
	Config steps.TrackerConfig
}

var _ steps.TrackerFactory = Factory{}

// Open starts a reference tracker with the factory's configuration.
func (f Factory) Open(ctx context.Context) (steps.Tracker, error) {
	r := &scenarioTracker{base: f.Config}
	if err := r.Configure(ctx, steps.TrackerConfig{}); err != nil {
		return nil, err
	}
	return r, nil
}

// Release stops the scenario's tracker and removes its store.
func (Factory) Release(t steps.Tracker) {
	if r, ok := t.(*scenarioTracker); ok {
		r.close()
	}
}

// scenarioTracker is one in-process reference tracker, reached over real
// HTTP, with its store in a file of its own so that it survives a restart.
type scenarioTracker struct {
	*steps.RedTrack
	srv  *tracker.Server
	cfg  tracker.Config
	base steps.TrackerConfig // the factory's configuration, under the scenario's
	dir  string              // holds the database file
}

var (
	_ steps.Configurable = (*scenarioTracker)(nil)
	_ steps.Restarter    = (*scenarioTracker)(nil)
	_ steps.INSReceiver  = (*scenarioTracker)(nil)
)

// INS returns the tracker's INS URL and secret key.
func (r *scenarioTracker) INS() (string, string, error) {
	return r.srv.URL + "/ins", r.cfg.INSSecret, nil
}

// Restart closes the tracker and opens it again on the same database; it
// comes back on another port, as a restarted container would.
func (r *scenarioTracker) Restart(ctx context.Context) error {
	r.srv.Close()
	srv, err := tracker.NewServer(r.cfg)
	if err != nil {
		return fmt.Errorf("restart the reference tracker: %w", err)
	}
	r.srv = srv
	r.RedTrack.TrackingURL = srv.URL
	r.RedTrack.HTTPClient = srv.Client()
	return nil
}

// Configure restarts the tracker with cfg, whose empty fields take the
// factory's configuration.
func (r *scenarioTracker) Configure(ctx context.Context, cfg steps.TrackerConfig) error {
	if cfg.ConversionTypes == nil {
		cfg.ConversionTypes = r.base.ConversionTypes
	}
	cfg.DuplicateMode = cmp.Or(cfg.DuplicateMode, r.base.DuplicateMode)
	cfg.PostbackToken = cmp.Or(cfg.PostbackToken, r.base.PostbackToken)
	cfg.EventIDParam = cmp.Or(cfg.EventIDParam, r.base.EventIDParam)
	cfg.INSSecret = cmp.Or(cfg.INSSecret, r.base.INSSecret, INSSecret)
	tc := tracker.Config{APIKey: apiKey, PostbackToken: cfg.PostbackToken, EventIDParam: cfg.EventIDParam, INSSecret: cfg.INSSecret}
	for _, s := range cfg.ConversionTypes {
		ct, err := tracker.ParseConversionType(s)
		if err != nil {
			return err
		}
		tc.ConversionTypes = append(tc.ConversionTypes, ct)
	}
	if cfg.DuplicateMode != "" {
		m, err := tracker.ParseMode(cfg.DuplicateMode)
		if err != nil {
			return err
		}
		tc.DuplicateMode = m
	}
	if len(tc.ConversionTypes) > 0 {
		// The type of a postback without type= is the purchase, if configured.
		tc.DefaultType = tc.ConversionTypes[0].Name
		for _, ct := range tc.ConversionTypes {
			if ct.Name == tracker.DefaultType {
				tc.DefaultType = ct.Name
			}
		}
	}
	r.close()
	dir, err := os.MkdirTemp("", "cbsim-tracker-")
	if err != nil {
		return err
	}
	r.dir = dir
	tc.DBPath = filepath.Join(dir, "tracker.db")
	srv, err := tracker.NewServer(tc)
	if err != nil {
		return fmt.Errorf("start the reference tracker: %w", err)
	}
	r.srv, r.cfg = srv, tc
	r.RedTrack = &steps.RedTrack{TrackingURL: srv.URL, APIKey: apiKey, HTTPClient: srv.Client()}
	return nil
}

func (r *scenarioTracker) close() {
	if r.srv != nil {
		r.srv.Close()
		r.srv = nil
	}
	if r.dir != "" {
		os.RemoveAll(r.dir)
		r.dir = ""
	}
}
