package steps_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cbsim/cbsim/features"
	"github.com/cbsim/cbsim/steps"
	"github.com/cbsim/cbsim/tracker"
)

// brokenTracker puts a real reference tracker behind a proxy that corrupts
// postbacks the way a broken tracker would, and returns the tracker the
// steps see: clicks and postbacks through the proxy, reports from the store.
func brokenTracker(t *testing.T, corrupt func(q url.Values)) steps.Tracker {
	t.Helper()
	srv, err := tracker.NewServer(tracker.Config{APIKey: "k"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	target, _ := url.Parse(srv.URL)
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u := *target
		u.Path = r.URL.Path
		q := r.URL.Query()
		if r.URL.Path == "/postback" {
			corrupt(q)
		}
		u.RawQuery = q.Encode()
		req, _ := http.NewRequestWithContext(r.Context(), r.Method, u.String(), r.Body)
		req.Header = r.Header
		resp, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		for k, v := range resp.Header {
			w.Header()[k] = v
		}
		w.WriteHeader(resp.StatusCode)
		io.Copy(w, resp.Body)
	}))
	t.Cleanup(proxy.Close)
	return &steps.RedTrack{TrackingURL: proxy.URL, APIURL: srv.URL, APIKey: "k"}
}

// TestSuiteCatchesABrokenTracker proves the portable features fail against a
// tracker that records the wrong sum, loses, alters or upper-cases the
// click id, or records every conversion under one type, and pass against
// the same proxy when it corrupts nothing.
func TestSuiteCatchesABrokenTracker(t *testing.T) {
	cases := []struct {
		name    string
		corrupt func(q url.Values)
		want    int // 0 = the suite passes
	}{
		{"Faithful", func(url.Values) {}, 0},
		{"WrongSum", func(q url.Values) {
			if s, err := strconv.ParseFloat(q.Get("sum"), 64); err == nil && s > 0 {
				q.Set("sum", strconv.FormatFloat(s*0.9, 'f', 2, 64))
			}
		}, 1},
		{"DroppedClickID", func(q url.Values) { q.Set("clickid", "") }, 1},
		{"ClickIDAltered", func(q url.Values) { q.Set("clickid", q.Get("clickid")+"x") }, 1},
		{"ClickIDUpperCased", func(q url.Values) { q.Set("clickid", strings.ToUpper(q.Get("clickid"))) }, 1},
		{"EveryConversionOneType", func(q url.Values) { q.Set("type", "InitialPurchase") }, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			trk := brokenTracker(t, c.corrupt)
			status := steps.Run(steps.SuiteOptions{Factory: steps.Shared{Tracker: trk}, Features: features.FS,
				Paths:  []string{"04_offer_url.feature", "05_mapping.feature", "06_upsells.feature"},
				Format: "progress", Steps: steps.Options{Wait: 50 * time.Millisecond}})
			if (status == 0) != (c.want == 0) {
				t.Fatalf("suite status %d against a tracker that %s; want %s", status, c.name, map[bool]string{true: "pass", false: "fail"}[c.want == 0])
			}
		})
	}
}
