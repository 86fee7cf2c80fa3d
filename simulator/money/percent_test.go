package money

import (
	"strings"
	"testing"
)

func TestParsePercent(t *testing.T) {
	tests := []struct {
		in   string
		want Percent
	}{
		{"0", 0},
		{"50", 5000},
		{"50.5", 5050},
		{"50.50", 5050},
		{"7.25", 725},
		{"0.01", 1},
		{"100", 10000},
		{"100.00", 10000},
		{"25", DefaultCommission},
	}
	for _, tt := range tests {
		got, err := ParsePercent(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ParsePercent(%q) = %d, %v; want %d, nil", tt.in, got, err, tt.want)
		}
	}
}

func TestParsePercentErrors(t *testing.T) {
	tests := []struct {
		in      string
		wantErr string
	}{
		{"", "from 0 to 100"},
		{"100.01", "at most 100"},
		{"101", "at most 100"},
		{"-1", "from 0 to 100"},
		{"50%", "from 0 to 100"},
		{"7.255", "two decimals"},
		{"5e1", "from 0 to 100"},
		{"0.5.", "from 0 to 100"},
		{"99999999999999999999", "from 0 to 100"},
	}
	for _, tt := range tests {
		got, err := ParsePercent(tt.in)
		if err == nil {
			t.Errorf("ParsePercent(%q) = %d, nil; want an error", tt.in, got)
			continue
		}
		if !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("ParsePercent(%q) error %q; want it to say %q", tt.in, err, tt.wantErr)
		}
	}
}

func TestPercentString(t *testing.T) {
	tests := []struct {
		in   Percent
		want string
	}{
		{0, "0"},
		{5000, "50"},
		{5050, "50.5"},
		{725, "7.25"},
		{1, "0.01"},
		{10, "0.1"},
		{10000, "100"},
		{-5050, "-50.5"},
	}
	for _, tt := range tests {
		if got := tt.in.String(); got != tt.want {
			t.Errorf("Percent(%d).String() = %q; want %q", int(tt.in), got, tt.want)
		}
	}
	for p := Percent(0); p <= MaxPercent; p++ {
		got, err := ParsePercent(p.String())
		if err != nil || got != p {
			t.Fatalf("ParsePercent(%q) = %d, %v; want %d", p.String(), got, err, p)
		}
	}
}
