package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/cbsim/cbsim/steps"
)

func runTest(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("test", "[--tracker URL [--api URL] [--api-key K] [--campaign ROLE=ID]...] [flags]", stderr)
	trackerURL := fs.String("tracker", "", "base URL of the tracker under test (clicks at /{campaign}, postbacks at /postback); empty = an in-process reference tracker per scenario")
	apiURL := fs.String("api", "", "base URL of its reporting API (default: --tracker)")
	apiKey := fs.String("api-key", os.Getenv("CBSIM_API_KEY"), "reporting API key (default: $CBSIM_API_KEY)")
	campaigns := keyValues{}
	fs.Var(campaigns, "campaign", "campaign id per role, affiliate=ID or vendor=ID (repeatable); a bare ID is the affiliate's; missing ones are created through POST /api/campaigns")
	observe := fs.Bool("observe-only", false, "the tracker has no reporting API: assert only what was sent and its replies")
	featuresDir := fs.String("features", "", "directory of .feature files (default: the bundled features)")
	tags := fs.String("tags", "", `godog tag expression, e.g. "@smoke && ~@slow"`)
	format := fs.String("format", "pretty", "formats, comma-separated: pretty, progress, junit:FILE, cucumber:FILE")
	concurrency := fs.Int("concurrency", 1, "scenarios run at once")
	seed := fs.Uint64("seed", 1, "seed of the scenario order and every random choice")
	wait := fs.Duration("wait", 5*time.Second, "how long assertions on recorded conversions poll an asynchronous tracker")
	settle := fs.Duration("settle", 0, "how long to wait before asserting that nothing was recorded")
	if err := fs.Parse(fixBareCampaign(args)); err != nil {
		if err.Error() == "flag: help requested" {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		return usageError(fs, "unexpected argument %q", fs.Arg(0))
	}
	if *concurrency < 1 {
		return usageError(fs, "--concurrency must be at least 1, got %d", *concurrency)
	}
	o := steps.SuiteOptions{Tags: *tags, Format: *format, Output: stdout, Concurrency: *concurrency, Seed: *seed,
		Steps: steps.Options{Wait: *wait, Settle: *settle}}
	if *featuresDir != "" {
		st, err := os.Stat(*featuresDir)
		if err != nil || !st.IsDir() {
			return usageError(fs, "--features %s is not a directory", *featuresDir)
		}
		o.Features = os.DirFS(*featuresDir)
	}
	switch {
	case *trackerURL == "":
		if *observe || *apiURL != "" || len(campaigns) > 0 {
			return usageError(fs, "--api, --campaign and --observe-only need --tracker")
		}
	case *observe:
		o.Factory = steps.Shared{Tracker: steps.ObserveOnly{URL: strings.TrimRight(*trackerURL, "/") + "/postback"}}
	default:
		rt := &steps.RedTrack{TrackingURL: strings.TrimRight(*trackerURL, "/"), APIURL: *apiURL, APIKey: *apiKey, Campaigns: map[steps.Role]string{}}
		for role, id := range campaigns {
			switch steps.Role(role) {
			case steps.Affiliate, steps.Vendor:
				rt.Campaigns[steps.Role(role)] = id
			default:
				return usageError(fs, "--campaign %s=%s: the role must be affiliate or vendor", role, id)
			}
		}
		o.Factory = steps.Shared{Tracker: rt}
	}
	status := steps.Run(o)
	if status != 0 {
		fmt.Fprintf(stderr, "cbsim test: the suite failed (status %d)\n", status)
		return 1
	}
	return 0
}

// fixBareCampaign turns "--campaign ID" into "--campaign affiliate=ID".
func fixBareCampaign(args []string) []string {
	out := append([]string(nil), args...)
	for i := 0; i < len(out); i++ {
		a := out[i]
		switch {
		case (a == "--campaign" || a == "-campaign") && i+1 < len(out) && !strings.Contains(out[i+1], "="):
			out[i+1] = "affiliate=" + out[i+1]
		case strings.HasPrefix(a, "--campaign=") && !strings.Contains(strings.TrimPrefix(a, "--campaign="), "="):
			out[i] = "--campaign=affiliate=" + strings.TrimPrefix(a, "--campaign=")
		}
	}
	return out
}
