package containers

import (
	"context"
	"fmt"
	"net"
	"strings"

	"github.com/testcontainers/testcontainers-go"
)

// SimulatorContainer is the simulator (`cbsim serve`) running in a
// container, for projects that drive it over its JSON control API from any
// language. Terminate it when done.
type SimulatorContainer struct {
	testcontainers.Container

	port string // container port of `cbsim serve`, "8080/tcp"
}

// RunSimulator starts `cbsim serve --addr 0.0.0.0:8080` from the cbsim image
// (the repository's Dockerfile, built if needed) and returns when GET
// /healthz answers 200 from the host. WithTracker points its integrations
// at a tracker; other flags of `cbsim serve` are appended with
// testcontainers.WithCmdArgs. WithBinary, WithSelfBinary and WithBuildLog
// choose the image as for RunTracker. The container is returned
// even with an error when it was created.
func RunSimulator(ctx context.Context, opts ...testcontainers.ContainerCustomizer) (*SimulatorContainer, error) {
	s := newSettings(DefaultSimulatorPort)
	rest, err := s.apply(opts)
	if err != nil {
		return nil, fmt.Errorf("run simulator: %w", err)
	}
	image, err := referenceImage(ctx, s)
	if err != nil {
		return nil, fmt.Errorf("run simulator: %w", err)
	}
	if len(s.trackerArgs) > 0 {
		return nil, fmt.Errorf("run simulator: reference tracker flags %q given for the simulator", s.trackerArgs)
	}
	cmd := append([]string{"serve", "--addr", "0.0.0.0:" + portNumber(s.port)}, allowHostArgs(daemonHost(ctx))...)
	cmd = append(cmd, s.serveArgs...)
	ctr, err := start(ctx, image, s, cmd, rest)
	var c *SimulatorContainer
	if ctr != nil {
		c = &SimulatorContainer{Container: ctr, port: s.port}
	}
	if err != nil {
		return c, fmt.Errorf("run simulator: %w", err)
	}
	return c, nil
}

// URL returns the simulator's base URL on the host,
// "http://127.0.0.1:PORT"; the port is read from Docker on every call.
func (c *SimulatorContainer) URL(ctx context.Context) (string, error) {
	return endpoint(ctx, c.Container, c.port)
}

// daemonHost is the name or address the Docker daemon's mapped ports are
// reached at (TESTCONTAINERS_HOST_OVERRIDE, a remote engine's host,
// Docker-in-Docker's "docker"); "" when it cannot be told.
func daemonHost(ctx context.Context) string {
	p, err := testcontainers.NewDockerProvider()
	if err != nil {
		return ""
	}
	defer p.Close()
	host, err := p.DaemonHost(ctx)
	if err != nil {
		return ""
	}
	return host
}

// allowHostArgs is the --allow-host the simulator needs to answer its
// control API at host: without a token, cbsim serve answers only IP
// addresses and localhost as Host (its guard against DNS rebinding), so a
// daemon reached by name must be named.
func allowHostArgs(host string) []string {
	h := strings.ToLower(strings.TrimSuffix(host, "."))
	if h == "" || net.ParseIP(strings.Trim(h, "[]")) != nil || h == "localhost" || strings.HasSuffix(h, ".localhost") {
		return nil
	}
	return []string{"--allow-host", h}
}
