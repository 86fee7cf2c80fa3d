package load_test

import (
	"context"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/cbsim/cbsim/load"
	"github.com/cbsim/cbsim/simulator"
	"github.com/cbsim/cbsim/tracker"
)

// run runs journeys through the engine against target with real clicks
// through the rig's profile, and checks the tracker afterwards.
func (r *verifyRig) run(t *testing.T, target string, journeys uint64, faults string, mode load.DuplicateMode) *load.Report {
	t.Helper()
	roles := []simulator.Role{simulator.RoleAffiliate, simulator.RoleVendor}
	src, err := load.NewSource(load.SourceConfig{Catalog: r.cat, Integrations: load.Integrations(r.tr, roles, "tid", nil)})
	if err != nil {
		t.Fatal(err)
	}
	f, err := load.ParseFaults(faults)
	if err != nil {
		t.Fatal(err)
	}
	click := load.ClickFunc(func(ctx context.Context, role simulator.Role) (string, error) {
		c, err := r.tr.Click(ctx, string(role))
		return c.ID, err
	})
	run := load.Run{
		Attack: load.Config{Target: target, Source: src, Journeys: journeys, Connections: 4, Faults: f, Clicks: click, Seed: 3,
			Refused: r.tr.Refused},
		Params: load.RunParams{Target: target, Profile: "cbsim", Seed: 3, Rate: "max", Connections: 4, Faults: faults},
		Check:  &load.Check{Reader: r.tr, Mode: mode, Options: load.VerifyOptions{Settle: -1}},
	}
	rep, err := run.Do(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if rep.Verdict == nil {
		t.Fatal("no verdict in the report")
	}
	return rep
}

// TestRunChecksTheReferenceTracker: journeys through the engine, with
// real clicks and deliberate duplicates, are all recorded by the
// reference tracker as its duplicate mode says; the report counts them.
func TestRunChecksTheReferenceTracker(t *testing.T) {
	for _, mode := range []tracker.Mode{tracker.ModeNew, tracker.ModeIgnoreEventID} {
		t.Run(string(mode), func(t *testing.T) {
			rig := startVerifyRig(t, mode)
			rep := rig.run(t, rig.srv.URL, 24, "duplicate=0.2", load.DuplicateMode(mode))
			v := rep.Verdict
			if !v.OK() || v.Matched == 0 || v.Ledger.Duplicates == 0 {
				var b strings.Builder
				rep.WriteText(&b)
				t.Fatalf("verdict not clean, or nothing checked:\n%s", b.String())
			}
			if rep.Clicks.Requests != rep.Clicks.Delivered || rep.Clicks.Requests == 0 || rep.Postbacks.Failed != 0 || rep.Journeys != 24 {
				t.Errorf("clicks %+v, postbacks %+v, journeys %d", rep.Clicks, rep.Postbacks, rep.Journeys)
			}
		})
	}
}

// TestRunThroughALossyProxy: what a proxy between the engine and the
// tracker swallows is reported lost, what it forwards twice doubled and
// what it alters a wrong sum, each named in the examples.
func TestRunThroughALossyProxy(t *testing.T) {
	rig := startVerifyRig(t, tracker.ModeNew)
	p := &lossyProxy{swallow: 7, twice: 11, alter: 13, target: rig.srv.URL, client: rig.srv.Client()}
	ps := httptest.NewServer(p)
	defer ps.Close()
	rep := rig.run(t, ps.URL, 30, "", load.DuplicateNew)
	v := rep.Verdict
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.swallowed) == 0 || len(p.sent2) == 0 || len(p.bent) == 0 {
		t.Fatalf("the proxy mistreated too few postbacks: %d %d %d", len(p.swallowed), len(p.sent2), len(p.bent))
	}
	if v.OK() || v.Lost != len(p.swallowed) || v.Doubled != len(p.sent2) || v.WrongSum != len(p.bent) {
		t.Errorf("verdict lost %d doubled %d wrong %d, want %d %d %d", v.Lost, v.Doubled, v.WrongSum, len(p.swallowed), len(p.sent2), len(p.bent))
	}
	for _, c := range []struct {
		name      string
		got, want []string
	}{{"lost", findingIDs(v.Examples.Lost), p.swallowed}, {"doubled", findingIDs(v.Examples.Doubled), p.sent2}, {"wrong sum", findingIDs(v.Examples.WrongSum), p.bent}} {
		want := slices.Clone(c.want)
		slices.Sort(want)
		if len(want) > 10 {
			continue // more than the examples kept
		}
		if !slices.Equal(c.got, want) {
			t.Errorf("%s examples %v, want %v", c.name, c.got, want)
		}
	}
}
