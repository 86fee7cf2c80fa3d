package main

import (
	"context"
	"fmt"
	"io"
)

func runLint(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "cbsim lint: not implemented yet")
	return 1
}
