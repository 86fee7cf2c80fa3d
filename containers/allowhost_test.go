package containers

import (
	"context"
	"slices"
	"testing"

	"github.com/testcontainers/testcontainers-go"
)

// TestAllowHostArgs: the simulator container is told to answer its
// control API at the daemon's host when that is a name (Docker-in-Docker's
// "docker", a remote engine): cbsim serve answers only IPs and localhost
// without a token.
func TestAllowHostArgs(t *testing.T) {
	for host, want := range map[string][]string{
		"127.0.0.1": nil, "::1": nil, "[::1]": nil, "localhost": nil, "LOCALHOST.": nil, "x.localhost": nil, "": nil,
		"docker": {"--allow-host", "docker"}, "Engine.Example": {"--allow-host", "engine.example"},
	} {
		if got := allowHostArgs(host); !slices.Equal(got, want) {
			t.Errorf("allowHostArgs(%q) = %q, want %q", host, got, want)
		}
	}
	if _, err := testcontainers.NewDockerProvider(); err != nil {
		t.Skipf("no Docker provider (%v): the override's path is not checked", err)
	}
	t.Setenv(EnvHostOverride, "dind-docker")
	if got := daemonHost(context.Background()); got != "dind-docker" {
		t.Fatalf("daemonHost with %s=dind-docker = %q", EnvHostOverride, got)
	}
}
