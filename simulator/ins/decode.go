package ins

import (
	"bytes"
	"crypto/aes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Opened is an envelope opened by Open: the plaintext exactly as decrypted,
// without its padding, and what the envelope was made of.
type Opened struct {
	// Plaintext is the notification JSON, byte for byte as the sender
	// encrypted it (never re-encoded: ClickBank's number style is kept).
	Plaintext []byte
	// IV is the decoded 16-byte IV.
	IV []byte
	// Padding is the padding found: PKCS7, or Zero (which includes an
	// aligned plaintext with no padding at all, as zero-padding senders
	// write it).
	Padding Padding
	// Cipher is the cipher it was opened with.
	Cipher Cipher
}

// Decode opens an INS envelope as ClickBank posts it and returns the
// notification's plaintext JSON exactly as decrypted: AES-256-CBC under
// Key(secret, AES256CBC), PKCS#7 padding (7.0, 8.0) or zero padding (old
// 6.0 senders) removed. It never returns bytes that are not a JSON object.
//
// Every failure is an [*Error] saying what is wrong and where; errors.Is
// tells the kind: ErrEnvelope (not JSON; also ErrTruncated when cut
// short), ErrMissingField, ErrFieldType, ErrBase64, ErrIVLength,
// ErrBlockSize, ErrWrongSecret (padding invalid or plaintext not JSON;
// also ErrWrongCipher when the envelope opens with a receiver bug's cipher
// instead), ErrSecret (empty secret).
func Decode(envelope []byte, secret string) ([]byte, error) {
	o, err := Open(envelope, secret, AES256CBC)
	if err != nil {
		return nil, err
	}
	return o.Plaintext, nil
}

// Open is Decode with the cipher to open with (empty: AES256CBC, as
// ClickBank seals), which a simulated faulty receiver may set, and the
// details of what it opened.
func Open(envelope []byte, secret string, c Cipher) (*Opened, error) {
	if c == "" {
		c = AES256CBC
	}
	if c.keyLen() == 0 {
		return nil, fmt.Errorf("ins: unknown cipher %q: want %s", c, joinNames(Ciphers))
	}
	if secret == "" {
		return nil, fail(ErrSecret, "", "the secret key is empty", nil)
	}
	ct, iv, err := parseEnvelope(envelope)
	if err != nil {
		return nil, err
	}
	plain, padding, err := decrypt(Key(secret, c), iv, ct)
	if err == nil {
		return &Opened{Plaintext: plain, IV: iv, Padding: padding, Cipher: c}, nil
	}
	for _, other := range Ciphers {
		if other == c {
			continue
		}
		if _, _, err2 := decrypt(Key(secret, other), iv, ct); err2 == nil {
			return nil, fail(ErrWrongCipher, "notification", fmt.Sprintf("does not open with %s but does with %s and this secret key: the sender sealed it with %s (%s)", c, other, other, cipherNote(other)), nil)
		}
	}
	return nil, err
}

// cipherNote says what a cipher is, for error messages.
func cipherNote(c Cipher) string {
	switch c {
	case AES128CBC:
		return "the first 16 characters of the key: a receiver bug, docs/clickbank.md §6"
	default:
		return "ClickBank's cipher"
	}
}

// decrypt opens a checked ciphertext and removes its padding; the result
// must be a JSON object.
func decrypt(key, iv, ct []byte) ([]byte, Padding, error) {
	padded := open(key, iv, ct)
	plain, padding, doubt, err := unpad(padded)
	if err != nil {
		return nil, "", fail(ErrWrongSecret, "notification", "padding invalid: "+err.Error()+": wrong secret key?", nil)
	}
	if isJSONObject(plain) {
		return plain, padding, nil
	}
	if doubt != "" {
		return nil, "", fail(ErrWrongSecret, "notification", "padding invalid: "+doubt+": wrong secret key?", nil)
	}
	return nil, "", fail(ErrWrongSecret, "notification", fmt.Sprintf("decrypts with valid %s padding, but not to a JSON object (%s): wrong secret key?", padding, preview(plain)), nil)
}

// preview describes the start of a plaintext that is not JSON without
// printing it as if it were text.
func preview(b []byte) string {
	const n = 8
	if len(b) > n {
		return fmt.Sprintf("%d bytes starting % x", len(b), b[:n])
	}
	return fmt.Sprintf("%d bytes % x", len(b), b)
}

// parseEnvelope reads the envelope JSON and returns the checked ciphertext
// and IV.
func parseEnvelope(body []byte) (ct, iv []byte, err error) {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		return nil, nil, fail(ErrEnvelope, "", "the body is empty: want {\"notification\":\"<base64>\",\"iv\":\"<base64>\"}", nil)
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(body, &fields); err != nil {
		return nil, nil, envelopeError(trimmed, err)
	}
	if fields == nil {
		return nil, nil, fail(ErrEnvelope, "", "the body is JSON null, not an object: want {\"notification\":\"<base64>\",\"iv\":\"<base64>\"}", nil)
	}
	ctText, err := stringField(fields, "notification")
	if err != nil {
		return nil, nil, err
	}
	ivText, err := stringField(fields, "iv")
	if err != nil {
		return nil, nil, err
	}
	iv, err = decodeBase64("iv", ivText)
	if err != nil {
		return nil, nil, err
	}
	if len(iv) != aes.BlockSize {
		return nil, nil, fail(ErrIVLength, "iv", fmt.Sprintf("decodes to %d bytes: want %d (ClickBank's are 16 upper-case hex characters, base64-encoded)", len(iv), aes.BlockSize), nil)
	}
	ct, err = decodeBase64("notification", ctText)
	if err != nil {
		return nil, nil, err
	}
	if len(ct) == 0 {
		// base64 skips line breaks: "\n" is no ciphertext at all.
		return nil, nil, fail(ErrBlockSize, "notification", "decodes to 0 bytes: there is no ciphertext", nil)
	}
	if len(ct)%aes.BlockSize != 0 {
		return nil, nil, fail(ErrBlockSize, "notification", fmt.Sprintf("decodes to %d bytes, not a multiple of the %d-byte AES block: the body was cut short, or this is not AES-CBC", len(ct), aes.BlockSize), nil)
	}
	return ct, iv, nil
}

// envelopeError explains why the body is not a JSON object.
func envelopeError(body []byte, err error) *Error {
	const want = `want {"notification":"<base64>","iv":"<base64>"}`
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &typ):
		return fail(ErrEnvelope, "", fmt.Sprintf("the body is a JSON %s, not an object: %s", typ.Value, want), err)
	case err.Error() == "unexpected end of JSON input":
		return fail(ErrTruncated, "", fmt.Sprintf("the body ends after %d bytes, inside the JSON envelope: it was cut short", len(body)), err)
	case bytes.Contains(body, []byte("cverify=")) || bytes.Contains(body, []byte("ctransreceipt=")):
		return fail(ErrEnvelope, "", "the body looks like form fields (cverify, ctransreceipt): an unencrypted notification of INS before 6.0, not an encrypted envelope", err)
	case errors.As(err, &syntax):
		return fail(ErrEnvelope, "", fmt.Sprintf("the body is not JSON (%v at byte %d): %s", err, syntax.Offset, want), err)
	}
	return fail(ErrEnvelope, "", fmt.Sprintf("the body is not JSON (%v): %s", err, want), err)
}

// stringField returns the non-empty string value of an envelope field.
func stringField(fields map[string]json.RawMessage, name string) (string, error) {
	raw, ok := fields[name]
	if !ok || string(raw) == "null" {
		have := make([]string, 0, len(fields))
		for k := range fields {
			have = append(have, fmt.Sprintf("%q", k))
		}
		what := "is missing"
		if ok {
			what = "is null"
		}
		detail := what + ": the envelope needs notification and iv"
		if len(have) > 0 && !ok {
			detail += ", it has " + strings.Join(slices.Sorted(slices.Values(have)), ", ")
		}
		return "", fail(ErrMissingField, name, detail, nil)
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", fail(ErrFieldType, name, fmt.Sprintf("is %s, not a string of base64", jsonKind(raw)), err)
	}
	if s == "" {
		return "", fail(ErrMissingField, name, "is empty", nil)
	}
	return s, nil
}

// jsonKind names the kind of a JSON value.
func jsonKind(raw json.RawMessage) string {
	switch raw[0] {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case 't', 'f':
		return "a boolean"
	case '"':
		return "a string"
	}
	return "a number"
}

// decodeBase64 reads standard base64 as ClickBank writes it, and also
// without its = padding; line breaks are ignored, as encoding/base64 does
// (docs/clickbank.md §6.1).
func decodeBase64(field, s string) ([]byte, error) {
	b, err := base64.StdEncoding.DecodeString(s)
	if err == nil {
		return b, nil
	}
	if !strings.Contains(s, "=") {
		if b, err2 := base64.RawStdEncoding.DecodeString(s); err2 == nil {
			return b, nil
		}
	}
	detail := "is not standard base64"
	var corrupt base64.CorruptInputError
	if errors.As(err, &corrupt) {
		at := int(corrupt)
		switch {
		case at < len(s) && (s[at] == '-' || s[at] == '_'):
			detail = fmt.Sprintf("is not standard base64: %q at offset %d is URL-safe base64; ClickBank sends standard base64 (+ and /)", s[at], at)
		case at < len(s):
			detail = fmt.Sprintf("is not standard base64: %q at offset %d", s[at], at)
		default:
			detail = fmt.Sprintf("is not standard base64: it ends early (%d characters, which no base64 text has): cut short?", len(s))
		}
	}
	return nil, fail(ErrBase64, field, detail, err)
}
