package ins

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"testing"
)

// TestKey checks the key derivation against the FIPS 180 test vector
// SHA-1("abc") = a9993e364706816aba3e25717850c26c9cd0d89d.
func TestKey(t *testing.T) {
	const sha1abc = "a9993e364706816aba3e25717850c26c9cd0d89d"
	for _, tc := range []struct {
		c    Cipher
		want string
	}{
		{AES256CBC, sha1abc[:32]},
		{"", sha1abc[:32]},
		{AES128CBC, sha1abc[:16]},
		{"aes-192-cbc", ""},
	} {
		if got := string(Key("abc", tc.c)); got != tc.want {
			t.Errorf("Key(abc, %q) = %q, want %q", tc.c, got, tc.want)
		}
	}
}

// envelopeShape is the envelope as ClickBank writes it: these two keys in
// this order, no spaces, standard padded base64, nothing after.
var envelopeShape = regexp.MustCompile(`^\{"notification":"((?:[A-Za-z0-9+/]{4})+)","iv":"([A-Za-z0-9+/]{22}==|[A-Za-z0-9+/]{24})"\}$`)

func TestEncodeShape(t *testing.T) {
	plain := []byte(`{"transactionType":"TEST","version":"7.0"}`)
	for _, v := range Versions {
		env := mustEncode(t, plain, Options{Version: v, Rand: seeded(1)})
		m := envelopeShape.FindSubmatch(env)
		if m == nil {
			t.Fatalf("version %s: envelope %s is not of ClickBank's shape", v, env)
		}
		iv, _ := base64.StdEncoding.DecodeString(string(m[2]))
		if !regexp.MustCompile(`^[0-9A-F]{16}$`).Match(iv) {
			t.Errorf("version %s: IV %q is not 16 upper-case hex characters", v, iv)
		}
	}
}

func TestEncodeIsReproducible(t *testing.T) {
	plain := notificationOfLen(100)
	a := mustEncode(t, plain, Options{Rand: seeded(7)})
	b := mustEncode(t, plain, Options{Rand: seeded(7)})
	c := mustEncode(t, plain, Options{Rand: seeded(8)})
	if !bytes.Equal(a, b) {
		t.Errorf("same seed, different envelopes:\n%s\n%s", a, b)
	}
	if bytes.Equal(a, c) {
		t.Errorf("different seeds, same envelope %s", a)
	}
	// Successive envelopes from one source get fresh IVs.
	r := seeded(9)
	_, iv1 := readEnvelope(t, mustEncode(t, plain, Options{Rand: r}))
	_, iv2 := readEnvelope(t, mustEncode(t, plain, Options{Rand: r}))
	if bytes.Equal(iv1, iv2) {
		t.Errorf("two envelopes from one source share the IV %q", iv1)
	}
}

// TestRoundTrip: for every plaintext size from the smallest JSON object to
// several hundred bytes, every version, padding and cipher, Open gives
// back the plaintext exactly, the padding used and the IV, and the
// ciphertext has the length the padding implies.
func TestRoundTrip(t *testing.T) {
	r := seeded(42)
	for n := 9; n <= 600; n++ {
		plain := notificationOfLen(n)
		for _, v := range Versions {
			for _, p := range []Padding{"", PKCS7, Zero} {
				for _, c := range Ciphers {
					opts := Options{Version: v, Padding: p, Cipher: c, Rand: r}
					env := mustEncode(t, plain, opts)
					wantPad := p
					if wantPad == "" {
						wantPad, _ = PaddingFor(v)
					}
					ct, iv := readEnvelope(t, env)
					wantLen := (n/16 + 1) * 16
					if wantPad == Zero {
						wantLen = (n + 15) / 16 * 16
					}
					if len(ct) != wantLen {
						t.Fatalf("n=%d %+v: ciphertext %d bytes, want %d", n, opts, len(ct), wantLen)
					}
					o, err := Open(env, testSecret, c)
					if err != nil {
						t.Fatalf("n=%d %+v: Open: %v", n, opts, err)
					}
					if !bytes.Equal(o.Plaintext, plain) || o.Padding != wantPad || !bytes.Equal(o.IV, iv) || o.Cipher != c {
						t.Fatalf("n=%d %+v: Open = %q %s iv %q %s, want %q %s iv %q %s", n, opts, o.Plaintext, o.Padding, o.IV, o.Cipher, plain, wantPad, iv, c)
					}
					if c == AES256CBC {
						got, err := Decode(env, testSecret)
						if err != nil || !bytes.Equal(got, plain) {
							t.Fatalf("n=%d %+v: Decode = %q, %v", n, opts, got, err)
						}
					}
				}
			}
		}
	}
}

// TestRoundTripKeepsBytes: whitespace, key order, number style and
// non-ASCII text come back untouched (no JSON re-encoding).
func TestRoundTripKeepsBytes(t *testing.T) {
	for _, plain := range []string{
		`{"totalAccountAmount":1.00,"version":7.0}`,
		"{\n  \"b\": 1,\n  \"a\": 2\n}",
		`{"name":"Zoë Ünal","city":"Zürich","amount":4.50E1}`,
		`{"url":"https:\/\/example.com\/x"}`,
		" {} ",
	} {
		env := mustEncode(t, []byte(plain), Options{Rand: seeded(3)})
		got, err := Decode(env, testSecret)
		if err != nil || string(got) != plain {
			t.Errorf("Decode(Encode(%q)) = %q, %v", plain, got, err)
		}
	}
}

// TestDecodeAlignedZeroPadding: a v6 sender adds no zero bytes to a
// plaintext that fills its blocks, whatever its last byte, even a newline
// (0x0a), which could pass for a PKCS#7 count.
func TestDecodeAlignedZeroPadding(t *testing.T) {
	iv := []byte("0123456789ABCDEF")
	for _, plain := range [][]byte{
		notificationOfLen(32),
		append(notificationOfLen(47), '\n'),
		append(notificationOfLen(46), '\r', '\n'),
	} {
		if len(plain)%16 != 0 {
			t.Fatalf("test plaintext of %d bytes is not aligned", len(plain))
		}
		ct := seal(Key(testSecret, AES256CBC), iv, plain) // no padding at all
		o, err := Open(makeEnvelope(t, ct, iv), testSecret, "")
		if err != nil || !bytes.Equal(o.Plaintext, plain) || o.Padding != Zero {
			t.Errorf("aligned %q: Open = %+v, %v", plain, o, err)
		}
	}
}

func TestEncodeErrors(t *testing.T) {
	plain := []byte(`{"a":1}`)
	for _, tc := range []struct {
		name      string
		plaintext []byte
		secret    string
		opts      Options
		kind      error // nil: not an *Error
		says      string
	}{
		{"EmptySecret", plain, "", Options{Rand: seeded(1)}, ErrSecret, "empty"},
		{"LowerCaseSecret", plain, "mysecret", Options{Rand: seeded(1)}, ErrSecret, `character at position 1 is not`},
		{"LongSecret", plain, "ABCDEFGHIJKLMNOPQ", Options{Rand: seeded(1)}, ErrSecret, "17 characters"},
		{"NonASCIISecret", plain, "ABCÉ", Options{Rand: seeded(1)}, ErrSecret, `character at position 4 is not`},
		{"NotJSON", []byte("hello"), testSecret, Options{Rand: seeded(1)}, ErrPlaintext, "not a JSON object"},
		{"JSONArray", []byte("[1]"), testSecret, Options{Rand: seeded(1)}, ErrPlaintext, "not a JSON object"},
		{"EmptyPlaintext", nil, testSecret, Options{Rand: seeded(1)}, ErrPlaintext, "not a JSON object"},
		{"TrailingNUL", []byte("{}\x00"), testSecret, Options{Rand: seeded(1)}, ErrPlaintext, "not a JSON object"},
		{"Version", plain, testSecret, Options{Version: "7", Rand: seeded(1)}, nil, `unknown INS version "7": want 6.0, 7.0 or 8.0`},
		{"Cipher", plain, testSecret, Options{Cipher: "aes-192-cbc", Rand: seeded(1)}, nil, `unknown cipher "aes-192-cbc": want aes-256-cbc or aes-128-cbc`},
		{"Padding", plain, testSecret, Options{Padding: "PKCS7", Rand: seeded(1)}, nil, `unknown padding "PKCS7": want pkcs7 or zero`},
		{"NoRand", plain, testSecret, Options{}, nil, "Options.Rand is nil"},
		{"ShortIV", plain, testSecret, Options{IV: []byte("0123456789")}, nil, "Options.IV is 10 bytes: want 16"},
		{"RandFails", plain, testSecret, Options{Rand: strings.NewReader("abc")}, nil, "read IV from Options.Rand: unexpected EOF"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env, err := Encode(tc.plaintext, tc.secret, tc.opts)
			if err == nil {
				t.Fatalf("Encode gave %s, want an error", env)
			}
			if env != nil {
				t.Errorf("Encode gave %q with its error", env)
			}
			if !strings.Contains(err.Error(), tc.says) || !strings.HasPrefix(err.Error(), "ins: ") {
				t.Errorf("error %q, want it to start with ins: and say %q", err, tc.says)
			}
			var e *Error
			if isErr := errors.As(err, &e); isErr != (tc.kind != nil) || (tc.kind != nil && !errors.Is(err, tc.kind)) {
				t.Errorf("error %v (%T), want kind %v", err, err, tc.kind)
			}
			if tc.name == "RandFails" && !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Errorf("error %v does not wrap the source's", err)
			}
		})
	}
}

func TestEncodeFixedIV(t *testing.T) {
	iv := []byte("FEDCBA9876543210")
	env := mustEncode(t, []byte(`{"a":1}`), Options{IV: iv})
	if _, got := readEnvelope(t, env); !bytes.Equal(got, iv) {
		t.Errorf("IV %q, want %q", got, iv)
	}
}

func TestCheckSecret(t *testing.T) {
	for _, ok := range []string{"A", "0", "MYSECRETKEY42", "ABCDEFGHIJKLMNOP", "1234567890123456"} {
		if err := CheckSecret(ok); err != nil {
			t.Errorf("CheckSecret(%q) = %v", ok, err)
		}
	}
	for _, bad := range []string{"", "abc", "ABC-DEF", "ABC DEF", "ABCDEFGHIJKLMNOPQ"} {
		if err := CheckSecret(bad); !errors.Is(err, ErrSecret) {
			t.Errorf("CheckSecret(%q) = %v, want ErrSecret", bad, err)
		}
	}
}

func TestParseCipherAndPadding(t *testing.T) {
	for in, want := range map[string]Cipher{"": AES256CBC, "aes-256-cbc": AES256CBC, "AES-128-CBC": AES128CBC} {
		if got, err := ParseCipher(in); err != nil || got != want {
			t.Errorf("ParseCipher(%q) = %q, %v, want %q", in, got, err, want)
		}
	}
	if _, err := ParseCipher("aes-256-gcm"); err == nil || !strings.Contains(err.Error(), "want aes-256-cbc or aes-128-cbc") {
		t.Errorf("ParseCipher(aes-256-gcm) = %v", err)
	}
	for in, want := range map[string]Padding{"": "", "pkcs7": PKCS7, "ZERO": Zero} {
		if got, err := ParsePadding(in); err != nil || got != want {
			t.Errorf("ParsePadding(%q) = %q, %v, want %q", in, got, err, want)
		}
	}
	if _, err := ParsePadding("none"); err == nil || !strings.Contains(err.Error(), "want pkcs7 or zero") {
		t.Errorf("ParsePadding(none) = %v", err)
	}
	if Cipher("").String() != "aes-256-cbc" {
		t.Errorf("zero Cipher prints %q", Cipher("").String())
	}
}

// TestCheckSecretQuotesNoPartOfIt: an error about the secret key says where
// it breaks ClickBank's rule, never what it holds (secrets are masked in
// every output, and a one-character piece would not be).
func TestCheckSecretQuotesNoPartOfIt(t *testing.T) {
	for _, secret := range []string{"hunter2x", "MYSECRETk", "AB-CD"} {
		err := CheckSecret(secret)
		if err == nil {
			t.Fatalf("CheckSecret(%q) = nil, want an error", secret)
		}
		for _, r := range secret {
			for _, quoted := range []string{fmt.Sprintf("%q", r), `"` + string(r) + `"`, "`" + string(r) + "`"} {
				if strings.Contains(err.Error(), quoted) {
					t.Errorf("CheckSecret(%q) = %q: it quotes %s, a character of the secret", secret, err, quoted)
				}
			}
		}
		if !strings.Contains(err.Error(), "position") {
			t.Errorf("CheckSecret(%q) = %q: it should say at which position", secret, err)
		}
	}
}
