package steps

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/cbsim/cbsim/tracker"
)

// referenceAPIKey is the api key of in-process reference trackers.
const referenceAPIKey = "cbsim-reference"

// Reference gives each scenario its own in-process reference tracker (an
// in-memory store on a loopback port), configured as the scenario says.
type Reference struct{}

// Open starts a reference tracker with the default configuration.
func (Reference) Open(ctx context.Context) (Tracker, error) {
	r := &reference{}
	if err := r.Configure(ctx, TrackerConfig{}); err != nil {
		return nil, err
	}
	return r, nil
}

// Release stops the scenario's tracker.
func (Reference) Release(t Tracker) {
	if r, ok := t.(*reference); ok {
		r.close()
	}
}

// reference is one in-process reference tracker, reached over real HTTP,
// with its store in a file of its own so that it survives a restart.
type reference struct {
	*RedTrack
	srv *tracker.Server
	cfg tracker.Config
	dir string // holds the database file
}

var (
	_ Configurable = (*reference)(nil)
	_ Restarter    = (*reference)(nil)
)

// Restart closes the tracker and opens it again on the same database; it
// comes back on another port, as a restarted container would.
func (r *reference) Restart(ctx context.Context) error {
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

// Configure restarts the tracker with cfg.
func (r *reference) Configure(ctx context.Context, cfg TrackerConfig) error {
	tc := tracker.Config{APIKey: referenceAPIKey, PostbackToken: cfg.PostbackToken, EventIDParam: cfg.EventIDParam}
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
	r.RedTrack = &RedTrack{TrackingURL: srv.URL, APIKey: referenceAPIKey, HTTPClient: srv.Client()}
	return nil
}

func (r *reference) close() {
	if r.srv != nil {
		r.srv.Close()
		r.srv = nil
	}
	if r.dir != "" {
		os.RemoveAll(r.dir)
		r.dir = ""
	}
}
