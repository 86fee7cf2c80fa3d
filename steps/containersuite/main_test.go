package containersuite_test

import (
	"os"
	"testing"

	"github.com/cbsim/cbsim/containers"
)

// TestMain asks for the local testcontainers defaults, as cbsim's own
// machines need them: no image can be pulled (so no Ryuk), and Docker's
// gateway address does not answer.
func TestMain(m *testing.M) {
	containers.SetDefaultEnv()
	os.Exit(m.Run())
}
