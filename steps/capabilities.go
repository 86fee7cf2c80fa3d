package steps

// What a tracker under test lets the steps do beyond clicks and postbacks.

import (
	"context"
	"fmt"
)

// Reporter is a Tracker that says whether it has a reporting API. A Tracker
// that is not a Reporter is taken to have one. The suite skips, with the
// reason, the steps that read what the tracker recorded when Reports is
// false (and every step after them).
type Reporter interface {
	Tracker
	// Reports reports whether Conversions can answer.
	Reports() bool
}

// capabilities say what the steps may ask of a factory's trackers, and why
// not when they may not.
type capabilities struct {
	configure bool   // its trackers are Configurable
	restart   bool   // its trackers are Restarters, and restarting them is safe
	report    bool   // its trackers have a reporting API
	noRestart string // why restarting is off although the trackers can restart
	observe   bool   // the tracker is ObserveOnly
	ins       bool   // its trackers take INS notifications (INSReceiver)
	noINS     string // why they do not
}

// capabilitiesOf returns what t can do.
func capabilitiesOf(t Tracker) capabilities {
	_, c := t.(Configurable)
	_, r := t.(Restarter)
	rep := true
	if x, ok := t.(Reporter); ok {
		rep = x.Reports()
	}
	observe := false
	switch t.(type) {
	case ObserveOnly, *ObserveOnly:
		observe = true
	}
	caps := capabilities{configure: c, restart: r, report: rep, observe: observe}
	if x, ok := t.(INSReceiver); ok {
		_, _, err := x.INS()
		caps.ins = err == nil
		if err != nil {
			caps.noINS = err.Error()
		}
	}
	return caps
}

// whyNot says why a capability is missing, to finish "…, and ".
func (c capabilities) whyNot(n need) string {
	switch n {
	case needConfigure:
		return "the tracker under test cannot be configured by cbsim (only a steps.Configurable such as the reference tracker can)"
	case needRestart:
		if c.noRestart != "" {
			return c.noRestart
		}
		return "cbsim cannot restart the tracker under test (only a steps.Restarter such as the reference tracker or a tracker container can)"
	case needReport:
		if c.observe {
			return "the tracker under test has no reporting API (observe-only)"
		}
		return "the tracker under test has no reporting API"
	case needINS:
		if c.noINS != "" {
			return c.noINS
		}
		return NoINSError{Reason: "it names no INS URL and secret (a profile's ins: section; the reference tracker with --ins-secret)"}.Error()
	}
	return ""
}

// knownFactory is a TrackerFactory whose capabilities were read once: Run
// gives it to Register so that no scenario opens a tracker to learn them.
type knownFactory struct {
	TrackerFactory
	caps capabilities
}

// factoryCapabilities returns what f's trackers can do: a Shared tracker's
// at once, a knownFactory's as read, others' by opening a tracker and
// releasing it.
func factoryCapabilities(ctx context.Context, f TrackerFactory) (capabilities, error) {
	switch f := f.(type) {
	case knownFactory:
		return f.caps, nil
	case Shared:
		return capabilitiesOf(f.Tracker), nil
	case *Shared:
		return capabilitiesOf(f.Tracker), nil
	}
	t, err := f.Open(ctx)
	if err != nil {
		return capabilities{}, fmt.Errorf("open a tracker to learn what it can do: %w", err)
	}
	defer f.Release(t)
	return capabilitiesOf(t), nil
}

// suiteFactory reads f's capabilities once for a suite whose scenarios run
// concurrency at a time: a tracker that every scenario shares is not
// restarted under concurrent scenarios, whose postbacks the restart would
// fail.
func suiteFactory(ctx context.Context, f TrackerFactory, concurrency int) (knownFactory, error) {
	caps, err := factoryCapabilities(ctx, f)
	if err != nil {
		return knownFactory{}, err
	}
	_, shared := f.(Shared)
	_, sharedPtr := f.(*Shared)
	if caps.restart && (shared || sharedPtr) && concurrency > 1 {
		caps.restart = false
		caps.noRestart = fmt.Sprintf("%d scenarios run at once on the one tracker under test, and a restart would fail the postbacks of the others (run one scenario at a time)", concurrency)
	}
	return knownFactory{TrackerFactory: f, caps: caps}, nil
}
