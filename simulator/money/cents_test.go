package money

import (
	"math"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		in   string
		want Cents
	}{
		{"0", 0},
		{"0.00", 0},
		{"100", 10000},
		{"100.0", 10000},
		{"100.00", 10000},
		{"45.75", 4575},
		{"45.7", 4570},
		{"0.05", 5},
		{"007.50", 750},
		{"92233720368547758.07", math.MaxInt64},
	}
	for _, tt := range tests {
		got, err := Parse(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("Parse(%q) = %d, %v; want %d, nil", tt.in, got, err, tt.want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		in      string
		wantErr string
	}{
		{"", "up to two decimals"},
		{"100.001", "up to two decimals"},
		{"-1", "up to two decimals"},
		{"+1", "up to two decimals"},
		{"1e2", "up to two decimals"},
		{"1,000.00", "up to two decimals"},
		{"1 000", "up to two decimals"},
		{" 1", "up to two decimals"},
		{".5", "up to two decimals"},
		{"5.", "up to two decimals"},
		{".", "up to two decimals"},
		{"1.2.3", "up to two decimals"},
		{"$1", "up to two decimals"},
		{"1.x", "up to two decimals"},
		{"١٠٠", "up to two decimals"}, // Arabic-Indic digits
		{"92233720368547758.08", "too large"},
		{"99999999999999999999", "up to two decimals"}, // overflows the integer part
	}
	for _, tt := range tests {
		got, err := Parse(tt.in)
		if err == nil {
			t.Errorf("Parse(%q) = %d, nil; want an error", tt.in, got)
			continue
		}
		if !strings.Contains(err.Error(), tt.wantErr) || !strings.Contains(err.Error(), tt.in) {
			t.Errorf("Parse(%q) error %q; want it to quote the input and say %q", tt.in, err, tt.wantErr)
		}
	}
}

func TestCentsString(t *testing.T) {
	tests := []struct {
		in   Cents
		want string
	}{
		{0, "0.00"},
		{5, "0.05"},
		{50, "0.50"},
		{4575, "45.75"},
		{10000, "100.00"},
		{123456789, "1234567.89"},
		{-100, "-1.00"},
		{-5, "-0.05"},
		{math.MaxInt64, "92233720368547758.07"},
		{math.MinInt64, "-92233720368547758.08"},
	}
	for _, tt := range tests {
		if got := tt.in.String(); got != tt.want {
			t.Errorf("Cents(%d).String() = %q; want %q", int64(tt.in), got, tt.want)
		}
	}
}

func TestCentsRoundTrip(t *testing.T) {
	for c := Cents(0); c < 100000; c += 7 {
		got, err := Parse(c.String())
		if err != nil || got != c {
			t.Fatalf("Parse(%q) = %d, %v; want %d", c.String(), got, err, c)
		}
	}
}
