package demo

import (
	"bytes"
	"context"
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
