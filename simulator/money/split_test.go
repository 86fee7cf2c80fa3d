package money

import (
	"math"
	"math/big"
	oldrand "math/rand"
	"math/rand/v2"
	"testing"
	"testing/quick"
)

func TestSplit(t *testing.T) {
	tests := []struct {
		name string
		sale Sale
		want Split
	}{
		{"ClickBank's example", Sale{Price: 10000, Commission: 5000, HasAffiliate: true},
			Split{Price: 10000, Fee: 850, Net: 9150, Affiliate: 4575, Vendor: 4575}},
		{"no affiliate keeps the whole net", Sale{Price: 10000, Commission: 5000},
			Split{Price: 10000, Fee: 850, Net: 9150, Affiliate: 0, Vendor: 9150}},
		{"default commission", Sale{Price: 10000, Commission: DefaultCommission, HasAffiliate: true},
			Split{Price: 10000, Fee: 850, Net: 9150, Affiliate: 2288, Vendor: 6862}}, // 2287.5 → 2288
		{"free product", Sale{Price: 0, Commission: 5000, HasAffiliate: true},
			Split{}},
		{"wholesale under the fee", Sale{Price: 108, Commission: 5000, HasAffiliate: true},
			Split{Price: 108, Fee: 108}}, // 99.9 → 100 − 100 = 0
		{"first cents of net", Sale{Price: 110, Commission: 5000, HasAffiliate: true},
			Split{Price: 110, Fee: 108, Net: 2, Affiliate: 1, Vendor: 1}}, // 101.75 → 102 − 100; 50% of 2
		{"$3.00 minimum price", Sale{Price: 300, Commission: 7500, HasAffiliate: true},
			Split{Price: 300, Fee: 122, Net: 178, Affiliate: 134, Vendor: 44}}, // 277.5 → 278 − 100; 133.5 → 134
		{"$47.00 at 75%", Sale{Price: 4700, Commission: 7500, HasAffiliate: true},
			Split{Price: 4700, Fee: 452, Net: 4248, Affiliate: 3186, Vendor: 1062}}, // 4347.5 → 4348; 3186
		{"100% commission", Sale{Price: 10000, Commission: 10000, HasAffiliate: true},
			Split{Price: 10000, Fee: 850, Net: 9150, Affiliate: 9150, Vendor: 0}},
		{"commission above 100% is clamped", Sale{Price: 10000, Commission: 20000, HasAffiliate: true},
			Split{Price: 10000, Fee: 850, Net: 9150, Affiliate: 9150, Vendor: 0}},
		{"negative commission is clamped", Sale{Price: 10000, Commission: -1, HasAffiliate: true},
			Split{Price: 10000, Fee: 850, Net: 9150, Affiliate: 0, Vendor: 9150}},
		{"rebill under $40 at 90.1%", Sale{Price: 3700, Commission: 5000, HasAffiliate: true, Rebill: true},
			Split{Price: 3700, Fee: 466, Net: 3234, Affiliate: 1617, Vendor: 1617}}, // 3333.7 → 3334 − 100; 1617
		{"rebill at $40 is at 92.5%", Sale{Price: 4000, Commission: 5000, HasAffiliate: true, Rebill: true},
			Split{Price: 4000, Fee: 400, Net: 3600, Affiliate: 1800, Vendor: 1800}},
		{"first sale under $40 is at 92.5%", Sale{Price: 3700, Commission: 5000, HasAffiliate: true},
			Split{Price: 3700, Fee: 377, Net: 3323, Affiliate: 1662, Vendor: 1661}}, // 3422.5 → 3423; 1661.5 → 1662
		{"$37.00 at 50%, fee rounded: the affiliate gets a cent less", Sale{Price: 3700, Commission: 5000, HasAffiliate: true, Rounding: RoundFee},
			Split{Price: 3700, Fee: 378, Net: 3322, Affiliate: 1661, Vendor: 1661}}, // 277.5 → 278 + 100; 3322 / 2
		{"$47.00 at 50%, net rounded", Sale{Price: 4700, Commission: 5000, HasAffiliate: true},
			Split{Price: 4700, Fee: 452, Net: 4248, Affiliate: 2124, Vendor: 2124}}, // 4347.5 → 4348 − 100
		{"$47.00 at 50%, fee rounded", Sale{Price: 4700, Commission: 5000, HasAffiliate: true, Rounding: RoundFee},
			Split{Price: 4700, Fee: 453, Net: 4247, Affiliate: 2124, Vendor: 2123}}, // 352.5 → 353 + 100; 2123.5 → 2124
		{"$100.00: both rules agree", Sale{Price: 10000, Commission: 5000, HasAffiliate: true, Rounding: RoundFee},
			Split{Price: 10000, Fee: 850, Net: 9150, Affiliate: 4575, Vendor: 4575}},
		{"fee rule: wholesale under the fee", Sale{Price: 108, Commission: 5000, HasAffiliate: true, Rounding: RoundFee},
			Split{Price: 108, Fee: 108}}, // 8.1 → 8 + 100 = 108
		{"refund mirrors the sale", Sale{Price: -10000, Commission: 5000, HasAffiliate: true},
			Split{Price: -10000, Fee: -850, Net: -9150, Affiliate: -4575, Vendor: -4575}},
		{"largest price", Sale{Price: math.MaxInt64, Commission: 5000, HasAffiliate: true},
			Split{Price: math.MaxInt64, Fee: 691752902764108286, Net: 8531619134090667521, Affiliate: 4265809567045333761, Vendor: 4265809567045333760}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.sale.Split()
			if got != tt.want {
				t.Errorf("%+v.Split() = %+v; want %+v", tt.sale, got, tt.want)
			}
			checkInvariant(t, tt.sale, got)
			if !tt.sale.Rebill && tt.sale.Rounding == RoundNet {
				if s := SplitSale(tt.sale.Price, tt.sale.Commission, tt.sale.HasAffiliate); s != got {
					t.Errorf("SplitSale = %+v; want %+v", s, got)
				}
			}
		})
	}
}

// checkInvariant checks the split's invariants and compares it with a
// reference computed with exact rationals.
func checkInvariant(t *testing.T, s Sale, sp Split) {
	t.Helper()
	if sp.Price != s.Price || sp.Vendor+sp.Affiliate+sp.Fee != sp.Price || sp.Vendor+sp.Affiliate != sp.Net {
		t.Fatalf("%+v: split %+v breaks Vendor+Affiliate+Fee == Price", s, sp)
	}
	if s.Price >= 0 && (sp.Net < 0 || sp.Affiliate < 0 || sp.Vendor < 0 || sp.Fee < 0 || sp.Net > sp.Price) {
		t.Fatalf("%+v: split %+v has a negative or excessive share", s, sp)
	}
	if !s.HasAffiliate && sp.Affiliate != 0 {
		t.Fatalf("%+v: affiliate earns %s without an affiliate", s, sp.Affiliate)
	}
	if want := referenceSplit(s); want != sp {
		t.Fatalf("%+v: split %+v; reference %+v", s, sp, want)
	}
}

// referenceSplit is the model written with big rationals, rounding half
// away from zero.
func referenceSplit(s Sale) Split {
	round := func(r *big.Rat) *big.Int {
		num, den := new(big.Int).Abs(r.Num()), r.Denom()
		q := new(big.Int).Mul(num, big.NewInt(2))
		q.Add(q, den)
		q.Quo(q, new(big.Int).Mul(den, big.NewInt(2)))
		if r.Sign() < 0 {
			q.Neg(q)
		}
		return q
	}
	price := big.NewInt(int64(s.Price))
	abs := new(big.Int).Abs(price)
	rate := int64(925)
	if s.Rebill && abs.Cmp(big.NewInt(4000)) < 0 {
		rate = 901
	}
	var net *big.Int
	if s.Rounding == RoundFee {
		fee := round(new(big.Rat).SetFrac(new(big.Int).Mul(abs, big.NewInt(1000-rate)), big.NewInt(1000)))
		net = new(big.Int).Sub(abs, fee.Add(fee, big.NewInt(100)))
	} else {
		net = round(new(big.Rat).SetFrac(new(big.Int).Mul(abs, big.NewInt(rate)), big.NewInt(1000)))
		net.Sub(net, big.NewInt(100))
	}
	if net.Sign() < 0 {
		net.SetInt64(0)
	}
	aff := new(big.Int)
	if s.HasAffiliate {
		c := min(max(int64(s.Commission), 0), 10000)
		aff = round(new(big.Rat).SetFrac(new(big.Int).Mul(net, big.NewInt(c)), big.NewInt(10000)))
	}
	vendor := new(big.Int).Sub(net, aff)
	if s.Price < 0 {
		net.Neg(net)
		aff.Neg(aff)
		vendor.Neg(vendor)
	}
	fee := new(big.Int).Sub(price, net)
	return Split{Price: s.Price, Fee: Cents(fee.Int64()), Net: Cents(net.Int64()), Affiliate: Cents(aff.Int64()), Vendor: Cents(vendor.Int64())}
}

func TestSplitInvariantEveryPrice(t *testing.T) {
	commissions := []Percent{0, 1, 999, DefaultCommission, 3333, 5000, 7500, 9999, MaxPercent}
	for price := Cents(0); price <= 100000; price++ {
		for _, c := range commissions {
			for _, rebill := range []bool{false, true} {
				s := Sale{Price: price, Commission: c, HasAffiliate: true, Rebill: rebill}
				sp := s.Split()
				if sp.Vendor+sp.Affiliate+sp.Fee != price || sp.Net < 0 || sp.Affiliate < 0 || sp.Vendor < 0 || sp.Fee < 0 {
					t.Fatalf("%+v: split %+v breaks the invariant", s, sp)
				}
			}
		}
		if price%97 == 0 {
			checkInvariant(t, Sale{Price: price, Commission: Percent(price % 10001), HasAffiliate: true}, Sale{Price: price, Commission: Percent(price % 10001), HasAffiliate: true}.Split())
		}
	}
}

func TestSplitInvariantEveryCommission(t *testing.T) {
	prices := []Cents{0, 1, 100, 108, 110, 300, 3999, 4000, 4700, 10000, 99999, 100000, 1 << 40}
	for c := Percent(-1); c <= MaxPercent+1; c++ {
		for _, p := range prices {
			s := Sale{Price: p, Commission: c, HasAffiliate: true, Rebill: c%2 == 0}
			checkInvariant(t, s, s.Split())
		}
	}
}

func TestSplitInvariantRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 100000 {
		s := Sale{
			Price:        Cents(rng.Int64N(10_000_000)),
			Commission:   Percent(rng.IntN(int(MaxPercent) + 1)),
			HasAffiliate: rng.IntN(4) != 0,
			Rebill:       rng.IntN(2) == 0,
			Rounding:     Rounding(rng.IntN(2)),
		}
		if rng.IntN(10) == 0 {
			s.Price = Cents(rng.Uint64()) // any int64, negative included
		}
		checkInvariant(t, s, s.Split())
	}
}

func TestSplitInvariantQuick(t *testing.T) {
	f := func(price int64, commission int16, hasAffiliate, rebill, fee bool) bool {
		s := Sale{Price: Cents(price), Commission: Percent(commission), HasAffiliate: hasAffiliate, Rebill: rebill}
		if fee {
			s.Rounding = RoundFee
		}
		sp := s.Split()
		return sp.Vendor+sp.Affiliate+sp.Fee == sp.Price && sp.Price == s.Price && sp == referenceSplit(s)
	}
	if err := quick.Check(f, &quick.Config{MaxCount: 20000, Rand: oldrand.New(oldrand.NewSource(1))}); err != nil {
		t.Error(err)
	}
}
