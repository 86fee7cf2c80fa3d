package ins

import (
	"crypto/aes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"
)

// ErrPlaintext: Encode was given a plaintext that is not a JSON object,
// which no ClickBank notification is.
var ErrPlaintext = errors.New("plaintext not a JSON object")

// The INS versions whose envelope this package writes (docs/clickbank.md §6).
const (
	Version6 = "6.0"
	Version7 = "7.0"
	Version8 = "8.0"
	// DefaultVersion is the version Encode writes when Options.Version is
	// empty.
	DefaultVersion = Version7
)

// Versions lists the INS versions Encode knows, oldest first.
var Versions = []string{Version6, Version7, Version8}

// PaddingFor returns the padding ClickBank's senders of version v use:
// Zero for 6.0, PKCS7 for 7.0 and 8.0 (docs/clickbank.md §6). It fails for
// a version it does not know.
func PaddingFor(v string) (Padding, error) {
	switch v {
	case Version6:
		return Zero, nil
	case Version7, Version8:
		return PKCS7, nil
	}
	return "", fmt.Errorf("unknown INS version %q: want %s", v, joinNames(Versions))
}

// Options shape an envelope. The zero value, with a Rand, gives what
// ClickBank posts for version 7.0. Cipher and Padding exist to produce the
// faulty envelopes some receivers expect, on purpose.
type Options struct {
	// Version is the INS version whose envelope to write: 6.0, 7.0 or 8.0
	// (empty: DefaultVersion). It chooses the padding unless Padding is set.
	Version string
	// Cipher is the cipher and key (empty: AES256CBC, ClickBank's).
	Cipher Cipher
	// Padding overrides the version's padding (empty: PaddingFor(Version)).
	Padding Padding
	// Rand is where the IV comes from: 8 bytes are read and written as 16
	// upper-case hex characters, the IV's ASCII bytes, as ClickBank's v7
	// IVs are. Pass a seeded source for reproducible envelopes, or
	// crypto/rand.Reader. Required unless IV is set.
	Rand io.Reader
	// IV, if set, is the 16-byte IV to use as given, and Rand is not read.
	IV []byte
}

// Encode seals a notification's plaintext JSON into the envelope ClickBank
// posts, byte for byte:
//
//	{"notification":"<base64 ciphertext>","iv":"<base64 IV>"}
//
// with the keys in that order, no spaces, standard base64 with padding.
// The ciphertext is the plaintext, padded as the version's senders pad it,
// encrypted with opts.Cipher under Key(secret, opts.Cipher) and the IV.
//
// The secret must be one ClickBank accepts ([CheckSecret]) and the
// plaintext a JSON object; an error says which is wrong. Every failure is
// an [*Error] (ErrSecret, ErrPlaintext) but for bad options and a failing
// Rand.
func Encode(plaintext []byte, secret string, opts Options) ([]byte, error) {
	if err := CheckSecret(secret); err != nil {
		return nil, err
	}
	if !isJSONObject(plaintext) {
		return nil, fail(ErrPlaintext, "", "plaintext is not a JSON object: a notification is one ({\"transactionTime\":…})", nil)
	}
	version := opts.Version
	if version == "" {
		version = DefaultVersion
	}
	padding, err := PaddingFor(version)
	if err != nil {
		return nil, fmt.Errorf("ins: %w", err)
	}
	if opts.Padding != "" {
		if !slices.Contains(Paddings, opts.Padding) {
			return nil, fmt.Errorf("ins: unknown padding %q: want %s", opts.Padding, joinNames(Paddings))
		}
		padding = opts.Padding
	}
	key := Key(secret, opts.Cipher)
	if key == nil {
		return nil, fmt.Errorf("ins: unknown cipher %q: want %s", opts.Cipher, joinNames(Ciphers))
	}
	iv, err := makeIV(opts)
	if err != nil {
		return nil, err
	}
	ciphertext := seal(key, iv, pad(plaintext, padding))
	return envelope(ciphertext, iv), nil
}

// envelope writes the envelope JSON (docs/clickbank.md §6.1). Standard
// base64 needs no JSON escaping, and ClickBank does not escape its slashes.
func envelope(ciphertext, iv []byte) []byte {
	enc := base64.StdEncoding
	const (
		open  = `{"notification":"`
		mid   = `","iv":"`
		close = `"}`
	)
	out := make([]byte, 0, len(open)+enc.EncodedLen(len(ciphertext))+len(mid)+enc.EncodedLen(len(iv))+len(close))
	out = append(out, open...)
	out = enc.AppendEncode(out, ciphertext)
	out = append(out, mid...)
	out = enc.AppendEncode(out, iv)
	return append(out, close...)
}

// makeIV returns opts.IV, or a fresh v7-style IV: 16 upper-case hex
// characters drawn from opts.Rand, as ASCII bytes, for every version
// (docs/clickbank.md §6.1).
func makeIV(opts Options) ([]byte, error) {
	if opts.IV != nil {
		if len(opts.IV) != aes.BlockSize {
			return nil, fmt.Errorf("ins: Options.IV is %d bytes: want %d", len(opts.IV), aes.BlockSize)
		}
		return append([]byte(nil), opts.IV...), nil
	}
	if opts.Rand == nil {
		return nil, errors.New("ins: Options.Rand is nil: pass a seeded source (math/rand/v2's ChaCha8) or crypto/rand.Reader, or set Options.IV")
	}
	var raw [aes.BlockSize / 2]byte
	if _, err := io.ReadFull(opts.Rand, raw[:]); err != nil {
		return nil, fmt.Errorf("ins: read IV from Options.Rand: %w", err)
	}
	return []byte(strings.ToUpper(hex.EncodeToString(raw[:]))), nil
}

// MaxSecretLen is the longest secret key ClickBank accepts.
const MaxSecretLen = 16

// CheckSecret reports whether ClickBank would accept secret as an account's
// secret key: 1 to 16 upper-case letters or digits (docs/clickbank.md §6).
// Encode requires it; Decode takes any non-empty secret, since a receiver
// may be configured with anything.
func CheckSecret(secret string) error {
	if secret == "" {
		return fail(ErrSecret, "", "the secret key is empty: ClickBank's is 1 to 16 upper-case letters or digits", nil)
	}
	if n := utf8.RuneCountInString(secret); n > MaxSecretLen {
		return fail(ErrSecret, "", fmt.Sprintf("the secret key is %d characters long: ClickBank's is at most %d upper-case letters or digits", n, MaxSecretLen), nil)
	}
	pos := 0
	for _, r := range secret {
		pos++
		if !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			// The character itself is not quoted: it is part of a secret.
			return fail(ErrSecret, "", fmt.Sprintf("the secret key's character at position %d is not an upper-case letter or digit: ClickBank's is upper-case letters and digits only", pos), nil)
		}
	}
	return nil
}

// isJSONObject reports whether b is one valid JSON value that is an
// object.
func isJSONObject(b []byte) bool {
	if !json.Valid(b) {
		return false
	}
	for _, c := range b {
		switch c {
		case ' ', '\t', '\n', '\r':
			continue
		}
		return c == '{'
	}
	return false
}
