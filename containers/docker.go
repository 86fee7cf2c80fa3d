package containers

import (
	"context"
	"fmt"

	"github.com/testcontainers/testcontainers-go"
)

// DockerAvailable returns nil when a Docker engine answers, and otherwise an
// error saying why not. It gives up when ctx is done, even if the client
// hangs. Like every function of this package it leaves testcontainers-go's
// configuration (TESTCONTAINERS_*, ~/.testcontainers.properties) alone.
func DockerAvailable(ctx context.Context) error {
	done := make(chan error, 1)
	go func() { done <- dockerHealth(ctx) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return fmt.Errorf("docker: no answer: %w", ctx.Err())
	}
}

// dockerHealth asks the engine for its info; testcontainers-go panics in
// some setups without an engine, which is reported as an error.
func dockerHealth(ctx context.Context) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("docker: %v", r)
		}
	}()
	p, err := testcontainers.NewDockerProvider()
	if err != nil {
		return fmt.Errorf("docker: no engine found at DOCKER_HOST, the docker context or /var/run/docker.sock: %w", err)
	}
	defer p.Close()
	if err := p.Health(ctx); err != nil {
		return fmt.Errorf("docker: %w", err)
	}
	return nil
}
