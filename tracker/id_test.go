package tracker_test

import (
	"encoding/hex"
	"net/http"
	"strings"
	"testing"

	"github.com/cbsim/cbsim/tracker"
)

// TestClickIDsHaveNoStructure makes many click ids in the same instant (the
// fixture's clock stands still) and checks that every hex position takes
// every value: no timestamp, no per-store constant, no counter. A position
// of 1,000 uniform hex digits misses one of the 16 with probability below
// 10^-26.
func TestClickIDsHaveNoStructure(t *testing.T) {
	f := newFixture(t, tracker.Config{})
	const n = 1000
	var seen [24][16]bool
	for range n {
		id := f.click()
		if !isClickID(id) {
			t.Fatalf("click id %q is not 24 lowercase hex", id)
		}
		for i := range id {
			d := strings.IndexByte("0123456789abcdef", id[i])
			seen[i][d] = true
		}
	}
	for i, digits := range seen {
		for d, ok := range digits {
			if !ok {
				t.Errorf("hex position %d never took %x in %d click ids: the ids have structure", i, d, n)
			}
		}
	}
}

// TestNextClickIDCannotBeGuessed plays issue 10's forgery: from the click id
// an attacker got (their own click), they guess the next buyer's id as an
// ObjectId's successor and post a conversion for it. The guess must be
// refused exactly as an id that was never issued is refused.
func TestNextClickIDCannotBeGuessed(t *testing.T) {
	f := newFixture(t, tracker.Config{})
	own := f.click()
	victim := f.click()
	guesses := successors(t, own, 50)
	for _, g := range guesses {
		if g == victim {
			t.Fatalf("the victim's click id %s is the successor of the attacker's %s", victim, own)
		}
	}
	never := strings.Repeat("0", 24)
	want := f.postback("clickid", never, "sum", "999.00")
	hasStatus(http.StatusNotFound)(t, want)
	for _, g := range guesses {
		got := f.postback("clickid", g, "sum", "999.00")
		if got.status != want.status || strings.ReplaceAll(got.raw, g, never) != want.raw {
			t.Fatalf("guessed id %s: %d %s; an id never issued: %d %s", g, got.status, got.raw, want.status, want.raw)
		}
	}
	if _, total := f.items("/conversions"); total != 0 {
		t.Errorf("%d conversions forged", total)
	}
}

// successors returns the n ids that follow id when it is an ObjectId
// (4 bytes of seconds, 5 fixed bytes, a 3-byte counter).
func successors(t *testing.T, id string, n int) []string {
	t.Helper()
	b, err := hex.DecodeString(id)
	if err != nil || len(b) != 12 {
		t.Fatalf("click id %q: %v", id, err)
	}
	out := make([]string, n)
	c := int(b[9])<<16 | int(b[10])<<8 | int(b[11])
	for i := range out {
		c = (c + 1) & 0xffffff
		b[9], b[10], b[11] = byte(c>>16), byte(c>>8), byte(c)
		out[i] = hex.EncodeToString(b)
	}
	return out
}
