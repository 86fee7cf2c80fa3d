package main

import (
	"context"
	"fmt"
	"io"
)

func runSteps(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "cbsim steps: not implemented yet")
	return 1
}
