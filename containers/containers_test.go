package containers_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/containerd/errdefs"
	"github.com/moby/moby/client"

	"github.com/cbsim/cbsim/containers"
	"github.com/cbsim/cbsim/containers/containertest"
)

func TestSetDefaultEnv(t *testing.T) {
	tests := []struct {
		name  string
		given map[string]*string // nil value: unset
		want  map[string]string
	}{
		{
			name:  "unset",
			given: map[string]*string{containers.EnvRyukDisabled: nil, containers.EnvHostOverride: nil},
			want:  map[string]string{containers.EnvRyukDisabled: "true", containers.EnvHostOverride: "127.0.0.1"},
		},
		{
			name:  "caller's values kept",
			given: map[string]*string{containers.EnvRyukDisabled: ptr("false"), containers.EnvHostOverride: ptr("docker.example")},
			want:  map[string]string{containers.EnvRyukDisabled: "false", containers.EnvHostOverride: "docker.example"},
		},
		{
			name:  "empty is a value",
			given: map[string]*string{containers.EnvRyukDisabled: ptr(""), containers.EnvHostOverride: nil},
			want:  map[string]string{containers.EnvRyukDisabled: "", containers.EnvHostOverride: "127.0.0.1"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for k, v := range tt.given {
				t.Setenv(k, "") // restores the original value afterwards
				if v == nil {
					os.Unsetenv(k)
				} else {
					os.Setenv(k, *v)
				}
			}
			containers.SetDefaultEnv()
			for k, want := range tt.want {
				if got, ok := os.LookupEnv(k); !ok || got != want {
					t.Errorf("%s = %q (set %v), want %q", k, got, ok, want)
				}
			}
		})
	}
}

func ptr(s string) *string { return &s }

func TestReferenceDockerfileInSync(t *testing.T) {
	repo, err := os.ReadFile(filepath.Join("..", "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	if string(repo) != containers.ReferenceDockerfile {
		t.Errorf("the repository's Dockerfile and referenceDockerfile in image.go differ; copy one into the other")
	}
}

func TestCheckStaticLinux(t *testing.T) {
	notELF := filepath.Join(t.TempDir(), "script")
	if err := os.WriteFile(notELF, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	dockerfile, _ := containertest.MiniTracker(t)
	static := filepath.Join(filepath.Dir(dockerfile), "minitracker")
	tests := []struct {
		name    string
		path    string
		wantErr string
	}{
		{"static", static, ""},
		{"not ELF", notELF, "not a Linux executable"},
		{"missing", filepath.Join(t.TempDir(), "nothing"), "not a Linux executable"},
	}
	if _, err := os.Stat("/bin/sh"); err == nil {
		tests = append(tests, struct{ name, path, wantErr string }{"dynamic", "/bin/sh", "dynamically linked"})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := containers.CheckStaticLinux(tt.path)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("err = %v, want nil", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("err = %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestOptionErrors(t *testing.T) {
	tests := []struct {
		name    string
		opt     containers.Option
		wantErr string
	}{
		{"empty binary", containers.WithBinary(""), "WithBinary: empty path"},
		{"empty port", containers.WithPort(""), "WithPort: empty port"},
		{"relative health path", containers.WithHealthPath("healthz"), `WithHealthPath: "healthz" does not start with /`},
		{"relative postback path", containers.WithPostbackPath("pb"), `WithPostbackPath: "pb" does not start with /`},
		{"relative API path", containers.WithAPIPath("api"), `WithAPIPath: "api" does not start with /`},
		{"empty conversion type", containers.WithConversionType(""), "--conversion-type: empty value"},
		{"reference flag for an image", containers.WithPostbackToken("t"), `reference tracker flags ["--postback-token" "t"] given for a tracker image`},
		{"simulator flag for a tracker", containers.WithTracker("http://x"), `simulator flags ["--tracker" "http://x"] given for a tracker`},
		{"empty tracker URL", containers.WithTracker(""), "WithTracker: empty URL"},
		{"bad port", containers.WithPort("http"), "WithPort: "},
		{"bad host port", containers.WithHostPort(70000), "WithHostPort: 70000 is not a port number"},
	}
	t.Run("reference tracker without API key", func(t *testing.T) {
		c, err := containers.RunTracker(t.Context(), containers.WithAPIKey(""))
		want := "run tracker: WithAPIKey: the reference tracker requires an API key"
		if c != nil || err == nil || err.Error() != want {
			t.Errorf("RunTracker = %v, %v; want nil, %q", c, err, want)
		}
	})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Options are checked before Docker is touched.
			c, err := containers.RunTrackerImage(t.Context(), "never-started", tt.opt)
			if c != nil {
				t.Errorf("container %v returned for an option error", c)
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("err = %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}

// fakeInspector answers ImageInspect with err.
type fakeInspector struct{ err error }

func (f fakeInspector) ImageInspect(context.Context, string, ...client.ImageInspectOption) (client.ImageInspectResult, error) {
	return client.ImageInspectResult{}, f.err
}

// TestInspectLocal: the lookup that runs before any container says what to
// do about a missing image, and passes other engine errors on.
func TestInspectLocal(t *testing.T) {
	for _, c := range []struct {
		name string
		err  error
		says string
	}{
		{"Present", nil, ""},
		{"Missing", fmt.Errorf("no such image: %w", errdefs.ErrNotFound), "image nosuch:image not found locally; build it or load it"},
		{"EngineDown", errors.New("connection refused"), "docker: inspect image nosuch:image: connection refused"},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := containers.InspectLocal(context.Background(), fakeInspector{c.err}, "nosuch:image")
			if (c.says == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), c.says)) {
				t.Fatalf("inspectLocal = %v; want %q", err, c.says)
			}
		})
	}
}
