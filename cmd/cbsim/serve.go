package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"

	"github.com/cbsim/cbsim/simulator/control"
)

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("serve", "[--addr 127.0.0.1:8080] [--tracker URL] [flags]", stderr)
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on (127.0.0.1 unless told otherwise)")
	sf := addSimFlags(fs, "integrations", "integrations file (default: the embedded integrations)",
		os.Getenv("CBSIM_TRACKER"), "point the integrations at this tracker base URL (default: $CBSIM_TRACKER, else as the fixtures say)")
	seed := fs.Uint64("seed", 1, "first seed of requests that give none (each takes the next), so a restarted server replays the same values")
	if code := parseFlags(fs, args); code >= 0 {
		return code
	}
	sim, code := sf.simulator(fs, true)
	if code >= 0 {
		return code
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintf(stderr, "cbsim serve: %v\n", err)
		return 1
	}
	srv := control.Serve(ln, sim, *seed)
	fmt.Fprintf(stdout, "ready %s\n", srv.URL)
	<-ctx.Done()
	if err := srv.Close(); err != nil {
		fmt.Fprintf(stderr, "cbsim serve: %v\n", err)
		return 1
	}
	return 0
}
