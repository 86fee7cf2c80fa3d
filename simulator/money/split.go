package money

import "math/bits"

// Wholesale rates in tenths of a percent (per mille) and ClickBank's fixed
// per-sale fee (docs/clickbank.md §5).
const (
	// WholesaleRate is the share of the retail price ClickBank pays for a
	// sale, in per mille: 92.5%.
	WholesaleRate = 925
	// RebillWholesaleRate is the wholesale share for a rebill of a
	// subscription priced under [RebillThreshold], in per mille: 90.1%.
	RebillWholesaleRate = 901
	// RebillThreshold is the price under which [RebillWholesaleRate]
	// applies to rebills: $40.00.
	RebillThreshold = Cents(4000)
	// TransactionFee is the fixed part ClickBank keeps from each sale:
	// $1.00, taken from the wholesale amount.
	TransactionFee = Cents(100)
)

// Sale is one sale to split between ClickBank, the vendor and the
// affiliate. The zero value is a $0.00 sale without an affiliate.
type Sale struct {
	// Price is the retail price the customer paid, in USD cents. A negative
	// price (a refund) splits as the negation of the positive price's split.
	Price Cents
	// Commission is the affiliate's share of the net amount; values outside
	// 0..MaxPercent are clamped. Ignored without an affiliate.
	Commission Percent
	// HasAffiliate says whether an affiliate referred the sale. Without one
	// the vendor keeps the whole net.
	HasAffiliate bool
	// Rebill marks a recurring charge of a subscription; under
	// RebillThreshold it is bought at RebillWholesaleRate.
	Rebill bool
	// Rounding says whether the net (the default) or ClickBank's fee is
	// rounded to the cent.
	Rounding Rounding
}

// Split is how one sale's price is shared. For every sale
// Vendor + Affiliate + Fee == Price and Net == Vendor + Affiliate.
type Split struct {
	Price     Cents // what the customer paid
	Fee       Cents // what ClickBank keeps: Price − Net
	Net       Cents // wholesale − $1.00, never below 0.00
	Affiliate Cents // the affiliate's commission on Net, rounded half up
	Vendor    Cents // Net − Affiliate
}

// SplitSale splits a (non-rebill) sale: shorthand for
// Sale{Price: price, Commission: commission, HasAffiliate: hasAffiliate}.Split().
func SplitSale(price Cents, commission Percent, hasAffiliate bool) Split {
	return Sale{Price: price, Commission: commission, HasAffiliate: hasAffiliate}.Split()
}

// Split applies ClickBank's model (see the package documentation): each of
// the two multiplications is rounded to the nearest cent, halves up; the
// first gives the net or, under RoundFee, ClickBank's fee.
func (s Sale) Split() Split {
	neg := s.Price < 0
	price := uint64(s.Price)
	if neg {
		price = -price // two's complement: also right for math.MinInt64
	}
	rate := uint64(WholesaleRate)
	if s.Rebill && price < uint64(RebillThreshold) {
		rate = RebillWholesaleRate
	}
	var net uint64
	if s.Rounding == RoundFee {
		fee := mulDivRound(price, 1000-rate, 1000) + uint64(TransactionFee)
		if price > fee {
			net = price - fee
		}
	} else if net = mulDivRound(price, rate, 1000); net > uint64(TransactionFee) {
		net -= uint64(TransactionFee)
	} else {
		net = 0
	}
	var aff uint64
	if s.HasAffiliate {
		c := min(max(s.Commission, 0), MaxPercent)
		aff = mulDivRound(net, uint64(c), uint64(MaxPercent))
	}
	sp := Split{Net: Cents(net), Affiliate: Cents(aff), Vendor: Cents(net - aff)}
	if neg {
		sp.Net, sp.Affiliate, sp.Vendor = -sp.Net, -sp.Affiliate, -sp.Vendor
	}
	sp.Price = s.Price
	sp.Fee = s.Price - sp.Net
	return sp
}

// mulDivRound returns a·num/den rounded to the nearest integer, halves up,
// computed in 128 bits. It requires num <= den (so the result fits) and
// den > 0.
func mulDivRound(a, num, den uint64) uint64 {
	hi, lo := bits.Mul64(a, num)
	lo, carry := bits.Add64(lo, den/2, 0)
	hi += carry
	q, _ := bits.Div64(hi, lo, den)
	return q
}
