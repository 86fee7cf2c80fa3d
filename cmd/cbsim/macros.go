package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/cbsim/cbsim/simulator/macro"
)

func runMacros(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("macros", "[--json]", stderr)
	asJSON := fs.Bool("json", false, "print the catalog as a JSON array")
	md := fs.Bool("markdown", false, "print the catalog as a Markdown table (as in docs/macros.md)")
	if code := parseFlags(fs, args); code >= 0 {
		return code
	}
	cat := macro.Catalog()
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(cat); err != nil {
			fmt.Fprintf(stderr, "cbsim macros: %v\n", err)
			return 1
		}
		return 0
	}
	if *md {
		writeMacrosMarkdown(stdout, cat)
		return 0
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "MACRO\tROLES\tEVENTS\tEXAMPLE\tSOURCE\tDESCRIPTION")
	for _, m := range cat {
		fmt.Fprintf(tw, "{%s}\t%s\t%s\t%s\t%s\t%s\n", m.Name, m.Roles, eventList(m), m.Example, m.Source, m.Description)
	}
	if err := tw.Flush(); err != nil {
		return 1
	}
	return 0
}

func eventList(m macro.Macro) string {
	if m.Events == nil {
		return "all"
	}
	if len(m.Events) == 0 {
		return "none"
	}
	names := make([]string, len(m.Events))
	for i, e := range m.Events {
		names[i] = string(e)
	}
	return strings.Join(names, ",")
}

func writeMacrosMarkdown(w io.Writer, cat []macro.Macro) {
	fmt.Fprintln(w, "| macro | roles | events with a value | example | test value | source | description |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|")
	for _, m := range cat {
		fmt.Fprintf(w, "| `{%s}` | %s | %s | `%s` | `%s` | %s | %s |\n", m.Name, m.Roles, eventList(m), m.Example, m.TestValue, m.Source, m.Description)
	}
}
