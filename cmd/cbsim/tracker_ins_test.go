package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/sha1"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// sealForTest seals an INS plaintext as docs/clickbank.md §6 says, with
// the standard library alone: AES-256-CBC, the key the first 32 lowercase
// hex characters of SHA-1(secret), PKCS#7, a 16-character IV.
func sealForTest(t *testing.T, secret, plain string) string {
	t.Helper()
	block, err := aes.NewCipher([]byte(fmt.Sprintf("%x", sha1.Sum([]byte(secret)))[:32]))
	if err != nil {
		t.Fatal(err)
	}
	pad := aes.BlockSize - len(plain)%aes.BlockSize
	padded := append([]byte(plain), bytes.Repeat([]byte{byte(pad)}, pad)...)
	iv := []byte("0123456789ABCDEF")
	cipher.NewCBCEncrypter(block, iv).CryptBlocks(padded, padded)
	env, _ := json.Marshal(map[string]string{"notification": base64.StdEncoding.EncodeToString(padded), "iv": base64.StdEncoding.EncodeToString(iv)})
	return string(env)
}

// TestTrackerINSSecret: `cbsim tracker` takes its INS secret from
// $CBSIM_TRACKER_INS_SECRET like any flag, decrypts with it on POST /ins,
// and never prints it, not even in a refusal that quotes it.
func TestTrackerINSSecret(t *testing.T) {
	const secret = "INSKEY9876543210"
	t.Setenv("CBSIM_TRACKER_INS_SECRET", secret)
	ctx, cancel := context.WithCancel(context.Background())
	outR, outW := io.Pipe()
	var stderr syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"tracker", "--addr", "127.0.0.1:0", "--api-key", "apikey123", "-v"}, outW, &stderr)
		outW.Close()
	}()
	var once sync.Once
	stop := func() {
		once.Do(func() {
			cancel()
			select {
			case code := <-done:
				if code != 0 {
					t.Errorf("exit %d: %s", code, stderr.String())
				}
			case <-time.After(10 * time.Second):
				t.Error("no exit within 10s of cancel")
			}
		})
	}
	defer stop()
	line, err := bufio.NewReader(outR).ReadString('\n')
	if err != nil {
		t.Fatalf("ready line: %v (%s)", err, stderr.String())
	}
	go io.Copy(io.Discard, outR)
	base := strings.TrimPrefix(strings.TrimSpace(line), "ready ")
	post := func(body string) (int, string) {
		resp, err := http.Post(base+"/ins", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := post(sealForTest(t, secret, `{"transactionType":"TEST","receipt":"********","role":"VENDOR","version":7.0,"attemptCount":1}`)); code != 200 || !strings.Contains(body, `"action":"test"`) {
		t.Errorf("TEST notification: %d %s", code, body)
	}
	sale := fmt.Sprintf(`{"transactionType":"SALE","receipt":"CLI00001","role":"AFFILIATE","totalAccountAmount":1.00,"trackingCodes":[%q]}`, secret)
	if code, body := post(sealForTest(t, secret, sale)); code != 404 || !strings.Contains(body, "unknown click id") {
		t.Errorf("SALE for an unknown click: %d %s", code, body)
	}
	if code, body := post(sealForTest(t, "WRONGKEY", sale)); code != 400 || !strings.Contains(body, "does not decrypt") {
		t.Errorf("wrong secret: %d %s", code, body)
	}
	stop()
	if strings.Contains(stderr.String(), secret) {
		t.Errorf("stderr shows the INS secret:\n%s", stderr.String())
	}
	if !strings.Contains(stderr.String(), "ins rejected") {
		t.Errorf("stderr has no INS rejection:\n%s", stderr.String())
	}
}
