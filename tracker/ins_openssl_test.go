package tracker_test

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/cbsim/cbsim/tracker"
)

// envRequireOpenSSL makes the openssl interoperability tests fail, instead
// of skipping, when openssl is not on PATH (CI sets it).
const envRequireOpenSSL = "CBSIM_REQUIRE_OPENSSL"

// needOpenSSL returns the path of openssl, or skips the test (fails it when
// CBSIM_REQUIRE_OPENSSL=1) when there is none.
func needOpenSSL(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("openssl")
	if err != nil {
		if os.Getenv(envRequireOpenSSL) == "1" {
			t.Fatalf("openssl is not on PATH and %s=1: install openssl (Debian: apt-get install openssl)", envRequireOpenSSL)
		}
		t.Skipf("openssl is not on PATH: the INS interoperability test is skipped (set %s=1 to fail instead)", envRequireOpenSSL)
	}
	return path
}

// runOpenSSL runs openssl with stdin and returns its stdout.
func runOpenSSL(t *testing.T, bin string, stdin []byte, args ...string) []byte {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Stdin = bytes.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("openssl %s: %v: %s", strings.Join(args, " "), err, errb.String())
	}
	return out.Bytes()
}

// opensslEnvelope seals plain as ClickBank does with openssl alone: the
// key is the first 32 characters of `openssl dgst -sha1` of the secret;
// with zeroPad the plaintext is zero-filled to the block and sealed -nopad
// (6.0), otherwise openssl adds PKCS#7 (7.0, 8.0).
func opensslEnvelope(t *testing.T, bin, secret string, plain, iv []byte, zeroPad bool) string {
	t.Helper()
	digest := strings.Fields(string(runOpenSSL(t, bin, []byte(secret), "dgst", "-sha1", "-r")))
	if len(digest) == 0 || len(digest[0]) != 40 {
		t.Fatalf("openssl dgst -sha1: %q", digest)
	}
	args := []string{"enc", "-aes-256-cbc", "-K", hex.EncodeToString([]byte(digest[0][:32])), "-iv", hex.EncodeToString(iv), "-nosalt"}
	if zeroPad {
		if r := len(plain) % 16; r != 0 {
			plain = append(append([]byte(nil), plain...), make([]byte, 16-r)...)
		}
		args = append(args, "-nopad")
	}
	ct := runOpenSSL(t, bin, plain, args...)
	env, err := json.Marshal(map[string]string{"notification": base64.StdEncoding.EncodeToString(ct), "iv": base64.StdEncoding.EncodeToString(iv)})
	if err != nil {
		t.Fatal(err)
	}
	return string(env)
}

// TestINSFromOpenSSL: the tracker opens envelopes sealed by openssl enc,
// an implementation independent of cbsim, in 7.0's PKCS#7 form and 6.0's
// zero-padded one, and refuses one sealed under another secret.
func TestINSFromOpenSSL(t *testing.T) {
	bin := needOpenSSL(t)
	f := newFixture(t, tracker.Config{INSSecret: insSecret})
	click := f.click()
	v7 := note{Type: "SALE", Receipt: "OSSL0007", Role: "AFFILIATE", Amount: "45.75", Codes: []string{click}}
	v6 := note{Type: "SALE", Receipt: "OSSL0006", Role: "VENDOR", Amount: "12.34", Codes: []string{click}, Version: "6.0"}
	r := f.do(http.MethodPost, "/ins", opensslEnvelope(t, bin, insSecret, v7.JSON(), insIV, false))
	hasStatus(http.StatusOK)(t, r)
	hasField("action", "created")(t, r)
	r = f.do(http.MethodPost, "/ins", opensslEnvelope(t, bin, insSecret, v6.JSON(), []byte("FEDCBA9876543210"), true))
	hasStatus(http.StatusOK)(t, r)
	hasField("action", "created")(t, r)
	convs := f.insConversions()
	if convs["OSSL0007 SALE AFFILIATE"]["payout"] != 45.75 || convs["OSSL0006 SALE VENDOR"]["payout"] != 12.34 {
		t.Errorf("conversions %v, want OSSL0007 at 45.75 and OSSL0006 at 12.34", convs)
	}
	r = f.do(http.MethodPost, "/ins", opensslEnvelope(t, bin, "OTHERSECRET", v7.JSON(), insIV, false))
	hasStatus(http.StatusBadRequest)(t, r)
	errorContains("does not decrypt with this tracker's INS secret")(t, r)

	// The tests' own sealer agrees with openssl byte for byte.
	if got, want := string(tracker.SealINS(insSecret, v7.JSON(), insIV, false)), opensslEnvelope(t, bin, insSecret, v7.JSON(), insIV, false); got != want {
		t.Errorf("SealINS and openssl differ:\n%s\n%s", got, want)
	}
}
