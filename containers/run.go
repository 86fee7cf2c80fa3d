package containers

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"
	"github.com/testcontainers/testcontainers-go"
	"github.com/testcontainers/testcontainers-go/wait"
)

// The default health check, and what a failed start reports.
const (
	// StartupTimeout bounds the wait for the health path to answer 200.
	StartupTimeout = 60 * time.Second
	// healthPoll is the interval between health checks: short, because a
	// FROM scratch binary is up in milliseconds.
	healthPoll = 25 * time.Millisecond
	// logTail is how many lines of the container's log a failed start
	// quotes.
	logTail = 20
)

// referenceImage resolves the cbsim binary of s and returns the reference
// image built around it.
func referenceImage(ctx context.Context, s settings) (string, error) {
	bin := s.binary
	var err error
	switch {
	case s.self:
		bin, err = selfBinary()
	case bin == "":
		bin, err = BuildBinary(ctx)
	}
	if err != nil {
		return "", err
	}
	return ReferenceImage(ctx, bin, s.buildLog)
}

// start runs image, which the engine must already hold (see localImage),
// with the port, health check and cmd of s, then the
// caller's customizers. The container is returned with the error when it
// was created; a failed start quotes the tail of its log.
func start(ctx context.Context, image string, s settings, cmd []string, rest []testcontainers.ContainerCustomizer) (testcontainers.Container, error) {
	opts := []testcontainers.ContainerCustomizer{
		testcontainers.WithExposedPorts(s.port),
		testcontainers.WithWaitStrategy(wait.ForHTTP(s.healthPath).
			WithPort(s.port).
			WithPollInterval(healthPoll).
			WithStartupTimeout(StartupTimeout)),
	}
	if cmd != nil {
		opts = append(opts, testcontainers.WithCmd(cmd...))
	}
	if s.hostPort >= 0 {
		bind, err := hostPortBinding(s.port, s.hostPort)
		if err != nil {
			return nil, err
		}
		opts = append(opts, bind)
	}
	if err := localImage(ctx, image); err != nil {
		return nil, err
	}
	ctr, err := testcontainers.Run(ctx, image, append(opts, rest...)...)
	if ctr == nil {
		// A nil *DockerContainer must not become a non-nil interface.
		return nil, err
	}
	if err != nil {
		return ctr, withLogTail(ctx, ctr, err)
	}
	return ctr, nil
}

// hostPortBinding publishes port on hostPort, or on a free port when
// hostPort is 0.
func hostPortBinding(port string, hostPort int) (testcontainers.CustomizeRequestOption, error) {
	p, err := network.ParsePort(port)
	if err != nil {
		return nil, fmt.Errorf("port %q: %w", port, err)
	}
	if hostPort == 0 {
		if p.Proto() != network.TCP {
			return nil, fmt.Errorf("port %q: a free host port is picked for TCP only", port)
		}
		ln, err := net.Listen("tcp", ":0")
		if err != nil {
			return nil, fmt.Errorf("pick a free host port: %w", err)
		}
		hostPort = ln.Addr().(*net.TCPAddr).Port
		ln.Close()
	}
	return testcontainers.WithHostConfigModifier(func(hc *container.HostConfig) {
		hc.PortBindings = network.PortMap{p: {{HostPort: strconv.Itoa(hostPort)}}}
	}), nil
}

// withLogTail appends the last lines of the container's log to err.
func withLogTail(ctx context.Context, ctr testcontainers.Container, err error) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	rc, lerr := ctr.Logs(ctx)
	if lerr != nil {
		return err
	}
	defer rc.Close()
	var lines []string
	sc := bufio.NewScanner(rc)
	for sc.Scan() {
		lines = append(lines, sc.Text())
		if len(lines) > logTail {
			lines = lines[1:]
		}
	}
	if len(lines) == 0 {
		return fmt.Errorf("%w (the container logged nothing)", err)
	}
	return fmt.Errorf("%w; container log ends:\n%s", err, strings.Join(lines, "\n"))
}

// endpoint is "http://host:port" of a container port, read fresh: the
// mapped port changes when the container restarts.
func endpoint(ctx context.Context, ctr testcontainers.Container, port string) (string, error) {
	if ctr == nil {
		return "", errors.New("no container")
	}
	u, err := ctr.PortEndpoint(ctx, port, "http")
	if err != nil {
		return "", fmt.Errorf("endpoint of %s: %w", port, err)
	}
	return u, nil
}

// internalURL is "http://CONTAINER_IP:PORT" of a container port, for other
// containers on the same network.
func internalURL(ctx context.Context, ctr testcontainers.Container, port string) (string, error) {
	if ctr == nil {
		return "", errors.New("no container")
	}
	ip, err := ctr.ContainerIP(ctx)
	if err != nil {
		return "", fmt.Errorf("container IP: %w", err)
	}
	if ip == "" {
		return "", errors.New("container IP: the container has no IP address (is it running?)")
	}
	return "http://" + net.JoinHostPort(ip, portNumber(port)), nil
}

// restart stops ctr (SIGTERM, then SIGKILL after 10 s) and starts it again;
// Start runs the wait strategy again, so it returns when ctr is ready.
func restart(ctx context.Context, ctr testcontainers.Container) error {
	if ctr == nil {
		return errors.New("no container")
	}
	timeout := 10 * time.Second
	if err := ctr.Stop(ctx, &timeout); err != nil {
		return fmt.Errorf("stop: %w", err)
	}
	if err := ctr.Start(ctx); err != nil {
		return withLogTail(ctx, ctr, fmt.Errorf("start: %w", err))
	}
	return nil
}
