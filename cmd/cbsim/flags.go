package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/cbsim/cbsim/internal/redact"
	"github.com/cbsim/cbsim/simulator"
)

// newFlags returns the flag set of a command that reads the configuration
// (configure): it reports errors instead of exiting, its usage line is
// "cbsim NAME ARGS", and it has the --config flag.
func newFlags(name, args string, stderr io.Writer) *flag.FlagSet {
	fs := newPlainFlags(name, args, stderr)
	fs.Var(&configValue{}, configFlag, "read the flags not given here from this YAML `FILE`, section "+name+": (default $CBSIM_CONFIG, else ./"+configFile+" if it exists)")
	plainUsage := fs.Usage
	fs.Usage = func() {
		plainUsage()
		fmt.Fprintf(fs.Output(), "\n%s\n", configUsage(name))
	}
	return fs
}

// newPlainFlags returns the flag set of a command that reads no
// configuration (version, steps, macros: nothing worth configuring), so
// that a config file it cannot use does not stop it.
func newPlainFlags(name, args string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: cbsim %s %s\n\nflags:\n", name, args)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args, which must hold flags only, and fills in the
// flags not given from the environment and the config file (settle).
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
// flags (fs.Args()).
func parseArgs(fs *flag.FlagSet, args []string) int {
	if err := parseCommandLine(fs, args); err != nil {
		return exitOf(err)
	}
	return settle(fs)
}

// settle runs once the command line is parsed: a command that reads the
// configuration (it has --config) fills in the flags not given from the
// environment and the config file (configure), and the secrets the flags
// hold are masked in what the command prints (keepSecrets). It returns 2
// when the configuration is wrong, else -1.
func settle(fs *flag.FlagSet) int {
	var err error
	if fs.Lookup(configFlag) != nil {
		err = configure(fs, os.LookupEnv, configSections())
	}
	keepSecrets(fs, secretsOf(fs))
	if err != nil {
		fmt.Fprintf(fs.Output(), "cbsim %s: %v\n", fs.Name(), err)
		return 2
	}
	return -1
}

// parseCommandLine is fs.Parse with clearer errors: a bad boolean,
// duration or number says what is allowed instead of the flag package's
// "parse error", and a bad value of a flag that may hold secrets is not
// quoted.
func parseCommandLine(fs *flag.FlagSet, args []string) error {
	out := fs.Output()
	var buf bytes.Buffer
	fs.SetOutput(&buf) // the error line and the usage
	err := fs.Parse(args)
	fs.SetOutput(out)
	text := buf.String()
	if err != nil && !errors.Is(err, flag.ErrHelp) {
		if first, rest, ok := strings.Cut(text, "\n"); ok {
			text = explainParseError(fs, first) + "\n" + rest
		}
	}
	io.WriteString(out, text)
	return err
}

// parseErrorLine is the flag package's message for a value Set refused.
var parseErrorLine = regexp.MustCompile(`^invalid (boolean )?value ("(?:[^"\\]|\\.)*") for (?:flag )?-([^:\s]+): (.*)$`)

// explainParseError rewrites the flag package's message for a refused
// value (parseCommandLine); any other line is returned as it is.
func explainParseError(fs *flag.FlagSet, line string) string {
	m := parseErrorLine.FindStringSubmatch(line)
	if m == nil {
		return line
	}
	f := fs.Lookup(m[3])
	v, err := strconv.Unquote(m[2])
	if f == nil || err != nil {
		return line
	}
	if hidesValues(f) {
		_, value, _ := strings.Cut(v, "=")
		return fmt.Sprintf("invalid value for flag -%s (not shown: it may hold a secret): %s", f.Name, hideValue(v, value, m[4]))
	}
	if m[1] != "" {
		return fmt.Sprintf("invalid boolean value %s for -%s: %s", m[2], f.Name, explain(f, m[4]))
	}
	return fmt.Sprintf("invalid value %s for flag -%s: %s", m[2], f.Name, explain(f, m[4]))
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
// looks like a secret's (redact.SecretName) is a secret.
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
		return errors.New("want NAME=VALUE") // the entry is not quoted: it may hold a secret
	}
	kv[k] = v
	return nil
}

func (kv keyValues) repeatable() bool { return true }

func (kv keyValues) secrets() []heldSecret {
	var out []heldSecret
	for _, k := range slices.Sorted(maps.Keys(kv)) {
		if redact.SecretName(k) {
			out = append(out, heldSecret{" " + k, kv[k]})
		}
	}
	return out
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

// simFlags are the flags of the commands that build a simulator: its
// catalog and integrations, the tracker they point at, and how postbacks
// are sent.
type simFlags struct {
	catalog, integrations, tracker, retry *string
	timeout                               *time.Duration
	followRedirects                       *bool

	integrationsFlag string   // the name of the integrations file's flag
	secrets          []string // the secrets in the integrations file's URLs, once simulator read it
}

// addSimFlags declares the simulator flags on fs; the integrations file is
// the flag named integrationsFlag.
func addSimFlags(fs *flag.FlagSet, integrationsFlag, integrationsUsage, trackerDefault, trackerUsage string) *simFlags {
	return &simFlags{
		integrationsFlag: integrationsFlag,
		catalog:          fs.String("catalog", "", "catalog file (JSON); default: the embedded catalog"),
		integrations:     fs.String(integrationsFlag, "", integrationsUsage),
		tracker:          fs.String("tracker", trackerDefault, trackerUsage),
		timeout:          fs.Duration("timeout", simulator.DefaultTimeout, "per-attempt postback timeout"),
		retry:            fs.String("retry", "none", "waits before further attempts, e.g. 1s,5s"),
		followRedirects: fs.Bool("follow-redirects", false,
			"follow a tracker's 3xx replies and count the target's reply; by default a 3xx is recorded with its Location and is not delivered"),
	}
}

// simulator builds the simulator the flags describe; with defaults, no
// integrations file means the embedded integrations, else none. The
// secrets in the integrations file's URLs are masked in what the command
// prints, and kept in f.secrets. A bad flag is reported and returned as
// exit code 2.
func (f *simFlags) simulator(fs *flag.FlagSet, defaults bool) (*simulator.Simulator, int) {
	c, ins, err := simulator.LoadDefaults()
	if err == nil && *f.catalog != "" {
		c, err = readFile(*f.catalog, simulator.ParseCatalog)
	}
	if !defaults {
		ins = nil
	}
	if err == nil && *f.integrations != "" {
		var data []byte
		if data, err = os.ReadFile(*f.integrations); err == nil {
			f.secrets = keepSecrets(fs, fileSecrets("--"+f.integrationsFlag, data))
			ins, err = simulator.ParseIntegrations(*f.integrations, data)
		}
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
