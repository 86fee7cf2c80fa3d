package main

// Configuration: a flag not given on the command line comes from the
// environment, else from the config file, else from its default — for
// every command that has flags worth configuring (all but version, steps
// and macros), through parseFlags (README, "Configuration").
//
//	environment   CBSIM_<COMMAND>_<FLAG>, then CBSIM_<FLAG>
//	              (FLAG upper-cased, '-' as '_'; an empty variable counts as unset)
//	config file   --config FILE, else $CBSIM_CONFIG, else ./cbsim.yaml if it exists;
//	              section <command>, key <flag name>

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/cbsim/cbsim/internal/redact"
)

// configFile is the config file read, when it exists in the working
// directory, if neither --config nor $CBSIM_CONFIG names one.
const configFile = "cbsim.yaml"

// configFlag is the flag, on every configurable command, that names the
// config file. Its value is a *configValue.
const configFlag = "config"

// configValue is the value of the --config flag: the file it names and,
// once configure has run, where each flag's value came from. The record
// lives in the flag set, not in a global, so that a message about a flag
// can say where its value came from (flagRef).
type configValue struct {
	path string
	from map[string]string // flag name → "$CBSIM_TRACKER" or "cbsim.yaml:4"; absent: the command line or the default
}

func (c *configValue) String() string {
	if c == nil {
		return ""
	}
	return c.path
}

func (c *configValue) Set(s string) error { c.path = s; return nil }

// sourceOf returns where the value of flag name of fs came from:
// "$CBSIM_TRACKER", "cbsim.yaml:4", or "" for the command line (or the
// default).
func sourceOf(fs *flag.FlagSet, name string) string {
	if f := fs.Lookup(configFlag); f != nil {
		if c, ok := f.Value.(*configValue); ok {
			return c.from[name]
		}
	}
	return ""
}

// flagRef names flag name of fs in a message, with where its value came
// from when that was not the command line: "--tracker",
// "--tracker (from $CBSIM_TRACKER)", "--tracker (from cbsim.yaml:4)".
func flagRef(fs *flag.FlagSet, name string) string {
	if where := sourceOf(fs, name); where != "" {
		return fmt.Sprintf("--%s (from %s)", name, where)
	}
	return "--" + name
}

// envAdvice is what to add to a message about flags of fs, one of which
// took its value from a variable every command reads ($CBSIM_<FLAG>):
// that the variable of the command that needs it would serve. It is ""
// when none did.
func envAdvice(fs *flag.FlagSet, names ...string) string {
	var b strings.Builder
	for _, n := range names {
		generic := envNames(fs.Name(), n)[1]
		if sourceOf(fs, n) == "$"+generic {
			fmt.Fprintf(&b, " ($%s sets --%s of every command: to set it for one command only, use $CBSIM_<COMMAND>_%s)",
				generic, n, strings.TrimPrefix(generic, "CBSIM_"))
		}
	}
	return b.String()
}

// repeatable is a flag.Value that may be given more than once, each Set
// adding an entry. In the environment its value is a list (split on
// commas, or on newlines when it has one); in the config file a YAML list,
// or a mapping when pairs reports that its entries are NAME=VALUE.
type repeatable interface {
	flag.Value
	repeatable() (pairs bool)
}

// envNames are the environment variables of flag name of command cmd, in
// the order they are read.
func envNames(cmd, name string) []string {
	flagPart := strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
	return []string{"CBSIM_" + strings.ToUpper(cmd) + "_" + flagPart, "CBSIM_" + flagPart}
}

// configUsage is the last line of every command's -h.
func configUsage(cmd string) string {
	return fmt.Sprintf("Every flag can also be set as $CBSIM_%s_<FLAG> or $CBSIM_<FLAG>, or under %s: in %s (a flag given here wins, then the environment, then the file).",
		strings.ToUpper(cmd), cmd, configFile)
}

// configSections lists the commands that read the configuration, sorted:
// the sections a config file may have.
func configSections() []string {
	var out []string
	for name, c := range commands() {
		if !c.plain {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}

// configure sets each flag of fs that the command line did not give from
// the environment (lookupEnv) or, failing that, from the config file's
// section for the command fs.Name(); sections are the names a section may
// have. It records where each value came from in the --config flag's
// value (flagRef). Errors say where the bad value came from:
// "$CBSIM_TEST_SEED: …" or "cbsim.yaml:7: …".
func configure(fs *flag.FlagSet, lookupEnv func(string) (string, bool), sections []string) error {
	cmd := fs.Name()
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	from := map[string]string{}
	if f := fs.Lookup(configFlag); f != nil {
		if c, ok := f.Value.(*configValue); ok {
			c.from = from
		}
	}
	env := func(name string) (string, string, bool) {
		for _, n := range envNames(cmd, name) {
			if v, ok := lookupEnv(n); ok && v != "" {
				return n, v, true
			}
		}
		return "", "", false
	}

	path, named := "", false
	if f := fs.Lookup(configFlag); f != nil {
		path, named = f.Value.String(), given[configFlag]
		if !named {
			if n, v, ok := env(configFlag); ok {
				path, named = v, true
				from[configFlag] = "$" + n
			}
		}
	}
	if !named {
		if _, err := os.Stat(configFile); err == nil {
			path = configFile
		} else if !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("%s: %w", configFile, err)
		}
	}
	var section map[string]keyValue
	if path != "" {
		data, err := os.ReadFile(path)
		if err != nil {
			return fmt.Errorf("config file: %w", err)
		}
		if section, err = parseConfig(path, data, fs, sections); err != nil {
			return err
		}
	}

	var errs error
	fs.VisitAll(func(f *flag.Flag) {
		if errs != nil || given[f.Name] || f.Name == configFlag {
			return
		}
		if name, v, ok := env(f.Name); ok {
			from[f.Name] = "$" + name
			var entries []entry
			for _, e := range envEntries(f, v) {
				entries = append(entries, entry{"$" + name, e})
			}
			errs = setFlag(fs, f, entries, true)
			return
		}
		if kv, ok := section[f.Name]; ok && !isNull(kv.value) {
			from[f.Name] = fmt.Sprintf("%s:%d", path, kv.key.Line)
			errs = setFromNode(fs, f, path, kv.value)
		}
	})
	return errs
}

// envEntries are the values of an environment variable for f: one, or for
// a repeatable flag its list, split on newlines when it has one (so that
// an entry may hold a comma), else on commas; entries are trimmed and empty
// ones dropped.
func envEntries(f *flag.Flag, v string) []string {
	if _, ok := f.Value.(repeatable); !ok {
		return []string{v}
	}
	sep := ","
	if strings.Contains(v, "\n") {
		sep = "\n"
	}
	var out []string
	for _, e := range strings.Split(v, sep) {
		if e = strings.TrimSpace(e); e != "" {
			out = append(out, e)
		}
	}
	return out
}

// entry is a value for a flag and where it came from: "$CBSIM_SET",
// "cbsim.yaml:4".
type entry struct{ where, value string }

// setFlag sets f to each of entries in turn; inEnv says that they are the
// entries of one environment variable. An error names the entry's source
// (valueError).
func setFlag(fs *flag.FlagSet, f *flag.Flag, entries []entry, inEnv bool) error {
	for i, e := range entries {
		if err := fs.Set(f.Name, e.value); err != nil {
			return valueError(f, e, i, len(entries), inEnv, err)
		}
	}
	return nil
}

// valueError is the error of f refusing entry e, the i-th of n. It says
// what is allowed where Set only says "parse error" (allowedValues). The
// value of a flag that may hold secrets (hidesValues) is not quoted: the
// message says which entry and where from, and — when the entries come
// from one variable split on commas, which may have cut a value in two —
// how to give a value that holds a comma.
func valueError(f *flag.Flag, e entry, i, n int, inEnv bool, err error) error {
	if !hidesValues(f) {
		return fmt.Errorf("%s: invalid value %q for --%s: %s", e.where, e.value, f.Name, explain(f, err.Error()))
	}
	which := "the entry"
	if n > 1 {
		which = fmt.Sprintf("entry %d of %d", i+1, n)
	}
	name, value, ok := strings.Cut(e.value, "=")
	var msg string
	switch r, list := f.Value.(repeatable); {
	case !list || !r.repeatable():
		msg = fmt.Sprintf("%s: %s of --%s is invalid (not shown: it is a secret): %s", e.where, which, f.Name, hideValue(e.value, "", err.Error()))
	case !ok || name == "":
		msg = fmt.Sprintf("%s: %s of --%s is not NAME=VALUE (not shown: it may hold a secret)", e.where, which, f.Name)
	default:
		msg = fmt.Sprintf("%s: %s of --%s (%s=…) is invalid: %s", e.where, which, f.Name, name, hideValue(e.value, value, err.Error()))
	}
	if inEnv && n > 1 {
		msg += "; values with commas go one per line in the environment, or as a list in the file"
	}
	return errors.New(msg)
}

// hidesValues reports whether an error about a value of f must not quote
// it: f holds secrets, or NAME=VALUE entries (whose VALUE may be one).
func hidesValues(f *flag.Flag) bool {
	_, isSecret := f.Value.(secret)
	r, isList := f.Value.(repeatable)
	return isSecret || isList && r.repeatable()
}

// hideValue returns reason with the entry and its VALUE part replaced by
// "…" (a VALUE too short to mask is not looked for: it would garble the
// reason).
func hideValue(entry, value, reason string) string {
	reason = strings.ReplaceAll(reason, entry, "…")
	if value != "" && !redact.TooShort(value) {
		reason = strings.ReplaceAll(reason, value, "…")
	}
	return reason
}

// explain replaces the flag package's "parse error" with what f allows.
func explain(f *flag.Flag, reason string) string {
	if a := allowedValues(f); a != "" && reason == "parse error" {
		return a
	}
	return reason
}

// allowedValues says what values a boolean, duration or number flag
// takes; "" for any other flag.
func allowedValues(f *flag.Flag) string {
	g, ok := f.Value.(flag.Getter)
	if !ok {
		return ""
	}
	switch g.Get().(type) {
	case bool:
		return "want true or false (or 1/0)"
	case time.Duration:
		return "want a duration such as 5s, 250ms, 1m30s"
	case int, int64:
		return "want a whole number"
	case uint, uint64:
		return "want a whole number, 0 or more"
	case float64:
		return "want a number"
	}
	return ""
}

// keyValue is a key of a config file's section and its value.
type keyValue struct{ key, value *yaml.Node }

// parseConfig reads a config file: a mapping of command names to mappings
// of flag names to values. It returns the section of fs's command, by flag
// name; the sections of other commands are only checked to be among
// sections, the commands that read the configuration.
func parseConfig(path string, data []byte, fs *flag.FlagSet, sections []string) (map[string]keyValue, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	if len(doc.Content) == 0 {
		return nil, nil // an empty file
	}
	top := doc.Content[0]
	if top.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%s:%d: want a mapping of command names (%s) to their flags", path, top.Line, strings.Join(sections, ", "))
	}
	var section map[string]keyValue
	seen := map[string]bool{}
	for i := 0; i+1 < len(top.Content); i += 2 {
		k, v := top.Content[i], resolve(top.Content[i+1])
		_, isCommand := commands()[k.Value]
		switch {
		case !slices.Contains(sections, k.Value) && isCommand:
			return nil, fmt.Errorf("%s:%d: cbsim %s reads no configuration: the sections are %s", path, k.Line, k.Value, strings.Join(sections, ", "))
		case !slices.Contains(sections, k.Value):
			return nil, fmt.Errorf("%s:%d: %q is not a command: the sections are %s", path, k.Line, k.Value, strings.Join(sections, ", "))
		case seen[k.Value]:
			return nil, fmt.Errorf("%s:%d: section %s given twice", path, k.Line, k.Value)
		}
		seen[k.Value] = true
		if k.Value != fs.Name() || isNull(v) {
			continue
		}
		if v.Kind != yaml.MappingNode {
			return nil, fmt.Errorf("%s:%d: section %s: want a mapping of flag names to values", path, v.Line, k.Value)
		}
		section = map[string]keyValue{}
		for j := 0; j+1 < len(v.Content); j += 2 {
			fk, fv := v.Content[j], resolve(v.Content[j+1])
			switch {
			case fk.Value == configFlag:
				return nil, fmt.Errorf("%s:%d: %s: the config file cannot name another config file", path, fk.Line, k.Value)
			case fs.Lookup(fk.Value) == nil:
				return nil, fmt.Errorf("%s:%d: %s has no flag %q%s", path, fk.Line, k.Value, fk.Value, flagHint(fs, fk.Value))
			}
			if _, twice := section[fk.Value]; twice {
				return nil, fmt.Errorf("%s:%d: %s: flag %q given twice", path, fk.Line, k.Value, fk.Value)
			}
			section[fk.Value] = keyValue{fk, fv}
		}
	}
	return section, nil
}

// flagHint suggests the flag of fs meant by a misspelt name.
func flagHint(fs *flag.FlagSet, name string) string {
	best, dist := "", 3
	fs.VisitAll(func(f *flag.Flag) {
		if d := editDistance(name, f.Name); d < dist {
			best, dist = f.Name, d
		}
	})
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

// editDistance is the Levenshtein distance of a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

// setFromNode sets f from its value in the config file: a scalar, or for a
// repeatable flag a list of scalars, or for a NAME=VALUE flag a mapping. A
// null value (a key with nothing after it) leaves the flag alone.
func setFromNode(fs *flag.FlagSet, f *flag.Flag, path string, n *yaml.Node) error {
	at := func(n *yaml.Node) string { return fmt.Sprintf("%s:%d", path, n.Line) }
	r, isList := f.Value.(repeatable)
	switch {
	case isNull(n):
		return nil
	case n.Kind == yaml.ScalarNode:
		return setFlag(fs, f, []entry{{at(n), n.Value}}, false)
	case n.Kind == yaml.SequenceNode && isList:
		var entries []entry
		for _, item := range n.Content {
			item = resolve(item)
			if item.Kind != yaml.ScalarNode {
				return fmt.Errorf("%s: --%s: each entry of the list must be a single value", at(item), f.Name)
			}
			entries = append(entries, entry{at(item), item.Value})
		}
		return setFlag(fs, f, entries, false)
	case n.Kind == yaml.MappingNode && isList && r.repeatable():
		var entries []entry
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], resolve(n.Content[i+1])
			if v.Kind != yaml.ScalarNode {
				return fmt.Errorf("%s: --%s: the value of %s must be a single value", at(v), f.Name, k.Value)
			}
			entries = append(entries, entry{at(k), k.Value + "=" + v.Value})
		}
		return setFlag(fs, f, entries, false)
	case isList && r.repeatable():
		return fmt.Errorf("%s: --%s takes a value, a list of NAME=VALUE entries or a mapping of NAME: VALUE", at(n), f.Name)
	case isList:
		return fmt.Errorf("%s: --%s takes a value or a list of values", at(n), f.Name)
	}
	return fmt.Errorf("%s: --%s takes a single value, not a list or a mapping", at(n), f.Name)
}

// resolve follows a YAML alias to the node it names.
func resolve(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

// isNull reports whether n is YAML's null: "~", "null" or nothing.
func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Tag == "!!null"
}
