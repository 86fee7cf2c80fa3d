package money_test

import (
	"fmt"

	"github.com/cbsim/cbsim/simulator/money"
)

func ExampleSplitSale() {
	price, _ := money.Parse("100.00")
	commission, _ := money.ParsePercent("50")
	s := money.SplitSale(price, commission, true)
	fmt.Println("net", s.Net, "affiliate", s.Affiliate, "vendor", s.Vendor, "fee", s.Fee)
	// Output:
	// net 91.50 affiliate 45.75 vendor 45.75 fee 8.50
}

func ExampleRates_ToUSD() {
	eur, _ := money.ParseRate("1.0834")
	rates := money.Rates{"EUR": eur}
	usd, _ := rates.ToUSD(4700, "EUR") // €47.00
	fmt.Println(usd)
	_, err := rates.ToUSD(4700, "CHF")
	fmt.Println(err)
	// Output:
	// 50.92
	// no exchange rate for currency CHF: known are EUR, USD
}
