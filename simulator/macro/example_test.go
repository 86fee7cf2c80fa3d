package macro_test

import (
	"fmt"

	"github.com/cbsim/cbsim/simulator/macro"
)

func ExampleExpand() {
	tmpl := "https://trk.example.com/postback?clickid={tid}&sum={affiliate_earnings}&zip={postal_code}&sub1={aff_sub1}&x={clickid}&type=InitialPurchase"
	var v macro.Values
	v.Set("tid", "abc123")
	v.Set("affiliate_earnings", "45.75")
	v.Set("aff_sub1", "spring sale&more")
	fmt.Println(macro.Expand(tmpl, &v))
	// Output:
	// https://trk.example.com/postback?clickid=abc123&sum=45.75&zip=&sub1=spring+sale%26more&x={clickid}&type=InitialPurchase
}

func ExampleTokens() {
	for _, tok := range macro.Tokens("?clickid={vtid}&sum={affiliate_earnings}&x={foo}") {
		m, known := macro.Lookup(tok.Name)
		fmt.Println(tok.Name, tok.Start, tok.End, known, m.Roles)
	}
	// Output:
	// vtid 9 14 true vendor
	// affiliate_earnings 20 39 true both
	// foo 43 47 false none
}
