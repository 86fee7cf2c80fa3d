package containers_test

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/cbsim/cbsim/containers"
)

// envChild names the variable that turns TestEnvChild on: the test binary
// re-run as a child process, so that what it does to its environment (and
// to testcontainers-go's once-per-process configuration) cannot leak into
// the other tests.
const envChild = "CBSIM_CONTAINERS_ENV_CHILD"

// TestEnvUntouchedUnlessAsked runs the package's Docker-facing calls in a
// child process and reads the TESTCONTAINERS_* variables it ends with:
// unchanged — unset or the user's own values — unless the child asked for
// the local defaults with SetDefaultEnv. The calls never create a container
// (no Ryuk can start, nothing is pulled): a missing image is looked up
// locally and refused, a missing Dockerfile is refused.
func TestEnvUntouchedUnlessAsked(t *testing.T) {
	tests := []struct {
		name  string
		given map[string]string // TESTCONTAINERS_* the user set
		ask   bool
		want  map[string]string
	}{
		{name: "NothingSet", given: map[string]string{}, want: map[string]string{}},
		{name: "UsersValues",
			given: map[string]string{containers.EnvRyukDisabled: "false", containers.EnvHostOverride: "docker.example", "TESTCONTAINERS_DOCKER_SOCKET_OVERRIDE": "/run/user/1000/docker.sock"},
			want:  map[string]string{containers.EnvRyukDisabled: "false", containers.EnvHostOverride: "docker.example", "TESTCONTAINERS_DOCKER_SOCKET_OVERRIDE": "/run/user/1000/docker.sock"}},
		{name: "Asked", given: map[string]string{}, ask: true,
			want: map[string]string{containers.EnvRyukDisabled: "true", containers.EnvHostOverride: "127.0.0.1"}},
		{name: "AskedKeepsUsersValues", given: map[string]string{containers.EnvHostOverride: "docker.example"}, ask: true,
			want: map[string]string{containers.EnvRyukDisabled: "true", containers.EnvHostOverride: "docker.example"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var env []string
			for _, kv := range os.Environ() {
				if !strings.HasPrefix(kv, "TESTCONTAINERS_") {
					env = append(env, kv)
				}
			}
			for k, v := range tt.given {
				env = append(env, k+"="+v)
			}
			env = append(env, envChild+"=1")
			if tt.ask {
				env = append(env, envChild+"_ASK=1")
			}
			cmd := exec.Command(os.Args[0], "-test.run=^TestEnvChild$", "-test.count=1")
			cmd.Env = env
			out, err := cmd.Output()
			if err != nil {
				t.Fatalf("child: %v\n%s", err, out)
			}
			line := ""
			for l := range strings.Lines(string(out)) {
				if rest, ok := strings.CutPrefix(l, "ENV "); ok {
					line = rest
				}
			}
			var got map[string]string
			if err := json.Unmarshal([]byte(line), &got); err != nil {
				t.Fatalf("child printed no ENV line (%v):\n%s", err, out)
			}
			if len(got) != len(tt.want) {
				t.Errorf("the child ended with TESTCONTAINERS_* %v, want %v", got, tt.want)
			}
			for k, v := range tt.want {
				if got[k] != v {
					t.Errorf("%s = %q, want %q (the child ended with %v)", k, got[k], v, got)
				}
			}
		})
	}
}

// TestEnvChild is TestEnvUntouchedUnlessAsked's child; it does nothing in
// a normal run.
func TestEnvChild(t *testing.T) {
	if os.Getenv(envChild) != "1" {
		t.Skip("the child of TestEnvUntouchedUnlessAsked")
	}
	if os.Getenv(envChild+"_ASK") == "1" {
		containers.SetDefaultEnv()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	_ = containers.DockerAvailable(ctx) // with or without an engine
	_ = containers.CheckOptions(containers.WithPort("8800"), containers.WithAPIKey("k"))
	if c, err := containers.RunTrackerImage(ctx, "cbsim-env-test:no-such-image"); err == nil {
		_ = c.Terminate(ctx)
		t.Fatal("RunTrackerImage of a missing image succeeded")
	}
	if _, err := containers.RunTrackerDockerfile(ctx, "/nonexistent/Dockerfile"); err == nil {
		t.Fatal("RunTrackerDockerfile of a missing Dockerfile succeeded")
	}
	got := map[string]string{}
	for _, kv := range os.Environ() {
		if k, v, _ := strings.Cut(kv, "="); strings.HasPrefix(k, "TESTCONTAINERS_") {
			got[k] = v
		}
	}
	b, _ := json.Marshal(got)
	os.Stdout.WriteString("ENV " + string(b) + "\n")
}
