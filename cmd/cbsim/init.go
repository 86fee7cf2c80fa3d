package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/cbsim/cbsim/internal/scaffold"
	"github.com/cbsim/cbsim/simulator/macro"
)

// runInit writes a ready QA project into DIR (package scaffold):
//
//	cbsim init [--from-url URL] [--role affiliate|vendor] [--tracker URL] [--force] DIR
func runInit(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("init", "[--from-url URL] [--role affiliate|vendor] [--tracker URL] [--force] DIR", stderr)
	fromURL := fs.String("from-url", "", "the postback URL set up in ClickBank, e.g. 'https://trk.example.com/postback?clickid={tid}&sum={affiliate_earnings}&type=InitialPurchase': integrations.json is built from it and linted")
	role := fs.String("role", "", "whose integration it is, affiliate or vendor (default: inferred from --from-url's macros; without --from-url, both)")
	trackerURL := fs.String("tracker", "", "base URL of the tracker under test, written into cbsim.yaml (default: none; CI starts the reference tracker)")
	force := fs.Bool("force", false, "overwrite files that exist")
	dirs, code := positionals(fs, args)
	if code >= 0 {
		return code
	}
	if code := settle(fs); code >= 0 {
		return code
	}
	if len(dirs) != 1 {
		if len(dirs) == 0 {
			return usageError(fs, "name the project directory: cbsim init DIR")
		}
		return usageError(fs, "one project directory, got %d: %q", len(dirs), dirs)
	}
	if err := scaffold.CheckDir(dirs[0]); err != nil {
		return usageError(fs, "%v", err)
	}
	if len(setFlags(fs, "from-url")) > 0 && strings.TrimSpace(*fromURL) == "" {
		return usageError(fs, "%s is empty: paste the postback URL set up in ClickBank", flagRef(fs, "from-url"))
	}
	o := scaffold.Options{FromURL: *fromURL, Tracker: *trackerURL, Version: scaffold.InstallVersion(), WorkDir: scaffold.RepoDir(dirs[0])}
	if *role != "" {
		r, err := macro.ParseRole(*role)
		if err != nil {
			return usageError(fs, "--role: %v", err)
		}
		o.Role = r
	}
	p, err := scaffold.Render(o)
	switch {
	case errors.Is(err, scaffold.ErrRoleUnknown):
		return usageError(fs, "%v; give --role affiliate or --role vendor", err)
	case err != nil:
		return usageError(fs, "%v", err)
	}
	written, err := p.Write(dirs[0], *force)
	for _, w := range written {
		fmt.Fprintf(stdout, "wrote %s\n", w)
	}
	var exists *scaffold.ExistsError
	switch {
	case errors.As(err, &exists):
		return usageError(fs, "%v: give --force to overwrite it", err)
	case err != nil:
		fmt.Fprintf(stderr, "cbsim init: %v\n", err)
		return 1
	}
	for _, f := range p.Findings { // they do not stop init: the project shows what they break
		f.File = filepath.Join(dirs[0], f.File)
		fmt.Fprintf(stderr, "lint: %s\n", f)
	}
	for _, n := range p.Notes {
		fmt.Fprintf(stderr, "note: %s\n", n)
	}
	fmt.Fprintf(stdout, "next: %s\n", scaffold.TestCommand(dirs[0]))
	return 0
}

// positionals parses args, flags before and after the positional
// arguments alike, and returns the positional ones; the int is the exit
// code of a failed parse (2, or 0 for -h), else -1. The flags not given
// are not filled in yet: settle does that.
func positionals(fs *flag.FlagSet, args []string) ([]string, int) {
	var out []string
	for {
		if err := parseCommandLine(fs, args); err != nil {
			return nil, exitOf(err)
		}
		if fs.NArg() == 0 {
			return out, -1
		}
		// fs.Parse stops at the first non-flag, or after "--" (then every
		// argument left is positional).
		if n := len(args) - fs.NArg(); n > 0 && args[n-1] == "--" {
			return append(out, fs.Args()...), -1
		}
		out = append(out, fs.Arg(0))
		args = fs.Args()[1:]
	}
}
