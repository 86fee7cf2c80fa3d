package demo

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"
)

func TestDemoDeliversAndRecordsEverything(t *testing.T) {
	var out bytes.Buffer
	if err := Run(context.Background(), &out, Options{Seed: 1}); err != nil {
		t.Fatalf("demo: %v\n%s", err, out.String())
	}
	for _, want := range []string{"sum=45.75", "sum=21.24", "sum=72.49", "InitialPurchase      45.75", "test-card orders fire no affiliate postbacks", "every postback was delivered and recorded"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("demo output lacks %q:\n%s", want, out.String())
		}
	}
}

// TestDemoRecordsTheEventID: the bundled template sends eventid={event_id}
// and the reference tracker, on its defaults, records it: the demo's EVENT
// ID column shows the recorded id, the one the postback carried.
func TestDemoRecordsTheEventID(t *testing.T) {
	var out bytes.Buffer
	if err := Run(context.Background(), &out, Options{Seed: 1}); err != nil {
		t.Fatalf("demo: %v\n%s", err, out.String())
	}
	sent := regexp.MustCompile(`eventid=([0-9a-f-]{36})`).FindAllStringSubmatch(out.String(), -1)
	recorded := regexp.MustCompile(`(?m)^   (?:OrderFormImpression|InitialPurchase|UpsellPurchase) .* ([0-9a-f-]{36})$`).FindAllStringSubmatch(out.String(), -1)
	if len(sent) == 0 || len(recorded) == 0 {
		t.Fatalf("sent event ids %v, recorded %v; want both:\n%s", sent, recorded, out.String())
	}
	ids := map[string]bool{}
	for _, m := range sent {
		ids[m[1]] = true
	}
	for _, m := range recorded {
		if !ids[m[1]] {
			t.Errorf("recorded event id %s was not sent", m[1])
		}
	}
}

func TestDemoSameSeedSameURLs(t *testing.T) {
	urls := func() string {
		var out bytes.Buffer
		if err := Run(context.Background(), &out, Options{Seed: 7}); err != nil {
			t.Fatal(err)
		}
		var keep []string
		for _, l := range strings.Split(out.String(), "\n") {
			if i := strings.Index(l, "/postback?"); i >= 0 {
				// the tracker's click ids and port differ per run; the rest must not
				q := l[i:]
				if j := strings.Index(q, "&"); j >= 0 {
					keep = append(keep, q[j:])
				}
			}
		}
		return strings.Join(keep, "\n")
	}
	if a, b := urls(), urls(); a != b || a == "" {
		t.Fatalf("seed 7 gave different postbacks:\n%s\n---\n%s", a, b)
	}
}
