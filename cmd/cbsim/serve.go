package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"

	"github.com/cbsim/cbsim/simulator"
)

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("serve", "[--addr 127.0.0.1:8080] [--tracker URL] [flags]", stderr)
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on (127.0.0.1 unless told otherwise)")
	trk := fs.String("tracker", os.Getenv("CBSIM_TRACKER"), "point the integrations at this tracker base URL (default: $CBSIM_TRACKER, else as the fixtures say)")
	catalog := fs.String("catalog", "", "catalog file (default: the embedded catalog)")
	integrations := fs.String("integrations", "", "integrations file (default: the embedded integrations)")
	timeout := fs.Duration("timeout", simulator.DefaultTimeout, "per-attempt postback timeout")
	retry := fs.String("retry", "none", "waits before further attempts, e.g. 1s,5s")
	seed := fs.Uint64("seed", 1, "first seed of requests that give none (each takes the next), so a restarted server replays the same values")
	if code := parseFlags(fs, args); code >= 0 {
		return code
	}
	cat, err := loadCatalog(*catalog)
	if err != nil {
		fmt.Fprintf(stderr, "cbsim serve: %v\n", err)
		return 2
	}
	var ins []simulator.Integration
	if *integrations == "" {
		_, ins, err = simulator.LoadDefaults()
	} else {
		ins, err = simulator.LoadIntegrations(os.DirFS(filepath.Dir(*integrations)), filepath.Base(*integrations))
	}
	if err != nil {
		fmt.Fprintf(stderr, "cbsim serve: %v\n", err)
		return 2
	}
	sim := simulator.New(cat, ins)
	sim.Dispatcher.Timeout = *timeout
	if sim.Dispatcher.Retry, err = simulator.ParseRetry(*retry); err != nil {
		return usageError(fs, "--retry: %v", err)
	}
	if *trk != "" {
		if err := sim.Rebase(*trk); err != nil {
			return usageError(fs, "--tracker: %v", err)
		}
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintf(stderr, "cbsim serve: %v\n", err)
		return 1
	}
	srv := simulator.Serve(ln, sim, *seed)
	fmt.Fprintf(stdout, "ready %s\n", srv.URL)
	<-ctx.Done()
	if err := srv.Close(); err != nil {
		fmt.Fprintf(stderr, "cbsim serve: %v\n", err)
		return 1
	}
	return 0
}
