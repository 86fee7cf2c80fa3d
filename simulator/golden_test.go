package simulator

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite testdata golden files")

// TestGoldenURLs pins the URLs the default fixtures produce for fixed seeds:
// a run with --seed N must stay byte-identical across versions. A change
// that alters them on purpose refreshes the file with -update and shows
// the difference in review.
func TestGoldenURLs(t *testing.T) {
	c, ins := defaults(t)
	sim := New(c, ins)
	journeys := []struct {
		name string
		j    Journey
	}{
		{"affiliate-keto", Journey{Funnel: "keto", Affiliate: "aff01", TID: "5f8a1b2c3d4e5f6a7b8c9d0e", Tracking: map[string]string{"aff_sub1": "spring sale", "traffic_source": "facebook"}}},
		{"vendor-fitness-eur", Journey{Funnel: "fitness-eur", VTID: "v_1029"}},
		{"affiliate-fitness-declined", Journey{Funnel: "fitness-eur", Affiliate: "aff02", TID: "abc", Accept: []bool{false}}},
	}
	var b strings.Builder
	for _, seed := range []uint64{1, 2, 42} {
		for _, jc := range journeys {
			w, err := c.Walk(jc.j, NewRand(seed), time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC))
			if err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(&b, "# seed %d %s\n", seed, jc.name)
			for _, d := range sim.Plan(w.Events) {
				if d.Skipped == "" {
					fmt.Fprintf(&b, "%s %s %s\n", d.Event, d.Integration, d.URL)
				}
			}
		}
	}
	path := filepath.Join("testdata", "golden_urls.txt")
	if *update {
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (create it with go test ./simulator -run TestGoldenURLs -update)", err)
	}
	if got := b.String(); got != string(want) {
		gl, wl := strings.Split(got, "\n"), strings.Split(string(want), "\n")
		for i := range min(len(gl), len(wl)) {
			if gl[i] != wl[i] {
				t.Fatalf("%s line %d differs:\n got %s\nwant %s\n(-update refreshes it if the change is intended)", path, i+1, gl[i], wl[i])
			}
		}
		t.Fatalf("%s: %d lines, want %d", path, len(gl), len(wl))
	}
}
