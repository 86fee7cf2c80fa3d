package ins

import (
	"errors"
	"strings"
)

// The kinds of failure Decode and Open report. Every error they return is
// an [*Error] whose Kind is one of these, so callers test with errors.Is:
//
//	if errors.Is(err, ins.ErrWrongSecret) { … }
var (
	// ErrEnvelope: the body is not a JSON object (or is one cut short,
	// which is also ErrTruncated).
	ErrEnvelope = errors.New("not an INS envelope")
	// ErrTruncated: the body ends in the middle of the JSON envelope.
	ErrTruncated = errors.New("envelope truncated")
	// ErrMissingField: notification or iv is absent, null or empty.
	ErrMissingField = errors.New("field missing")
	// ErrFieldType: notification or iv is not a JSON string.
	ErrFieldType = errors.New("field not a string")
	// ErrBase64: notification or iv is not standard base64.
	ErrBase64 = errors.New("bad base64")
	// ErrIVLength: the iv does not decode to 16 bytes.
	ErrIVLength = errors.New("iv not 16 bytes")
	// ErrBlockSize: the ciphertext is empty or not a whole number of
	// 16-byte AES blocks (a body cut short after base64 decoding).
	ErrBlockSize = errors.New("ciphertext not whole AES blocks")
	// ErrWrongSecret: the ciphertext decrypts, but not to a notification:
	// the padding is invalid or the plaintext is not a JSON object. The
	// secret key is wrong, or the sender used another cipher or key.
	ErrWrongSecret = errors.New("wrong secret key")
	// ErrWrongCipher: the envelope does not open with ClickBank's cipher
	// but does with a receiver bug's ([AES128CBC]): the sender sealed it
	// that way. It is also ErrWrongSecret.
	ErrWrongCipher = errors.New("sealed with another cipher")
	// ErrSecret: the secret key is empty, or (for Encode) not one ClickBank
	// accepts.
	ErrSecret = errors.New("invalid secret key")
)

// Error is a failure of Decode, Open or Encode: what kind of failure
// (Kind, one of the Err… values of this package), which envelope field it
// concerns ("notification", "iv", or empty for the whole), and a sentence
// saying what was found and what was expected.
type Error struct {
	Kind   error  // ErrEnvelope, ErrBase64, …
	Field  string // "notification", "iv" or ""
	Detail string // what was wrong, what is allowed
	Err    error  // the underlying error (encoding/json's, encoding/base64's), if any
}

// Error reads "ins: <field>: <detail>".
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("ins: ")
	if e.Field != "" {
		b.WriteString(e.Field)
		b.WriteString(": ")
	}
	b.WriteString(e.Detail)
	return b.String()
}

// Unwrap gives the Kind (and ErrWrongSecret for ErrWrongCipher, ErrEnvelope
// for ErrTruncated) and the underlying error.
func (e *Error) Unwrap() []error {
	errs := []error{e.Kind}
	switch e.Kind {
	case ErrWrongCipher:
		errs = append(errs, ErrWrongSecret)
	case ErrTruncated:
		errs = append(errs, ErrEnvelope)
	}
	if e.Err != nil {
		errs = append(errs, e.Err)
	}
	return errs
}

func fail(kind error, field, detail string, err error) *Error {
	return &Error{Kind: kind, Field: field, Detail: detail, Err: err}
}
