package main

import (
	"context"
	"fmt"
	"io"

	"github.com/cbsim/cbsim/internal/demo"
)

func runDemo(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("demo", "[--seed N] [--tracker URL --api-key K]", stderr)
	seed := fs.Uint64("seed", 1, "seed of every random choice")
	trk := fs.String("tracker", "", "a running tracker's base URL (default: an embedded reference tracker)")
	key := secretFlag(fs, "api-key", "its reporting API `KEY` (a secret: never printed)")
	if code := parseFlags(fs, args); code >= 0 {
		return code
	}
	if err := demo.Run(ctx, stdout, demo.Options{Seed: *seed, Tracker: *trk, APIKey: *key}); err != nil {
		fmt.Fprintf(stderr, "cbsim demo: %v\n", err)
		return 1
	}
	return 0
}
