package macro

import (
	"net/url"
	"strings"
	"testing"
)

// TestExpandAroundStackBuffer expands results of every length around the
// size of Expand's stack buffer, with values that need escaping or not, so
// that both Expand's one-pass path and expandLarge (with its slots, and
// without when there are more than maxSlots replacements) are compared with
// the reference.
func TestExpandAroundStackBuffer(t *testing.T) {
	for _, v := range []string{"x", "a b", "é/?", strings.Repeat("v", 200), strings.Repeat("a b&", 60)} {
		for pad := stackBuf - 3*len(v) - 40; pad <= stackBuf+10; pad++ {
			if pad < 0 {
				continue
			}
			for _, tmpl := range []string{
				"/{tid}/" + strings.Repeat("p", pad) + "?a={tid}&z={postal_code}&u={nope}",
				"?" + strings.Repeat("q", pad) + "={tid}",
				"{tid}" + strings.Repeat("{x}", pad/3),
				strings.Repeat("{tid}", pad/5+1),
			} {
				values := Values{"tid": v}
				if got, want := Expand(tmpl, values), referenceExpandIdx(tmpl, values); got != want {
					t.Fatalf("Expand(%q, tid=%q) = %q; reference %q", tmpl, v, got, want)
				}
				if n := testing.AllocsPerRun(5, func() { Expand(tmpl, values) }); n > 1 {
					t.Fatalf("Expand(%q, tid=%q) allocates %v times", tmpl, v, n)
				}
			}
		}
	}
}

// TestNameLen compares nameLen, which tests four bytes a step, with a byte
// by byte loop, for every byte at every position of a name.
func TestNameLen(t *testing.T) {
	want := func(s string) int {
		n := 0
		for n < len(s) && ('a' <= s[n] && s[n] <= 'z' || '0' <= s[n] && s[n] <= '9' || s[n] == '_') {
			n++
		}
		return n
	}
	for c := 0; c < 256; c++ {
		for size := 0; size <= 13; size++ {
			for pos := 0; pos <= size; pos++ {
				b := []byte(strings.Repeat("a_9", 5)[:size])
				if pos < size {
					b[pos] = byte(c)
				}
				if s := string(b); nameLen(s) != want(s) {
					t.Fatalf("nameLen(%q) = %d; want %d", s, nameLen(s), want(s))
				}
			}
		}
	}
}

// TestAllClass compares allClass, which tests four or eight bytes a step,
// with url.QueryEscape and url.PathEscape, for every byte at every position
// of a value.
func TestAllClass(t *testing.T) {
	for c := 0; c < 256; c++ {
		for size := 0; size <= 25; size++ {
			for pos := 0; pos <= size; pos++ {
				b := []byte(strings.Repeat("aZ9-._~", 4)[:size])
				if pos < size {
					b[pos] = byte(c)
				}
				s := string(b)
				if got, want := allClass(s, querySafe), url.QueryEscape(s) == s; got != want {
					t.Fatalf("allClass(%q, querySafe) = %v; want %v", s, got, want)
				}
				if got, want := allClass(s, pathSafe), url.PathEscape(s) == s; got != want {
					t.Fatalf("allClass(%q, pathSafe) = %v; want %v", s, got, want)
				}
			}
		}
	}
}
