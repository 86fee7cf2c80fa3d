package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"maps"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/testcontainers/testcontainers-go"

	"github.com/cbsim/cbsim/containers"
	"github.com/cbsim/cbsim/internal/buildinfo"
	"github.com/cbsim/cbsim/profile"
	"github.com/cbsim/cbsim/simulator"
	"github.com/cbsim/cbsim/simulator/lint"
	"github.com/cbsim/cbsim/steps"
	"github.com/cbsim/cbsim/steps/containersuite"
	"github.com/cbsim/cbsim/steps/reference"
)

func runTest(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("test", "[--tracker URL [--api URL] | --tracker-image IMAGE | --tracker-dockerfile PATH] [--api-key K] [--campaign ROLE=ID]... [flags]", stderr)
	trackerURL := fs.String("tracker", "", "base URL of the tracker under test (clicks at /{campaign}, postbacks at /postback); empty = an in-process reference tracker per scenario")
	trackerImage := fs.String("tracker-image", "", "start the tracker under test from this Docker image (testcontainers-go), run the suite against it, then remove it")
	trackerDockerfile := fs.String("tracker-dockerfile", "", "build the tracker under test from this Dockerfile (its directory is the build context) and start it like --tracker-image")
	trackerPort := fs.String("tracker-port", "8800", "container port the tracker image listens on (with --tracker-image or --tracker-dockerfile)")
	trackerEnv := keyValues{}
	fs.Var(trackerEnv, "tracker-env", "environment variable K=V of the tracker container (repeatable), e.g. CBSIM_API_KEY=K for cbsim's image")
	postbackPath := fs.String("postback-path", containers.DefaultPostbackPath, "the tracker container's postback path")
	apiPath := fs.String("api-path", "", "base path of the tracker container's reporting API (conversions at {api-path}/conversions)")
	healthPath := fs.String("health-path", containers.DefaultHealthPath, "path polled until the tracker container answers 200")
	tcLocal := fs.Bool("testcontainers-local", false, "for a tracker container on a machine that cannot pull images or reach Docker's gateway: set TESTCONTAINERS_RYUK_DISABLED=true and TESTCONTAINERS_HOST_OVERRIDE=127.0.0.1 where unset (default: testcontainers' own configuration is left alone)")
	apiURL := fs.String("api", "", "base URL of its reporting API (default: --tracker)")
	apiKey := secretFlag(fs, "api-key", "reporting API `KEY` (a secret: never printed)")
	postbackToken := secretFlag(fs, "postback-token", "add ptoken=`T` to every postback URL: the postback token of the reference tracker and RedTrack (a secret: never printed)")
	campaigns := campaignIDs{keyValues{}}
	fs.Var(campaigns, "campaign", "campaign id per role, affiliate=ID or vendor=ID (repeatable); a bare ID is the affiliate's; a missing one is the campaign titled cbsim-ROLE, created through RedTrack's POST /campaigns if none (a real account needs real campaigns: give their ids)")
	observe := fs.Bool("observe-only", false, "the tracker has no reporting API: assert what was sent and its replies; steps that read what it recorded are skipped")
	failOnSkip := fs.Bool("fail-on-skip", false, "a scenario the tracker cannot run (skipped, with the reason) fails the run instead")
	featuresDir := fs.String("features", "", "directory of .feature files (default: the bundled features)")
	tags := fs.String("tags", "", `godog tag expression, e.g. "@smoke && ~@slow"`)
	format := fs.String("format", "pretty", "reports, comma-separated: pretty, progress, junit, cucumber, each to stdout or to :FILE (junit:out.xml)")
	concurrency := fs.Int("concurrency", 1, "scenarios run at once")
	seed := fs.Uint64("seed", 1, "seed of the scenario order and every random choice")
	wait := fs.Duration("wait", 5*time.Second, "how long assertions on recorded conversions poll an asynchronous tracker")
	settle := fs.Duration("settle", 0, "how long to wait before asserting that nothing was recorded")
	followRedirects := fs.Bool("follow-redirects", false, "follow a tracker's 3xx replies to postbacks and count the target's reply; by default a 3xx is recorded with its Location and is not delivered")
	own := ownFlags(fs)
	prof := addProfileFlags(fs, "drive and read the tracker at --tracker through this tracker profile: a bundled one's name (cbsim profiles lists them) or a profile file; --set entries it declares are its settings (default with --tracker: redtrack; cbsim for cbsim's reference tracker)")
	if code := parseFlags(fs, args); code >= 0 {
		return code
	}
	if code := prof.checkUse(fs, *trackerURL, *observe); code >= 0 {
		return code
	}
	if *concurrency < 1 {
		return usageError(fs, "--concurrency must be at least 1, got %d", *concurrency)
	}
	if err := steps.CheckFormat(*format); err != nil {
		return usageError(fs, "--format: %v", err)
	}
	o := steps.SuiteOptions{Tags: *tags, Format: *format, Output: stdout, Concurrency: *concurrency, Seed: *seed,
		FailOnSkip: *failOnSkip, Steps: steps.Options{Wait: *wait, Settle: *settle, FollowRedirects: *followRedirects},
		Secrets: values(secretsOf(fs))}
	for _, p := range buildinfo.Read().Properties() {
		o.Properties = append(o.Properties, steps.Property{Name: p[0], Value: p[1]})
	}
	if code := own.apply(fs, &o.Steps, stderr); code >= 0 {
		return code
	}
	o.Secrets = append(o.Secrets, own.secrets...)
	if *postbackToken != "" {
		if v, ok := own.set["ptoken"]; ok && v != *postbackToken {
			set := strings.Replace(flagRef(fs, "set"), "--set", "--set ptoken=…", 1)
			return usageError(fs, "%s and %s disagree: give the token once%s", flagRef(fs, "postback-token"), set, envAdvice(fs, "postback-token", "set"))
		}
		o.Steps.Set = maps.Clone(own.set)
		o.Steps.Set["ptoken"] = *postbackToken
	}
	if *featuresDir != "" {
		st, err := os.Stat(*featuresDir)
		if err != nil || !st.IsDir() {
			return usageError(fs, "--features %s is not a directory", *featuresDir)
		}
		o.Features = os.DirFS(*featuresDir)
	}
	container := *trackerImage != "" || *trackerDockerfile != ""
	starter := "tracker-image" // the flag that starts the container
	if *trackerImage == "" {
		starter = "tracker-dockerfile"
	}
	if set := setFlags(fs, "tracker-port", "tracker-env", "postback-path", "api-path", "health-path", "testcontainers-local"); len(set) > 0 && !container {
		return usageError(fs, "%s configures a tracker container: it needs --tracker-image or --tracker-dockerfile%s", flagRef(fs, set[0]), envAdvice(fs, set[0]))
	}
	switch {
	case *trackerImage != "" && *trackerDockerfile != "":
		return usageError(fs, "%s and %s are mutually exclusive: give one%s",
			flagRef(fs, "tracker-image"), flagRef(fs, "tracker-dockerfile"), envAdvice(fs, "tracker-image", "tracker-dockerfile"))
	case container && *trackerURL != "":
		return usageError(fs, "%s points at a running tracker, %s starts one: give one of them%s",
			flagRef(fs, "tracker"), flagRef(fs, starter), envAdvice(fs, "tracker", starter))
	case container && *apiURL != "":
		return usageError(fs, "%s is the reporting API of a running tracker; for a tracker container give its path with --api-path%s",
			flagRef(fs, "api"), envAdvice(fs, "api"))
	case container:
		if *tcLocal {
			containers.SetDefaultEnv()
		}
		spec := containersuite.Spec{Image: *trackerImage, Dockerfile: *trackerDockerfile, ObserveOnly: *observe,
			Options: []testcontainers.ContainerCustomizer{
				containers.WithPort(*trackerPort),
				containers.WithPostbackPath(*postbackPath),
				containers.WithAPIPath(*apiPath),
				containers.WithHealthPath(*healthPath),
				containers.WithAPIKey(*apiKey),
				testcontainers.WithEnv(trackerEnv),
				testcontainers.WithLogger(log.New(stderr, "", log.LstdFlags)),
			}}
		if code := checkContainerOptions(fs, spec); code >= 0 {
			return code
		}
		cs, code := campaignsOf(fs, campaigns.keyValues)
		if code >= 0 {
			return code
		}
		spec.Campaigns = cs
		status, err := containersuite.Run(ctx, spec, o)
		if err != nil {
			fmt.Fprintf(stderr, "cbsim test: %v\n", err)
			return 1
		}
		return suiteExit(status, stderr)
	case *trackerURL == "":
		var need []string // the flags given that need --tracker
		for name, given := range map[string]bool{"api": *apiURL != "", "campaign": len(campaigns.keyValues) > 0, "observe-only": *observe} {
			if given {
				need = append(need, name)
			}
		}
		if len(need) > 0 {
			slices.Sort(need)
			refs := make([]string, len(need))
			for i, n := range need {
				refs[i] = flagRef(fs, n)
			}
			verb := "needs"
			if len(need) > 1 {
				verb = "need"
			}
			return usageError(fs, "%s %s --tracker%s", strings.Join(refs, " and "), verb, envAdvice(fs, need...))
		}
		if o.Steps.Integrations != nil {
			// In-process trackers set up for the file, as its tracker would
			// be: its conversion types (the purchase's first: a postback
			// without type= counts as it) and its Event ID parameter.
			names := o.Steps.TypeNames()
			var types []string // each once: one URL may give every event the same type
			for _, n := range []string{names[1], names[0], names[2]} {
				if !slices.Contains(types, n) {
					types = append(types, n)
				}
			}
			o.Factory = reference.Factory{Config: steps.TrackerConfig{ConversionTypes: types, EventIDParam: o.Steps.EventIDParam()}}
		}
	case *observe:
		o.Factory = steps.Shared{Tracker: steps.ObserveOnly{URL: strings.TrimRight(*trackerURL, "/") + "/postback"}}
	default:
		// A running tracker is driven through a profile: the one given, else
		// the bundled redtrack profile (issue 13: "redtrack (the default)").
		in := profileInput{name: *prof.name, tracker: *trackerURL, api: *apiURL, apiKey: *apiKey, campaigns: campaigns.keyValues,
			seed: int64(*seed)}
		if in.name == "" {
			if _, code := campaignsOf(fs, campaigns.keyValues); code >= 0 {
				return code
			}
			in.name = profile.DefaultName
			in.advice = "check --tracker, --api and --api-key, or run with --observe-only"
		}
		if in.name == profile.DefaultName {
			// RedTrack's read window, as steps.RedTrack.Window has it: from
			// the simulated events' date to the tracker's clock.
			in.eventTime = simulator.DefaultTime
		}
		done, code := prof.useProfile(ctx, fs, &o, in)
		if code >= 0 {
			return code
		}
		defer done()
	}
	return suiteExit(reference.Run(o), stderr)
}

// suiteExit is the exit code of a suite's godog status.
func suiteExit(status int, stderr io.Writer) int {
	if status != 0 {
		fmt.Fprintf(stderr, "cbsim test: the suite failed (status %d)\n", status)
		return 1
	}
	return 0
}

// campaignsOf checks the roles of --campaign; the int is an exit code, or -1.
func campaignsOf(fs *flag.FlagSet, campaigns keyValues) (map[simulator.Role]string, int) {
	out := map[simulator.Role]string{}
	for role, id := range campaigns {
		switch simulator.Role(role) {
		case simulator.RoleAffiliate, simulator.RoleVendor:
			out[simulator.Role(role)] = id
		default:
			return nil, usageError(fs, "%s: entry %s=…: the role must be affiliate or vendor", flagRef(fs, "campaign"), role)
		}
	}
	return out, -1
}

// checkContainerOptions reports a bad container flag (exit code 2) before
// anything is started; -1 means all are good.
func checkContainerOptions(fs *flag.FlagSet, spec containersuite.Spec) int {
	if err := containers.CheckOptions(spec.Options...); err != nil {
		return usageError(fs, "%v", err)
	}
	return -1
}

// setFlags returns which of names were given: on the command line, in
// the environment or in the config file (flagRef says which).
func setFlags(fs *flag.FlagSet, names ...string) []string {
	var set []string
	fs.Visit(func(f *flag.Flag) {
		for _, n := range names {
			if f.Name == n {
				set = append(set, n)
			}
		}
	})
	return set
}

// ownSetup are the flags that run the suite on a user's own setup: the
// ClickBank integrations they pasted, their funnel, fixed parameters.
type ownSetup struct {
	integrations, catalog *string
	set                   keyValues
	secrets               []string // the secrets in the integrations file's URLs, once apply read it
}

func ownFlags(fs *flag.FlagSet) *ownSetup {
	o := &ownSetup{
		integrations: fs.String("integrations", "", "integrations file (JSON) of your own: the scenarios use its URLs (relative to the tracker under test), parameter names and type names"),
		catalog:      fs.String("catalog", "", "catalog file (JSON) of your own: the vendors, affiliates, products and funnels the scenarios sell"),
		set:          keyValues{},
	}
	fs.Var(o.set, "set", "add NAME=VALUE to every postback URL (repeatable), e.g. ptoken=s3cret")
	return o
}

// apply loads the files into the step options; a bad file is reported with
// its place and returned as exit code 2, after cbsim lint's findings on the
// integrations file are printed (they do not stop the run). The secrets in
// the integrations file's URLs are masked in what the command prints, and
// kept in o.secrets for the reports.
func (o *ownSetup) apply(fs *flag.FlagSet, opts *steps.Options, stderr io.Writer) int {
	if len(o.set) > 0 {
		opts.Set = o.set
	}
	if *o.catalog != "" {
		c, err := readFile(*o.catalog, simulator.ParseCatalog)
		if err != nil {
			return usageError(fs, "--catalog: %v", err)
		}
		opts.Catalog = c
	}
	if *o.integrations != "" {
		data, err := os.ReadFile(*o.integrations)
		if err != nil {
			return usageError(fs, "--integrations: %v", err)
		}
		o.secrets = keepSecrets(fs, fileSecrets("--integrations", data))
		findings, err := lint.File(*o.integrations, data)
		if err != nil {
			return usageError(fs, "--integrations: %v", err)
		}
		for _, f := range findings {
			fmt.Fprintf(stderr, "lint: %s\n", f)
		}
		if opts.Integrations, err = simulator.ParseIntegrations(*o.integrations, data); err != nil {
			return usageError(fs, "--integrations: %v", err)
		}
	}
	return -1
}
