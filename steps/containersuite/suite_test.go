package containersuite_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go"

	"github.com/cbsim/cbsim/containers"
	"github.com/cbsim/cbsim/containers/containertest"
	"github.com/cbsim/cbsim/features"
	"github.com/cbsim/cbsim/steps"
	"github.com/cbsim/cbsim/steps/containersuite"
	"github.com/cbsim/cbsim/steps/reference"
)

// TestFeaturesInContainer runs every bundled feature against the reference
// tracker in containers, as the in-process run does: one container shared
// by the scenarios that take the tracker as it is (as a tracker under test
// is shared in real life), and a container of its own, started with the
// scenario's configuration, for each @reference scenario. @restart runs:
// the shared container is restarted mid-scenario, comes back on another
// host port, and no conversion is lost. The shared container takes INS
// (containers.WithINSSecret), so the @ins scenarios run too.
func TestFeaturesInContainer(t *testing.T) {
	containertest.SkipIfNoDocker(t)
	ctx := containertest.Context(t)
	start := time.Now()
	c := containertest.Tracker(t, containers.WithINSSecret(reference.INSSecret))
	t.Logf("RunTracker ready in %v (binary and image build included when not cached)", time.Since(start).Round(time.Millisecond))
	trk, err := containersuite.NewTracker(ctx, c, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(trk.Close)

	start = time.Now()
	var out bytes.Buffer
	status := steps.Run(steps.SuiteOptions{T: t, Factory: &containersuite.ReferenceFactory{Shared: trk},
		Seed: 1, Format: "progress", Output: io.MultiWriter(&out, testOutput(t))})
	t.Logf("feature suite against the containers in %v", time.Since(start).Round(time.Millisecond))
	if status != 0 {
		t.Fatalf("feature suite against the reference tracker containers failed with status %d", status)
	}
	var inProcess bytes.Buffer
	reference.Run(steps.SuiteOptions{Format: "progress", Output: &inProcess})
	if got, want := scenarioTotal(out.String()), scenarioTotal(inProcess.String()); got != want || got == 0 {
		t.Fatalf("%d scenarios ran against the containers, %d run in-process: the same features must run", got, want)
	}
}

// TestRunImage starts the reference image by name through Run,
// on a fixed host port so that its URL survives the restart scenario, and
// runs part of the suite against it.
func TestRunImage(t *testing.T) {
	containertest.SkipIfNoDocker(t)
	t.Parallel()
	ctx := containertest.Context(t)
	_, image := containertest.ReferenceImage(t)
	var out bytes.Buffer
	status, err := containersuite.Run(ctx, containersuite.Spec{
		Image:   image,
		Options: []testcontainers.ContainerCustomizer{containers.WithAPIKey(containers.DefaultAPIKey), containers.WithHostPort(0)},
	}, steps.SuiteOptions{Features: features.FS, Paths: []string{"05_mapping.feature", "13_restart.feature"}, Format: "progress", Output: &out, Seed: 2})
	if err != nil || status != 0 {
		t.Fatalf("Run = %d, %v; want 0, nil\n%s", status, err, out.String())
	}
	if !strings.Contains(out.String(), "scenarios (") {
		t.Errorf("no summary in the suite's output:\n%s", out.String())
	}
}

// TestRunDockerfileObserveOnly runs scenarios about what ClickBank
// sent against a tracker that is not cbsim's, built from its Dockerfile,
// with its own port and paths and no reporting API the steps understand.
func TestRunDockerfileObserveOnly(t *testing.T) {
	containertest.SkipIfNoDocker(t)
	t.Parallel()
	ctx := containertest.Context(t)
	feature := fstest.MapFS{"sent.feature": {Data: []byte(`Feature: what ClickBank sent
  Scenario: an affiliate purchase reaches the tracker
    Given an affiliate integration with CLICKID={tid} and SUM={affiliate_earnings}
    And a visitor clicks the affiliate campaign
    When the buyer buys the front-end product
    Then every postback was delivered
    And every postback has clickid=the click id
`)}}
	var out bytes.Buffer
	dockerfile, mini := containertest.MiniTracker(t)
	status, err := containersuite.Run(ctx, containersuite.Spec{Dockerfile: dockerfile, Options: mini, ObserveOnly: true},
		steps.SuiteOptions{Features: feature, Format: "pretty", Output: &out})
	if err != nil || status != 0 {
		t.Fatalf("Run = %d, %v; want 0, nil\n%s", status, err, out.String())
	}
}

// TestStartWrongAPIKey fails before any scenario, in one line, when the
// reporting API refuses the key, and leaves no container behind.
func TestStartWrongAPIKey(t *testing.T) {
	containertest.SkipIfNoDocker(t)
	t.Parallel()
	ctx := containertest.Context(t)
	_, image := containertest.ReferenceImage(t)
	st, err := containersuite.Start(ctx, containersuite.Spec{Image: image, Options: []testcontainers.ContainerCustomizer{containers.WithAPIKey("wrong")}})
	if st != nil {
		containertest.Cleanup(t, st.TrackerContainer.Container)
	}
	if err == nil || !strings.Contains(err.Error(), "reporting API") {
		t.Fatalf("Start with a wrong key: %v; want an error about the reporting API", err)
	}
}

// TestRunInterrupted cancels the suite's context while it runs: the
// container is terminated and Run reports the interruption.
func TestRunInterrupted(t *testing.T) {
	containertest.SkipIfNoDocker(t)
	t.Parallel()
	ctx, cancel := context.WithCancel(containertest.Context(t))
	defer cancel()
	_, image := containertest.ReferenceImage(t)
	label := map[string]string{"cbsim.test": t.Name() + "-" + time.Now().Format("150405.000000")}
	out := syncBuffer{mark: ".", marked: make(chan struct{})}
	var wg sync.WaitGroup
	defer wg.Wait()
	defer cancel() // runs before wg.Wait: a suite that returns early frees the goroutine
	wg.Go(func() {
		// Cancel once the first scenario has run (progress prints "."),
		// unless the suite ended first.
		select {
		case <-out.marked:
			cancel()
		case <-ctx.Done():
		}
	})
	start := time.Now()
	status, err := containersuite.Run(ctx, containersuite.Spec{Image: image, Options: []testcontainers.ContainerCustomizer{containers.WithAPIKey(containers.DefaultAPIKey), testcontainers.WithLabels(label)}},
		steps.SuiteOptions{Format: "progress", Output: &out, Seed: 3})
	if status == 0 || err == nil || !strings.Contains(err.Error(), "interrupted") {
		t.Fatalf("Run after cancel = %d, %v; want a failure saying interrupted", status, err)
	}
	t.Logf("interrupted suite returned in %v", time.Since(start).Round(time.Millisecond))
	if n := countContainers(t, label); n != 0 {
		t.Fatalf("%d containers labelled %v left after the interrupted suite", n, label)
	}
}

// testOutput is where a suite's formatter writes: the test log with -v,
// nothing otherwise (failed scenarios are reported as failed subtests).
func testOutput(t testing.TB) io.Writer {
	if testing.Verbose() {
		return os.Stdout
	}
	return io.Discard
}

// countContainers counts the containers, running or not, with the labels.
func countContainers(t testing.TB, labels map[string]string) int {
	t.Helper()
	p, err := testcontainers.NewDockerProvider()
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	f := make(client.Filters)
	for k, v := range labels {
		f = f.Add("label", k+"="+v)
	}
	list, err := p.Client().ContainerList(context.Background(), client.ContainerListOptions{All: true, Filters: f})
	if err != nil {
		t.Fatal(err)
	}
	return len(list.Items)
}

// syncBuffer is a bytes.Buffer safe for a writer and a reader at once. With
// a mark, it closes marked once what was written contains the mark.
type syncBuffer struct {
	mu     sync.Mutex // guards b and closed
	b      bytes.Buffer
	mark   string        // "" = none
	marked chan struct{} // closed when b first contains mark
	closed bool
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n, err := s.b.Write(p)
	if s.mark != "" && !s.closed && strings.Contains(s.b.String(), s.mark) {
		s.closed = true
		close(s.marked)
	}
	return n, err
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// scenarioTotal returns N of the "N scenarios (...)" line, 0 if none.
func scenarioTotal(out string) int {
	for _, line := range strings.Split(out, "\n") {
		var n int
		if _, err := fmt.Sscanf(line, "%d scenarios", &n); err == nil {
			return n
		}
	}
	return 0
}
