package ins

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"testing"
)

// testSecret is a secret key of ClickBank's form.
const testSecret = "MYSECRETKEY42"

// seeded returns a reproducible randomness source for Options.Rand.
func seeded(n uint64) *rand.ChaCha8 {
	var seed [32]byte
	seed[0], seed[1] = byte(n), byte(n>>8)
	return rand.NewChaCha8(seed)
}

// notificationOfLen returns a JSON object of exactly n bytes (n >= 9),
// shaped like a notification: {"receipt":"…"} filled with letters.
func notificationOfLen(n int) []byte {
	const head, tail = `{"r":"`, `"}`
	fill := n - len(head) - len(tail)
	if fill < 0 {
		panic(fmt.Sprintf("notificationOfLen(%d): too short", n))
	}
	b := make([]byte, 0, n)
	b = append(b, head...)
	for i := range fill {
		b = append(b, byte('A'+i%26))
	}
	return append(b, tail...)
}

// rawEnvelope is the envelope read with encoding/json and encoding/base64
// only, independently of the package's parser.
type rawEnvelope struct {
	Notification string `json:"notification"`
	IV           string `json:"iv"`
}

func readEnvelope(t testing.TB, env []byte) (ct, iv []byte) {
	t.Helper()
	var e rawEnvelope
	if err := json.Unmarshal(env, &e); err != nil {
		t.Fatalf("envelope %s: %v", env, err)
	}
	ct, err := base64.StdEncoding.DecodeString(e.Notification)
	if err != nil {
		t.Fatalf("notification of %s: %v", env, err)
	}
	iv, err = base64.StdEncoding.DecodeString(e.IV)
	if err != nil {
		t.Fatalf("iv of %s: %v", env, err)
	}
	return ct, iv
}

// makeEnvelope writes an envelope with encoding/json, not the package's
// writer.
func makeEnvelope(t testing.TB, ct, iv []byte) []byte {
	t.Helper()
	b, err := json.Marshal(rawEnvelope{
		Notification: base64.StdEncoding.EncodeToString(ct),
		IV:           base64.StdEncoding.EncodeToString(iv),
	})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// mustEncode is Encode that fails the test on error.
func mustEncode(t testing.TB, plaintext []byte, opts Options) []byte {
	t.Helper()
	env, err := Encode(plaintext, testSecret, opts)
	if err != nil {
		t.Fatalf("Encode(%q, %+v): %v", plaintext, opts, err)
	}
	return env
}

// zeroPad pads b with zeros to a whole number of blocks, as a v6 sender
// did: written here from the description, not with the package's pad.
func zeroPad(b []byte) []byte {
	out := bytes.Clone(b)
	for len(out)%16 != 0 {
		out = append(out, 0)
	}
	return out
}
