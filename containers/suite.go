package containers

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/testcontainers/testcontainers-go"

	"github.com/cbsim/cbsim/simulator"
	"github.com/cbsim/cbsim/steps"
)

// terminateTimeout bounds the termination of a suite's tracker container,
// which runs even when the suite's context is done.
const terminateTimeout = 30 * time.Second

// SuiteSpec says which tracker container a feature suite runs against.
type SuiteSpec struct {
	// Image runs a tracker under test from an image on the engine
	// (RunTrackerImage). Mutually exclusive with Dockerfile.
	Image string
	// Dockerfile builds the tracker under test from a Dockerfile
	// (RunTrackerDockerfile). With neither, the suite runs against
	// cbsim's reference tracker (RunTracker).
	Dockerfile string
	// Options configure the container: WithPort, WithAPIKey,
	// WithHealthPath, WithPostbackPath, WithAPIPath, testcontainers.WithEnv,
	// ... as for the Run function chosen.
	Options []testcontainers.ContainerCustomizer
	// Campaigns gives the tracker's campaign id per role; a role without
	// one gets a campaign created through POST /api/campaigns.
	Campaigns map[simulator.Role]string
	// ObserveOnly says the tracker has no reporting API: only what was sent
	// and the tracker's replies are asserted, and it is not restarted.
	ObserveOnly bool
}

// SuiteTracker is a tracker container started for a feature suite with the
// tracker the steps see. Terminate it when the suite is done.
type SuiteTracker struct {
	*TrackerContainer
	// Tracker is what every scenario gets: a *StepsTracker, or a
	// steps.ObserveOnly for SuiteSpec.ObserveOnly.
	Tracker steps.Tracker
}

// StartForSuite starts the tracker container spec describes, waits until it
// is healthy and, unless spec.ObserveOnly, until its reporting API accepts
// the API key, so that a wrong key fails here in one line rather than in
// every scenario. The SuiteTracker is returned even with an error when the
// container was created: Terminate it.
func StartForSuite(ctx context.Context, spec SuiteSpec) (*SuiteTracker, error) {
	var c *TrackerContainer
	var err error
	switch {
	case spec.Image != "" && spec.Dockerfile != "":
		return nil, errors.New("start tracker for the suite: give an image or a Dockerfile, not both")
	case spec.Image != "":
		c, err = RunTrackerImage(ctx, spec.Image, spec.Options...)
	case spec.Dockerfile != "":
		c, err = RunTrackerDockerfile(ctx, spec.Dockerfile, spec.Options...)
	default:
		c, err = RunTracker(ctx, spec.Options...)
	}
	if c == nil {
		return nil, err
	}
	st := &SuiteTracker{TrackerContainer: c}
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
	t, err := NewStepsTracker(ctx, c, spec.Campaigns)
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
func (s *SuiteTracker) Factory() steps.TrackerFactory { return steps.Shared{Tracker: s.Tracker} }

// CanRestart says whether the steps can restart the tracker (every
// container can, unless observe-only).
func (s *SuiteTracker) CanRestart() bool {
	_, ok := s.Tracker.(steps.Restarter)
	return ok
}

// Terminate makes the steps' calls fail fast, then stops and removes the
// container.
func (s *SuiteTracker) Terminate(ctx context.Context, opts ...testcontainers.TerminateOption) error {
	if t, ok := s.Tracker.(*StepsTracker); ok {
		t.Close()
	}
	return s.TrackerContainer.Terminate(ctx, opts...)
}

// RunSuite starts the tracker spec describes (StartForSuite), runs the
// feature suite o against it and terminates the container, also when the
// suite fails and when ctx is done: cancelling ctx (an interrupt) stops
// the container at once and the remaining scenarios fail fast.
//
// RunSuite sets o.Factory and o.CanRestart: the @restart scenarios run
// when the tracker can restart and scenarios run one at a time (a restart
// would fail the postbacks of concurrent scenarios); o.Reference is false,
// since a container is not configured per scenario. It returns godog's
// status (0 only when every scenario passed) and an error when the tracker
// did not start, ctx was done, or the container could not be terminated.
func RunSuite(ctx context.Context, spec SuiteSpec, o steps.SuiteOptions) (int, error) {
	st, err := StartForSuite(ctx, spec)
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
	o.Reference = false
	o.CanRestart = st.CanRestart() && o.Concurrency <= 1
	if st.CanRestart() && !o.CanRestart && o.Output != nil {
		fmt.Fprintf(o.Output, "@restart scenarios left out: they would restart the tracker under %d concurrent scenarios\n", o.Concurrency)
	}

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
