package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/cbsim/cbsim/internal/buildinfo"
)

// runVersion prints which cbsim this is: `cbsim version [--json]`, also
// `cbsim --version`.
func runVersion(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newPlainFlags("version", "[--json]", stderr)
	asJSON := fs.Bool("json", false, "print the build information as JSON: version, commit, modified, date, go, platform")
	if code := parseFlags(fs, args); code >= 0 {
		return code
	}
	in := buildinfo.Read()
	if !*asJSON {
		fmt.Fprintln(stdout, in)
		return 0
	}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(in); err != nil {
		fmt.Fprintf(stderr, "cbsim version: %v\n", err)
		return 1
	}
	return 0
}
