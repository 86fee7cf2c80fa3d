package main

import (
	"context"
	"io"

	"github.com/cbsim/cbsim/steps"
)

func runSteps(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("steps", "[--markdown]", stderr)
	md := fs.Bool("markdown", false, "print the catalog as Markdown (as in docs/steps.md)")
	if code := parseFlags(fs, args); code >= 0 {
		return code
	}
	steps.WriteCatalog(stdout, *md)
	return 0
}
