package main

import (
	"context"
	"fmt"
	"io"
)

func runTracker(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "cbsim tracker: not implemented yet")
	return 1
}
