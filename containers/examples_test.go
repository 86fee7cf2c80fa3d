package containers_test

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"strings"

	"github.com/cbsim/cbsim/containers"
)

// ExampleRunTracker starts the reference tracker in a container, sends it a
// postback and reads the conversions back. It has no Output line because it
// needs a Docker engine; the tests run the same steps.
func ExampleRunTracker() {
	ctx := context.Background()
	tracker, err := containers.RunTracker(ctx, containers.WithAPIKey("secret"))
	if tracker != nil {
		defer tracker.Terminate(ctx)
	}
	if err != nil {
		log.Fatal(err)
	}

	postback, err := tracker.PostbackURL(ctx)
	if err != nil {
		log.Fatal(err)
	}
	// A click id the tracker issued (GET {URL}/{campaign}?format=json).
	resp, err := http.Get(postback + "?clickid=CLICK_ID&sum=12.34&type=InitialPurchase")
	if err != nil {
		log.Fatal(err)
	}
	resp.Body.Close()

	api, err := tracker.APIURL(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("conversions at", api+"/conversions?api_key="+tracker.APIKey())
}

// ExampleRunTrackerImage runs a tracker under test from its image, telling
// the package where its endpoints are.
func ExampleRunTrackerImage() {
	ctx := context.Background()
	tracker, err := containers.RunTrackerImage(ctx, "my-tracker:latest",
		containers.WithPort("9000/tcp"),
		containers.WithHealthPath("/health"),
		containers.WithPostbackPath("/s2s/postback"),
		containers.WithAPIPath("/api/v1"),
		containers.WithAPIKey("secret"),
	)
	if tracker != nil {
		defer tracker.Terminate(ctx)
	}
	if err != nil {
		log.Fatal(err)
	}
	postback, _ := tracker.PostbackURL(ctx)
	fmt.Println("send postbacks to", postback)
}

// ExampleRunSimulator runs the reference tracker and the simulator as
// containers and fires an Initial Purchase from one at the other over the
// Docker network: what a project in any language does with plain HTTP.
func ExampleRunSimulator() {
	ctx := context.Background()
	tracker, err := containers.RunTracker(ctx)
	if tracker != nil {
		defer tracker.Terminate(ctx)
	}
	if err != nil {
		log.Fatal(err)
	}
	internal, err := tracker.InternalURL(ctx)
	if err != nil {
		log.Fatal(err)
	}
	sim, err := containers.RunSimulator(ctx, containers.WithTracker(internal))
	if sim != nil {
		defer sim.Terminate(ctx)
	}
	if err != nil {
		log.Fatal(err)
	}
	simURL, err := sim.URL(ctx)
	if err != nil {
		log.Fatal(err)
	}
	resp, err := http.Post(simURL+"/fire", "application/json", strings.NewReader(`{"event":"initial_purchase","role":"affiliate",`+
		`"tid":"CLICK_ID","url":"`+internal+`/postback?clickid={tid}&sum={affiliate_earnings}"}`))
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	fmt.Println(resp.Status)
}
