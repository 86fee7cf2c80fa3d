package simulator

import (
	"testing"
	"time"
)

func TestClock(t *testing.T) {
	real := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	c := &Clock{Base: func() time.Time { return real }}
	if got := c.Now(); !got.Equal(real) {
		t.Fatalf("Now = %s, want the base time %s", got, real)
	}
	if got := c.Advance(61 * 24 * time.Hour); !got.Equal(real.AddDate(0, 0, 61)) {
		t.Fatalf("after Advance(61d) Now = %s, want %s", got, real.AddDate(0, 0, 61))
	}
	real = real.Add(time.Hour) // the real clock goes on; the offset stays
	if got := c.Now(); !got.Equal(real.AddDate(0, 0, 61)) {
		t.Fatalf("an hour later Now = %s, want %s", got, real.AddDate(0, 0, 61))
	}
	at := time.Date(2030, 5, 6, 7, 8, 9, 0, time.UTC)
	if got := c.Set(at); !got.Equal(at) {
		t.Fatalf("Set(%s) = %s", at, got)
	}
	if c.Offset() != at.Sub(real) {
		t.Fatalf("Offset = %s, want %s", c.Offset(), at.Sub(real))
	}
	var none *Clock
	if none.Offset() != 0 || time.Since(none.Now()) > time.Minute {
		t.Fatal("a nil clock must read the real time with no offset")
	}
}
