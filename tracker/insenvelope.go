package tracker

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/sha1"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"strings"
)

// The reference tracker's own reader of ClickBank's INS envelope, written
// from docs/clickbank.md §6 and §6.1 and sharing no code with the
// simulator's sealer (DESIGN.md: the two meet only over HTTP):
//
//   - the body is the JSON object {"notification":"<base64>","iv":"<base64>"}
//     (other keys, either order, whitespace and "\/" are accepted, as any
//     JSON reader accepts them);
//   - base64 is standard, with or without "=" padding, line breaks allowed;
//   - the cipher is AES-256-CBC; its key is the first 32 characters of the
//     lowercase hex SHA-1 of the secret, taken as 32 ASCII bytes; the IV is
//     any 16 bytes;
//   - the padding is PKCS#7 (6.0 senders: 0 to 15 zero bytes, or none on an
//     aligned plaintext);
//   - what comes out must be a JSON object: a wrong secret shows up as bad
//     padding or bytes that are not JSON, and such bytes are never taken
//     for a notification.

// insBlock is AES's block size, and the length of an INS IV.
const insBlock = aes.BlockSize

// insKey derives the AES-256 key from an INS secret: the first 32
// characters of the lowercase hex SHA-1 of its ASCII bytes, themselves
// the key's bytes (docs/clickbank.md §6, "Key").
func insKey(secret string) []byte {
	sum := sha1.Sum([]byte(secret))
	return []byte(hex.EncodeToString(sum[:])[:32])
}

// insEnvelope is the body ClickBank POSTs. Pointers tell a missing key
// from an empty value.
type insEnvelope struct {
	Notification *string `json:"notification"`
	IV           *string `json:"iv"`
}

// openINS decrypts an INS body with secret and returns the plaintext JSON
// object. Every failure is an EInvalid *Error whose Param names the part at
// fault ("body", "notification", "iv") and whose Message says why.
func openINS(body []byte, secret string) ([]byte, *Error) {
	var env insEnvelope
	if err := json.Unmarshal(body, &env); err != nil {
		if looksLikeForm(body) {
			return nil, errorf(EInvalid, "body", "body is form fields, not a JSON INS envelope: notifications before version 6.0 were form posts with a cverify hash, which this tracker does not read; set the INS version to 6.0, 7.0 or 8.0")
		}
		return nil, errorf(EInvalid, "body", `body is not a JSON INS envelope {"notification":..,"iv":..}: %v`, err)
	}
	if env.Notification == nil {
		return nil, errorf(EInvalid, "notification", `the INS envelope has no "notification"`)
	}
	if env.IV == nil {
		return nil, errorf(EInvalid, "iv", `the INS envelope has no "iv"`)
	}
	ct, err := insBase64(*env.Notification)
	if err != nil {
		return nil, errorf(EInvalid, "notification", "notification is not base64: %v", err)
	}
	iv, err := insBase64(*env.IV)
	if err != nil {
		return nil, errorf(EInvalid, "iv", "iv is not base64: %v", err)
	}
	if len(iv) != insBlock {
		return nil, errorf(EInvalid, "iv", "iv is %d bytes once base64-decoded, want %d", len(iv), insBlock)
	}
	switch {
	case len(ct) == 0:
		return nil, errorf(EInvalid, "notification", "notification is empty")
	case len(ct)%insBlock != 0:
		return nil, errorf(EInvalid, "notification", "notification is %d bytes once base64-decoded, not a whole number of %d-byte AES blocks: truncated?", len(ct), insBlock)
	}
	block, err := aes.NewCipher(insKey(secret))
	if err != nil { // a 32-byte key is always accepted
		return nil, errorf(EInvalid, "notification", "AES key: %v", err)
	}
	pt := make([]byte, len(ct))
	cipher.NewCBCDecrypter(block, iv).CryptBlocks(pt, ct)
	out, padding := unpadINS(pt)
	if !isJSONObject(out) {
		return nil, errorf(EInvalid, "notification", "the notification does not decrypt with this tracker's INS secret: %s and the plaintext is not a JSON object (a wrong secret, or not AES-256-CBC with the SHA-1-derived key)", padding)
	}
	return out, nil
}

// unpadINS removes PKCS#7 padding or, failing that, 6.0's trailing zero
// bytes (at most 15), and says which it found. A plaintext that ends in
// neither is taken as an aligned 6.0 one without padding. PKCS#7 wins
// when both read (docs/clickbank.md §6.1, "Telling the paddings apart").
func unpadINS(pt []byte) ([]byte, string) {
	n := len(pt)
	last := int(pt[n-1])
	if last >= 1 && last <= insBlock && last <= n && bytes.Count(pt[n-last:], pt[n-1:]) == last {
		return pt[:n-last], "PKCS#7 padding read"
	}
	if last == 0 {
		trimmed := bytes.TrimRight(pt, "\x00")
		if n-len(trimmed) < insBlock {
			return trimmed, "zero padding read"
		}
		return pt, "the padding is neither PKCS#7 nor 0-15 zero bytes"
	}
	return pt, "the padding is neither PKCS#7 nor zero bytes"
}

// insBase64 decodes standard base64 with or without "=" padding, ignoring
// line breaks and spaces.
func insBase64(s string) ([]byte, error) {
	s = strings.Map(func(r rune) rune {
		switch r {
		case '\r', '\n', ' ', '\t':
			return -1
		}
		return r
	}, s)
	if strings.HasSuffix(s, "=") {
		return base64.StdEncoding.DecodeString(s)
	}
	return base64.RawStdEncoding.DecodeString(s)
}

// isJSONObject reports whether b is one JSON object (whitespace around it
// allowed).
func isJSONObject(b []byte) bool {
	t := bytes.TrimSpace(b)
	return len(t) > 0 && t[0] == '{' && json.Valid(t)
}

// looksLikeForm reports whether a body that is not JSON reads as form
// fields (name=value&…), as notifications before 6.0 were.
func looksLikeForm(b []byte) bool {
	s := string(bytes.TrimSpace(b))
	return s != "" && !strings.ContainsAny(s[:1], "{[\"") && strings.Contains(s, "=") &&
		!strings.ContainsAny(s, "\n{}")
}
