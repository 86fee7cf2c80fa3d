package containers_test

import (
	"os"
	"testing"

	"github.com/cbsim/cbsim/containers"
)

// TestMain asks for the local testcontainers defaults, as cbsim's own
// machines need them (no image can be pulled, so no Ryuk; Docker's gateway
// does not answer) — except in the child process of
// TestEnvUntouchedUnlessAsked, which checks that nothing sets them unasked.
func TestMain(m *testing.M) {
	if os.Getenv(envChild) != "1" {
		containers.SetDefaultEnv()
	}
	os.Exit(m.Run())
}
