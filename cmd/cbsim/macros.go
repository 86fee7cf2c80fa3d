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
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "MACRO\tROLES\tEVENTS\tEXAMPLE\tSOURCE\tDESCRIPTION")
	for _, m := range cat {
		events := "all"
		if m.Events != nil {
			events = strings.Join(m.Events, ",")
			if events == "" {
				events = "none"
			}
		}
		fmt.Fprintf(tw, "{%s}\t%s\t%s\t%s\t%s\t%s\n", m.Name, m.Roles, events, m.Example, m.Source, m.Description)
	}
	if err := tw.Flush(); err != nil {
		return 1
	}
	return 0
}
