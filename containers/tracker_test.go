package containers_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/cbsim/cbsim/containers"
	"github.com/cbsim/cbsim/containers/containertest"
	"github.com/cbsim/cbsim/simulator/ins"
)

// click creates a campaign on the reference tracker and clicks it, returning
// the click id.
func click(t *testing.T, base, apiKey, campaign string) string {
	t.Helper()
	key := "?api_key=" + url.QueryEscape(apiKey)
	do(t, "POST", base+"/api/campaigns"+key,
		`{"name":"`+campaign+`","offer_url":"https://offer.example/?cid={clickid}"}`, 201, nil)
	var clicked struct {
		ClickID string `json:"clickid"`
	}
	do(t, "GET", base+"/"+campaign+"?format=json&sub1=containers", "", 200, &clicked)
	if clicked.ClickID == "" {
		t.Fatal("the click returned no clickid")
	}
	return clicked.ClickID
}

func conversions(t *testing.T, c *containers.TrackerContainer) conversionList {
	t.Helper()
	api, err := c.APIURL(containertest.Context(t))
	if err != nil {
		t.Fatal(err)
	}
	var got conversionList
	do(t, "GET", api+"/conversions?date_from=2000-01-01&date_to=2100-12-31&api_key="+url.QueryEscape(c.APIKey()), "", 200, &got)
	return got
}

func TestRunTracker(t *testing.T) {
	containertest.SkipIfNoDocker(t)
	t.Parallel()
	ctx := containertest.Context(t)
	// Build the binary and the image first so that the figure below is
	// RunTracker-to-ready with the image cached.
	build, cancel := context.WithTimeout(context.Background(), containertest.BuildTimeout)
	defer cancel()
	start := time.Now()
	bin, err := containers.BuildBinary(build)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("BuildBinary in %v", time.Since(start).Round(time.Millisecond))
	start = time.Now()
	if _, err := containers.ReferenceImage(build, bin, nil); err != nil {
		t.Fatal(err)
	}
	t.Logf("ReferenceImage in %v (built, or found by its tag)", time.Since(start).Round(time.Millisecond))

	start = time.Now()
	c, err := containers.RunTracker(ctx,
		containers.WithBinary(bin),
		containers.WithAPIKey("k-123"),
		containers.WithPostbackToken("tok"),
		containers.WithConversionType("InitialPurchase"),
		containers.WithConversionType("UpsellPurchase:ignore"),
		containers.WithINSSecret("INSKEY42"),
	)
	if c != nil {
		containertest.Cleanup(t, c.Container)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("RunTracker ready in %v (image cached)", time.Since(start).Round(time.Millisecond))

	base, err := c.URL(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if c.APIKey() != "k-123" {
		t.Errorf("APIKey() = %q, want k-123", c.APIKey())
	}
	if api, _ := c.APIURL(ctx); api != base {
		t.Errorf("APIURL %q, want the base URL %q", api, base)
	}
	do(t, "GET", base+"/healthz", "", 200, nil)

	clickID := click(t, base, c.APIKey(), "containers")
	pb, err := c.PostbackURL(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if pb != base+"/postback" {
		t.Errorf("PostbackURL %q, want %q", pb, base+"/postback")
	}
	do(t, "GET", pb+"?clickid="+url.QueryEscape(clickID)+"&sum=12.34&type=InitialPurchase", "", 403, nil) // no ptoken
	do(t, "GET", pb+"?clickid="+url.QueryEscape(clickID)+"&sum=12.34&type=InitialPurchase&ptoken=tok", "", 200, nil)
	do(t, "GET", pb+"?clickid="+url.QueryEscape(clickID)+"&sum=1.00&type=OrderFormImpression&ptoken=tok", "", 400, nil) // type not configured

	got := conversions(t, c)
	if len(got.Items) != 1 || got.Items[0].ClickID != clickID || got.Items[0].Type != "InitialPurchase" {
		t.Fatalf("conversions %+v, want one InitialPurchase of %s", got.Items, clickID)
	}

	t.Run("Restart", func(t *testing.T) {
		start := time.Now()
		if err := c.Restart(ctx); err != nil {
			t.Fatal(err)
		}
		t.Logf("Restart ready in %v", time.Since(start).Round(time.Millisecond))
		got := conversions(t, c)
		if len(got.Items) != 1 || got.Items[0].ClickID != clickID {
			t.Fatalf("after restart: conversions %v, want [%s]", got.clickIDs(), clickID)
		}
		// The tracker keeps working on its new port.
		pb, err := c.PostbackURL(ctx)
		if err != nil {
			t.Fatal(err)
		}
		do(t, "GET", pb+"?clickid="+url.QueryEscape(clickID)+"&sum=5.00&type=UpsellPurchase&ptoken=tok", "", 200, nil)
		if got := conversions(t, c); len(got.Items) != 2 {
			t.Fatalf("after restart and a postback: conversions %v, want 2", got.clickIDs())
		}
		// --ins-secret reached the tracker: the simulator's envelope of a
		// SALE on the click is recorded.
		env, err := ins.Encode([]byte(`{"transactionType":"SALE","receipt":"CONT0001","role":"AFFILIATE","totalAccountAmount":12.34,`+
			`"trackingCodes":["`+clickID+`"],"version":7.0,"attemptCount":1}`), "INSKEY42", ins.Options{IV: []byte("0123456789ABCDEF")})
		if err != nil {
			t.Fatal(err)
		}
		base, err := c.URL(ctx)
		if err != nil {
			t.Fatal(err)
		}
		do(t, "POST", base+"/ins", string(env), 200, nil)
		if got := conversions(t, c); len(got.Items) != 3 || got.Items[2].Type != "INS:SALE" || got.Items[2].ClickID != clickID {
			t.Fatalf("after an INS SALE: conversions %+v, want a third, INS:SALE on %s", got.Items, clickID)
		}
	})
}

// TestRunTrackerImageReference runs the cbsim image built beforehand by
// name, with the command of its Dockerfile (the API key is the image's
// CBSIM_API_KEY), on a fixed host port.
func TestRunTrackerImageReference(t *testing.T) {
	containertest.SkipIfNoDocker(t)
	t.Parallel()
	bin, image := containertest.ReferenceImage(t)
	ctx := containertest.Context(t)
	if !strings.HasPrefix(image, containers.ReferenceRepo+":dev-") {
		t.Errorf("image %q, want %s:dev-<hash>", image, containers.ReferenceRepo)
	}
	again, err := containers.ReferenceImage(ctx, bin, nil)
	if err != nil || again != image {
		t.Errorf("second ReferenceImage = %q, %v; want the same %q", again, err, image)
	}

	c, err := containers.RunTrackerImage(ctx, image, containers.WithAPIKey(containers.DefaultAPIKey), containers.WithHostPort(0))
	if c != nil {
		containertest.Cleanup(t, c.Container)
	}
	if err != nil {
		t.Fatal(err)
	}
	base, err := c.URL(ctx)
	if err != nil {
		t.Fatal(err)
	}
	clickID := click(t, base, c.APIKey(), "by-image")
	pb, _ := c.PostbackURL(ctx)
	do(t, "GET", pb+"?clickid="+url.QueryEscape(clickID)+"&sum=7.00", "", 200, nil)
	if got := conversions(t, c); len(got.Items) != 1 || got.Items[0].ClickID != clickID {
		t.Fatalf("conversions %v, want [%s]", got.clickIDs(), clickID)
	}

	// WithHostPort: the URL survives a restart, and so does the database
	// at the Dockerfile's --db.
	if err := c.Restart(ctx); err != nil {
		t.Fatal(err)
	}
	if after, err := c.URL(ctx); err != nil || after != base {
		t.Errorf("URL after restart %q, %v; want the same %q", after, err, base)
	}
	if got := conversions(t, c); len(got.Items) != 1 || got.Items[0].ClickID != clickID {
		t.Fatalf("after restart: conversions %v, want [%s]", got.clickIDs(), clickID)
	}
}

// BenchmarkRunTracker measures RunTracker to ready with the binary built and
// the image cached; terminating the container is not timed.
func BenchmarkRunTracker(b *testing.B) {
	containertest.SkipIfNoDocker(b)
	ctx := context.Background()
	bin, _ := containertest.ReferenceImage(b)
	b.ResetTimer()
	for range b.N {
		c, err := containers.RunTracker(ctx, containers.WithBinary(bin))
		b.StopTimer()
		if c != nil {
			if terr := c.Terminate(ctx); terr != nil {
				b.Fatal(terr)
			}
		}
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
}
