package main

import (
	"context"
	"fmt"
	"io"
)

func runMacros(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "cbsim macros: not implemented yet")
	return 1
}
