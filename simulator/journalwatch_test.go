package simulator

import (
	"strconv"
	"testing"
)

// TestJournalChanged: the channel closes at the next record, note and
// Reset, and not before.
func TestJournalChanged(t *testing.T) {
	var j Journal
	for _, c := range []struct {
		name   string
		change func()
	}{
		{"record", func() { j.record(Delivery{}) }},
		{"note", func() { j.note(Note{Text: "n"}) }},
		{"reset", j.Reset},
	} {
		ch := j.Changed()
		select {
		case <-ch:
			t.Fatalf("%s: closed before the change", c.name)
		default:
		}
		c.change()
		select {
		case <-ch:
		default:
			t.Fatalf("%s: not closed by the change", c.name)
		}
	}
}

// TestJournalChanges: a reader's cursor reads what came after it; a
// rolled-off number starts at the oldest kept; a Reset, or a cursor past
// the end, says Reset and starts from the oldest kept.
func TestJournalChanges(t *testing.T) {
	j := Journal{Capacity: 3}
	rec := func(n int) {
		for range n {
			j.record(Delivery{EventID: strconv.Itoa(int(j.Cursor().Deliveries))})
		}
	}
	ids := func(ch JournalChanges) string {
		var s string
		for _, d := range ch.Deliveries {
			if n, _ := d.Number(); strconv.FormatInt(n, 10) != d.EventID {
				t.Errorf("delivery %s numbered %d", d.EventID, n)
			}
			s += d.EventID
		}
		return s
	}
	start := j.Cursor()
	rec(2)
	j.note(Note{Text: "a"})
	ch := j.Changes(start, 10)
	if ch.Reset || ids(ch) != "01" || len(ch.Notes) != 1 || ch.Next.Deliveries != 2 || ch.Next.Notes != 1 {
		t.Fatalf("after 2: %+v", ch)
	}
	if again := j.Changes(ch.Next, 10); again.Reset || len(again.Deliveries) != 0 || len(again.Notes) != 0 {
		t.Fatalf("nothing new: %+v", again)
	}
	rec(3) // 0 and 1 roll off
	if ch := j.Changes(start, 2); ids(ch) != "23" || ch.Offset != 2 || ch.Next.Deliveries != 4 {
		t.Fatalf("rolled off, limit 2: %q from %d, next %d", ids(ch), ch.Offset, ch.Next.Deliveries)
	}
	mark := j.Cursor()
	j.Reset()
	rec(1)
	if ch := j.Changes(mark, 10); !ch.Reset || ids(ch) != "0" {
		t.Fatalf("after a Reset: reset %v, %q", ch.Reset, ids(ch))
	}
	past := j.Cursor()
	past.Deliveries = 9
	if ch := j.Changes(past, 10); !ch.Reset || ids(ch) != "0" || ch.Next.Deliveries != 1 {
		t.Fatalf("past the end: reset %v, %q, next %d", ch.Reset, ids(ch), ch.Next.Deliveries)
	}
}

// TestJournalGet: Get finds a delivery by number while it is kept.
func TestJournalGet(t *testing.T) {
	j := Journal{Capacity: 2}
	for i := range 3 {
		j.record(Delivery{EventID: strconv.Itoa(i)})
	}
	for n, want := range map[int64]string{0: "", 1: "1", 2: "2", 3: "", -1: ""} {
		d, ok := j.Get(n)
		if ok != (want != "") || d.EventID != want {
			t.Errorf("Get(%d) = %q, %v; want %q", n, d.EventID, ok, want)
		}
	}
}
