package ins_test

import (
	"errors"
	"fmt"
	"math/rand/v2"

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
