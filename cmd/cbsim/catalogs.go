package main

// The catalogs: cbsim macros and cbsim steps print theirs as text, as
// Markdown (docs/macros.md, docs/steps.md) or, for the macros, as JSON.

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/cbsim/cbsim/simulator/macro"
	"github.com/cbsim/cbsim/steps"
)

// catalogFormat is how a catalog command prints: "text", "markdown" or "json".
type catalogFormat string

// catalogCommand returns the command that prints a catalog with write;
// withJSON says whether it has a --json form.
func catalogCommand(name string, withJSON bool, write func(w io.Writer, f catalogFormat) error) func(context.Context, []string, io.Writer, io.Writer) int {
	return func(ctx context.Context, args []string, stdout, stderr io.Writer) int {
		usage := "[--markdown]"
		if withJSON {
			usage = "[--markdown | --json]"
		}
		fs := newPlainFlags(name, usage, stderr)
		md := fs.Bool("markdown", false, "print the catalog as Markdown (as in docs/"+name+".md)")
		asJSON := new(bool)
		if withJSON {
			asJSON = fs.Bool("json", false, "print the catalog as a JSON array")
		}
		if code := parseFlags(fs, args); code >= 0 {
			return code
		}
		f := catalogFormat("text")
		switch {
		case *md && *asJSON:
			return usageError(fs, "--markdown and --json are mutually exclusive: give one")
		case *md:
			f = "markdown"
		case *asJSON:
			f = "json"
		}
		if err := write(stdout, f); err != nil {
			fmt.Fprintf(stderr, "cbsim %s: %v\n", name, err)
			return 1
		}
		return 0
	}
}

// writeSteps prints the step catalog.
func writeSteps(w io.Writer, f catalogFormat) error {
	steps.WriteCatalog(w, f == "markdown")
	return nil
}

// writeMacros prints the macro catalog.
func writeMacros(w io.Writer, f catalogFormat) error {
	cat := macro.Catalog()
	switch f {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(cat)
	case "markdown":
		fmt.Fprintln(w, "The roles column says whose integrations receive a value: ClickBank sends an `affiliate` macro empty to a")
		fmt.Fprintln(w, "vendor integration and a `vendor` macro empty to an affiliate one ([clickbank.md](clickbank.md) §4).")
		fmt.Fprintln(w)
		fmt.Fprintln(w, "| macro | roles | events with a value | example | test value | source | description |")
		fmt.Fprintln(w, "|---|---|---|---|---|---|---|")
		for _, m := range cat {
			fmt.Fprintf(w, "| `{%s}` | %s | %s | `%s` | `%s` | %s | %s |\n", m.Name, m.Roles, eventList(m), m.Example, m.TestValue, m.Source, m.Description)
		}
		return nil
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "MACRO\tROLES\tEVENTS\tEXAMPLE\tSOURCE\tDESCRIPTION")
	for _, m := range cat {
		fmt.Fprintf(tw, "{%s}\t%s\t%s\t%s\t%s\t%s\n", m.Name, m.Roles, eventList(m), m.Example, m.Source, m.Description)
	}
	return tw.Flush()
}

// eventList names the events that carry a value for m.
func eventList(m macro.Macro) string {
	if m.Events == nil {
		return "all"
	}
	names := make([]string, len(m.Events))
	for i, e := range m.Events {
		names[i] = string(e)
	}
	return strings.Join(names, ",")
}
