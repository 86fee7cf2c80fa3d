package ins

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// Cipher names the block cipher and key an envelope is sealed with.
// ClickBank uses [AES256CBC]; the others are receiver bugs seen in the wild
// that a simulator produces on purpose (docs/clickbank.md §6). The zero
// value means AES256CBC.
type Cipher string

const (
	// AES256CBC is ClickBank's cipher: AES-256-CBC keyed with the first 32
	// characters of the lowercase hex SHA-1 of the secret key, used as 32
	// ASCII bytes.
	AES256CBC Cipher = "aes-256-cbc"
	// AES128CBC is the receiver bug of docs/clickbank.md §6: AES-128-CBC
	// with the 32-character key, of which PHP's openssl silently keeps the
	// first 16 characters. An envelope sealed this way opens with such a
	// receiver and with no correct one.
	AES128CBC Cipher = "aes-128-cbc"
)

// Ciphers lists the ciphers Encode can seal with, ClickBank's first.
var Ciphers = []Cipher{AES256CBC, AES128CBC}

// ParseCipher reads a cipher name as `cbsim ins encode --cipher` takes it:
// aes-256-cbc or aes-128-cbc, in any case. The empty string is AES256CBC.
func ParseCipher(s string) (Cipher, error) {
	if s == "" {
		return AES256CBC, nil
	}
	for _, c := range Ciphers {
		if strings.EqualFold(s, string(c)) {
			return c, nil
		}
	}
	return "", fmt.Errorf("unknown cipher %q: want %s", s, joinNames(Ciphers))
}

// String returns the cipher's name, AES256CBC's for the zero value.
func (c Cipher) String() string {
	if c == "" {
		return string(AES256CBC)
	}
	return string(c)
}

// keyLen is the AES key size in bytes for c, or 0 for an unknown cipher.
func (c Cipher) keyLen() int {
	switch c {
	case AES256CBC, "":
		return 32
	case AES128CBC:
		return 16
	}
	return 0
}

// Key returns the AES key cipher c uses for secret: the lowercase hex SHA-1
// of the secret, cut to the key size (32 ASCII characters for AES256CBC, 16
// for AES128CBC), as ASCII bytes. An unknown cipher gives nil.
func Key(secret string, c Cipher) []byte {
	n := c.keyLen()
	if n == 0 {
		return nil
	}
	sum := sha1.Sum([]byte(secret))
	return []byte(hex.EncodeToString(sum[:])[:n])
}

// Padding names how the plaintext is filled up to a whole number of AES
// blocks. The zero value means the version's padding ([PaddingFor]).
type Padding string

const (
	// PKCS7 fills with n bytes of value n (1 to 16, a whole block when the
	// plaintext is already aligned): versions 7.0 and 8.0.
	PKCS7 Padding = "pkcs7"
	// Zero fills with 0 to 15 zero bytes, none when the plaintext is
	// already aligned: the old 6.0 senders (docs/clickbank.md §6.1).
	Zero Padding = "zero"
)

// Paddings lists the paddings Encode can use.
var Paddings = []Padding{PKCS7, Zero}

// ParsePadding reads a padding name: pkcs7 or zero, in any case. The empty
// string is the zero Padding (the version's).
func ParsePadding(s string) (Padding, error) {
	if s == "" {
		return "", nil
	}
	for _, p := range Paddings {
		if strings.EqualFold(s, string(p)) {
			return p, nil
		}
	}
	return "", fmt.Errorf("unknown padding %q: want %s", s, joinNames(Paddings))
}

// pad returns plaintext padded to a multiple of the block size.
func pad(plaintext []byte, p Padding) []byte {
	n := aes.BlockSize - len(plaintext)%aes.BlockSize
	if p == Zero && n == aes.BlockSize {
		n = 0
	}
	out := make([]byte, len(plaintext)+n)
	copy(out, plaintext)
	if p == PKCS7 {
		for i := len(plaintext); i < len(out); i++ {
			out[i] = byte(n)
		}
	}
	return out
}

// unpad removes the padding from a decrypted, block-aligned plaintext. It
// tries PKCS#7 first, then trailing zero bytes (at most 15) as zero
// padding. A last byte that is neither is taken for an aligned plaintext
// of a zero-padding sender, which carries no padding at all; doubt then
// says why no padding was recognised, for the caller to report should the
// result not be JSON (which is what a wrong secret key gives). More zero
// bytes than zero padding adds is an error. How the paddings are told
// apart is in docs/clickbank.md §6.1.
func unpad(b []byte) (plain []byte, p Padding, doubt string, err error) {
	if len(b) == 0 {
		return nil, "", "", errors.New("no plaintext to unpad")
	}
	last := b[len(b)-1]
	switch {
	case validPKCS7(b):
		return b[:len(b)-int(last)], PKCS7, "", nil
	case last == 0:
		end := len(b)
		for end > 0 && b[end-1] == 0 {
			end--
		}
		if zeros := len(b) - end; zeros >= aes.BlockSize {
			return nil, "", "", fmt.Errorf("the plaintext ends in %d zero bytes, more than zero padding adds (at most %d)", zeros, aes.BlockSize-1)
		}
		return b[:end], Zero, "", nil
	case last <= aes.BlockSize:
		return b, Zero, fmt.Sprintf("last byte 0x%02x promises %d bytes of PKCS#7 padding, but they are not all 0x%02x", last, last, last), nil
	default:
		return b, Zero, fmt.Sprintf("last byte 0x%02x is neither PKCS#7 padding (0x01 to 0x10) nor zero padding", last), nil
	}
}

// validPKCS7 reports whether b ends in PKCS#7 padding.
func validPKCS7(b []byte) bool {
	n := int(b[len(b)-1])
	if n < 1 || n > aes.BlockSize || n > len(b) {
		return false
	}
	for _, c := range b[len(b)-n:] {
		if int(c) != n {
			return false
		}
	}
	return true
}

// seal encrypts the padded plaintext with AES-CBC.
func seal(key, iv, padded []byte) []byte {
	block, err := aes.NewCipher(key)
	if err != nil {
		panic("ins: " + err.Error()) // keys come from Key: 16 or 32 bytes
	}
	out := make([]byte, len(padded))
	cipher.NewCBCEncrypter(block, iv).CryptBlocks(out, padded)
	return out
}

// open decrypts a block-aligned ciphertext with AES-CBC.
func open(key, iv, ciphertext []byte) []byte {
	block, err := aes.NewCipher(key)
	if err != nil {
		panic("ins: " + err.Error()) // keys come from Key: 16 or 32 bytes
	}
	out := make([]byte, len(ciphertext))
	cipher.NewCBCDecrypter(block, iv).CryptBlocks(out, ciphertext)
	return out
}

// joinNames lists names as "a, b or c".
func joinNames[T ~string](names []T) string {
	s := make([]string, len(names))
	for i, n := range names {
		s[i] = string(n)
	}
	if len(s) == 1 {
		return s[0]
	}
	return strings.Join(s[:len(s)-1], ", ") + " or " + s[len(s)-1]
}
