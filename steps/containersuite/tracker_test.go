package containersuite_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/cbsim/cbsim/containers/containertest"
	"github.com/cbsim/cbsim/simulator"
	"github.com/cbsim/cbsim/steps/containersuite"
)

// TestTrackerRestartUnderLoad restarts the container twice while
// scenarios click and read conversions: their calls wait for the restart
// instead of failing, and use the new port afterwards.
func TestTrackerRestartUnderLoad(t *testing.T) {
	containertest.SkipIfNoDocker(t)
	t.Parallel()
	ctx := containertest.Context(t)
	c := containertest.Tracker(t)
	trk, err := containersuite.NewTracker(ctx, c, nil)
	if err != nil {
		t.Fatal(err)
	}
	first, err := trk.Click(ctx, simulator.RoleAffiliate)
	if err != nil {
		t.Fatal(err)
	}

	stop := make(chan struct{})
	errs := make(chan error, 16)
	var wg sync.WaitGroup
	for _, role := range []simulator.Role{simulator.RoleAffiliate, simulator.RoleVendor, simulator.RoleAffiliate} {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				cl, err := trk.Click(ctx, role)
				if err == nil {
					_, err = trk.Conversions(ctx, cl.ID)
				}
				if err != nil {
					errs <- err
					return
				}
			}
		})
	}
	for range 2 {
		before := trk.PostbackURL()
		if err := trk.Restart(ctx); err != nil {
			t.Fatal(err)
		}
		t.Logf("restarted: postback URL %s, then %s", before, trk.PostbackURL())
	}
	close(stop)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("a call during a restart failed: %v", err)
	}
	want, err := c.PostbackURL(ctx)
	if err != nil || trk.PostbackURL() != want {
		t.Errorf("PostbackURL %q after the restarts, the container's is %q (%v)", trk.PostbackURL(), want, err)
	}
	// The campaign created before the restarts lives in the tracker's store
	// and still takes clicks.
	if _, err := trk.Click(ctx, simulator.RoleAffiliate); err != nil {
		t.Fatalf("click after the restarts: %v", err)
	}

	trk.Close()
	if _, err := trk.Conversions(ctx, first.ID); !errors.Is(err, containersuite.ErrTrackerClosed) {
		t.Errorf("Conversions after Close: %v, want ErrTrackerClosed", err)
	}
	if err := trk.Restart(context.Background()); !errors.Is(err, containersuite.ErrTrackerClosed) {
		t.Errorf("Restart after Close: %v, want ErrTrackerClosed", err)
	}
}
