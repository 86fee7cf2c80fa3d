package tracker

import "testing"

func TestParseCents(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"0", 0, true},
		{"0.00", 0, true},
		{"12", 1200, true},
		{"12.5", 1250, true},
		{"45.75", 4575, true},
		{"007.10", 710, true},
		{"0.125", 13, true},  // half up
		{"0.124", 12, true},  // down
		{"0.999", 100, true}, // carries into units
		{"99999999999.99", 9999999999999, true},
		{"100000000000", 0, false},
		{"", 0, false},
		{"-1", 0, false},
		{"+1", 0, false},
		{"1e3", 0, false},
		{"1,50", 0, false},
		{".5", 0, false},
		{"5.", 0, false},
		{"1.2.3", 0, false},
		{"abc", 0, false},
		{" 1", 0, false},
		{"{affiliate_earnings}", 0, false},
	}
	for _, tt := range tests {
		got, err := parseCents(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("parseCents(%q) = %d, %v; want %d, ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func TestFormatCents(t *testing.T) {
	for in, want := range map[int64]string{0: "0.00", 5: "0.05", 4575: "45.75", 100: "1.00", -250: "-2.50"} {
		if got := formatCents(in); got != want {
			t.Errorf("formatCents(%d) = %q, want %q", in, got, want)
		}
	}
}
