package containersuite_test

import (
	"context"
	"fmt"
	"log"
	"os"

	"github.com/testcontainers/testcontainers-go"

	"github.com/cbsim/cbsim/containers"
	"github.com/cbsim/cbsim/steps"
	"github.com/cbsim/cbsim/steps/containersuite"
)

// ExampleRun runs the bundled feature suite against a tracker image, as
// `cbsim test --tracker-image my-tracker:latest` does: the container is
// started, the portable scenarios and the restart scenario run against it,
// and it is terminated even when the suite fails. It has no Output line
// because it needs a Docker engine; the tests run the same steps.
func ExampleRun() {
	ctx := context.Background()
	status, err := containersuite.Run(ctx, containersuite.Spec{
		Image: "my-tracker:latest",
		Options: []testcontainers.ContainerCustomizer{
			containers.WithPort("9000"),
			containers.WithAPIKey("secret"),
			testcontainers.WithEnv(map[string]string{"API_KEY": "secret"}),
		},
	}, steps.SuiteOptions{Format: "pretty,junit:out.xml", Output: os.Stdout})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("status", status) // 0 when every scenario passed
}

// ExampleNewTracker runs a suite of one's own against a tracker container
// started beforehand, with the restart scenario.
func ExampleNewTracker() {
	ctx := context.Background()
	tracker, err := containers.RunTracker(ctx)
	if tracker != nil {
		defer tracker.Terminate(ctx)
	}
	if err != nil {
		log.Fatal(err)
	}
	trk, err := containersuite.NewTracker(ctx, tracker, nil)
	if err != nil {
		log.Fatal(err)
	}
	status := steps.Run(steps.SuiteOptions{Factory: steps.Shared{Tracker: trk}, Output: os.Stdout})
	fmt.Println("status", status)
}
