// Command cbsim is a ClickBank simulator and an integration-test harness for
// affiliate trackers. Every subcommand only parses flags and wires packages.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"syscall"

	"github.com/cbsim/cbsim/internal/redact"
)

// command is one subcommand: it parses args and returns the process exit code
// (0 success, 1 failure, 2 usage error).
type command struct {
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) int
	// plain marks a command that reads no configuration (newPlainFlags):
	// it has nothing worth configuring, and a config file it cannot use
	// must not stop it.
	plain bool
}

func commands() map[string]command {
	return map[string]command{
		"demo":    {"fire the demo funnels through an embedded tracker and print what was sent and recorded", runDemo, false},
		"fire":    {"fire one postback event at a tracker (or print it with --dry-run)", runFire, false},
		"ins":     {"ClickBank's Instant Notifications: ins encode, ins decode (envelopes on stdin/stdout), ins send (to one or two INS URLs)", runINS, true},
		"macros":  {"print the macro catalog", catalogCommand("macros", true, writeMacros), true},
		"init":    {"write a ready QA project: a starter feature, integrations, catalog, cbsim.yaml and CI recipes", runInit, false},
		"lint":    {"check an integration file for mapping mistakes", runLint, false},
		"load":    {"ClickBank-shaped load against a tracker, then what it lost, doubled or summed wrong: load --tracker URL [--profile NAME] --rate max --duration 30s; load merge a.json b.json", runLoad, false},
		"tracker": {"run the reference tracker (a RedTrack-compatible postback receiver)", runTracker, false},
		"test":    {"run the Gherkin feature suite against a tracker", runTest, false},
		"steps":   {"print the step catalog", catalogCommand("steps", false, writeSteps), true},
		"serve":   {"run the simulator as an HTTP service: the JSON control API, the web console, and ClickBank's side of the buyer's journey (hoplinks, sales pages, order forms, upsells)", runServe, false},
		"buy":     {"walk a buyer from a tracker's click (or a hoplink or pay link) through cbsim serve's sales page, order form and upsells, by URLs and forms: buy --proxy URL --accept yes,no START_URL", runBuy, false},
		"version": {"print the version, commit and build date of this cbsim (also --version)", runVersion, true},

		// Tracker profiles (package profile).
		"profile":  {"check a tracker profile against a tracker, part by part: profile check --profile NAME --tracker URL", runProfile, false},
		"profiles": {"list the bundled tracker profiles: what each needs, its readers, features and sources", runProfiles, true},
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cmds := commands()
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stderr, cmds)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	if args[0] == "--version" || args[0] == "-version" {
		args = append([]string{"version"}, args[1:]...)
	}
	c, ok := cmds[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "cbsim: unknown command %q\n", args[0])
		usage(stderr, cmds)
		return 2
	}
	// Every secret a command's flags hold is masked in what it prints
	// (keepSecrets adds them to this Redactor).
	r := redact.New()
	out, errOut := r.Writer(stdout), r.Writer(stderr)
	code := c.run(ctx, args[1:], out, errOut)
	if err := errors.Join(out.Flush(), errOut.Flush()); err != nil && code == 0 {
		code = 1
	}
	return code
}

func usage(w io.Writer, cmds map[string]command) {
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	fmt.Fprintln(w, "usage: cbsim COMMAND [flags]\n\ncommands:")
	for _, n := range names {
		fmt.Fprintf(w, "  %-8s %s\n", n, cmds[n].summary)
	}
	fmt.Fprintln(w, "\nRun 'cbsim COMMAND -h' for the flags of a command.")
}
