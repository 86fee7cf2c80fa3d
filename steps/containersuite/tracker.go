package containersuite

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cbsim/cbsim/containers"
	"github.com/cbsim/cbsim/simulator"
	"github.com/cbsim/cbsim/steps"
)

// ErrTrackerClosed is returned by a Tracker after Close: the suite was
// interrupted and the container is going away.
var ErrTrackerClosed = errors.New("the tracker container was stopped")

// stepsHTTPTimeout bounds one request of a Tracker to its container.
const stepsHTTPTimeout = 30 * time.Second

// Tracker is a containers.TrackerContainer as the step library sees it: a
// steps.Tracker that speaks RedTrack's surface (clicks at
// {URL}/{campaign}, postbacks at PostbackURL, the reporting API at
// {APIURL}/conversions?api_key=APIKey) and a steps.Restarter that restarts
// the container. The campaigns it creates through RedTrack's POST /campaigns on
// the first click of each role live in the tracker's store and are reused
// after a restart.
//
// The container's mapped port may change on Restart (unless it was started
// with containers.WithHostPort): Restart reads the URLs again. It is safe
// for concurrent scenarios: every call holds a read lock, Restart the write
// lock, so no call sees the tracker half restarted. Postbacks that other scenarios send
// during a restart still fail; run @restart scenarios one at a time.
type Tracker struct {
	c         *containers.TrackerContainer
	transport *http.Transport // its idle connections die with a restart

	closed atomic.Bool // Close was called

	mu       sync.RWMutex // guards rt's URLs and postback: read-held by every call, write-held by Restart
	rt       *steps.RedTrack
	postback string // the container's PostbackURL, read at start and after Restart
}

var (
	_ steps.Tracker     = (*Tracker)(nil)
	_ steps.Restarter   = (*Tracker)(nil)
	_ steps.INSReceiver = (*Tracker)(nil)
)

// INS returns the container's INS URL ({URL}/ins as of its last start) and
// the secret key it was started with (containers.WithINSSecret); a
// container started without one takes no INS (steps.NoINSError).
func (s *Tracker) INS() (string, string, error) {
	secret := s.c.INSSecret()
	if secret == "" {
		return "", "", steps.NoINSError{Reason: "the tracker container was started without an INS secret (containers.WithINSSecret, cbsim tracker --ins-secret)"}
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return strings.TrimRight(s.rt.TrackingURL, "/") + "/ins", secret, nil
}

// NewTracker returns the steps' view of c. campaigns gives the
// tracker's campaign id per role; a role without one gets a campaign created
// through POST {APIURL}/campaigns on its first click (cbsim's reference
// tracker allows it). ctx bounds reading the URLs from Docker.
func NewTracker(ctx context.Context, c *containers.TrackerContainer, campaigns map[simulator.Role]string) (*Tracker, error) {
	if c == nil || c.Container == nil {
		return nil, errors.New("steps tracker: no container")
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	s := &Tracker{c: c, transport: tr, rt: &steps.RedTrack{
		APIKey:     c.APIKey(),
		Campaigns:  campaigns,
		HTTPClient: &http.Client{Transport: tr, Timeout: stepsHTTPTimeout},
	}}
	if err := s.refresh(ctx); err != nil {
		return nil, fmt.Errorf("steps tracker: %w", err)
	}
	return s, nil
}

// refresh reads the container's URLs into rt; the caller holds mu for
// writing (or s is not shared yet).
func (s *Tracker) refresh(ctx context.Context) error {
	base, err := s.c.URL(ctx)
	if err != nil {
		return err
	}
	api, err := s.c.APIURL(ctx)
	if err != nil {
		return err
	}
	pb, err := s.c.PostbackURL(ctx)
	if err != nil {
		return err
	}
	s.rt.TrackingURL, s.rt.APIURL, s.postback = base, api, pb
	return nil
}

// Container returns the container s drives.
func (s *Tracker) Container() *containers.TrackerContainer { return s.c }

// Click sends a visitor through the tracker's campaign of role.
func (s *Tracker) Click(ctx context.Context, role simulator.Role) (steps.Click, error) {
	if s.closed.Load() {
		return steps.Click{}, ErrTrackerClosed
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.rt.Click(ctx, role)
}

// PostbackURL returns the container's PostbackURL as of its last start.
func (s *Tracker) PostbackURL() string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.postback
}

// Conversions reads the reporting API for a click id.
func (s *Tracker) Conversions(ctx context.Context, clickID string) ([]steps.Conversion, error) {
	if s.closed.Load() {
		return nil, ErrTrackerClosed
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.rt.Conversions(ctx, clickID)
}

// Rejections reads cbsim's rejections log; a tracker without one answers
// steps.ErrNotSupported.
func (s *Tracker) Rejections(ctx context.Context) ([]steps.Rejection, error) {
	if s.closed.Load() {
		return nil, ErrTrackerClosed
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.rt.Rejections(ctx)
}

// Restart restarts the container (containers.TrackerContainer.Restart: its
// store survives) and reads its URLs again, which change unless it was
// started with containers.WithHostPort. Calls of other scenarios wait until
// it is done.
func (s *Tracker) Restart(ctx context.Context) error {
	if s.closed.Load() {
		return ErrTrackerClosed
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.c.Restart(ctx); err != nil {
		return err
	}
	s.transport.CloseIdleConnections()
	if err := s.refresh(ctx); err != nil {
		return fmt.Errorf("restart tracker: %w", err)
	}
	return nil
}

// Close makes every later call fail fast with ErrTrackerClosed and drops
// idle connections; it does not stop the container, nor wait for calls in
// flight, which fail once the container is gone.
func (s *Tracker) Close() {
	s.closed.Store(true)
	s.transport.CloseIdleConnections()
}
