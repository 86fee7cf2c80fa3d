package main

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/cbsim/cbsim/containers"
)

// TestMain runs the tests of cbsim in a known environment: no CBSIM_*
// variable of the developer's shell configures the commands they run
// (CBSIM_REQUIRE_* are the tests' own switches and stay), and no
// ./cbsim.yaml in the package directory, which every command would read.
func TestMain(m *testing.M) {
	// cbsim's own machines: no image can be pulled, Docker's gateway does not answer (containers.SetDefaultEnv)
	containers.SetDefaultEnv()
	if _, err := os.Stat(configFile); err == nil {
		fmt.Fprintf(os.Stderr, "cmd/cbsim tests: a %s in the package directory would configure every command they run: move it away\n", configFile)
		os.Exit(2)
	}
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "CBSIM_") && !strings.HasPrefix(name, "CBSIM_REQUIRE_") {
			os.Unsetenv(name)
		}
	}
	os.Exit(m.Run())
}

// TestEnvironmentIsClean: no CBSIM_* variable but CBSIM_REQUIRE_* reaches
// the tests (TestMain), whatever the shell that runs them exported.
func TestEnvironmentIsClean(t *testing.T) {
	for _, kv := range os.Environ() {
		if name, _, _ := strings.Cut(kv, "="); strings.HasPrefix(name, "CBSIM_") && !strings.HasPrefix(name, "CBSIM_REQUIRE_") {
			t.Errorf("$%s reaches the tests", name)
		}
	}
}
