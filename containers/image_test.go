package containers_test

import (
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/testcontainers/testcontainers-go"

	"github.com/cbsim/cbsim/containers"
	"github.com/cbsim/cbsim/containers/containertest"
)

func TestRunTrackerDockerfile(t *testing.T) {
	containertest.SkipIfNoDocker(t)
	t.Parallel()
	ctx := containertest.Context(t)
	dockerfile, mini := containertest.MiniTracker(t)

	c, err := containers.RunTrackerDockerfile(ctx, dockerfile, mini...)
	if c != nil {
		containertest.Cleanup(t, c.Container)
	}
	if err != nil {
		t.Fatal(err)
	}
	roundTrip(t, c)
}

func TestRunTrackerImage(t *testing.T) {
	containertest.SkipIfNoDocker(t)
	t.Parallel()
	ctx := containertest.Context(t)
	dockerfile, mini := containertest.MiniTracker(t)
	image, err := containers.DockerfileImage(ctx, dockerfile, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(image, containers.DockerfileRepo+":dev-") {
		t.Errorf("image %q, want %s:dev-<hash>", image, containers.DockerfileRepo)
	}

	c, err := containers.RunTrackerImage(ctx, image, mini...)
	if c != nil {
		containertest.Cleanup(t, c.Container)
	}
	if err != nil {
		t.Fatal(err)
	}
	roundTrip(t, c)
}

// roundTrip sends a postback to the mini tracker and reads it back.
func roundTrip(t *testing.T, c *containers.TrackerContainer) {
	t.Helper()
	ctx := containertest.Context(t)
	base, err := c.URL(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(base, "http://127.0.0.1:") {
		t.Errorf("URL %q, want http://127.0.0.1:PORT", base)
	}
	pb, err := c.PostbackURL(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if pb != base+"/pb" {
		t.Errorf("PostbackURL %q, want %q", pb, base+"/pb")
	}
	api, err := c.APIURL(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if api != base+"/api/v1" {
		t.Errorf("APIURL %q, want %q", api, base+"/api/v1")
	}
	do(t, "GET", pb+"?clickid=mini-1&sum=12.34", "", 200, nil)
	var got conversionList
	do(t, "GET", api+"/conversions?api_key="+url.QueryEscape(c.APIKey()), "", 200, &got)
	if len(got.Items) != 1 || got.Items[0].ClickID != "mini-1" || got.Items[0].Sum != "12.34" {
		t.Errorf("conversions %+v, want one of mini-1 for 12.34", got.Items)
	}
}

func TestRunTrackerImageFailure(t *testing.T) {
	containertest.SkipIfNoDocker(t)
	t.Parallel()
	ctx := containertest.Context(t)
	dockerfile, _ := containertest.MiniTracker(t)
	image, err := containers.DockerfileImage(ctx, dockerfile, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	// An entrypoint that is not in the image: the container is created but
	// does not start.
	c, err := containers.RunTrackerImage(ctx, image, containers.WithPort("9000"),
		testcontainers.WithEntrypoint("/nothing-here"))
	if c == nil {
		t.Fatalf("no container returned with error %v", err)
	}
	containertest.Cleanup(t, c.Container)
	if err == nil {
		t.Fatal("started a container whose entrypoint does not exist")
	}
	t.Log(err)
	if !strings.HasPrefix(err.Error(), "run tracker "+image+": ") {
		t.Errorf("error %q, want it prefixed with %q", err, "run tracker "+image+": ")
	}
}

// TestRunTrackerImageNeverPulls: an image the engine does not hold is an
// error before anything is run, never a pull. The image names a registry
// on a loopback port this test serves, so that a pull, had one been tried,
// reaches no registry but the test: it counts the connection before it
// answers 503, and the engine waits for that answer before the run fails.
func TestRunTrackerImageNeverPulls(t *testing.T) {
	containertest.SkipIfNoDocker(t)
	t.Parallel()
	ctx := containertest.Context(t)
	var conns atomic.Int32
	registry := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "not a registry", http.StatusServiceUnavailable)
	}))
	registry.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			conns.Add(1)
		}
	}
	registry.Start()
	t.Cleanup(registry.Close)
	image := registry.Listener.Addr().String() + "/cbsim-nosuch:image"
	c, err := containers.RunTrackerImage(ctx, image)
	if c != nil {
		containertest.Cleanup(t, c.Container)
	}
	if n := conns.Load(); n > 0 {
		t.Fatalf("the engine tried to pull %s (%d connections reached the registry port); RunTrackerImage said %v", image, n, err)
	}
	if err == nil || !strings.Contains(err.Error(), "image "+image+" not found locally; build it or load it") {
		t.Fatalf("RunTrackerImage(%s) = %v; want an error saying the image is not found locally", image, err)
	}
}
