package main

import (
	"context"
	"fmt"
	"io"
	"net"

	"github.com/cbsim/cbsim/simulator"
	"github.com/cbsim/cbsim/simulator/control"
)

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("serve", "[--addr 127.0.0.1:8080] [--tracker URL] [flags]", stderr)
	addr := fs.String("addr", "127.0.0.1:8080", "listen address HOST:PORT; an empty host means 127.0.0.1 (use 0.0.0.0 for all interfaces), port 0 picks a free port")
	token := secretFlag(fs, "token", "require \"Authorization: Bearer `TOKEN`\" on every endpoint but /healthz (empty: none; a secret: never printed)")
	capacity := fs.Int("journal-capacity", simulator.DefaultJournalCapacity, "deliveries (and notes) the journal keeps; older ones roll off and are counted")
	sf := addSimFlags(fs, "integrations", "integrations file (default: the embedded integrations)",
		"", "point the integrations at this tracker base URL (default: as the fixtures say)")
	seed := fs.Uint64("seed", 1, "first seed of requests that give none (each takes the next), so a restarted server replays the same values")
	if code := parseFlags(fs, args); code >= 0 {
		return code
	}
	if *capacity < 1 {
		return usageError(fs, "--journal-capacity must be at least 1, got %d", *capacity)
	}
	host, port, err := net.SplitHostPort(*addr)
	if err != nil {
		return usageError(fs, "--addr %q: want HOST:PORT such as 127.0.0.1:8080", *addr)
	}
	if host == "" {
		host = "127.0.0.1"
	}
	sim, code := sf.simulator(fs, true)
	if code >= 0 {
		return code
	}
	sim.Journal.Capacity = *capacity
	ln, err := net.Listen("tcp", net.JoinHostPort(host, port))
	if err != nil {
		fmt.Fprintf(stderr, "cbsim serve: %v\n", err)
		return 1
	}
	// The control API's answers quote the integrations' URLs: their
	// secrets, and the server's token, are masked there too.
	secrets := append(values(secretsOf(fs)), sf.secrets...)
	srv := control.Serve(ln, sim, *seed, control.WithToken(*token), control.WithSecrets(secrets...))
	fmt.Fprintf(stdout, "ready %s\n", readyURL(ln.Addr()))
	<-ctx.Done()
	if err := srv.Close(); err != nil {
		fmt.Fprintf(stderr, "cbsim serve: %v\n", err)
		return 1
	}
	return 0
}
