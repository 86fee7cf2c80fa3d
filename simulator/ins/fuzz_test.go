package ins

import (
	"bytes"
	"encoding/base64"
	"errors"
	"strings"
	"testing"
)

// FuzzDecode: Decode never panics; a failure is an *Error with no
// plaintext; and whatever it accepts round-trips: the plaintext is a JSON
// object, and sealing it again with the secret, the IV and the padding
// Open found gives back exactly the ciphertext the envelope held.
func FuzzDecode(f *testing.F) {
	r := seeded(99)
	secrets := []string{testSecret, "A", "ABCDEFGHIJKLMNOP"}
	for i, plain := range [][]byte{
		[]byte(`{}`),
		[]byte(`{"transactionType":"TEST","version":"7.0"}`),
		[]byte(realisticNotification),
		notificationOfLen(16),
		notificationOfLen(32),
		append(notificationOfLen(47), '\n'),
		notificationOfLen(100),
	} {
		secret := secrets[i%len(secrets)]
		for _, opts := range []Options{
			{Version: Version7, Rand: r},
			{Version: Version6, Rand: r},
			{Version: Version8, Rand: r},
			{Cipher: AES128CBC, Rand: r},
		} {
			env, err := Encode(plain, secret, opts)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(env, secret)
			f.Add(env[:len(env)/2], secret)                                      // truncated
			f.Add(env, "WRONG")                                                  // wrong secret
			f.Add(bytes.ToLower(env), secret)                                    // bad ciphertext
			f.Add(bytes.ReplaceAll(env, []byte(`"iv"`), []byte(`"IV"`)), secret) // missing field
		}
	}
	for _, body := range []string{
		``, `{}`, `null`, `[]`, `"x"`, `{"notification":1,"iv":2}`,
		`{"notification":"","iv":""}`, `{"notification":"AAAA","iv":"AAAA"}`,
		`{"notification":"AAAAAAAAAAAAAAAAAAAAAA==","iv":"AAAAAAAAAAAAAAAAAAAAAA=="}`,
		`{"notification":"-_-_","iv":"MDEyMzQ1Njc4OUFCQ0RFRg=="}`,
		`{"notification":"\n","iv":"QUFBQUFBQUFBQUFBQUFBQQ=="}`, // base64 of nothing: it once panicked
		`{"notification":"\r\n","iv":"QUFBQUFBQUFBQUFBQUFBQQ==","notification":"\n"}`,
		`ctransreceipt=ABC&cverify=1234`,
	} {
		f.Add([]byte(body), testSecret)
	}

	f.Fuzz(func(t *testing.T, body []byte, secret string) {
		got, err := Decode(body, secret)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Kind == nil || !strings.HasPrefix(err.Error(), "ins: ") {
				t.Fatalf("Decode error %v (%T) is not a kinded *Error", err, err)
			}
			if got != nil {
				t.Fatalf("Decode gave %q with its error %v", got, err)
			}
			return
		}
		if !isJSONObject(got) {
			t.Fatalf("Decode accepted %q, not a JSON object", got)
		}
		o, err := Open(body, secret, "")
		if err != nil || !bytes.Equal(o.Plaintext, got) {
			t.Fatalf("Open disagrees with Decode: %+v, %v", o, err)
		}
		ct, iv, err := parseEnvelope(body)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(iv, o.IV) {
			t.Fatalf("Open's IV %x, the envelope's %x", o.IV, iv)
		}
		resealed := seal(Key(secret, AES256CBC), o.IV, pad(o.Plaintext, o.Padding))
		if !bytes.Equal(resealed, ct) {
			t.Fatalf("resealing %q (%s) gives %s, the envelope held %s", o.Plaintext, o.Padding,
				base64.StdEncoding.EncodeToString(resealed), base64.StdEncoding.EncodeToString(ct))
		}
		if CheckSecret(secret) == nil {
			env, err := Encode(o.Plaintext, secret, Options{IV: o.IV, Padding: o.Padding})
			if err != nil {
				t.Fatalf("Encode of an accepted plaintext: %v", err)
			}
			if again, err := Decode(env, secret); err != nil || !bytes.Equal(again, got) {
				t.Fatalf("Decode(Encode(%q)) = %q, %v", got, again, err)
			}
		}
	})
}

// FuzzParse: Parse never panics, and what it accepts Marshal prints (or
// refuses with an error) in a form Parse reads back to the same bytes.
func FuzzParse(f *testing.F) {
	f.Add([]byte(realisticNotification))
	for _, v := range Versions {
		for _, typ := range []TransactionType{Sale, Bill, Refund, Test} {
			if ns, err := Build(goldenOrder(typ, v)); err == nil {
				for _, n := range ns {
					if b, err := n.Marshal(); err == nil {
						f.Add(b)
					}
				}
			}
		}
	}
	f.Add([]byte(`{"version":7.0,"transactionTime":"20200101T000000-0800","totalAccountAmount":-0.5}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		n, err := Parse(b)
		if err != nil {
			return
		}
		out, err := n.Marshal()
		if err != nil {
			return // a field Marshal requires is missing, or not UTF-8
		}
		n2, err := Parse(out)
		if err != nil {
			t.Fatalf("Parse(Marshal(n)) failed: %v\n%s", err, out)
		}
		again, err := n2.Marshal()
		if err != nil || !bytes.Equal(again, out) {
			t.Fatalf("not stable: %v\n%s\n%s", err, out, again)
		}
	})
}
