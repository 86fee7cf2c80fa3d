package ins

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// TestDecodeErrors: every broken envelope gives an *Error of the right
// kind, naming the field and saying what is wrong, and no plaintext.
func TestDecodeErrors(t *testing.T) {
	plain := notificationOfLen(70)
	good := mustEncode(t, plain, Options{Rand: seeded(5)})
	ct, iv := readEnvelope(t, good)
	b64 := base64.StdEncoding.EncodeToString
	withFields := func(notification, iv string) []byte {
		return fmt.Appendf(nil, `{"notification":%s,"iv":%s}`, notification, iv)
	}
	q := func(s string) string { return `"` + s + `"` }

	for _, tc := range []struct {
		name   string
		body   []byte
		secret string
		kind   error
		field  string
		says   string
	}{
		{"Empty", nil, testSecret, ErrEnvelope, "", "the body is empty"},
		// base64 skips line breaks: these decode to 0 bytes of ciphertext.
		{"NotificationNewline", withFields(q(`\n`), q(b64(iv))), testSecret, ErrBlockSize, "notification", "decodes to 0 bytes"},
		{"NotificationCR", withFields(q(`\r\n\r`), q(b64(iv))), testSecret, ErrBlockSize, "notification", "decodes to 0 bytes"},
		{"Blank", []byte(" \n"), testSecret, ErrEnvelope, "", "the body is empty"},
		{"NotJSON", []byte("hello"), testSecret, ErrEnvelope, "", "the body is not JSON (invalid character 'h'"},
		{"FormPost", []byte("ccustname=John&ctransreceipt=ABC&cverify=1A2B3C4D"), testSecret, ErrEnvelope, "", "INS before 6.0"},
		{"Array", []byte(`["a","b"]`), testSecret, ErrEnvelope, "", "a JSON array, not an object"},
		{"String", []byte(`"abc"`), testSecret, ErrEnvelope, "", "a JSON string, not an object"},
		{"Null", []byte(`null`), testSecret, ErrEnvelope, "", "JSON null, not an object"},
		{"TrailingGarbage", append(bytes.Clone(good), 'x'), testSecret, ErrEnvelope, "", "after top-level value"},
		{"TruncatedJSON", good[:len(good)/2], testSecret, ErrTruncated, "", "cut short"},
		{"TruncatedJSONEnd", good[:len(good)-1], testSecret, ErrTruncated, "", "cut short"},
		{"MissingNotification", []byte(`{"iv":"` + b64(iv) + `"}`), testSecret, ErrMissingField, "notification", `is missing: the envelope needs notification and iv, it has "iv"`},
		{"MissingIV", []byte(`{"notification":"` + b64(ct) + `"}`), testSecret, ErrMissingField, "iv", "is missing"},
		{"WrongCaseKey", []byte(`{"Notification":"` + b64(ct) + `","iv":"` + b64(iv) + `"}`), testSecret, ErrMissingField, "notification", `it has "Notification", "iv"`},
		{"NullIV", withFields(q(b64(ct)), "null"), testSecret, ErrMissingField, "iv", "is null"},
		{"EmptyNotification", withFields(`""`, q(b64(iv))), testSecret, ErrMissingField, "notification", "is empty"},
		{"NumberIV", withFields(q(b64(ct)), "12"), testSecret, ErrFieldType, "iv", "is a number, not a string"},
		{"ObjectNotification", withFields(`{}`, q(b64(iv))), testSecret, ErrFieldType, "notification", "is an object, not a string"},
		{"BadBase64Notification", withFields(q("!!"+b64(ct)[2:]), q(b64(iv))), testSecret, ErrBase64, "notification", `'!' at offset 0`},
		{"URLSafeNotification", withFields(q(strings.NewReplacer("+", "-", "/", "_").Replace(b64(ct))+"-_"), q(b64(iv))), testSecret, ErrBase64, "notification", "URL-safe"},
		{"BadBase64IV", withFields(q(b64(ct)), q("AAAA*AAA")), testSecret, ErrBase64, "iv", `'*' at offset 4`},
		{"CutBase64", withFields(q(b64(ct)[:len(b64(ct))-3]), q(b64(iv))), testSecret, ErrBase64, "notification", "is not standard base64"},
		{"ShortIV", withFields(q(b64(ct)), q(b64(iv[:8]))), testSecret, ErrIVLength, "iv", "decodes to 8 bytes: want 16"},
		{"LongIV", withFields(q(b64(ct)), q(b64(append(bytes.Clone(iv), iv...)))), testSecret, ErrIVLength, "iv", "decodes to 32 bytes"},
		{"CiphertextNotBlocks", withFields(q(b64(ct[:len(ct)-3])), q(b64(iv))), testSecret, ErrBlockSize, "notification", fmt.Sprintf("decodes to %d bytes, not a multiple of the 16-byte AES block", len(ct)-3)},
		{"CiphertextCutToBlocks", withFields(q(b64(ct[:len(ct)-16])), q(b64(iv))), testSecret, ErrWrongSecret, "notification", "padding invalid"},
		{"WrongSecret", good, "OTHERKEY", ErrWrongSecret, "notification", "wrong secret key?"},
		{"WrongIV", withFields(q(b64(ct)), q(b64([]byte("0000000000000000")))), testSecret, ErrWrongSecret, "notification", "not to a JSON object"},
		{"EmptySecret", good, "", ErrSecret, "", "the secret key is empty"},
		{"AES128Sender", mustEncode(t, plain, Options{Cipher: AES128CBC, Rand: seeded(5)}), testSecret, ErrWrongCipher, "notification", "does not open with aes-256-cbc but does with aes-128-cbc"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Decode(tc.body, tc.secret)
			if err == nil {
				t.Fatalf("Decode gave %q, want an error", got)
			}
			if got != nil {
				t.Errorf("Decode gave %q with its error", got)
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %v is a %T, not an *Error", err, err)
			}
			if !errors.Is(err, tc.kind) || e.Field != tc.field {
				t.Errorf("error %v: kind %v field %q, want %v field %q", err, e.Kind, e.Field, tc.kind, tc.field)
			}
			if !strings.Contains(err.Error(), tc.says) {
				t.Errorf("error %q does not say %q", err, tc.says)
			}
			if tc.field != "" && !strings.HasPrefix(err.Error(), "ins: "+tc.field+": ") {
				t.Errorf("error %q does not name the field %s first", err, tc.field)
			}
		})
	}
}

// TestWrongSecretNeverOpens: an envelope never opens with another secret
// key; each failure is ErrWrongSecret, not a cipher bug's diagnosis.
func TestWrongSecretNeverOpens(t *testing.T) {
	r := seeded(11)
	for i := range 2000 {
		plain := notificationOfLen(9 + i%200)
		env := mustEncode(t, plain, Options{Version: Versions[i%3], Rand: r})
		secret := fmt.Sprintf("WRONG%d", i)
		got, err := Decode(env, secret)
		if err == nil {
			t.Fatalf("envelope %d opened with %s: %q", i, secret, got)
		}
		if !errors.Is(err, ErrWrongSecret) || errors.Is(err, ErrWrongCipher) {
			t.Fatalf("envelope %d with %s: %v, want ErrWrongSecret only", i, secret, err)
		}
	}
}

// TestOpenWithBugCipher: a receiver with the AES-128 bug opens what the
// bug's sender seals, and a ClickBank envelope fails there with the
// diagnosis the other way round.
func TestOpenWithBugCipher(t *testing.T) {
	plain := notificationOfLen(50)
	bug := mustEncode(t, plain, Options{Cipher: AES128CBC, Rand: seeded(2)})
	if o, err := Open(bug, testSecret, AES128CBC); err != nil || !bytes.Equal(o.Plaintext, plain) {
		t.Errorf("Open(bug envelope, aes-128-cbc) = %+v, %v", o, err)
	}
	good := mustEncode(t, plain, Options{Rand: seeded(2)})
	_, err := Open(good, testSecret, AES128CBC)
	if !errors.Is(err, ErrWrongCipher) || !strings.Contains(err.Error(), "does not open with aes-128-cbc but does with aes-256-cbc") {
		t.Errorf("Open(ClickBank envelope, aes-128-cbc) = %v", err)
	}
	if _, err := Open(good, testSecret, "aes-192-cbc"); err == nil || !strings.Contains(err.Error(), `unknown cipher "aes-192-cbc"`) {
		t.Errorf("Open with an unknown cipher = %v", err)
	}
}

// TestDecodeLenientEnvelope: what a JSON or base64 reader may meet in a
// real body is accepted: whitespace, other key order, extra fields,
// escaped slashes, base64 without its = padding or broken into lines.
func TestDecodeLenientEnvelope(t *testing.T) {
	plain := notificationOfLen(33)
	ct, iv := readEnvelope(t, mustEncode(t, plain, Options{Rand: seeded(6)}))
	c64, i64 := base64.StdEncoding.EncodeToString(ct), base64.StdEncoding.EncodeToString(iv)
	for name, body := range map[string]string{
		"Spaces":        "\n{ \"notification\" : \"" + c64 + "\" ,\n \"iv\" : \"" + i64 + "\" }\n",
		"IVFirst":       `{"iv":"` + i64 + `","notification":"` + c64 + `"}`,
		"ExtraField":    `{"notification":"` + c64 + `","iv":"` + i64 + `","version":"7.0"}`,
		"EscapedSlash":  `{"notification":"` + strings.ReplaceAll(c64, "/", `\/`) + `","iv":"` + strings.ReplaceAll(i64, "/", `\/`) + `"}`,
		"Unpadded":      `{"notification":"` + strings.TrimRight(c64, "=") + `","iv":"` + strings.TrimRight(i64, "=") + `"}`,
		"MIMELineBreak": `{"notification":"` + c64[:20] + `\r\n` + c64[20:] + `","iv":"` + i64 + `"}`,
	} {
		got, err := Decode([]byte(body), testSecret)
		if err != nil || !bytes.Equal(got, plain) {
			t.Errorf("%s: Decode(%s) = %q, %v", name, body, got, err)
		}
	}
}

// TestDecodeTooManyZeros: more zero bytes than zero padding can add is not
// taken for padding.
func TestDecodeTooManyZeros(t *testing.T) {
	iv := []byte("0123456789ABCDEF")
	padded := append(zeroPad([]byte(`{"a":1}`)), make([]byte, 16)...)
	ct := seal(Key(testSecret, AES256CBC), iv, padded)
	_, err := Decode(makeEnvelope(t, ct, iv), testSecret)
	if !errors.Is(err, ErrWrongSecret) || !strings.Contains(err.Error(), "ends in 25 zero bytes, more than zero padding adds (at most 15)") {
		t.Errorf("Decode = %v", err)
	}
}
