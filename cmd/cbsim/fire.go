package main

import (
	"context"
	"fmt"
	"io"
)

func runFire(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "cbsim fire: not implemented yet")
	return 1
}
