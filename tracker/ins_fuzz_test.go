package tracker

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"
)

// fuzzINSSecret is the INS secret of the fuzz targets.
const fuzzINSSecret = "FUZZKEY42"

// FuzzOpenINS: the envelope reader never panics, refuses with a reason,
// and whatever it accepts is a JSON object.
func FuzzOpenINS(f *testing.F) {
	iv := []byte("0123456789ABCDEF")
	for _, plain := range []string{`{"transactionType":"TEST"}`, `{}`, `{"receipt":"ABCD1234","transactionType":"SALE"}`} {
		f.Add(SealINS(fuzzINSSecret, []byte(plain), iv, false))
		f.Add(SealINS(fuzzINSSecret, []byte(plain), iv, true))
		f.Add(SealINS("OTHER", []byte(plain), iv, false))
	}
	f.Add([]byte(`{"notification":"","iv":""}`))
	f.Add([]byte(`{"notification":"AAAA","iv":"MDEyMzQ1Njc4OUFCQ0RFRg=="}`))
	f.Add([]byte(`cverify=1&ctransreceipt=2`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, body []byte) {
		plain, err := openINS(body, fuzzINSSecret)
		if err != nil {
			if err.Message == "" || err.Code != EInvalid {
				t.Fatalf("error %+v: want an EInvalid with a reason", err)
			}
			return
		}
		if !isJSONObject(plain) {
			t.Fatalf("accepted %q, not a JSON object", plain)
		}
		if _, err := parseINS(plain); err != nil && err.Message == "" {
			t.Fatalf("parse error without a reason: %+v", err)
		}
	})
}

// FuzzINS drives POST /ins with decrypted notifications the fuzzer
// shapes: the endpoint never panics nor answers 5xx, and every refusal
// says why (serve checks both).
func FuzzINS(f *testing.F) {
	tr, err := Open(Config{APIKey: fuzzKey, INSSecret: fuzzINSSecret, Now: func() time.Time { return fuzzNow },
		Campaigns: []Campaign{{Name: "camp", OfferURL: "http://127.0.0.1:1/offer?tid={clickid}"}}})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { tr.Close() })
	click := newClick(f, tr)
	for _, seed := range []struct{ typ, receipt, role, amount, codes string }{
		{"SALE", "ABCD1234", "AFFILIATE", "45.75", `["` + click + `"]`},
		{"BILL", "ABCD1234-B002", "AFFILIATE", "41.10", `[]`},
		{"RFND", "ABCD1234", "AFFILIATE", "-45.75", `null`},
		{"CGBK", "NOSUCH", "VENDOR", "-1", `[""]`},
		{"TEST", "********", "VENDOR", "1.00", `[]`},
		{"SALE", "", "", `"x"`, `{}`},
	} {
		f.Add(seed.typ, seed.receipt, seed.role, seed.amount, seed.codes, 1)
	}
	iv := []byte("0123456789ABCDEF")
	f.Fuzz(func(t *testing.T, typ, receipt, role, amount, codes string, attempt int) {
		plain := fmt.Sprintf(`{"transactionType":%s,"receipt":%s,"role":%s,"totalAccountAmount":%s,"trackingCodes":%s,"attemptCount":%d}`,
			quoteJSON(typ), quoteJSON(receipt), quoteJSON(role), amount, codes, attempt)
		var reply map[string]any
		status := serve(t, tr, http.MethodPost, "/ins", string(SealINS(fuzzINSSecret, []byte(plain), iv, attempt%2 == 0)), &reply)
		if status == http.StatusOK && reply["status"] != "ok" {
			t.Fatalf("200 without status ok: %v", reply)
		}
	})
}

func quoteJSON(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
