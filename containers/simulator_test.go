package containers_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/cbsim/cbsim/containers"
	"github.com/cbsim/cbsim/containers/containertest"
)

// TestRunSimulator drives the simulator container over its control API: it
// fires an Initial Purchase at the tracker container, reaching it over the
// Docker network, and the tracker records it.
func TestRunSimulator(t *testing.T) {
	containertest.SkipIfNoDocker(t)
	t.Parallel()
	ctx := containertest.Context(t)
	tracker := containertest.Tracker(t)
	internal, err := tracker.InternalURL(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(internal, "http://") || !strings.HasSuffix(internal, ":8800") {
		t.Errorf("InternalURL %q, want http://CONTAINER_IP:8800", internal)
	}
	sim := containertest.Simulator(t, containers.WithTracker(internal))
	simURL, err := sim.URL(ctx)
	if err != nil {
		t.Fatal(err)
	}
	do(t, "GET", simURL+"/healthz", "", 200, nil)

	base, err := tracker.URL(ctx)
	if err != nil {
		t.Fatal(err)
	}
	clickID := click(t, base, tracker.APIKey(), "from-simulator")
	body, err := json.Marshal(map[string]string{
		"event": "initial_purchase",
		"role":  "affiliate",
		"tid":   clickID,
		"url":   internal + "/postback?clickid={tid}&sum={affiliate_earnings}&type=InitialPurchase",
	})
	if err != nil {
		t.Fatal(err)
	}
	var fired struct {
		Deliveries []struct {
			URL       string `json:"url"`
			Status    int    `json:"status"`
			Delivered bool   `json:"delivered"`
			Error     string `json:"error"`
		} `json:"deliveries"`
	}
	do(t, "POST", simURL+"/fire", string(body), 200, &fired)
	if len(fired.Deliveries) != 1 || !fired.Deliveries[0].Delivered || fired.Deliveries[0].Status != 200 {
		t.Fatalf("deliveries %+v, want one delivered with status 200", fired.Deliveries)
	}
	got := conversions(t, tracker)
	if len(got.Items) != 1 || got.Items[0].ClickID != clickID {
		t.Fatalf("the tracker recorded %v, want [%s] (simulator sent %s)", got.clickIDs(), clickID, fired.Deliveries[0].URL)
	}
	t.Logf("simulator sent %s", fired.Deliveries[0].URL)
}
