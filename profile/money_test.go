package profile

import (
	"strings"
	"testing"
)

// TestParseCents: decimal and cents texts become exact cents; digits past
// the cent are an error (exact) or rounded half away from zero (half_up).
func TestParseCents(t *testing.T) {
	tests := []struct {
		in, unit, rounding string
		want               int64
		err                string
	}{
		{"12.34", MoneyDecimal, RoundExact, 1234, ""},
		{"12.340000", MoneyDecimal, RoundExact, 1234, ""}, // MySQL DECIMAL(11,5)
		{"0.1", MoneyDecimal, RoundExact, 10, ""},
		{"0.07", MoneyDecimal, RoundExact, 7, ""},
		{"45", MoneyDecimal, RoundExact, 4500, ""},
		{"-3.5", MoneyDecimal, RoundExact, -350, ""},
		{"1.2345e1", MoneyDecimal, RoundHalfUp, 1235, ""},
		{"1.234e1", MoneyDecimal, RoundExact, 1234, ""},
		{"5E-2", MoneyDecimal, RoundExact, 5, ""},
		{"", MoneyDecimal, RoundExact, 0, ""},
		{" 7.00 ", MoneyDecimal, RoundExact, 700, ""},
		{"0e999", MoneyDecimal, RoundExact, 0, ""},
		{".5", MoneyDecimal, RoundExact, 50, ""},
		{"12.345", MoneyDecimal, RoundExact, 0, "digit past the cent"},
		{"12.345", MoneyDecimal, RoundHalfUp, 1235, ""},
		{"12.3449", MoneyDecimal, RoundHalfUp, 1234, ""},
		{"-12.345", MoneyDecimal, RoundHalfUp, -1235, ""},
		{"0.005", MoneyDecimal, RoundHalfUp, 1, ""},
		{"0.004999", MoneyDecimal, RoundHalfUp, 0, ""},
		{"1234", MoneyCents, RoundExact, 1234, ""},
		{"1234.0", MoneyCents, RoundExact, 1234, ""},
		{"1234.5", MoneyCents, RoundExact, 0, "digit past the cent"},
		{"1234.5", MoneyCents, RoundHalfUp, 1235, ""},
		{"92233720368547758.07", MoneyDecimal, RoundExact, 0, "out of range"},
		{"9999999999999999.99", MoneyDecimal, RoundExact, 999999999999999999, ""},
		{"1e41", MoneyDecimal, RoundExact, 0, "out of range"},
		{"12,34", MoneyDecimal, RoundExact, 0, "not a number"},
		{"abc", MoneyDecimal, RoundExact, 0, "not a number"},
		{"1e", MoneyDecimal, RoundExact, 0, "not a number"},
		{".", MoneyDecimal, RoundExact, 0, "not a number"},
		{"--1", MoneyDecimal, RoundExact, 0, "not a number"},
		{"+1", MoneyDecimal, RoundExact, 0, "not a number"},
		{"NaN", MoneyDecimal, RoundExact, 0, "not a number"},
		{"1e+-2", MoneyDecimal, RoundExact, 0, "not a number"},
	}
	for _, tt := range tests {
		got, err := parseCents(tt.in, tt.unit, tt.rounding)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("parseCents(%q, %s, %s) = %d, %v; want error %q", tt.in, tt.unit, tt.rounding, got, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("parseCents(%q, %s, %s) = %d, %v; want %d", tt.in, tt.unit, tt.rounding, got, err, tt.want)
		}
	}
}

// TestFormatCents prints two decimals.
func TestFormatCents(t *testing.T) {
	for c, want := range map[int64]string{0: "0.00", 137: "1.37", -5: "-0.05", 4575: "45.75", -9223372036854775808: "-92233720368547758.08"} {
		if got := FormatCents(c); got != want {
			t.Errorf("FormatCents(%d) = %s, want %s", c, got, want)
		}
	}
}

// FuzzParseCents: an answer is consistent with printing: a cents value
// parsed from its own two-decimal print comes back the same, and an exact
// parse agrees with half_up whenever it succeeds.
func FuzzParseCents(f *testing.F) {
	for _, s := range []string{"12.34", "0.005", "-1e2", "1234.50000", "9e17", ".5", "1e-3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		exact, errE := parseCents(s, MoneyDecimal, RoundExact)
		half, errH := parseCents(s, MoneyDecimal, RoundHalfUp)
		if errE == nil && (errH != nil || half != exact) {
			t.Fatalf("%q: exact %d, half_up %d, %v", s, exact, half, errH)
		}
		if errH != nil {
			return
		}
		back, err := parseCents(FormatCents(half), MoneyDecimal, RoundExact)
		if err != nil || back != half {
			t.Fatalf("%q → %d → %s → %d, %v", s, half, FormatCents(half), back, err)
		}
	})
}
