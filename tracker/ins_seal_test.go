package tracker

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/sha1"
	"encoding/base64"
	"encoding/json"
	"fmt"
)

// SealINS is the tests' INS sealer, written from docs/clickbank.md §6 with
// the standard library alone (never the simulator's): AES-256-CBC under
// the first 32 lowercase hex characters of SHA-1(secret), PKCS#7 padding
// or, with zeroPad, 6.0's zero bytes up to the block. It returns the JSON
// envelope {"notification","iv"}. It lives in a test file: the tracker
// itself only opens envelopes.
func SealINS(secret string, plain, iv []byte, zeroPad bool) []byte {
	key := []byte(fmt.Sprintf("%x", sha1.Sum([]byte(secret)))[:32])
	block, err := aes.NewCipher(key)
	if err != nil {
		panic(err)
	}
	pad := aes.BlockSize - len(plain)%aes.BlockSize
	padded := append([]byte(nil), plain...)
	switch {
	case !zeroPad:
		padded = append(padded, bytes.Repeat([]byte{byte(pad)}, pad)...)
	case pad < aes.BlockSize:
		padded = append(padded, make([]byte, pad)...)
	}
	ct := make([]byte, len(padded))
	cipher.NewCBCEncrypter(block, iv).CryptBlocks(ct, padded)
	env, err := json.Marshal(map[string]string{
		"notification": base64.StdEncoding.EncodeToString(ct),
		"iv":           base64.StdEncoding.EncodeToString(iv),
	})
	if err != nil {
		panic(err)
	}
	return env
}
