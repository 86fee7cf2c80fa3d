package ins_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/cbsim/cbsim/simulator/ins"
)

func ExampleEncode() {
	plaintext := []byte(`{"transactionType":"TEST","totalAccountAmount":0.00,"version":"7.0"}`)
	seed := [32]byte{1} // a seeded source: the same envelope on every run
	env, err := ins.Encode(plaintext, "MYSECRETKEY42", ins.Options{Rand: rand.NewChaCha8(seed)})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(string(env))

	// The receiver bug of docs/clickbank.md §6, on purpose.
	bug, _ := ins.Encode(plaintext, "MYSECRETKEY42", ins.Options{Cipher: ins.AES128CBC, Rand: rand.NewChaCha8(seed)})
	_, err = ins.Decode(bug, "MYSECRETKEY42")
	fmt.Println(errors.Is(err, ins.ErrWrongCipher))
	// Output:
	// {"notification":"Zsjsg7hdqrqFxEcUhvPGky6vnxFeyAr5gtGPpxzyANB2RV/kCqeaxy1CbMYlQuQZZ7mvUa41bNGz6VPJNea/Lnpm9n/intsbu7pOwsC1p2Y=","iv":"NkFFNjc4M0Y0RkJERTkxQg=="}
	// true
}

func ExampleDecode() {
	// ExampleEncode's envelope; `openssl enc -d -aes-256-cbc -nosalt -a -A`
	// opens it too, given the key and IV in hex.
	env := []byte(`{"notification":"Zsjsg7hdqrqFxEcUhvPGky6vnxFeyAr5gtGPpxzyANB2RV/kCqeaxy1CbMYlQuQZZ7mvUa41bNGz6VPJNea/Lnpm9n/intsbu7pOwsC1p2Y=","iv":"NkFFNjc4M0Y0RkJERTkxQg=="}`)
	plaintext, err := ins.Decode(env, "MYSECRETKEY42")
	fmt.Println(string(plaintext), err)

	_, err = ins.Decode(env, "OTHERSECRET")
	fmt.Println(errors.Is(err, ins.ErrWrongSecret))

	_, err = ins.Decode(env[:40], "MYSECRETKEY42")
	fmt.Println(err)
	// Output:
	// {"transactionType":"TEST","totalAccountAmount":0.00,"version":"7.0"} <nil>
	// true
	// ins: the body ends after 40 bytes, inside the JSON envelope: it was cut short
}

func ExampleBuild() {
	// A $100.00 sale at 50% referred by aff01: ClickBank's worked example
	// (docs/clickbank.md §5), as two 7.0 notifications.
	ns, err := ins.Build(ins.Order{
		Type:      ins.Sale,
		Version:   ins.Version7,
		Time:      time.Date(2026, 1, 15, 20, 0, 0, 0, time.UTC),
		Receipt:   "ABCD1234",
		Vendor:    "ven01",
		Affiliate: "aff01",
		TID:       "clk_42",
		Items:     []ins.Item{{No: "sku-1", Title: "Guide", Price: 10000, Commission: 5000}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, n := range ns {
		b, _ := n.Marshal()
		fmt.Println(string(b))
	}
	// Output:
	// {"transactionTime":"20260115T120000-0800","receipt":"ABCD1234","transactionType":"SALE","vendor":"ven01","affiliate":"aff01","role":"VENDOR","totalAccountAmount":45.75,"paymentMethod":"VISA","totalOrderAmount":100.00,"totalTaxAmount":0.00,"totalShippingAmount":0.00,"currency":"USD","orderLanguage":"EN","lineItems":[{"itemNo":"sku-1","productTitle":"Guide","shippable":false,"recurring":false,"accountAmount":45.75,"quantity":1,"lineItemType":"ORIGINAL","productPrice":100.00,"productDiscount":0.00,"affiliatePayout":45.75,"taxAmount":0.00,"shippingAmount":0.00,"shippingLiable":false}],"version":7.0,"attemptCount":1}
	// {"transactionTime":"20260115T120000-0800","receipt":"ABCD1234","transactionType":"SALE","vendor":"ven01","affiliate":"aff01","role":"AFFILIATE","totalAccountAmount":45.75,"paymentMethod":"VISA","totalOrderAmount":100.00,"totalTaxAmount":0.00,"totalShippingAmount":0.00,"currency":"USD","orderLanguage":"EN","trackingCodes":["clk_42"],"lineItems":[{"itemNo":"sku-1","productTitle":"Guide","shippable":false,"recurring":false,"accountAmount":45.75,"quantity":1,"lineItemType":"ORIGINAL","productPrice":100.00,"productDiscount":0.00,"taxAmount":0.00,"shippingAmount":0.00,"shippingLiable":false}],"version":7.0,"attemptCount":1}
}
