package faketracker

import (
	"math/big"
	"strconv"
	"strings"
)

// Prosper202 keeps money in MySQL DECIMAL(11,5) columns (202_clicks.
// click_payout, installer CREATE TABLE; 202_conversion_logs.click_payout,
// read back by api/V3/Controllers/ConversionsController.php). The fake
// keeps such an amount as an integer count of 1e-5 units, so it rounds
// and clamps as MySQL does.

// decimal5 is an amount in units of 0.00001, as DECIMAL(11,5) stores it.
type decimal5 int64

// maxDecimal5 is the largest DECIMAL(11,5): 999999.99999.
const maxDecimal5 decimal5 = 99999999999

// parseDecimal5 converts a numeric string as MySQL converts it on insert
// into a DECIMAL(11,5) column with sql_mode=” (what api/V3/Bootstrap.php
// sets): rounded half away from zero to five places and clamped to the
// column's range. ok is false for a string that is not numeric.
func parseDecimal5(s string) (d decimal5, ok bool) {
	s = strings.TrimSpace(s)
	if !isNumeric(s) {
		return 0, false
	}
	r, ok := new(big.Rat).SetString(strings.TrimPrefix(s, "+"))
	if !ok {
		return 0, false
	}
	r.Mul(r, big.NewRat(100000, 1))
	num, den := r.Num(), r.Denom()
	q, m := new(big.Int).QuoRem(num, den, new(big.Int))
	// half away from zero: |2m| >= den moves q one step away from zero
	if new(big.Int).Abs(new(big.Int).Lsh(m, 1)).Cmp(den) >= 0 {
		if num.Sign() < 0 {
			q.Sub(q, big.NewInt(1))
		} else {
			q.Add(q, big.NewInt(1))
		}
	}
	switch {
	case q.Cmp(big.NewInt(int64(maxDecimal5))) > 0:
		return maxDecimal5, true
	case q.Cmp(big.NewInt(-int64(maxDecimal5))) < 0:
		return -maxDecimal5, true
	}
	return decimal5(q.Int64()), true
}

// decimal5FromCents converts whole cents.
func decimal5FromCents(c int64) decimal5 { return decimal5(c * 1000) }

// String prints the amount as MySQL returns the column: five places
// ("25.00000").
func (d decimal5) String() string {
	neg := d < 0
	if neg {
		d = -d
	}
	s := strconv.FormatInt(int64(d)/100000, 10) + "." + leftPad(strconv.FormatInt(int64(d)%100000, 10), 5)
	if neg {
		s = "-" + s
	}
	return s
}

// float is the amount as a PHP float, which the newest API serves.
func (d decimal5) float() float64 { return float64(d) / 100000 }

func leftPad(s string, n int) string {
	if len(s) >= n {
		return s
	}
	return strings.Repeat("0", n-len(s)) + s
}
