package main

// Tracker profiles on the command line: --profile NAME|FILE and the
// settings that bind it (cbsim test and cbsim profile check).

import (
	"context"
	"flag"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/cbsim/cbsim/internal/redact"
	"github.com/cbsim/cbsim/profile"
	_ "github.com/cbsim/cbsim/profile/sqldriver" // SQL readers: sqlite, mysql, postgres
	"github.com/cbsim/cbsim/steps"
)

// profileFlags are the flags that pick a tracker profile and its reader.
type profileFlags struct {
	name, reader *string
}

// addProfileFlags declares --profile and --reader on fs; usage says what
// --profile does for the command.
func addProfileFlags(fs *flag.FlagSet, usage string) *profileFlags {
	return &profileFlags{
		name:   fs.String("profile", "", usage),
		reader: fs.String("reader", "", "with --profile: the reader of what the tracker recorded, http or sql, where the profile has both (default: the profile's)"),
	}
}

// profileInput is what binds a profile: its name or file, the tracker's
// URLs, the API key, the campaigns per role and the --set entries.
type profileInput struct {
	name                 string // --profile, or profile.DefaultName
	tracker, api, apiKey string
	campaigns, set       map[string]string
	seed                 int64
	eventTime            time.Time // when the simulated events happen; zero = the read window is around now
	advice               string    // what a failed preflight tells the user to check
	postbackOnly         bool      // bind for sending postbacks only (cbsim serve): no click, campaign or reader
}

// bind loads the profile and binds it to the tracker in; every --set entry
// must be one of the profile's settings. The secrets among the settings
// are added to the redactor of fs's output and returned. Exit code 2 (a
// bad profile or missing settings, with the flag that gives them) or -1.
func (f *profileFlags) bind(fs *flag.FlagSet, in profileInput) (*profile.Tracker, []string, int) {
	if *f.reader != "" && *f.reader != profile.ReaderHTTP && *f.reader != profile.ReaderSQL {
		return nil, nil, usageError(fs, "--reader %s: want %s or %s", *f.reader, profile.ReaderHTTP, profile.ReaderSQL)
	}
	p, err := profile.Load(in.name)
	if err != nil {
		return nil, nil, usageError(fs, "--profile: %v", err)
	}
	secrets := secretSettings(p, in.set)
	redact.Of(fs.Output()).Add(secrets...)
	tr, err := p.Bind(profile.Config{TrackerURL: in.tracker, APIURL: in.api, APIKey: in.apiKey, Campaigns: in.campaigns,
		Set: in.set, Reader: *f.reader, Seed: in.seed, EventTime: in.eventTime, PostbackOnly: in.postbackOnly})
	if err != nil {
		return nil, nil, usageError(fs, "%v", err)
	}
	return tr, secrets, -1
}

// secretSettings returns the values of set that are secret settings of p.
func secretSettings(p *profile.Profile, set map[string]string) []string {
	var out []string
	for _, s := range p.Settings() {
		if v := set[s.Name]; s.Secret && v != "" {
			out = append(out, v)
		}
	}
	return out
}

// splitSettings splits --set entries into the profile's settings and the
// rest (parameters added to every postback URL). A bad --profile is left
// to bind to report.
func splitSettings(name string, set map[string]string) (settings, rest map[string]string) {
	settings, rest = map[string]string{}, maps.Clone(set)
	p, err := profile.Load(name)
	if err != nil {
		return settings, rest
	}
	for _, s := range p.Settings() {
		if v, ok := rest[s.Name]; ok {
			settings[s.Name] = v
			delete(rest, s.Name)
		}
	}
	return settings, rest
}

// checkUse reports --profile given where it cannot be used (exit
// code 2), or -1: it drives a running tracker, so it needs --tracker.
func (f *profileFlags) checkUse(fs *flag.FlagSet, trackerURL string, observe bool) int {
	switch {
	case *f.name == "" && *f.reader != "":
		return usageError(fs, "--reader picks a profile's reader: it needs --profile")
	case *f.name == "":
		return -1
	case trackerURL == "":
		return usageError(fs, "--profile drives a running tracker: give its URL with --tracker (a tracker container is driven as RedTrack)")
	case observe:
		return usageError(fs, "--observe-only and --profile: the profile says whether the tracker's records are read; give one of them")
	}
	return -1
}

// useProfile makes the suite run against the tracker at in.tracker through
// the profile in.name: --set entries the profile declares bind it, the
// others stay postback parameters. The tracker must answer the profile's
// reader (steps.Preflight). The reports name the profile (property
// cbsim.profile). It returns a close func, and an exit code or -1.
func (f *profileFlags) useProfile(ctx context.Context, fs *flag.FlagSet, o *steps.SuiteOptions, in profileInput) (func(), int) {
	settings, rest := splitSettings(in.name, o.Steps.Set)
	in.set = settings
	tr, secrets, code := f.bind(fs, in)
	if code >= 0 {
		return nil, code
	}
	o.Steps.Set = nil
	if len(rest) > 0 {
		o.Steps.Set = rest
		// A mistyped setting (--set dsn=… for database) would go to the tracker in every postback.
		var names []string
		for _, s := range tr.Profile().Settings() {
			names = append(names, s.Name)
		}
		for _, n := range slices.Sorted(maps.Keys(rest)) {
			if _, field := profile.Canonical()[n]; field {
				continue // a postback field in the steps' names (ptoken, as --postback-token sets it): the profile renames it
			}
			fmt.Fprintf(fs.Output(), "cbsim %s: note: --set %s is not a setting of profile %s (its settings: %s): it is added to every postback URL\n",
				fs.Name(), n, tr.Profile().Name, strings.Join(names, ", "))
		}
	}
	o.Secrets = append(o.Secrets, secrets...)
	o.Properties = append(o.Properties, steps.Property{Name: "cbsim.profile", Value: tr.Profile().Name})
	pt := &steps.Profiled{T: tr}
	if err := steps.Preflight(ctx, pt); err != nil {
		tr.Close()
		advice := in.advice
		if advice == "" {
			advice = "check --tracker, --api, --api-key and the profile's settings, or run `cbsim profile check`"
		}
		fmt.Fprintf(fs.Output(), "cbsim %s: %v (%s)\n", fs.Name(), err, advice)
		return nil, 1
	}
	o.Factory = steps.Shared{Tracker: pt}
	return func() { tr.Close() }, -1
}

// settingFlag is how a user gives setting name: --api-key KEY for
// api_key, else --set NAME=VALUE.
func settingFlag(name string) string {
	if name == "api_key" {
		return "--api-key KEY"
	}
	return "--set " + name + "=VALUE"
}

// campaignFlags is how a user gives the campaigns of roles.
func campaignFlags(roles []string) string {
	parts := make([]string, len(roles))
	for i, r := range slices.Sorted(slices.Values(roles)) {
		parts[i] = "--campaign " + r + "=ID"
	}
	return strings.Join(parts, " ")
}
