package macro_test

import (
	"fmt"

	"github.com/cbsim/cbsim/simulator/macro"
)

func ExampleExpand() {
	tmpl := "https://trk.example.com/postback?clickid={tid}&sum={affiliate_earnings}&zip={postal_code}&sub1={aff_sub1}&x={clickid}&type=InitialPurchase"
	fmt.Println(macro.Expand(tmpl, macro.Values{
		"tid":                "abc123",
		"affiliate_earnings": "45.75",
		"aff_sub1":           "spring sale&more",
	}))
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
	// affiliate_earnings 20 39 true affiliate
	// foo 43 47 false none
}

func ExampleCompile() {
	// Once per integration.
	tmpl := macro.Compile("https://trk.example.com/postback?clickid={tid}&sum={affiliate_earnings}&sub1={aff_sub1}&x={clickid}")
	tid, _ := macro.IDOf("tid")
	earnings, _ := macro.IDOf("affiliate_earnings")

	// Per event.
	var r macro.Record
	r.SetID(tid, "abc123")
	r.SetID(earnings, "45.75")
	r.Set("aff_sub1", "spring sale&more")
	fmt.Println(tmpl.Expand(&r))
	// Output:
	// https://trk.example.com/postback?clickid=abc123&sum=45.75&sub1=spring+sale%26more&x={clickid}
}
