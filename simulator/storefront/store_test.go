package storefront

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/cbsim/cbsim/simulator"
)

// TestSameSeedSameValues: two stores started with the same seed give the
// same hop ids, receipts and event ids to the same requests; another seed
// gives others.
func TestSameSeedSameValues(t *testing.T) {
	run := func(seed uint64) []string {
		w := newWorld(t, Options{Seed: seed})
		b := w.buyer(t, iPhoneSafari)
		thanks := walkToThanks(t, w, b, "4242424242424242")
		var out []string
		for _, q := range w.rc.of("/ven") {
			out = append(out, q.Get("event"), q.Get("receipt"))
		}
		return append(out, thanks.url.Query().Get("cbsess"))
	}
	a, b, c := run(11), run(11), run(12)
	if !slices.Equal(a, b) {
		t.Errorf("same seed, different values:\n%v\n%v", a, b)
	}
	if slices.Equal(a, c) {
		t.Errorf("seeds 11 and 12 gave the same values %v", a)
	}
}

// TestConcurrentBuyers walks buyers in parallel through one store (run
// with -race): every order gets its own receipts.
func TestConcurrentBuyers(t *testing.T) {
	w := newWorld(t, Options{Seed: 1})
	w.shared = true
	const n = 12
	t.Run("buyers", func(t *testing.T) {
		for i := range n {
			t.Run(fmt.Sprint(i), func(t *testing.T) {
				t.Parallel()
				walkToThanks(t, w, w.buyer(t, iPhoneSafari), "4242424242424242")
			})
		}
	})
	ven := w.rc.of("/ven")
	if len(ven) != 3*n {
		t.Fatalf("vendor postbacks %d, want %d", len(ven), 3*n)
	}
	receipts := map[string]bool{}
	for _, q := range ven {
		if r := q.Get("receipt"); r != "" {
			if receipts[r] {
				t.Errorf("receipt %s given twice", r)
			}
			receipts[r] = true
		}
	}
	if len(receipts) != 2*n {
		t.Errorf("%d receipts, want %d", len(receipts), 2*n)
	}
}

// TestBoundedMemory: past MaxHops the oldest hop is forgotten (its buyer
// buys as a direct sale, with a note); past MaxOrders the oldest order.
func TestBoundedMemory(t *testing.T) {
	w := newWorld(t, Options{MaxHops: 1, MaxOrders: 1})
	first, second := w.buyer(t, ""), w.buyer(t, "")
	first.get(w.srv.URL + "/hop?affiliate=aff01&vendor=ven01")
	second.get(w.srv.URL + "/hop?affiliate=aff02&vendor=ven01")
	f1 := first.get(w.srv.URL + "/pay/ven01?cbitems=KETO-FE")
	if !strings.Contains(f1.body, "No affiliate: a direct sale.") {
		t.Errorf("a forgotten hop still refers the order:\n%s", f1.body)
	}
	var forgotten bool
	for _, n := range w.sim.Journal.Notes() {
		forgotten = forgotten || n.Kind == simulator.HopExpired && strings.Contains(n.Text, "keeps the latest 1 hops")
	}
	if !forgotten {
		t.Errorf("notes %v, want a hop_expired note saying the store keeps 1 hop", w.sim.Journal.Notes())
	}
	second.get(w.srv.URL + "/pay/ven01?cbitems=KETO-FE")
	res := first.submit(f1, "order-form", map[string]string{"name": "A", "email": "a@example.com", "card_number": "4242424242424242",
		"expiry": "12/30", "cvv": "123", "country": "US", "state": "CA", "zip": "90210"})
	if status, param := errorOf(res.body); res.status != http.StatusNotFound || status != "404" || param != "cbsess" {
		t.Errorf("a forgotten order: %d naming %q, want 404 naming cbsess", res.status, param)
	}
}

func TestBounded(t *testing.T) {
	b := newBounded[int](3)
	for i := range 200 {
		b.put(fmt.Sprint(i), i)
		if b.len() > 3 {
			t.Fatalf("after %d puts it keeps %d", i+1, b.len())
		}
	}
	for i := range 200 {
		_, ok := b.get(fmt.Sprint(i))
		if want := i >= 197; ok != want {
			t.Errorf("entry %d kept %v, want %v", i, ok, want)
		}
	}
	b.put("199", -1) // a replaced entry stays where it was
	if v, _ := b.get("199"); v != -1 || b.len() != 3 {
		t.Errorf("replacing: %d, %d entries", v, b.len())
	}
	if len(b.queue)-b.head != 3 {
		t.Errorf("queue holds %d live keys, want 3", len(b.queue)-b.head)
	}
}

func TestHandles(t *testing.T) {
	s := New(simulator.New(simulator.NewCatalog(), nil), Options{})
	for _, tc := range []struct {
		host, path string
		want       bool
	}{
		{"127.0.0.1:8080", "/hop", true},
		{"127.0.0.1:8080", "/vendor/ven01/", true},
		{"127.0.0.1:8080", "/pay/ven01", true},
		{"127.0.0.1:8080", "/fire", false},
		{"127.0.0.1:8080", "/", false},
		{"127.0.0.1:8080", "/journal", false},
		{"127.0.0.1:8080", "/hopper", false},
		{"aff01.ven01.hop.localhost:8080", "/", true},
		{"AFF01.VEN01.HOP.CLICKBANK.NET", "/anything", true},
		{"hop.clickbank.net", "/", true},
		{"ven01.pay.clickbank.net", "/", true},
		{"ven01.pay.localhost", "/", true},
		{"www.clickbank.net", "/", true},
		{"clickbank.net.", "/", true},
		{"clickbank.net.example.com", "/", false},
		{"localhost", "/console/", false},
		// The host forms count only under clickbank.net and localhost: a
		// host of one's own that happens to hold "pay" or "hop" is the
		// control API's.
		{"cbsim.pay.internal:8080", "/healthz", false},
		{"aff.ven.hop.example.com", "/journal", false},
		{"ven01.pay.example.com", "/", false},
		{"item.ven01.pay.example.com", "/", false},
		{"aff01.ven01.hop.dev.localhost", "/", true},
		{"kETO-FE.ven01.pay.clickbank.net", "/", true},
	} {
		r := httptest.NewRequest(http.MethodGet, "http://x"+tc.path, nil)
		r.Host = tc.host
		if got := s.Handles(r); got != tc.want {
			t.Errorf("Handles(%s%s) = %v, want %v", tc.host, tc.path, got, tc.want)
		}
	}
}
