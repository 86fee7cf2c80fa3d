package tracker

import (
	"context"
	"slices"
	"testing"
	"time"
)

// TestLastOrdinalIsOneIndexStep: the write path reads a pair's last ordinal
// with a backward index search that stops at the first entry (bytecode
// SeekLE … DecrJumpZero Prev), never with an aggregate over the pair's
// conversions (AggStep in a Next loop). The aggregate cost one step per
// earlier conversion, 6.5 ms a postback at 100,000 (issue 10 item 5; the
// speed itself is measured by BenchmarkPostbackHTTP, make bench-tracker).
// The statement as it was fails this test.
func TestLastOrdinalIsOneIndexStep(t *testing.T) {
	s, err := openStore(context.Background(), ":memory:", time.Now)
	if err != nil {
		t.Fatal(err)
	}
	defer s.close()
	for _, c := range []struct {
		name, q string
		params  int // EXPLAIN binds nothing, but the driver wants every parameter
	}{{"sqlClickAndLast", sqlClickAndLast, 2}, {"sqlInsertConversionFast", sqlInsertConversionFast, 13}} {
		name := c.name
		rows, err := s.w.Query("EXPLAIN "+c.q, make([]any, c.params)...)
		if err != nil {
			t.Fatalf("EXPLAIN %s: %v", name, err)
		}
		var ops []string
		for rows.Next() {
			var addr, p1, p2, p3, p4, p5, comment any
			var op string
			if err := rows.Scan(&addr, &op, &p1, &p2, &p3, &p4, &p5, &comment); err != nil {
				t.Fatal(err)
			}
			ops = append(ops, op)
		}
		rows.Close()
		if slices.Contains(ops, "AggStep") || !slices.Contains(ops, "Prev") {
			t.Errorf("%s reads the last ordinal with an aggregate, not one backward index step: %v", name, ops)
		}
	}
}
