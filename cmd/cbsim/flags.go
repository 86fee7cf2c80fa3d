package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/cbsim/cbsim/internal/redact"
	"github.com/cbsim/cbsim/simulator"
)

// newFlags returns a flag set that reports errors instead of exiting; its
// usage line is "cbsim NAME ARGS", and it has the --config flag of every
// command.
func newFlags(name, args string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.String(configFlag, "", "read the flags not given here from this YAML file, section "+name+": (default $CBSIM_CONFIG, else ./"+configFile+" if it exists)")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: cbsim %s %s\n\nflags:\n", name, args)
		fs.PrintDefaults()
		fmt.Fprintf(stderr, "\n%s\n", configUsage(name))
	}
	return fs
}

// parseFlags parses args, which must hold flags only, and fills in the
// flags not given from the environment and the config file (configure).
// It returns the exit code to use when that failed (2), or -1 to go on.
// -h exits 0.
func parseFlags(fs *flag.FlagSet, args []string) int {
	if code := parseArgs(fs, args); code >= 0 {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(fs.Output(), "cbsim %s: unexpected argument %q\n", fs.Name(), fs.Arg(0))
		fs.Usage()
		return 2
	}
	return -1
}

// parseArgs is parseFlags for a command that takes arguments after its
// flags (fs.Args()). The secrets the flags hold are added to the Redactor
// of the command's output, if it has one (run gives every command one).
func parseArgs(fs *flag.FlagSet, args []string) int {
	if err := fs.Parse(args); err != nil {
		return exitOf(err)
	}
	err := configure(fs, os.LookupEnv, commandNames())
	redact.Of(fs.Output()).Add(secretsOf(fs)...)
	if err != nil {
		fmt.Fprintf(fs.Output(), "cbsim %s: %v\n", fs.Name(), err)
		return 2
	}
	return -1
}

// exitOf is the exit code of a failed fs.Parse: 0 for -h, else 2.
func exitOf(err error) int {
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	return 2
}

// usageError prints a bad flag value and the usage; it returns exit code 2.
func usageError(fs *flag.FlagSet, format string, args ...any) int {
	fmt.Fprintf(fs.Output(), "cbsim %s: %s\n", fs.Name(), fmt.Sprintf(format, args...))
	return 2
}

// keyValues is a repeatable NAME=VALUE flag. The value of a NAME that
// looks like a secret's (secretName) is a secret.
type keyValues map[string]string

func (kv keyValues) String() string {
	parts := make([]string, 0, len(kv))
	for k, v := range kv {
		parts = append(parts, k+"="+v)
	}
	sort.Strings(parts)
	return strings.Join(parts, ",")
}

func (kv keyValues) Set(s string) error {
	k, v, ok := strings.Cut(s, "=")
	if !ok || k == "" {
		return fmt.Errorf("want NAME=VALUE, got %q", s)
	}
	kv[k] = v
	return nil
}

func (kv keyValues) repeatable() bool { return true }

func (kv keyValues) secrets() []string {
	var out []string
	for k, v := range kv {
		if secretName(k) {
			out = append(out, v)
		}
	}
	return out
}

// secretName reports whether a NAME=VALUE entry's value is a secret: its
// name holds, in any case, key, token, secret, password or pass.
func secretName(name string) bool {
	name = strings.ToLower(name)
	for _, w := range []string{"key", "token", "secret", "password", "pass"} {
		if strings.Contains(name, w) {
			return true
		}
	}
	return false
}

// campaignIDs is --campaign of cbsim test: ROLE=ID, or a bare ID for the
// affiliate's campaign.
type campaignIDs struct{ keyValues }

func (c campaignIDs) Set(s string) error {
	if !strings.Contains(s, "=") {
		s = "affiliate=" + s
	}
	return c.keyValues.Set(s)
}

// listFlag is a repeatable flag whose every value goes to add; pairs
// marks NAME=VALUE entries.
type listFlag struct {
	add   func(string) error
	pairs bool
}

func (l *listFlag) String() string     { return "" }
func (l *listFlag) Set(s string) error { return l.add(s) }
func (l *listFlag) repeatable() bool   { return l.pairs }

// secretString is a string flag whose value is a secret.
type secretString string

func (s *secretString) String() string {
	if s == nil {
		return ""
	}
	return string(*s)
}

func (s *secretString) Set(v string) error { *s = secretString(v); return nil }

func (s *secretString) secrets() []string { return []string{string(*s)} }

// secretFlag declares a string flag holding a secret, which cbsim never
// prints; its default is empty.
func secretFlag(fs *flag.FlagSet, name, usage string) *string {
	p := new(string)
	fs.Var((*secretString)(p), name, usage)
	return p
}

// simFlags are the flags of the commands that build a simulator: its
// catalog and integrations, the tracker they point at, and how postbacks
// are sent.
type simFlags struct {
	catalog, integrations, tracker, retry *string
	timeout                               *time.Duration
	followRedirects                       *bool
}

// addSimFlags declares the simulator flags on fs; the integrations file is
// the flag named integrationsFlag.
func addSimFlags(fs *flag.FlagSet, integrationsFlag, integrationsUsage, trackerDefault, trackerUsage string) *simFlags {
	return &simFlags{
		catalog:      fs.String("catalog", "", "catalog file (JSON); default: the embedded catalog"),
		integrations: fs.String(integrationsFlag, "", integrationsUsage),
		tracker:      fs.String("tracker", trackerDefault, trackerUsage),
		timeout:      fs.Duration("timeout", simulator.DefaultTimeout, "per-attempt postback timeout"),
		retry:        fs.String("retry", "none", "waits before further attempts, e.g. 1s,5s"),
		followRedirects: fs.Bool("follow-redirects", false,
			"follow a tracker's 3xx replies and count the target's reply; by default a 3xx is recorded with its Location and is not delivered"),
	}
}

// simulator builds the simulator the flags describe; with defaults, no
// integrations file means the embedded integrations, else none. A bad flag
// is reported and returned as exit code 2.
func (f *simFlags) simulator(fs *flag.FlagSet, defaults bool) (*simulator.Simulator, int) {
	c, ins, err := simulator.LoadDefaults()
	if err == nil && *f.catalog != "" {
		c, err = readFile(*f.catalog, simulator.ParseCatalog)
	}
	if !defaults {
		ins = nil
	}
	if err == nil && *f.integrations != "" {
		ins, err = readFile(*f.integrations, simulator.ParseIntegrations)
	}
	if err != nil {
		fmt.Fprintf(fs.Output(), "cbsim %s: %v\n", fs.Name(), err)
		return nil, 2
	}
	if *f.timeout <= 0 {
		return nil, usageError(fs, "--timeout must be a positive duration such as 5s, got %s", *f.timeout)
	}
	sim := simulator.New(c, ins)
	sim.Dispatcher.Timeout = *f.timeout
	sim.Dispatcher.FollowRedirects = *f.followRedirects
	if sim.Dispatcher.Retry, err = simulator.ParseRetry(*f.retry); err != nil {
		return nil, usageError(fs, "--retry: %v", err)
	}
	if *f.tracker != "" {
		if err := sim.Rebase(*f.tracker); err != nil {
			return nil, usageError(fs, "--tracker: %v", err)
		}
	}
	return sim, -1
}

// readFile reads a fixture file and parses it; errors name the file by the
// path given.
func readFile[T any](path string, parse func(file string, data []byte) (T, error)) (T, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		var zero T
		return zero, err
	}
	return parse(path, data)
}
