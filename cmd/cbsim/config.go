package main

// Configuration: a flag not given on the command line comes from the
// environment, else from the config file, else from its default — for
// every command, through parseFlags (README, "Configuration").
//
//	environment   CBSIM_<COMMAND>_<FLAG>, then CBSIM_<FLAG>
//	              (FLAG upper-cased, '-' as '_'; an empty variable counts as unset)
//	config file   --config FILE, else $CBSIM_CONFIG, else ./cbsim.yaml if it exists;
//	              section <command>, key <flag name>

import (
	"errors"
	"flag"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// configFile is the config file read, when it exists in the working
// directory, if neither --config nor $CBSIM_CONFIG names one.
const configFile = "cbsim.yaml"

// configFlag is the flag, on every command, that names the config file.
const configFlag = "config"

// repeatable is a flag.Value that may be given more than once, each Set
// adding an entry. In the environment its value is a list (split on
// commas, or on newlines when it has one); in the config file a YAML list,
// or a mapping when pairs reports that its entries are NAME=VALUE.
type repeatable interface {
	flag.Value
	repeatable() (pairs bool)
}

// secret is a flag.Value holding secrets, which cbsim never prints: they
// are masked in its output, reports and logs (package internal/redact).
type secret interface {
	flag.Value
	secrets() []string
}

// secretsOf returns the secrets the flags of fs hold.
func secretsOf(fs *flag.FlagSet) []string {
	var out []string
	fs.VisitAll(func(f *flag.Flag) {
		if s, ok := f.Value.(secret); ok {
			out = append(out, s.secrets()...)
		}
	})
	return out
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

// commandNames lists the commands, sorted: the sections a config file may
// have.
func commandNames() []string { return slices.Sorted(maps.Keys(commands())) }

// configure sets each flag of fs that the command line did not give from
// the environment (lookupEnv) or, failing that, from the config file's
// section for the command fs.Name(); commands are the names a section may
// have. Errors say where the bad value came from: "$CBSIM_TEST_SEED: …" or
// "cbsim.yaml:7: …".
func configure(fs *flag.FlagSet, lookupEnv func(string) (string, bool), commands []string) error {
	cmd := fs.Name()
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
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
			if _, v, ok := env(configFlag); ok {
				path, named = v, true
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
	var section map[string]*yaml.Node
	if path != "" {
		data, err := os.ReadFile(path)
		if err != nil {
			return fmt.Errorf("config file: %w", err)
		}
		if section, err = parseConfig(path, data, fs, commands); err != nil {
			return err
		}
	}

	var errs error
	fs.VisitAll(func(f *flag.Flag) {
		if errs != nil || given[f.Name] || f.Name == configFlag {
			return
		}
		if name, v, ok := env(f.Name); ok {
			errs = setFlag(fs, f, "$"+name, envEntries(f, v))
			return
		}
		if n := section[f.Name]; n != nil {
			errs = setFromNode(fs, f, path, n)
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

// setFlag sets f to each of values; where names the source in an error.
func setFlag(fs *flag.FlagSet, f *flag.Flag, where string, values []string) error {
	for _, v := range values {
		if err := fs.Set(f.Name, v); err != nil {
			return fmt.Errorf("%s: invalid value %q for --%s: %v", where, v, f.Name, err)
		}
	}
	return nil
}

// parseConfig reads a config file: a mapping of command names to mappings
// of flag names to values. It returns the section of fs's command, by flag
// name; the sections of other commands are only checked to be commands.
func parseConfig(path string, data []byte, fs *flag.FlagSet, commands []string) (map[string]*yaml.Node, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	if len(doc.Content) == 0 {
		return nil, nil // an empty file
	}
	top := doc.Content[0]
	if top.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%s:%d: want a mapping of command names (%s) to their flags", path, top.Line, strings.Join(commands, ", "))
	}
	var section map[string]*yaml.Node
	seen := map[string]bool{}
	for i := 0; i+1 < len(top.Content); i += 2 {
		k, v := top.Content[i], resolve(top.Content[i+1])
		switch {
		case !slices.Contains(commands, k.Value):
			return nil, fmt.Errorf("%s:%d: %q is not a command: the sections are %s", path, k.Line, k.Value, strings.Join(commands, ", "))
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
		section = map[string]*yaml.Node{}
		for j := 0; j+1 < len(v.Content); j += 2 {
			fk, fv := v.Content[j], resolve(v.Content[j+1])
			switch {
			case fk.Value == configFlag:
				return nil, fmt.Errorf("%s:%d: %s: the config file cannot name another config file", path, fk.Line, k.Value)
			case fs.Lookup(fk.Value) == nil:
				return nil, fmt.Errorf("%s:%d: %s has no flag %q%s", path, fk.Line, k.Value, fk.Value, flagHint(fs, fk.Value))
			case section[fk.Value] != nil:
				return nil, fmt.Errorf("%s:%d: %s: flag %q given twice", path, fk.Line, k.Value, fk.Value)
			}
			section[fk.Value] = fv
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
		return setFlag(fs, f, at(n), []string{n.Value})
	case n.Kind == yaml.SequenceNode && isList:
		for _, item := range n.Content {
			item = resolve(item)
			if item.Kind != yaml.ScalarNode {
				return fmt.Errorf("%s: --%s: each entry of the list must be a single value", at(item), f.Name)
			}
			if err := setFlag(fs, f, at(item), []string{item.Value}); err != nil {
				return err
			}
		}
		return nil
	case n.Kind == yaml.MappingNode && isList && r.repeatable():
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], resolve(n.Content[i+1])
			if v.Kind != yaml.ScalarNode {
				return fmt.Errorf("%s: --%s: the value of %s must be a single value", at(v), f.Name, k.Value)
			}
			if err := setFlag(fs, f, at(k), []string{k.Value + "=" + v.Value}); err != nil {
				return err
			}
		}
		return nil
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
