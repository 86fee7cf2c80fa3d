package simulator

import (
	"strconv"
	"testing"
)

// TestJournalIsBounded: a zero journal keeps at most 10000 deliveries
// (DefaultJournalCapacity); a long-running `cbsim serve` used to keep all.
func TestJournalIsBounded(t *testing.T) {
	var j Journal
	for i := range 10005 {
		j.record(Delivery{EventID: strconv.Itoa(i)})
	}
	ds := j.Deliveries()
	if len(ds) != 10000 || ds[0].EventID != "5" || ds[len(ds)-1].EventID != "10004" {
		t.Fatalf("journal kept %d deliveries (first %q); want the last 10000", len(ds), ds[0].EventID)
	}
}

// TestJournalPage: deliveries keep their numbers as older ones roll off;
// a page from an offset that rolled off starts at the oldest kept.
func TestJournalPage(t *testing.T) {
	j := Journal{Capacity: 3}
	for i := range 5 {
		j.record(Delivery{EventID: strconv.Itoa(i)})
	}
	j.note(Note{Text: "a"}, Note{Text: "b"}, Note{Text: "c"}, Note{Text: "d"})
	ids := func(ds []Delivery) string {
		var s string
		for _, d := range ds {
			s += d.EventID
		}
		return s
	}
	for _, c := range []struct {
		name        string
		offset      int64
		limit       int
		ids         string
		first, next int64
	}{
		{"RolledOffStartsAtOldest", 0, 2, "23", 2, 4},
		{"Middle", 3, 10, "34", 3, 5},
		{"End", 5, 10, "", 5, 5},
		{"BeyondEnd", 99, 10, "", 5, 5},
		{"ZeroLimit", 2, 0, "", 2, 2},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := j.Page(c.offset, c.limit)
			if ids(p.Deliveries) != c.ids || p.Offset != c.first || p.Next() != c.next || p.Total != 5 || p.RolledOff != 2 {
				t.Fatalf("Page(%d, %d) = %q offset %d next %d total %d rolled %d; want %q offset %d next %d total 5 rolled 2",
					c.offset, c.limit, ids(p.Deliveries), p.Offset, p.Next(), p.Total, p.RolledOff, c.ids, c.first, c.next)
			}
		})
	}
	if d, n := j.RolledOff(); d != 2 || n != 1 || len(j.Notes()) != 3 || j.Notes()[0].Text != "b" {
		t.Fatalf("rolled off %d deliveries and %d notes, notes %v; want 2, 1, [b c d]", d, n, j.Notes())
	}
	j.Reset()
	if d, n := j.RolledOff(); d != 0 || n != 0 || j.Page(0, 10).Total != 0 {
		t.Fatalf("after Reset: rolled off %d, %d", d, n)
	}
}
