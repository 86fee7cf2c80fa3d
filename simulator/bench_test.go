package simulator

import "testing"

// benchEvent walks the default keto funnel once and returns its initial
// purchase and the default affiliate integration.
func benchEvent(b *testing.B) (*Event, Integration) {
	b.Helper()
	c, ins, err := LoadDefaults()
	if err != nil {
		b.Fatal(err)
	}
	w, err := c.Walk(Journey{Funnel: "keto", Affiliate: "aff01", TID: "65a1f0c2e4b0a1b2c3d4e5f6",
		Tracking: map[string]string{"aff_sub1": "spring sale", "traffic_source": "facebook"}}, NewRand(1), DefaultTime)
	if err != nil {
		b.Fatal(err)
	}
	for _, in := range ins {
		if in.Role == RoleAffiliate {
			return &w.Events[1], in
		}
	}
	b.Fatal("no affiliate integration in the defaults")
	return nil, Integration{}
}

// BenchmarkBuild is the cost of building one postback: the event's macro
// values and the expanded URL.
func BenchmarkBuild(b *testing.B) {
	ev, in := benchEvent(b)
	b.ReportAllocs()
	for b.Loop() {
		if d := Build(ev, in); d.URL == "" {
			b.Fatal("empty URL")
		}
	}
}

// BenchmarkEventValues is the part of Build that computes the macro values.
func BenchmarkEventValues(b *testing.B) {
	ev, _ := benchEvent(b)
	b.ReportAllocs()
	for b.Loop() {
		ev.Values(RoleAffiliate, "aff01")
	}
}

// BenchmarkAppendURL is Build's URL alone, appended to a reused buffer.
func BenchmarkAppendURL(b *testing.B) {
	ev, in := benchEvent(b)
	buf := make([]byte, 0, 512)
	b.ReportAllocs()
	for b.Loop() {
		var ok bool
		if buf, ok = AppendURL(buf[:0], ev, in); !ok || len(buf) == 0 {
			b.Fatal("empty URL")
		}
	}
}
