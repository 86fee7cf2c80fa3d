package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cbsim/cbsim/simulator/ins"
)

// testINSSecret is the INS secret key of these tests.
const testINSSecret = "MYSECRETKEY42"

// cliInput runs cbsim with stdin as its standard input.
func cliInput(t *testing.T, stdin []byte, args ...string) (int, string, string) {
	t.Helper()
	return cliContext(withStdin(context.Background(), bytes.NewReader(stdin)), args...)
}

// testPlaintext is a 7.0 SALE as ClickBank prints it (ins.Marshal).
func testPlaintext(t *testing.T, version string) []byte {
	t.Helper()
	n, err := ins.Order{Type: ins.Sale, Version: version, Time: time.Date(2026, 1, 15, 20, 0, 0, 0, time.UTC), Receipt: "ABCD1234",
		Vendor: "ven01", Affiliate: "aff01", TID: "clk_42", Items: []ins.Item{{No: "sku-1", Title: "Guide", Price: 10000, Commission: 5000}}}.For(ins.Affiliate)
	if err != nil {
		t.Fatal(err)
	}
	b, err := n.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestINSEncodeDecode: what `ins encode` seals, `ins decode` opens to the
// same bytes, for every version and padding; the envelope is what
// ins.Decode opens too.
func TestINSEncodeDecode(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name string
		args []string
	}{
		{"6.0", []string{"--version", "6.0"}},
		{"7.0", nil},
		{"8.0", []string{"--version", "8.0"}},
		{"7.0ZeroPadding", []string{"--padding", "zero"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			version := ins.DefaultVersion
			if i := slices.Index(c.args, "--version"); i >= 0 {
				version = c.args[i+1]
			}
			plain := testPlaintext(t, version)
			// An editor's trailing newline is dropped.
			code, env, errs := cliInput(t, append(slices.Clone(plain), '\n'), append([]string{"ins", "encode", "--secret", testINSSecret}, c.args...)...)
			if code != 0 || errs != "" {
				t.Fatalf("encode: exit %d: %s", code, errs)
			}
			if !strings.HasPrefix(env, `{"notification":"`) || strings.HasSuffix(env, "\n") {
				t.Errorf("envelope %q", env)
			}
			if got, err := ins.Decode([]byte(env), testINSSecret); err != nil || !bytes.Equal(got, plain) {
				t.Fatalf("ins.Decode: %v\n%s", err, got)
			}
			code, out, errs := cliInput(t, []byte(env), "ins", "decode", "--secret", testINSSecret)
			if code != 0 || errs != "" || out != string(plain) {
				t.Fatalf("decode: exit %d\nstdout %s\nwant   %s\nstderr %s", code, out, plain, errs)
			}
		})
	}
}

// TestINSDecodeMasksSecret: a plaintext that holds the secret's text is
// printed with it masked, and a warning says so.
func TestINSDecodeMasksSecret(t *testing.T) {
	t.Parallel()
	const secret = "SALE" // what ClickBank accepts, and a word of every SALE
	code, env, errs := cliInput(t, testPlaintext(t, "7.0"), "ins", "encode", "--secret", secret)
	if code != 0 {
		t.Fatalf("encode: exit %d: %s", code, errs)
	}
	code, out, errs := cliInput(t, []byte(env), "ins", "decode", "--secret", secret)
	if code != 0 || !strings.Contains(out, `"transactionType":"***"`) || !strings.Contains(errs, "warning: the plaintext holds the text of --secret") {
		t.Fatalf("exit %d\nstdout %s\nstderr %s", code, out, errs)
	}
}

func TestINSDecodeErrors(t *testing.T) {
	t.Parallel()
	code, env, errs := cliInput(t, testPlaintext(t, "7.0"), "ins", "encode", "--secret", testINSSecret)
	if code != 0 {
		t.Fatalf("encode: exit %d: %s", code, errs)
	}
	_, env128, _ := cliInput(t, testPlaintext(t, "7.0"), "ins", "encode", "--secret", testINSSecret, "--cipher", "aes-128-cbc")
	for _, c := range []struct {
		name, input, secret, want string
	}{
		{"WrongSecret", env, "OTHERSECRET7", "wrong secret key"},
		{"AES128", env128, testINSSecret, "aes-128-cbc"},
		{"Truncated", env[:40], testINSSecret, "cut short"},
		{"BadBase64", `{"notification":"%%%%","iv":"MUZCRDIxNjJFOTIxNUJFQQ=="}`, testINSSecret, "notification: is not standard base64"},
		{"NotAnEnvelope", "transactionType=SALE&cverify=ABCD", testINSSecret, "ins: "},
		{"Empty", "", testINSSecret, "stdin is empty"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			code, out, errs := cliInput(t, []byte(c.input), "ins", "decode", "--secret", c.secret)
			if code != 1 || out != "" || !strings.HasPrefix(errs, "cbsim ins decode: ") || !strings.Contains(errs, c.want) {
				t.Fatalf("exit %d, want 1 and %q\nstdout %s\nstderr %s", code, c.want, out, errs)
			}
		})
	}
}

// TestINSListsSubcommands: bare, cbsim ins lists its subcommands on
// stdout.
func TestINSListsSubcommands(t *testing.T) {
	t.Parallel()
	code, out, errs := cli(t, "ins")
	if code != 0 || errs != "" || !strings.Contains(out, "encode") || !strings.Contains(out, "decode") || !strings.Contains(out, "send") {
		t.Fatalf("exit %d\nstdout %s\nstderr %s", code, out, errs)
	}
}

func TestINSUsageErrors(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name string
		code int
		args []string
		want string
	}{

		{"UnknownSubcommand", 2, []string{"ins", "seal"}, `unknown subcommand "seal"`},
		{"Help", 0, []string{"ins", "-h"}, "subcommands:"},
		{"EncodeNoSecret", 2, []string{"ins", "encode"}, "--secret is required"},
		{"EncodeVersion", 2, []string{"ins", "encode", "--secret", testINSSecret, "--version", "9.0"}, "--version: unknown INS version"},
		{"EncodeCipher", 2, []string{"ins", "encode", "--secret", testINSSecret, "--cipher", "des"}, "--cipher: unknown cipher"},
		{"EncodeLowerSecret", 1, []string{"ins", "encode", "--secret", "mysecret"}, "upper-case letters and digits only"},
		{"DecodeNoSecret", 2, []string{"ins", "decode"}, "--secret is required"},
		{"SendNoURL", 2, []string{"ins", "send", "--secret", testINSSecret}, "--url is required"},
		{"SendThreeURLs", 2, []string{"ins", "send", "--secret", testINSSecret, "--url", "http://127.0.0.1:9/a", "--url", "http://127.0.0.1:9/b", "--url", "http://127.0.0.1:9/c"}, "at most 2"},
		{"SendRole", 2, []string{"ins", "send", "--secret", testINSSecret, "--url", "http://127.0.0.1:9/a", "--role", "jv"}, "--role"},
		{"SendType", 2, []string{"ins", "send", "--secret", testINSSecret, "--url", "http://127.0.0.1:9/a", "--type", "SOLD"}, "--type: unknown INS transaction type"},
		{"SendAffiliateOfDirectSale", 2, []string{"ins", "send", "--secret", testINSSecret, "--url", "http://127.0.0.1:9/a", "--affiliate", "", "--role", "AFFILIATE"}, "no affiliate"},
		{"SendTimeFactor", 2, []string{"ins", "send", "--secret", testINSSecret, "--url", "http://127.0.0.1:9/a", "--time-factor", "0"}, "--time-factor"},
		{"SendBadSecret", 2, []string{"ins", "send", "--secret", "lower", "--url", "http://127.0.0.1:9/a"}, "--secret: ins: the secret key"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			code, out, errs := cliInput(t, []byte(`{"a":1}`), c.args...)
			if code != c.code || !strings.Contains(errs, c.want) {
				t.Fatalf("exit %d, want %d and %q\nstdout %s\nstderr %s", code, c.code, c.want, out, errs)
			}
		})
	}
}

// insReceiver is an httptest INS receiver that opens every POST with
// testINSSecret and answers with status and body.
type insReceiver struct {
	*httptest.Server
	mu  sync.Mutex // guards got
	got []*ins.Notification
}

func newINSReceiver(t *testing.T, status int, body string) *insReceiver {
	t.Helper()
	rc := &insReceiver{}
	rc.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		env, _ := io.ReadAll(r.Body)
		plain, err := ins.Decode(env, testINSSecret)
		var n *ins.Notification
		if err == nil {
			n, err = ins.Parse(plain)
		}
		if err != nil || r.Header.Get("Content-Type") != "application/json" {
			t.Errorf("receiver: %v (Content-Type %q)", err, r.Header.Get("Content-Type"))
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		rc.mu.Lock()
		rc.got = append(rc.got, n)
		rc.mu.Unlock()
		w.WriteHeader(status)
		io.WriteString(w, body)
	}))
	t.Cleanup(rc.Close)
	return rc
}

func (rc *insReceiver) notifications() []*ins.Notification {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return slices.Clone(rc.got)
}

// TestINSSend: both notifications of a referred sale reach both URLs,
// decrypted by the receiver with the secret, each with its tracking code.
func TestINSSend(t *testing.T) {
	t.Parallel()
	a, b := newINSReceiver(t, 200, "OK"), newINSReceiver(t, 204, "")
	code, out, errs := cli(t, "ins", "send", "--url", a.URL+"/ins", "--url", b.URL+"/ins", "--secret", testINSSecret,
		"--type", "SALE", "--tid", "clk42", "--vtid", "v7", "--receipt", "ABCD1234", "--amount", "100.00", "--commission", "50")
	if code != 0 {
		t.Fatalf("exit %d\nstdout %s\nstderr %s", code, out, errs)
	}
	if !strings.Contains(out, "4 of 4 notification(s) accepted") || !strings.Contains(out, `SALE AFFILIATE ABCD1234 → `+a.URL+`/ins attempt 1/5: HTTP 200 accepted`) {
		t.Errorf("stdout:\n%s", out)
	}
	for _, rc := range []*insReceiver{a, b} {
		var roles []string
		for _, n := range rc.notifications() {
			roles = append(roles, string(n.Role))
			want := "v7"
			if n.Role == ins.Affiliate {
				want = "clk42"
			}
			if n.TransactionType != ins.Sale || n.Receipt != "ABCD1234" || n.TotalOrderAmount != 10000 || n.AttemptCount != 1 ||
				len(n.TrackingCodes) != 1 || n.TrackingCodes[0] != want {
				t.Errorf("%s received %+v", n.Role, n)
			}
		}
		slices.Sort(roles)
		if !slices.Equal(roles, []string{"AFFILIATE", "VENDOR"}) {
			t.Errorf("receiver got %v", roles)
		}
	}
}

// TestINSSendRefused: a receiver that answers 400 makes send exit 1 with
// its status and body, after ClickBank's 5 attempts, attemptCount 1 to 5;
// the secret, and a secret parameter of the URL, are never shown.
func TestINSSendRefused(t *testing.T) {
	t.Parallel()
	const token = "tok-Secret9"
	rc := newINSReceiver(t, 400, "cannot decrypt with key "+testINSSecret+" (token "+token+")")
	code, out, errs := cli(t, "ins", "send", "--url", rc.URL+"/ins?token="+token, "--secret", testINSSecret,
		"--role", "vendor", "--time-factor", "1e-6")
	if code != 1 {
		t.Fatalf("exit %d, want 1\nstdout %s\nstderr %s", code, out, errs)
	}
	if !strings.Contains(errs, "was not accepted by") || !strings.Contains(errs, "HTTP 400 Bad Request") ||
		!strings.Contains(errs, `the receiver's reply: "cannot decrypt with key *** (token ***)"`) {
		t.Errorf("stderr does not say why:\n%s", errs)
	}
	if !strings.Contains(out, "attempt 5/5: HTTP 400 Bad Request") || !strings.Contains(out, "0 of 1 notification(s) accepted") {
		t.Errorf("stdout:\n%s", out)
	}
	var counts []int
	for _, n := range rc.notifications() {
		counts = append(counts, n.AttemptCount)
	}
	if !slices.Equal(counts, []int{1, 2, 3, 4, 5}) {
		t.Errorf("attemptCount %v, want 1 to 5", counts)
	}
	for _, text := range []string{out, errs} {
		if strings.Contains(text, testINSSecret) || strings.Contains(text, "Secret9") {
			t.Errorf("a secret is shown:\n%s", text)
		}
	}
	if !strings.Contains(out, "/ins?token=***") {
		t.Errorf("the URL's token is not masked:\n%s", out)
	}
}

// TestINSSendUpsell: --upsell sends the purchase as a one-click upsell,
// an UPSELL line item with the whole upsell block.
func TestINSSendUpsell(t *testing.T) {
	t.Parallel()
	a := newINSReceiver(t, 200, "OK")
	code, out, errs := cli(t, "ins", "send", "--url", a.URL+"/ins", "--secret", testINSSecret, "--role", "VENDOR", "--upsell")
	if code != 0 {
		t.Fatalf("exit %d\nstdout %s\nstderr %s", code, out, errs)
	}
	ns := a.notifications()
	if len(ns) != 1 {
		t.Fatalf("received %d notifications, want 1", len(ns))
	}
	n := ns[0]
	u := n.Upsell
	if u == nil || u.UpsellOriginalReceipt == "" || u.UpsellOriginalReceipt == n.Receipt || u.UpsellFlowID <= 0 ||
		len(u.UpsellSession) != 10 || u.UpsellSession[:6] != u.UpsellOriginalReceipt[:6] || u.UpsellPath != "a" {
		t.Fatalf("upsell block %+v of receipt %s", u, n.Receipt)
	}
	if len(n.LineItems) != 1 || n.LineItems[0].LineItemType != ins.Upsell {
		t.Errorf("line items %+v, want one UPSELL", n.LineItems)
	}
}
