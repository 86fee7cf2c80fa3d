package containersuite

import (
	"context"
	"fmt"
	"sync"

	"github.com/testcontainers/testcontainers-go"

	"github.com/cbsim/cbsim/containers"
	"github.com/cbsim/cbsim/simulator"
	"github.com/cbsim/cbsim/steps"
)

// ReferenceFactory runs the whole bundled suite, @reference scenarios
// included, against the reference tracker in containers: scenarios that
// take the tracker as it is share one container (Shared), and a scenario
// that configures the tracker (conversion types, duplicate modes, a token,
// the event id parameter) gets a container of its own, started with that
// configuration and terminated when the scenario ends.
type ReferenceFactory struct {
	// Shared is the tracker of the scenarios that do not configure it.
	Shared *Tracker
	// Options are given to containers.RunTracker for each scenario's own
	// container (containers.WithBinary, containers.WithAPIKey, ...), before
	// the scenario's configuration.
	Options []testcontainers.ContainerCustomizer
}

var _ steps.TrackerFactory = (*ReferenceFactory)(nil)

// Open returns the scenario's tracker: the shared one until the scenario
// configures it.
func (f *ReferenceFactory) Open(context.Context) (steps.Tracker, error) {
	if f.Shared == nil {
		return nil, fmt.Errorf("reference factory: no shared tracker")
	}
	return &scenarioReference{f: f}, nil
}

// Release terminates the scenario's own container, if it had one.
func (f *ReferenceFactory) Release(t steps.Tracker) {
	if s, ok := t.(*scenarioReference); ok {
		s.release()
	}
}

// scenarioReference is one scenario's view of the reference tracker.
type scenarioReference struct {
	f   *ReferenceFactory
	mu  sync.Mutex // guards own
	own *Tracker   // the scenario's own container, once configured
}

var (
	_ steps.Configurable = (*scenarioReference)(nil)
	_ steps.Restarter    = (*scenarioReference)(nil)
	_ steps.INSReceiver  = (*scenarioReference)(nil)
)

// INS returns the current tracker's INS URL and secret key.
func (s *scenarioReference) INS() (string, string, error) { return s.current().INS() }

func (s *scenarioReference) current() *Tracker {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.own != nil {
		return s.own
	}
	return s.f.Shared
}

// Configure starts a container of the scenario's own with cfg.
func (s *scenarioReference) Configure(ctx context.Context, cfg steps.TrackerConfig) error {
	opts := append([]testcontainers.ContainerCustomizer(nil), s.f.Options...)
	if secret := s.f.Shared.c.INSSecret(); secret != "" {
		opts = append(opts, containers.WithINSSecret(secret)) // takes INS as the shared one does
	}
	for _, ct := range cfg.ConversionTypes {
		opts = append(opts, containers.WithConversionType(ct))
	}
	if cfg.DuplicateMode != "" {
		opts = append(opts, containers.WithDuplicateMode(cfg.DuplicateMode))
	}
	if cfg.PostbackToken != "" {
		opts = append(opts, containers.WithPostbackToken(cfg.PostbackToken))
	}
	if cfg.EventIDParam != "" {
		opts = append(opts, containers.WithEventIDParam(cfg.EventIDParam))
	}
	c, err := containers.RunTracker(ctx, opts...)
	if err != nil {
		if c != nil {
			_ = c.Terminate(context.Background())
		}
		return fmt.Errorf("start the scenario's reference tracker: %w", err)
	}
	t, err := NewTracker(ctx, c, nil)
	if err != nil {
		_ = c.Terminate(context.Background())
		return err
	}
	s.release()
	s.mu.Lock()
	s.own = t
	s.mu.Unlock()
	return nil
}

func (s *scenarioReference) release() {
	s.mu.Lock()
	own := s.own
	s.own = nil
	s.mu.Unlock()
	if own != nil {
		own.Close()
		_ = own.Container().Terminate(context.Background())
	}
}

// Click sends a visitor through the current tracker.
func (s *scenarioReference) Click(ctx context.Context, role simulator.Role) (steps.Click, error) {
	return s.current().Click(ctx, role)
}

// PostbackURL is the current tracker's postback URL.
func (s *scenarioReference) PostbackURL() string { return s.current().PostbackURL() }

// Conversions reads the current tracker's conversions for a click.
func (s *scenarioReference) Conversions(ctx context.Context, clickID string) ([]steps.Conversion, error) {
	return s.current().Conversions(ctx, clickID)
}

// Rejections reads the current tracker's rejections log.
func (s *scenarioReference) Rejections(ctx context.Context) ([]steps.Rejection, error) {
	return s.current().Rejections(ctx)
}

// Restart restarts the current tracker's container.
func (s *scenarioReference) Restart(ctx context.Context) error { return s.current().Restart(ctx) }
