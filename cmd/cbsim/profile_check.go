package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/cbsim/cbsim/profile"
)

// runProfile is `cbsim profile SUBCOMMAND`; its one subcommand is check.
func runProfile(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "check" {
		return runProfileCheck(ctx, args[1:], stdout, stderr)
	}
	// Flags before the subcommand: cbsim profile --config FILE check …
	if i := slices.Index(args, "check"); i > 0 && strings.HasPrefix(args[0], "-") {
		return runProfileCheck(ctx, slices.Delete(slices.Clone(args), i, i+1), stdout, stderr)
	}
	if len(args) > 0 && (args[0] == "-h" || args[0] == "-help" || args[0] == "--help" || args[0] == "help") {
		fmt.Fprintln(stderr, "cbsim profile has one subcommand, check:")
		return runProfileCheck(ctx, []string{"-h"}, stdout, stderr)
	}
	fs := newFlags("profile", "check --profile NAME|FILE --tracker URL [flags]", stderr)
	if len(args) == 0 {
		return usageError(fs, "want a subcommand: check (probe a tracker with a profile, part by part)")
	}
	return usageError(fs, "unknown subcommand %q: the one subcommand is check", args[0])
}

// runProfileCheck is `cbsim profile check`: it probes the tracker with the
// profile part by part (profile.Check) and prints which part works and
// what to change. Exit 0 when every part works, 1 when one does not, 2 for
// bad flags.
func runProfileCheck(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("profile", "check --profile NAME|FILE --tracker URL [--api URL] [--campaign ROLE=ID]... [--api-key K] [--set NAME=VALUE]... [--json]", stderr)
	prof := addProfileFlags(fs, "the tracker's profile: a bundled one's name (cbsim profiles lists them) or a profile file")
	trackerURL := fs.String("tracker", "", "base URL of the tracker: where clicks and postbacks go ({tracker} in the profile)")
	apiURL := fs.String("api", "", "base URL of its API ({api} in the profile; default: --tracker)")
	apiKey := secretFlag(fs, "api-key", "the profile's api_key setting: the reporting API `KEY` (a secret: never printed)")
	campaigns := campaignIDs{keyValues{}}
	fs.Var(campaigns, "campaign", "campaign id per role, affiliate=ID or vendor=ID (repeatable); a bare ID is the affiliate's")
	set := keyValues{}
	fs.Var(set, "set", "a setting of the profile, NAME=VALUE (repeatable); a secret setting is never printed")
	wait := fs.Duration("wait", profile.DefaultCheckWait, "how long to wait for the tracker to record the probe click and conversion")
	asJSON := fs.Bool("json", false, "print the result as one JSON object")
	if code := parseFlags(fs, args); code >= 0 {
		return code
	}
	switch {
	case *prof.name == "":
		return usageError(fs, "--profile is required: a bundled profile's name (cbsim profiles lists them) or a profile file")
	case *trackerURL == "":
		return usageError(fs, "--tracker is required: the base URL of the tracker to check")
	case *wait <= 0:
		return usageError(fs, "--wait must be a positive duration such as 10s, got %s", *wait)
	}
	// Each check is a new visitor: a tracker that drops a second click
	// from one address (Orbitra, within 2 s) must not see the last
	// check's.
	tr, _, code := prof.bind(fs, profileInput{name: *prof.name, tracker: *trackerURL, api: *apiURL, apiKey: *apiKey, campaigns: campaigns.keyValues, set: set,
		seed: time.Now().UnixNano()})
	if code >= 0 {
		return code
	}
	defer tr.Close()
	ctx, cancel := context.WithTimeout(ctx, *wait)
	defer cancel()
	results := profile.Check(ctx, tr)
	ok := true
	for _, r := range results {
		ok = ok && r.OK
	}
	p := tr.Profile()
	if *asJSON {
		type part struct {
			Part   string `json:"part"`
			OK     bool   `json:"ok"`
			Detail string `json:"detail"`
			Fix    string `json:"fix,omitempty"`
		}
		out := struct {
			Profile string `json:"profile"`
			Tracker string `json:"tracker"`
			OK      bool   `json:"ok"`
			Parts   []part `json:"parts"`
		}{Profile: p.Name, Tracker: *trackerURL, OK: ok, Parts: []part{}}
		for _, r := range results {
			out.Parts = append(out.Parts, part{r.Part, r.OK, r.Detail, r.Fix})
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(out); err != nil {
			fmt.Fprintf(stderr, "cbsim profile check: %v\n", err)
			return 1
		}
	} else {
		fmt.Fprintf(stdout, "profile %s (%s) against %s\n", p.Name, p.Title, *trackerURL)
		failed := 0
		for _, r := range results {
			if r.OK {
				fmt.Fprintf(stdout, "ok      %-9s %s\n", r.Part, r.Detail)
				continue
			}
			failed++
			fmt.Fprintf(stdout, "FAILED  %-9s %s\n        fix: %s\n", r.Part, r.Detail, r.Fix)
		}
		if failed == 0 {
			fmt.Fprintf(stdout, "every part works: cbsim test --profile %s can drive and read this tracker\n", *prof.name)
		} else {
			fmt.Fprintf(stdout, "%d of %d parts FAILED: change what each fix says, then check again\n", failed, len(results))
		}
	}
	if !ok {
		return 1
	}
	return 0
}
