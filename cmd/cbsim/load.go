package main

// cbsim load: ClickBank-shaped traffic against a tracker (package load),
// and cbsim load merge: the shard reports of one run as one.

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"runtime"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/cbsim/cbsim/internal/buildinfo"
	"github.com/cbsim/cbsim/load"
	"github.com/cbsim/cbsim/profile"
	"github.com/cbsim/cbsim/simulator"
)

// loadDefaultDuration is how long a run starts journeys when neither
// --duration nor --journeys says.
const loadDefaultDuration = 10 * time.Second

func runLoad(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "merge" {
		return runLoadMerge(args[1:], stdout, stderr)
	}
	fs := newFlags("load", "--tracker URL [--profile NAME] [--rate max|N/s] [--duration D | --journeys N] [flags]\n       cbsim load merge [--json] [--report FILE.html] [--partial] a.json b.json ...", stderr)
	trackerURL := fs.String("tracker", "", "the tracker's base URL (required): postbacks go to its /postback in RedTrack's names, or where --profile says")
	prof := addProfileFlags(fs, "drive the tracker through this profile (a bundled name or a file): a real click per journey (or --clicks), postbacks in its names, and afterwards the check of what it recorded")
	apiURL := fs.String("api", "", "with --profile: base URL of the tracker's API (default: --tracker)")
	apiKey := secretFlag(fs, "api-key", "with --profile: the tracker's API `KEY` (a secret: never printed)")
	campaigns := campaignIDs{keyValues{}}
	fs.Var(campaigns, "campaign", "with --profile: campaign id per role, affiliate=ID or vendor=ID (repeatable); a bare ID is the affiliate's")
	set := keyValues{}
	fs.Var(set, "set", "with --profile: a setting of the profile, NAME=VALUE (repeatable); a secret setting is never printed")
	catalog := fs.String("catalog", "", "catalog file (JSON); default: the embedded catalog")
	rate := fs.String("rate", "100/s", "journeys started per second: max, N/s, N/m, a ramp 100/s..2000/s over --duration, or steps 100/s+100/s@10s[..2000/s]")
	duration := fs.Duration("duration", loadDefaultDuration, "how long journeys start (default 10s unless --journeys is given)")
	journeys := fs.Uint64("journeys", 0, "journeys in all, across every shard (0: as many as --duration allows)")
	connections := fs.Int("connections", load.DefaultConnections, "connections to the tracker, one worker each")
	procs := fs.Int("procs", 0, "CPU cores cbsim's Go runtime uses (GOMAXPROCS), like wrk's -t; 0: all. On a machine the tracker shares, 1 can be faster")
	timeout := fs.Duration("timeout", 5*time.Second, "per request, from connecting to the last byte of the reply")
	funnelMix := fs.String("funnel-mix", "", "`FILE` of funnel weights, JSON or YAML (keto: 3, fitness-eur: 1); default: every funnel of the catalog alike")
	upsellRate := fs.String("upsell-rate", "", "the chance a buyer takes each upsell, 0 to 1, such as 0.3 (default: each funnel's own answers)")
	faults := fs.String("fault", "", "ClickBank-side faults, comma-separated: duplicate=P, reorder=P, delay=D, delay-rate=P (e.g. duplicate=0.05,reorder=0.02,delay=50ms)")
	seed := fs.Uint64("seed", 1, "seed of every journey: the same seed and shard send the same postbacks")
	shard := fs.String("shard", "", "this machine's share of the journeys, i/n counting from 0 (0/4 … 3/4); a Kubernetes Indexed Job passes $(JOB_COMPLETION_INDEX)/4")
	clicks := fs.Int("clicks", 0, "with --profile: make N clicks per role up front and let journeys share them, instead of one click per journey")
	duplicates := fs.String("duplicates", "", "the duplicate mode the tracker is configured with, for the check: "+modeNames()+" (default: the profile's, or new for a tracker where it is a setting)")
	check := fs.Bool("check", true, "with --profile: read the tracker back afterwards and report conversions lost, doubled or with a wrong sum")
	checkClicks := fs.Int("check-clicks", load.DefaultMaxClicks, "the check reads at most this many click ids (the first ones sent)")
	settle := fs.Duration("settle", 10*time.Second, "how long the check reads a click again that lacks a conversion, for a tracker that records late (0: read each click once)")
	report := fs.String("report", "", "also write a self-contained HTML report to `FILE`")
	asJSON := fs.Bool("json", false, "print the report as JSON (for `cbsim load merge` and machines) instead of text")
	if code := parseFlags(fs, args); code >= 0 {
		return code
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })

	if *trackerURL == "" {
		return usageError(fs, "--tracker is required: the tracker's base URL, such as http://127.0.0.1:8800")
	}
	if _, err := load.ParseTarget(*trackerURL); err != nil {
		return usageError(fs, "--tracker: %v", err)
	}
	if u, err := url.Parse(*trackerURL); err == nil && (u.RawQuery != "" || u.Fragment != "") {
		return usageError(fs, "--tracker %s: give the tracker's base URL without a query or fragment (a postback token goes in --set, or the profile's settings)", load.RedactURL(*trackerURL))
	}
	if *connections < 1 {
		return usageError(fs, "--connections must be at least 1, got %d", *connections)
	}
	if *timeout <= 0 {
		return usageError(fs, "--timeout must be a positive duration such as 5s, got %s", *timeout)
	}
	if *procs < 0 {
		return usageError(fs, "--procs must be 0 (all cores) or more, got %d", *procs)
	}
	if *procs > 0 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(*procs))
	}
	if *duration < 0 || (given["duration"] && *duration == 0) {
		return usageError(fs, "--duration must be a positive duration such as 30s, got %s", *duration)
	}
	if *journeys > 0 && !given["duration"] {
		*duration = 0 // --journeys alone: run them all
	}
	pacer, err := load.ParseRate(*rate, *duration)
	if err != nil {
		return usageError(fs, "%v", err)
	}
	var sh load.Shard
	if *shard != "" {
		if sh, err = load.ParseShard(*shard); err != nil {
			return usageError(fs, "%v", err)
		}
	}
	fl, err := load.ParseFaults(*faults)
	if err != nil {
		return usageError(fs, "%v", err)
	}
	if *clicks < 0 || (*clicks > 0 && *prof.name == "") {
		return usageError(fs, "--clicks makes clicks through a profile: give --profile, and a positive number")
	}
	if *checkClicks < 1 {
		return usageError(fs, "--check-clicks must be at least 1, got %d", *checkClicks)
	}
	if *settle < 0 {
		return usageError(fs, "--settle must not be negative, got %s", *settle)
	}
	if *prof.name == "" {
		for _, name := range []string{"api", "api-key", "campaign", "set", "clicks", "duplicates", "reader"} {
			if given[name] {
				return usageError(fs, "--%s belongs to a profile's tracker: give --profile (without one, postbacks go to --tracker's /postback and nothing is read back)", name)
			}
		}
	}

	cat, _, err := simulator.LoadDefaults()
	if err == nil && *catalog != "" {
		cat, err = readFile(*catalog, simulator.ParseCatalog)
	}
	if err != nil {
		fmt.Fprintf(stderr, "cbsim load: %v\n", err)
		return 2
	}
	sc := load.SourceConfig{Catalog: cat}
	other := map[string]string{}
	if *funnelMix != "" {
		mix, err := readFile(*funnelMix, load.ParseFunnelMix)
		if err != nil {
			return usageError(fs, "--funnel-mix: %v", err)
		}
		sc.Mix = mix
		other["funnel_mix"] = *funnelMix
	}
	if *upsellRate != "" {
		p, err := strconv.ParseFloat(*upsellRate, 64)
		if err != nil || p < 0 || p > 1 {
			return usageError(fs, "--upsell-rate %q: want a number from 0 to 1, such as 0.3", *upsellRate)
		}
		sc.UpsellRate, sc.SetUpsellRate = p, true
		other["upsell_rate"] = *upsellRate
	}

	roles := []simulator.Role{simulator.RoleAffiliate, simulator.RoleVendor}
	run := load.Run{
		Attack: load.Config{Target: *trackerURL, Pacer: pacer, Duration: *duration, Journeys: *journeys, Connections: *connections,
			Timeout: *timeout, Faults: fl, Seed: *seed, Shard: sh},
		Params: load.RunParams{Seed: *seed, ShardIndex: sh.Index, ShardCount: sh.Count, Rate: *rate, Duration: *duration,
			Connections: *connections, Faults: *faults, Other: other, Version: buildinfo.Read().Version},
	}
	if *journeys > 0 {
		other["journeys"] = strconv.FormatUint(*journeys, 10)
	}
	var tr *profile.Tracker
	perClick := 0                           // the ledger's default
	var firstClickErr atomic.Pointer[error] // why the first click failed, for the message after the run
	if *prof.name == "" {
		sc.Integrations = load.Integrations(load.RedTrack(*trackerURL), roles, "", nil)
		run.Params.Target = load.RedactURL(*trackerURL)
	} else {
		var code int
		tr, _, code = prof.bind(fs, profileInput{name: *prof.name, tracker: *trackerURL, api: *apiURL, apiKey: *apiKey,
			campaigns: campaigns.keyValues, set: set, seed: int64(*seed), eventTime: simulator.DefaultTime})
		if code >= 0 {
			return code
		}
		defer tr.Close()
		carrier := tr.Profile().ClickBankParam(profile.RoleAffiliate)
		sc.Integrations = load.Integrations(tr, roles, carrier, nil)
		sc.Carrier = carrier
		run.Redact = func(s string) string { return load.RedactURL(tr.Redact(s)) }
		run.Params.Target, run.Params.Profile = run.Redact(*trackerURL), tr.Profile().Name
		run.Attack.Refused = tr.Refused
		click := load.ClickFunc(func(ctx context.Context, role simulator.Role) (string, error) {
			c, err := tr.Click(ctx, string(role))
			if err != nil && ctx.Err() == nil {
				firstClickErr.CompareAndSwap(nil, &err)
			}
			return c.ID, err
		})
		run.Attack.Clicks = click
		if *clicks > 0 {
			pool, before, err := load.NewPool(ctx, *clicks, roles, click)
			if err != nil {
				fmt.Fprintf(stderr, "cbsim load: %v\n", err)
				return 1
			}
			run.Attack.Clicks, run.Before = pool, before
			other["clicks"] = strconv.Itoa(*clicks)
			// Journeys share the pool's clicks: each click id gathers
			// the postbacks of many journeys. The ledger keeps as many
			// postbacks in all as without a pool.
			perClick = max(load.DefaultMaxPerClick, load.DefaultMaxClicks*load.DefaultMaxPerClick/(len(roles)**clicks))
		}
		if *check && tr.Reads() {
			mode, code := duplicateMode(fs, tr, *duplicates)
			if code >= 0 {
				return code
			}
			opts := load.VerifyOptions{Settle: *settle, PerClick: !tr.Features().ConversionTypes}
			if opts.Settle == 0 {
				opts.Settle = -1 // read each click once
			}
			run.Check = &load.Check{Reader: tr, Mode: mode, MaxClicks: *checkClicks, MaxPerClick: perClick, Options: opts}
			// Shards merge only when they were checked alike.
			other["check"] = fmt.Sprintf("duplicates=%s settle=%s check-clicks=%d", mode, *settle, *checkClicks)
		} else if *check {
			fmt.Fprintf(stderr, "cbsim load: note: profile %s reads nothing back (no read.conversions): no check of what the tracker recorded\n", tr.Profile().Name)
		}
	}
	src, err := load.NewSource(sc)
	if err != nil {
		return usageError(fs, "%v", err)
	}
	run.Attack.Source = src
	run.Progress = load.NewProgress(stderr, progressTTY(stderr), *duration)

	rep, err := run.Do(ctx)
	if rep == nil {
		fmt.Fprintf(stderr, "cbsim load: %v\n", err)
		return 1
	}
	code := writeLoadReport(stdout, stderr, rep, *asJSON, *report)
	if err != nil {
		fmt.Fprintf(stderr, "cbsim load: %v\n", err)
		return 1
	}
	if err := firstClickErr.Load(); err != nil {
		fmt.Fprintf(stderr, "cbsim load: %d of %d clicks failed (their journeys sent nothing); the first: %v\n", rep.Clicks.Failed, rep.Clicks.Requests, *err)
	}
	if rep.Interrupted {
		fmt.Fprintf(stderr, "cbsim load: interrupted after %s: the report covers what was sent until then, and nothing was read back\n", time.Duration(rep.WallNS).Round(time.Millisecond))
		return 1
	}
	switch {
	case rep.Postbacks.Requests == 0:
		fmt.Fprintf(stderr, "cbsim load: no postback was sent: nothing was tested\n")
		return 1
	case rep.Postbacks.Delivered == 0:
		fmt.Fprintf(stderr, "cbsim load: the tracker accepted none of %d postbacks: nothing was tested (see failed by reason)\n", rep.Postbacks.Requests)
		return 1
	}
	if rep.Verdict != nil && !rep.Verdict.OK() {
		fmt.Fprintf(stderr, "cbsim load: the tracker lost %d, doubled %d and recorded %d with a wrong sum of the postbacks it accepted (%d unexpected, %d clicks not checked)\n",
			rep.Verdict.Lost, rep.Verdict.Doubled, rep.Verdict.WrongSum, rep.Verdict.Unexpected, rep.Verdict.Skipped)
		return 1
	}
	return code
}

// duplicateMode is the tracker's duplicate mode for the check: --duplicates,
// else what the profile's features say, else (a tracker where it is a
// setting of the account) new, with a note saying so.
func duplicateMode(fs *flag.FlagSet, tr *profile.Tracker, given string) (load.DuplicateMode, int) {
	if given != "" {
		m, err := load.ParseDuplicateMode(given)
		if err != nil {
			return "", usageError(fs, "--duplicates: %v", err)
		}
		return m, -1
	}
	m, err := load.DuplicateModeFor(tr.Features())
	if err != nil {
		fmt.Fprintf(fs.Output(), "cbsim load: note: the check takes %s's duplicate mode to be new; say otherwise with --duplicates MODE\n", tr.Profile().Name)
		return load.DuplicateNew, -1
	}
	return m, -1
}

// progressTTY says whether w is a terminal, where the live progress line
// goes, looking through writers that wrap another (the redactor every
// command prints through).
func progressTTY(w io.Writer) bool {
	for {
		switch v := w.(type) {
		case *os.File:
			return load.IsTerminal(v)
		case interface{ Unwrap() io.Writer }:
			w = v.Unwrap()
		default:
			return false
		}
	}
}

// writeLoadReport prints rep as text or JSON and writes the HTML report.
func writeLoadReport(stdout, stderr io.Writer, rep *load.Report, asJSON bool, html string) int {
	var err error
	if asJSON {
		err = rep.WriteJSON(stdout)
	} else {
		err = rep.WriteText(stdout)
	}
	if err == nil && html != "" {
		err = writeHTMLFile(html, rep)
		if err == nil {
			fmt.Fprintf(stderr, "cbsim load: report written to %s\n", html)
		}
	}
	if err != nil {
		fmt.Fprintf(stderr, "cbsim load: %v\n", err)
		return 1
	}
	return 0
}

func writeHTMLFile(path string, rep *load.Report) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("--report: %w", err)
	}
	if err := rep.WriteHTML(f); err != nil {
		f.Close()
		return fmt.Errorf("--report %s: %w", path, err)
	}
	return f.Close()
}

// runLoadMerge merges shard reports (cbsim load --json) into the figures
// one machine would print.
func runLoadMerge(args []string, stdout, stderr io.Writer) int {
	fs := newPlainFlags("load merge", "[--json] [--report FILE.html] [--partial] a.json b.json ...", stderr)
	asJSON := fs.Bool("json", false, "print the merged report as JSON instead of text")
	report := fs.String("report", "", "also write the merged report as self-contained HTML to `FILE`")
	partial := fs.Bool("partial", false, "merge a subset of the shards (the report says which)")
	if code := parseArgs(fs, args); code >= 0 {
		return code
	}
	if fs.NArg() == 0 {
		return usageError(fs, "give the shard reports to merge: cbsim load merge a.json b.json ...")
	}
	var reports []*load.Report
	for _, path := range fs.Args() {
		r, err := load.ReadReportFile(path)
		if err != nil {
			fmt.Fprintf(stderr, "cbsim load merge: %v\n", err)
			return 2
		}
		reports = append(reports, r)
	}
	merge := load.Merge
	if *partial {
		merge = load.MergePartial
	}
	rep, err := merge(reports...)
	if err != nil {
		fmt.Fprintf(stderr, "cbsim load merge: %v\n", err)
		return 1
	}
	code := writeLoadReport(stdout, stderr, rep, *asJSON, *report)
	if code == 0 && (rep.Interrupted || rep.Verdict != nil && !rep.Verdict.OK()) {
		return 1
	}
	return code
}
