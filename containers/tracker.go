package containers

import (
	"context"
	"fmt"
	"strings"

	"github.com/testcontainers/testcontainers-go"
)

// TrackerContainer is a tracker under test running in a container: the
// reference tracker (RunTracker) or any tracker image (RunTrackerImage,
// RunTrackerDockerfile). Terminate it when done.
type TrackerContainer struct {
	testcontainers.Container

	port         string // container port of the tracker, "8800/tcp"
	postbackPath string // PostbackURL is URL + postbackPath
	apiPath      string // APIURL is URL + apiPath
	apiKey       string // returned by APIKey
	insSecret    string // returned by INSSecret
}

// RunTracker starts cbsim's reference tracker from the repository's
// Dockerfile (building the image if needed, see ReferenceImage) and returns
// when GET /healthz answers 200 from the host. Its SQLite database lives in
// the container's filesystem, so it survives Restart.
//
// opts are this package's Options (WithAPIKey, WithPostbackToken,
// WithConversionType, WithCampaign, WithBinary, ...) and testcontainers-go
// customizers (testcontainers.WithEnv, WithLogConsumers, ...). The container
// is returned even with an error when it was created.
func RunTracker(ctx context.Context, opts ...testcontainers.ContainerCustomizer) (*TrackerContainer, error) {
	s := newSettings(DefaultTrackerPort)
	s.apiKey = DefaultAPIKey
	rest, err := s.apply(opts)
	if err == nil && s.apiKey == "" {
		err = fmt.Errorf("WithAPIKey: the reference tracker requires an API key")
	}
	if err == nil && len(s.serveArgs) > 0 {
		err = fmt.Errorf("simulator flags %q given for a tracker", s.serveArgs)
	}
	if err != nil {
		return nil, fmt.Errorf("run tracker: %w", err)
	}
	image, err := referenceImage(ctx, s)
	if err != nil {
		return nil, fmt.Errorf("run tracker: %w", err)
	}
	cmd := []string{"tracker", "--addr", "0.0.0.0:" + portNumber(s.port), "--db", trackerDB, "--api-key", s.apiKey}
	cmd = append(cmd, s.trackerArgs...)
	c, err := runTracker(ctx, image, s, cmd, rest)
	if err != nil {
		return c, fmt.Errorf("run tracker: %w", err)
	}
	return c, nil
}

// RunTrackerImage starts a tracker under test from an image that is present
// on the Docker engine and returns when its health path answers 200 from
// the host. An image the engine does not hold is an error ("not found
// locally; build it or load it"): cbsim never pulls. The image runs
// with its own command unless testcontainers.WithCmd says otherwise.
//
// Options that describe the tracker: WithPort (default DefaultTrackerPort),
// WithHealthPath, WithPostbackPath, WithAPIPath, WithAPIKey;
// testcontainers.WithEnv, WithCmd and WithWaitStrategy configure the rest.
// The reference tracker's flag options (WithPostbackToken, ...) are an
// error here.
// The container is returned even with an error when it was created.
func RunTrackerImage(ctx context.Context, image string, opts ...testcontainers.ContainerCustomizer) (*TrackerContainer, error) {
	s, rest, err := imageSettings(opts)
	if err != nil {
		return nil, fmt.Errorf("run tracker %s: %w", image, err)
	}
	c, err := runTracker(ctx, image, s, nil, rest)
	if err != nil {
		return c, fmt.Errorf("run tracker %s: %w", image, err)
	}
	return c, nil
}

// RunTrackerDockerfile builds the image of a tracker under test from
// dockerfile, with its directory as build context unless WithBuildContext
// says otherwise (see DockerfileImage: rebuilt only when the context
// changed), then runs it like RunTrackerImage with the same options.
func RunTrackerDockerfile(ctx context.Context, dockerfile string, opts ...testcontainers.ContainerCustomizer) (*TrackerContainer, error) {
	s, rest, err := imageSettings(opts)
	if err != nil {
		return nil, fmt.Errorf("run tracker %s: %w", dockerfile, err)
	}
	image, err := DockerfileImage(ctx, dockerfile, s.buildContext, s.buildLog)
	if err != nil {
		return nil, fmt.Errorf("run tracker %s: %w", dockerfile, err)
	}
	c, err := runTracker(ctx, image, s, nil, rest)
	if err != nil {
		return c, fmt.Errorf("run tracker %s: %w", dockerfile, err)
	}
	return c, nil
}

// imageSettings applies the options of a tracker image (any tracker, not
// the reference one) after the package defaults.
func imageSettings(opts []testcontainers.ContainerCustomizer) (settings, []testcontainers.ContainerCustomizer, error) {
	s := newSettings(DefaultTrackerPort)
	rest, err := s.apply(opts)
	if err == nil {
		err = s.imageOnly()
	}
	return s, rest, err
}

// imageOnly refuses the reference tracker's flags for a tracker image.
func (s settings) imageOnly() error {
	if len(s.serveArgs) > 0 {
		return fmt.Errorf("simulator flags %q given for a tracker", s.serveArgs)
	}
	if len(s.trackerArgs) > 0 {
		return fmt.Errorf("reference tracker flags %q given for a tracker image; configure it with testcontainers.WithEnv or WithCmd", s.trackerArgs)
	}
	return nil
}

func runTracker(ctx context.Context, image string, s settings, cmd []string, rest []testcontainers.ContainerCustomizer) (*TrackerContainer, error) {
	ctr, err := start(ctx, image, s, cmd, rest)
	var c *TrackerContainer
	if ctr != nil {
		c = &TrackerContainer{Container: ctr, port: s.port, postbackPath: s.postbackPath, apiPath: s.apiPath, apiKey: s.apiKey, insSecret: s.insSecret}
	}
	return c, err
}

// URL returns the tracker's base URL on the host, "http://127.0.0.1:PORT".
// The port is read from Docker on every call: it changes on Restart.
func (c *TrackerContainer) URL(ctx context.Context) (string, error) {
	return endpoint(ctx, c.Container, c.port)
}

// InternalURL returns the tracker's base URL as other containers on the
// same Docker network (by default the bridge network) reach it:
// "http://CONTAINER_IP:8800", the container port rather than the mapped
// one. Give it to RunSimulator with WithTracker. The address may change on
// Restart: read it again afterwards.
func (c *TrackerContainer) InternalURL(ctx context.Context) (string, error) {
	return internalURL(ctx, c.Container, c.port)
}

// PostbackURL returns the URL of the tracker's postback endpoint: URL
// followed by the postback path (DefaultPostbackPath unless
// WithPostbackPath).
func (c *TrackerContainer) PostbackURL(ctx context.Context) (string, error) {
	u, err := c.URL(ctx)
	if err != nil {
		return "", err
	}
	return u + c.postbackPath, nil
}

// APIURL returns the base URL of the tracker's reporting API: URL followed
// by the API path ("" unless WithAPIPath), so conversions are read from
// APIURL + "/conversions?api_key=" + APIKey.
func (c *TrackerContainer) APIURL(ctx context.Context) (string, error) {
	u, err := c.URL(ctx)
	if err != nil {
		return "", err
	}
	return u + c.apiPath, nil
}

// APIKey returns the reporting API key the tracker was started with
// (DefaultAPIKey for the reference tracker unless WithAPIKey).
func (c *TrackerContainer) APIKey() string { return c.apiKey }

// INSSecret returns the INS secret key the reference tracker was started
// with (WithINSSecret), "" when it takes no INS notifications; its INS URL
// is URL + "/ins".
func (c *TrackerContainer) INSSecret() string { return c.insSecret }

// Restart stops the tracker (SIGTERM, SIGKILL after 10 s) and starts the
// same container again, keeping its filesystem and so the reference
// tracker's database, and returns when the health check passes again. The
// mapped port usually changes: read URL again afterwards.
func (c *TrackerContainer) Restart(ctx context.Context) error {
	if err := restart(ctx, c.Container); err != nil {
		return fmt.Errorf("restart tracker: %w", err)
	}
	return nil
}

// portNumber is "8800" of "8800/tcp".
func portNumber(port string) string {
	n, _, _ := strings.Cut(port, "/")
	return n
}
