package containersuite

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/testcontainers/testcontainers-go"

	"github.com/cbsim/cbsim/containers"
	"github.com/cbsim/cbsim/simulator"
	"github.com/cbsim/cbsim/steps"
)

// terminateTimeout bounds the termination of a suite's tracker container,
// which runs even when the suite's context is done.
const terminateTimeout = 30 * time.Second

// Spec says which tracker container a feature suite runs against.
type Spec struct {
	// Image runs a tracker under test from an image on the engine
	// (containers.RunTrackerImage). Mutually exclusive with Dockerfile.
	Image string
	// Dockerfile builds the tracker under test from a Dockerfile
	// (containers.RunTrackerDockerfile). With neither, the suite runs
	// against cbsim's reference tracker (containers.RunTracker).
	Dockerfile string
	// Options configure the container: containers.WithPort,
	// containers.WithAPIKey, containers.WithHealthPath,
	// containers.WithPostbackPath, containers.WithAPIPath,
	// testcontainers.WithEnv, ... as for the containers function chosen.
	Options []testcontainers.ContainerCustomizer
	// Campaigns gives the tracker's campaign id per role; a role without
	// one gets a campaign created through RedTrack's POST /campaigns.
	Campaigns map[simulator.Role]string
	// ObserveOnly says the tracker has no reporting API: what was sent and
	// the tracker's replies are asserted, the steps that read what it
	// recorded are skipped (with the reason), and it is not restarted.
	ObserveOnly bool
}

// Container is a tracker container started for a feature suite with the
// tracker the steps see. Terminate it when the suite is done.
type Container struct {
	*containers.TrackerContainer
	// Tracker is what every scenario gets: a *Tracker, or a
	// steps.ObserveOnly for Spec.ObserveOnly.
	Tracker steps.Tracker
}

// Start starts the tracker container spec describes, waits until it
// is healthy and, unless spec.ObserveOnly, until its reporting API accepts
// the API key, so that a wrong key fails here in one line rather than in
// every scenario. The Container is returned even with an error when the
// container was created: Terminate it.
func Start(ctx context.Context, spec Spec) (*Container, error) {
	var c *containers.TrackerContainer
	var err error
	switch {
	case spec.Image != "" && spec.Dockerfile != "":
		return nil, errors.New("start tracker for the suite: give an image or a Dockerfile, not both")
	case spec.Image != "":
		c, err = containers.RunTrackerImage(ctx, spec.Image, spec.Options...)
	case spec.Dockerfile != "":
		c, err = containers.RunTrackerDockerfile(ctx, spec.Dockerfile, spec.Options...)
	default:
		c, err = containers.RunTracker(ctx, spec.Options...)
	}
	if c == nil {
		return nil, err
	}
	st := &Container{TrackerContainer: c}
	if err != nil {
		return st, err
	}
	if spec.ObserveOnly {
		pb, err := c.PostbackURL(ctx)
		if err != nil {
			return st, fmt.Errorf("start tracker for the suite: %w", err)
		}
		st.Tracker = steps.ObserveOnly{URL: pb}
		return st, nil
	}
	t, err := NewTracker(ctx, c, spec.Campaigns)
	if err != nil {
		return st, fmt.Errorf("start tracker for the suite: %w", err)
	}
	st.Tracker = t
	if err := steps.Preflight(ctx, t); err != nil {
		api, _ := c.APIURL(ctx)
		return st, fmt.Errorf("%w (API at %s: check the API key and the API path, or run observe-only)", err, api)
	}
	return st, nil
}

// Factory returns the suite's tracker factory: every scenario gets Tracker.
func (s *Container) Factory() steps.TrackerFactory { return steps.Shared{Tracker: s.Tracker} }

// CanRestart says whether the steps can restart the tracker (every
// container can, unless observe-only).
func (s *Container) CanRestart() bool {
	_, ok := s.Tracker.(steps.Restarter)
	return ok
}

// Terminate makes the steps' calls fail fast, then stops and removes the
// container.
func (s *Container) Terminate(ctx context.Context, opts ...testcontainers.TerminateOption) error {
	if t, ok := s.Tracker.(*Tracker); ok {
		t.Close()
	}
	return s.TrackerContainer.Terminate(ctx, opts...)
}

// Run starts the tracker spec describes (Start), runs the
// feature suite o against it and terminates the container, also when the
// suite fails and when ctx is done: cancelling ctx (an interrupt) stops
// the container at once and the remaining scenarios fail fast.
//
// Run sets o.Factory: every scenario shares the container's tracker. The
// @restart scenarios run when the tracker can restart and scenarios run
// one at a time (a restart would fail the postbacks of concurrent
// scenarios); they are reported as skipped otherwise, as are the
// @reference ones, since a container is not configured per scenario. It
// returns steps.Run's status (0 only when every scenario that ran passed)
// and an error when the tracker did not start, ctx was done, or the
// container could not be terminated.
func Run(ctx context.Context, spec Spec, o steps.SuiteOptions) (int, error) {
	st, err := Start(ctx, spec)
	var once sync.Once
	var terr error
	terminate := func() {
		once.Do(func() {
			if st == nil {
				return
			}
			tctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), terminateTimeout)
			defer cancel()
			if e := st.Terminate(tctx); e != nil {
				terr = fmt.Errorf("terminate the tracker container: %w", e)
			}
		})
	}
	defer terminate() // should steps.Run panic
	if err != nil {
		terminate()
		return 1, errors.Join(err, terr)
	}

	o.Factory = st.Factory()

	stop := context.AfterFunc(ctx, terminate)
	status := steps.Run(o)
	stop()
	if ctx.Err() != nil {
		terminate()
		return max(status, 1), errors.Join(fmt.Errorf("suite interrupted: %w", context.Cause(ctx)), terr)
	}
	terminate()
	return status, terr
}
