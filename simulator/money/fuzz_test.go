package money

import (
	"math"
	"math/big"
	"strings"
	"testing"
)

// isDecimal reports whether s is ASCII digits with an optional point and
// 1 to maxFrac decimals: the only shape the parsers of this package accept.
func isDecimal(s string, maxFrac int) bool {
	whole, frac, hasDot := strings.Cut(s, ".")
	if whole == "" || (hasDot && (frac == "" || len(frac) > maxFrac)) {
		return false
	}
	for _, part := range []string{whole, frac} {
		for i := 0; i < len(part); i++ {
			if part[i] < '0' || part[i] > '9' {
				return false
			}
		}
	}
	return true
}

// decimalRat reads digits[.digits] exactly.
func decimalRat(t *testing.T, s string) *big.Rat {
	t.Helper()
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		t.Fatalf("big.Rat cannot read %q", s)
	}
	return r
}

// FuzzParse: Parse accepts exactly digits with up to two decimals that fit
// in Cents, reads them exactly, and String writes a form Parse reads back
// to the same amount.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"0", "0.00", "45.75", "45.7", "007.50", "100", "92233720368547758.07",
		"92233720368547758.08", "99999999999999999999", "1e2", "-1", "+1", " 1", "1.", ".5", "1.234", "1,000", "٣", "1.5\x00"} {
		f.Add(s, int64(0))
	}
	f.Add("", int64(math.MaxInt64))
	f.Add("", int64(math.MinInt64))
	f.Add("", int64(-1))
	f.Fuzz(func(t *testing.T, s string, n int64) {
		c, err := Parse(s)
		if err == nil {
			if !isDecimal(s, 2) {
				t.Fatalf("Parse(%q) = %d; want an error: not digits with up to two decimals", s, c)
			}
			if got := new(big.Rat).SetFrac64(int64(c), 100); got.Cmp(decimalRat(t, s)) != 0 {
				t.Fatalf("Parse(%q) = %d cents, not the exact amount", s, c)
			}
			if back, err := Parse(c.String()); err != nil || back != c {
				t.Fatalf("Parse(%q.String() = %q) = %d, %v; want %d", s, c.String(), back, err, c)
			}
		} else if isDecimal(s, 2) && decimalRat(t, s).Cmp(new(big.Rat).SetFrac64(math.MaxInt64, 100)) <= 0 {
			t.Fatalf("Parse(%q): %v; want it accepted", s, err)
		}
		// parse(format(x)) == x for every non-negative amount; a negative
		// one formats with a sign Parse refuses.
		x := Cents(n)
		back, err := Parse(x.String())
		switch {
		case x >= 0 && (err != nil || back != x):
			t.Fatalf("Parse(Cents(%d).String() = %q) = %d, %v", n, x.String(), back, err)
		case x < 0 && err == nil:
			t.Fatalf("Parse(%q) = %d; want an error for a negative amount", x.String(), back)
		}
		if s := x.String(); len(s) < 4 || s[len(s)-3] != '.' {
			t.Fatalf("Cents(%d).String() = %q; want exactly two decimals", n, s)
		}
	})
}

// FuzzParsePercent: ParsePercent accepts exactly 0 to 100 with up to two
// decimals, reads them exactly, and String round-trips.
func FuzzParsePercent(f *testing.F) {
	for _, s := range []string{"0", "50", "50.5", "7.25", "100", "100.00", "100.01", "101", "-1", "50%", "1e1", "0.001", "00000000000000000000100", "18446744073709551616"} {
		f.Add(s, 0)
	}
	f.Add("", 10000)
	f.Add("", -1)
	f.Add("", 10001)
	f.Fuzz(func(t *testing.T, s string, n int) {
		p, err := ParsePercent(s)
		if err == nil {
			if !isDecimal(s, 2) {
				t.Fatalf("ParsePercent(%q) = %d; want an error", s, p)
			}
			if p < 0 || p > MaxPercent {
				t.Fatalf("ParsePercent(%q) = %d basis points, outside 0..%d", s, p, MaxPercent)
			}
			if got := big.NewRat(int64(p), 100); got.Cmp(decimalRat(t, s)) != 0 {
				t.Fatalf("ParsePercent(%q) = %d basis points, not the exact rate", s, p)
			}
			if back, err := ParsePercent(p.String()); err != nil || back != p {
				t.Fatalf("ParsePercent(%q.String() = %q) = %d, %v; want %d", s, p.String(), back, err, p)
			}
		} else if isDecimal(s, 2) && decimalRat(t, s).Cmp(big.NewRat(100, 1)) <= 0 {
			t.Fatalf("ParsePercent(%q): %v; want it accepted", s, err)
		}
		if x := Percent(n); x >= 0 && x <= MaxPercent {
			if back, err := ParsePercent(x.String()); err != nil || back != x {
				t.Fatalf("ParsePercent(Percent(%d).String() = %q) = %d, %v", n, x.String(), back, err)
			}
		}
	})
}

// FuzzParseRate: ParseRate accepts exactly positive decimals with up to
// nine decimals, String round-trips, JSON strings and numbers read alike,
// and ToUSD rounds the exact product to the nearest cent, halves away from
// zero.
func FuzzParseRate(f *testing.F) {
	for _, s := range []string{"1", "1.0834", "0.006689", "0.000000001", "0.0000000001", "0", "0.000", "9223372036.854775807",
		"9223372036.854775808", "-1", "1e3", "1.", "\"1\"", "null"} {
		f.Add(s, int64(4575))
	}
	f.Add("1.5", int64(math.MaxInt64))
	f.Add("0.5", int64(math.MinInt64))
	f.Add("0.5", int64(-1))
	f.Add("0.5", int64(1))
	f.Fuzz(func(t *testing.T, s string, amount int64) {
		r, err := ParseRate(s)
		if err != nil {
			if isDecimal(s, rateDecimals) {
				v := decimalRat(t, s)
				if v.Sign() > 0 && v.Cmp(new(big.Rat).SetFrac64(math.MaxInt64, rateScale)) <= 0 {
					t.Fatalf("ParseRate(%q): %v; want it accepted", s, err)
				}
			}
			var j Rate
			if s != "null" && j.UnmarshalJSON([]byte(s)) == nil && !strings.HasPrefix(s, `"`) {
				t.Fatalf("UnmarshalJSON(%s) accepted what ParseRate refuses", s)
			}
			return
		}
		if !isDecimal(s, rateDecimals) || r.IsZero() {
			t.Fatalf("ParseRate(%q) = %v; want an error", s, r)
		}
		exact := big.NewRat(r.nano, rateScale)
		if exact.Cmp(decimalRat(t, s)) != 0 {
			t.Fatalf("ParseRate(%q) = %s, not the exact rate", s, r)
		}
		if back, err := ParseRate(r.String()); err != nil || back != r {
			t.Fatalf("ParseRate(%q.String() = %q) = %v, %v", s, r.String(), back, err)
		}
		for _, js := range []string{s, `"` + s + `"`} {
			var j Rate
			if err := j.UnmarshalJSON([]byte(js)); err != nil || j != r {
				t.Fatalf("UnmarshalJSON(%s) = %v, %v; want %v", js, j, err, r)
			}
		}

		got, err := Rates{"EUR": r}.ToUSD(Cents(amount), "EUR")
		// The exact product in cents, rounded half away from zero.
		prod := new(big.Rat).Mul(big.NewRat(amount, 1), exact)
		abs := new(big.Rat).Abs(prod)
		q := new(big.Int).Quo(new(big.Int).Add(new(big.Int).Mul(abs.Num(), big.NewInt(2)), abs.Denom()), new(big.Int).Mul(abs.Denom(), big.NewInt(2)))
		if prod.Sign() < 0 {
			q.Neg(q)
		}
		if !q.IsInt64() {
			if err == nil {
				t.Fatalf("ToUSD(%d, rate %s) = %d; want an error: %s does not fit", amount, r, got, q)
			}
			return
		}
		if err != nil || int64(got) != q.Int64() {
			t.Fatalf("ToUSD(%d, rate %s) = %d, %v; want %s", amount, r, got, err, q)
		}
	})
}
