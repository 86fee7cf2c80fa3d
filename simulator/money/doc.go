// Package money holds ClickBank's money model in integer cents: amounts
// ([Cents]), commission rates ([Percent]), the split of a sale between
// ClickBank, the vendor and the affiliate ([Sale], [Split]) and currency
// conversion to USD ([Rates]).
//
// The package is pure: no I/O, no clock, no randomness, no package-level
// mutable state.
//
// # The split (docs/clickbank.md §5)
//
// ClickBank buys each sale at wholesale and keeps the difference:
//
//	wholesale  = 92.5% of price (90.1% for rebills of subscriptions priced under $40.00)
//	net        = wholesale − $1.00, never below 0.00
//	affiliate  = commission% of net (0 without an affiliate)
//	vendor     = net − affiliate
//	fee        = price − net
//
// # The rounding rule
//
// Every product of an amount and a rate is rounded to the nearest cent,
// halves away from zero ("half up" for the positive amounts of a sale). It
// is applied at the two multiplications of the split and once in a currency
// conversion ([Rates.ToUSD], [Rates.FromUSD]). The first multiplication of
// the split gives the wholesale amount by default ([RoundNet]) or, under
// [RoundFee], ClickBank's 7.5%: which one ClickBank rounds is not public,
// and the two differ by a cent when 7.5% of the price ends in half a cent
// ($37.00 at 50%: affiliate 16.62 under RoundNet, 16.61 under RoundFee).
// Everything else is exact integer subtraction, so for every price,
// commission and rounding
//
//	Vendor + Affiliate + Fee == Price
//
// to the cent. ClickBank's own example: $100.00 at 50% gives net 91.50,
// affiliate 45.75, vendor 45.75, fee 8.50. A $0.00 product (or one so cheap
// that wholesale is under $1.00) earns 0.00 for both parties and the whole
// price is the fee.
//
// Intermediate products are computed in 128 bits, so no amount that fits in
// [Cents] overflows.
//
// # Currencies
//
// A [Cents] value is always one hundredth of its currency's unit, whatever
// the currency: 1000 [Cents] of JPY means ¥10.00. Real yen have no minor
// unit; the simulator accepts that simplification so that one amount type
// and one formatter serve every currency.
package money
