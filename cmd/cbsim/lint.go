package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/cbsim/cbsim/simulator/lint"
)

func runLint(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("lint", "FILE...", stderr)
	if code := parseArgs(fs, args); code >= 0 {
		return code
	}
	if fs.NArg() == 0 {
		return usageError(fs, "name at least one integration file")
	}
	found := 0
	for _, file := range fs.Args() {
		data, err := os.ReadFile(file)
		if err != nil {
			fmt.Fprintf(stderr, "cbsim lint: %v\n", err)
			return 2
		}
		keepSecrets(fs, fileSecrets(file, data)) // lint's messages may quote the URLs
		findings, err := lint.File(file, data)
		if err != nil {
			fmt.Fprintf(stderr, "cbsim lint: %v\n", err)
			return 2
		}
		for _, f := range findings {
			fmt.Fprintln(stdout, f)
		}
		found += len(findings)
	}
	if found > 0 {
		return 1
	}
	return 0
}
