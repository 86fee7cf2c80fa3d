package containers

import (
	"fmt"
	"io"
	"strings"

	"github.com/moby/moby/api/types/network"
	"github.com/testcontainers/testcontainers-go"
)

// Defaults of the Run functions.
const (
	// DefaultTrackerPort is the container port of the reference tracker and
	// the default port of any tracker under test.
	DefaultTrackerPort = "8800/tcp"
	// DefaultSimulatorPort is the container port of `cbsim serve`.
	DefaultSimulatorPort = "8080/tcp"
	// DefaultHealthPath is the path the Run functions poll from the host
	// until it answers 200.
	DefaultHealthPath = "/healthz"
	// DefaultPostbackPath is the tracker's postback endpoint.
	DefaultPostbackPath = "/postback"
	// DefaultAPIKey is the reference tracker's api_key unless WithAPIKey
	// sets another; the cbsim image's CBSIM_API_KEY holds it too.
	DefaultAPIKey = "cbsim-dev-key"
	// trackerDB is the reference tracker's database inside the container,
	// in the container filesystem so that it survives Restart.
	trackerDB = "/data/tracker.db"
)

// Option configures RunTracker, RunTrackerImage, RunTrackerDockerfile and
// RunSimulator. Options are applied in order after the package's defaults.
//
// Option is a testcontainers.ContainerCustomizer, so the Run functions take
// both: this package's options and testcontainers-go's own, such as
// testcontainers.WithEnv, WithCmd, WithCmdArgs, WithWaitStrategy (which
// replaces the default HTTP health check), WithLogConsumers or WithLogger.
// testcontainers-go's customizers apply to the container request after this
// package has built it.
type Option func(*settings) error

// Customize implements testcontainers.ContainerCustomizer; the work of an
// Option is done on the package's settings, so it does nothing.
func (o Option) Customize(*testcontainers.GenericContainerRequest) error { return nil }

var _ testcontainers.ContainerCustomizer = Option(nil)

// settings is what the Options set.
type settings struct {
	binary       string   // static cbsim binary; "" means BuildBinary
	self         bool     // use the running executable as the binary
	port         string   // container port, "8800/tcp"
	hostPort     int      // fixed host port; 0 picks one at start; -1 lets Docker pick on every start
	healthPath   string   // polled until 200
	postbackPath string   // appended to URL by PostbackURL
	apiPath      string   // appended to URL by APIURL
	apiKey       string   // the reporting API key
	insSecret    string   // the reference tracker's INS secret key, "" = none
	trackerArgs  []string // reference tracker flags from the options
	serveArgs    []string // `cbsim serve` flags from the options
	buildContext string   // RunTrackerDockerfile's context; "" means the Dockerfile's directory
	buildLog     io.Writer
}

func newSettings(port string) settings {
	return settings{port: port, hostPort: -1, healthPath: DefaultHealthPath, postbackPath: DefaultPostbackPath}
}

// apply runs the Options among opts and returns the other customizers.
func (s *settings) apply(opts []testcontainers.ContainerCustomizer) ([]testcontainers.ContainerCustomizer, error) {
	rest := make([]testcontainers.ContainerCustomizer, 0, len(opts))
	for _, o := range opts {
		opt, ok := o.(Option)
		if !ok {
			rest = append(rest, o)
			continue
		}
		if opt == nil {
			continue
		}
		if err := opt(s); err != nil {
			return nil, err
		}
	}
	return rest, nil
}

// WithBinary makes the reference image around the static Linux cbsim binary
// at path instead of one built by BuildBinary.
func WithBinary(path string) Option {
	return func(s *settings) error {
		if path == "" {
			return fmt.Errorf("WithBinary: empty path")
		}
		s.binary, s.self = path, false
		return nil
	}
}

// WithSelfBinary makes the reference image around the running executable,
// for a cbsim binary that starts containers of itself. It must be a static
// Linux build (CGO_ENABLED=0); the Run functions fail otherwise.
func WithSelfBinary() Option {
	return func(s *settings) error {
		s.binary, s.self = "", true
		return nil
	}
}

// WithAPIKey sets the reporting API key: the reference tracker is started
// with --api-key key (default DefaultAPIKey; it requires one), and APIKey
// returns it. For a
// tracker image it is only recorded for APIKey; pass it to the tracker
// yourself (testcontainers.WithEnv or WithCmdArgs).
func WithAPIKey(key string) Option {
	return func(s *settings) error {
		s.apiKey = key
		return nil
	}
}

// WithPostbackToken makes the reference tracker require ptoken=token on
// every postback (--postback-token).
func WithPostbackToken(token string) Option {
	return trackerFlag("--postback-token", token)
}

// WithINSSecret makes the reference tracker take ClickBank's Instant
// Notifications on POST /ins, decrypted with secret (--ins-secret);
// TrackerContainer.INSSecret returns it.
func WithINSSecret(secret string) Option {
	flag := trackerFlag("--ins-secret", secret)
	return func(s *settings) error {
		if err := flag(s); err != nil {
			return err
		}
		s.insSecret = secret
		return nil
	}
}

// WithConversionType adds a conversion type the reference tracker accepts,
// "Name" or "Name:mode" (--conversion-type, repeatable); without it the
// tracker accepts ClickBank's three types.
func WithConversionType(spec string) Option {
	return trackerFlag("--conversion-type", spec)
}

// WithDuplicateMode sets the reference tracker's offer-wide duplicate mode
// (--duplicate-mode: new, new_marked, ignore, edit, add_payout,
// ignore_event_id).
func WithDuplicateMode(mode string) Option {
	return trackerFlag("--duplicate-mode", mode)
}

// WithEventIDParam names the postback parameter with the Event ID role
// (--event-id-param), e.g. "eventid" for the ClickBank template's
// eventid={event_id}, read alone; the default is rdtk_event_id, else eventid.
func WithEventIDParam(name string) Option {
	return trackerFlag("--event-id-param", name)
}

// WithDefaultType sets the conversion type the reference tracker gives a
// postback without one (--default-type).
func WithDefaultType(name string) Option {
	return trackerFlag("--default-type", name)
}

// WithCampaign creates a campaign at the reference tracker's start,
// "NAME=OFFER_URL" (--campaign, repeatable).
func WithCampaign(spec string) Option {
	return trackerFlag("--campaign", spec)
}

// WithTrackerArgs appends raw flags to the reference tracker's command line.
func WithTrackerArgs(args ...string) Option {
	return func(s *settings) error {
		s.trackerArgs = append(s.trackerArgs, args...)
		return nil
	}
}

// WithTracker points the simulator's integrations at the tracker base URL
// (`cbsim serve --tracker URL`). A tracker in another container is reached
// at its InternalURL, not at its URL on the host.
func WithTracker(url string) Option {
	return func(s *settings) error {
		if url == "" {
			return fmt.Errorf("WithTracker: empty URL")
		}
		s.serveArgs = append(s.serveArgs, "--tracker", url)
		return nil
	}
}

func trackerFlag(name, value string) Option {
	return func(s *settings) error {
		if value == "" {
			return fmt.Errorf("%s: empty value", name)
		}
		s.trackerArgs = append(s.trackerArgs, name, value)
		return nil
	}
}

// WithPort sets the container port the tracker or simulator listens on, as
// "8800/tcp" or "8800" (default DefaultTrackerPort, DefaultSimulatorPort).
// The reference images listen on their defaults; change it for a tracker
// image.
func WithPort(port string) Option {
	return func(s *settings) error {
		if port == "" {
			return fmt.Errorf("WithPort: empty port")
		}
		if !strings.Contains(port, "/") {
			port += "/tcp"
		}
		if _, err := network.ParsePort(port); err != nil {
			return fmt.Errorf("WithPort: %w", err)
		}
		s.port = port
		return nil
	}
}

// WithHostPort publishes the container port on a fixed host port, so that
// URL, PostbackURL and APIURL stay the same across Restart (by default Docker
// picks a new ephemeral port on every start). Port 0 picks a free port when
// the container is created; another process could take it before Docker
// binds it, which makes the start fail with "port is already allocated".
func WithHostPort(port int) Option {
	return func(s *settings) error {
		if port < 0 || port > 65535 {
			return fmt.Errorf("WithHostPort: %d is not a port number (0 picks a free one)", port)
		}
		s.hostPort = port
		return nil
	}
}

// WithHealthPath sets the path polled over HTTP from the host until it
// answers 200 (default DefaultHealthPath). testcontainers.WithWaitStrategy
// replaces the check altogether.
func WithHealthPath(path string) Option {
	return pathOption("WithHealthPath", path, func(s *settings, p string) { s.healthPath = p })
}

// WithPostbackPath sets the tracker's postback path that PostbackURL
// returns (default DefaultPostbackPath).
func WithPostbackPath(path string) Option {
	return pathOption("WithPostbackPath", path, func(s *settings, p string) { s.postbackPath = p })
}

// WithAPIPath sets the base path of the tracker's reporting API that APIURL
// returns (default "": the API lives at the root, as /conversions).
func WithAPIPath(path string) Option {
	return func(s *settings) error {
		if path != "" && !strings.HasPrefix(path, "/") {
			return fmt.Errorf("WithAPIPath: %q does not start with /", path)
		}
		s.apiPath = strings.TrimSuffix(path, "/")
		return nil
	}
}

func pathOption(name, path string, set func(*settings, string)) Option {
	return func(s *settings) error {
		if !strings.HasPrefix(path, "/") {
			return fmt.Errorf("%s: %q does not start with /", name, path)
		}
		set(s, path)
		return nil
	}
}

// WithBuildContext sets RunTrackerDockerfile's build context directory
// (default: the Dockerfile's directory).
func WithBuildContext(dir string) Option {
	return func(s *settings) error {
		s.buildContext = dir
		return nil
	}
}

// WithBuildLog sends the output of image builds to w (default: discarded).
func WithBuildLog(w io.Writer) Option {
	return func(s *settings) error {
		s.buildLog = w
		return nil
	}
}

// CheckOptions applies this package's Options among opts to the defaults
// and returns the first error, so that a caller (a command line) can report
// a bad option before it starts anything. Other customizers are ignored.
func CheckOptions(opts ...testcontainers.ContainerCustomizer) error {
	s := newSettings(DefaultTrackerPort)
	_, err := s.apply(opts)
	return err
}
