package tracker_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/cbsim/cbsim/tracker"
)

// insSecret is the tests' INS secret, of ClickBank's form (at most 16
// upper-case letters or digits).
const insSecret = "SECRETKEY2026"

// insIV is a v7-style IV: 16 upper-case hex characters.
var insIV = []byte("0123456789ABCDEF")

// note is an INS plaintext in ClickBank's key order (docs/clickbank.md §6),
// amounts with two decimals and the version as 7.0: what the tests seal.
type note struct {
	Type, Receipt, Role string
	Amount              string   // totalAccountAmount as printed, e.g. "45.75" or "-45.75"
	Codes               []string // trackingCodes
	Item                string   // lineItemType: ORIGINAL, UPSELL, …
	Original            string   // upsell.upsellOriginalReceipt
	Attempt             int
	Version             string // "7.0" unless set
}

// JSON prints the note as ClickBank does: a field without a value is left
// out, never null (docs/clickbank.md §6.2).
func (n note) JSON() []byte {
	codes := ""
	if n.Codes != nil {
		b, _ := json.Marshal(n.Codes)
		codes = `"trackingCodes":` + string(b) + ","
	}
	item := n.Item
	if item == "" {
		item = "ORIGINAL"
	}
	upsell := ""
	if n.Original != "" {
		upsell = fmt.Sprintf(`"upsell":{"upsellOriginalReceipt":%q,"upsellFlowId":12,"upsellSession":"ABCDE12345","upsellPath":"1"},`, n.Original)
	}
	version := n.Version
	if version == "" {
		version = "7.0"
	}
	attempt := n.Attempt
	if attempt == 0 {
		attempt = 1
	}
	return fmt.Appendf(nil, `{"transactionTime":"20260115T120000-0700","receipt":%q,"transactionType":%q,"vendor":"ven01",`+
		`"affiliate":"aff01","role":%q,"totalAccountAmount":%s,"paymentMethod":"VISA","totalOrderAmount":100.00,`+
		`"totalTaxAmount":0.00,"totalShippingAmount":0.00,"currency":"USD","orderLanguage":"EN",%s`+
		`"declinedConsent":false,"lineItems":[{"itemNo":"ebook","productTitle":"An ebook","shippable":false,`+
		`"recurring":false,"accountAmount":%s,"quantity":1,"lineItemType":%q}],"customer":{"billing":`+
		`{"firstName":"Jane","lastName":"Buyer","fullName":"Jane Buyer","email":"jane@buyer.example"}},`+
		`%s"version":%s,"attemptCount":%d}`,
		n.Receipt, n.Type, n.Role, n.Amount, codes, n.Amount, item, upsell, version, attempt)
}

// ins POSTs a notification sealed with secret to /ins.
func (f *fixture) ins(secret string, n note) reply {
	f.t.Helper()
	return f.do(http.MethodPost, "/ins", string(tracker.SealINS(secret, n.JSON(), insIV, false)))
}

// insConversions returns the INS conversions of the report, by receipt and
// type ("R1 SALE").
func (f *fixture) insConversions() map[string]map[string]any {
	f.t.Helper()
	items, _ := f.items("/conversions?per=1000")
	out := map[string]map[string]any{}
	for _, it := range items {
		typ, _ := it["type"].(string)
		if rest, ok := strings.CutPrefix(typ, tracker.INSTypePrefix); ok {
			params := it["cbsim"].(map[string]any)["params"].(map[string]any)
			out[fmt.Sprintf("%v %s %v", it["order"], rest, params["role"])] = it
		}
	}
	return out
}

// rejections returns the rejections log's items.
func (f *fixture) rejections() []map[string]any {
	f.t.Helper()
	items, _ := f.items("/rejections?per=1000")
	return items
}

func TestINSLifecycle(t *testing.T) {
	f := newFixture(t, tracker.Config{INSSecret: insSecret})
	click := f.click()
	sale := note{Type: "SALE", Receipt: "ABCD1234", Role: "AFFILIATE", Amount: "45.75", Codes: []string{click}}

	r := f.ins(insSecret, sale)
	hasStatus(http.StatusOK)(t, r)
	hasField("action", "created")(t, r)
	hasField("duplicate_status", "new")(t, r)
	saleID, _ := r.body["conversion_id"].(string)

	// ClickBank retries with attemptCount up: nothing more is recorded.
	retry := sale
	retry.Attempt = 2
	r = f.ins(insSecret, retry)
	hasStatus(http.StatusOK)(t, r)
	hasField("action", "ignored")(t, r)
	hasField("conversion_id", saleID)(t, r)
	hasField("duplicate_status", "repeated")(t, r)

	// Rebills: one named by its tracking code, one without any, which goes
	// on the click of the sale it rebills.
	hasField("action", "created")(t, f.ins(insSecret, note{Type: "BILL", Receipt: "ABCD1234-B002", Role: "AFFILIATE", Amount: "41.10", Codes: []string{click}}))
	hasField("action", "created")(t, f.ins(insSecret, note{Type: "BILL", Receipt: "ABCD1234-B003", Role: "AFFILIATE", Amount: "41.10"}))

	// An upsell without a tracking code goes on its original's click.
	hasField("action", "created")(t, f.ins(insSecret, note{Type: "SALE", Receipt: "UPSL5678", Role: "AFFILIATE", Amount: "20.00", Item: "UPSELL", Original: "ABCD1234"}))

	convs := f.insConversions()
	if len(convs) != 4 {
		t.Fatalf("%d INS conversions, want 4: %v", len(convs), convs)
	}
	for key, want := range map[string]struct {
		payout float64
		status string
	}{
		"ABCD1234 SALE AFFILIATE":      {45.75, "approved"},
		"ABCD1234-B002 BILL AFFILIATE": {41.10, "approved"},
		"ABCD1234-B003 BILL AFFILIATE": {41.10, "approved"},
		"UPSL5678 SALE AFFILIATE":      {20.00, "approved"},
	} {
		c, ok := convs[key]
		if !ok {
			t.Errorf("no conversion %s in %v", key, convs)
			continue
		}
		if c["clickid"] != click || c["payout"] != want.payout || c["status"] != want.status || c["currency"] != "USD" {
			t.Errorf("%s: clickid %v payout %v status %v currency %v; want %s %v %s USD", key, c["clickid"], c["payout"], c["status"], c["currency"], click, want.payout, want.status)
		}
	}
	first := convs["ABCD1234 SALE AFFILIATE"]
	params := first["cbsim"].(map[string]any)["params"].(map[string]any)
	for k, v := range map[string]string{"receipt": "ABCD1234", "transaction_type": "SALE", "role": "AFFILIATE", "vendor": "ven01",
		"affiliate": "aff01", "attempt_count": "1", "version": "7.0", "line_item_types": "ORIGINAL", "order_currency": "USD"} {
		if params[k] != v {
			t.Errorf("cbsim.params[%s] = %v, want %q (params %v)", k, params[k], v, params)
		}
	}
	if first["deduplicate_token"] != "ABCD1234/SALE/AFFILIATE" || first["id"] != saleID {
		t.Errorf("deduplicate_token %v id %v, want ABCD1234/SALE/AFFILIATE %s", first["deduplicate_token"], first["id"], saleID)
	}
	if got := convs["UPSL5678 SALE AFFILIATE"]["cbsim"].(map[string]any)["params"].(map[string]any)["upsell_original_receipt"]; got != "ABCD1234" {
		t.Errorf("upsell_original_receipt = %v", got)
	}
	if _, ok := first["cbsim"].(map[string]any)["reversal"]; ok {
		t.Errorf("a conversion nothing reversed has cbsim.reversal: %v", first["cbsim"])
	}

	// A refund declines the sale's conversion; a chargeback the rebill's.
	r = f.ins(insSecret, note{Type: "RFND", Receipt: "ABCD1234", Role: "AFFILIATE", Amount: "-45.75", Codes: []string{click}})
	hasStatus(http.StatusOK)(t, r)
	hasField("action", "reversed")(t, r)
	hasField("conversion_id", saleID)(t, r)
	hasField("action", "ignored")(t, f.ins(insSecret, note{Type: "RFND", Receipt: "ABCD1234", Role: "AFFILIATE", Amount: "-45.75", Attempt: 2}))
	hasField("action", "reversed")(t, f.ins(insSecret, note{Type: "CGBK", Receipt: "ABCD1234-B002", Role: "AFFILIATE", Amount: "-41.10"}))

	convs = f.insConversions()
	for key, want := range map[string]struct {
		status, reversal string
		amount           float64
	}{
		"ABCD1234 SALE AFFILIATE":      {"declined", "RFND", -45.75},
		"ABCD1234-B002 BILL AFFILIATE": {"declined", "CGBK", -41.10},
		"ABCD1234-B003 BILL AFFILIATE": {"approved", "", 0},
	} {
		c := convs[key]
		rev, _ := c["cbsim"].(map[string]any)["reversal"].(map[string]any)
		if c["status"] != want.status || (want.reversal == "") != (rev == nil) {
			t.Errorf("%s: status %v reversal %v; want %s %q", key, c["status"], rev, want.status, want.reversal)
			continue
		}
		if rev != nil && (rev["type"] != want.reversal || rev["amount"] != want.amount || rev["at"] != "2026-03-14T12:00:00Z") {
			t.Errorf("%s: reversal %v, want type %s amount %v at 2026-03-14T12:00:00Z", key, rev, want.reversal, want.amount)
		}
		if c["payout"] == 0.0 {
			t.Errorf("%s: payout 0: a reversal keeps the payout it declines", key)
		}
	}
	if len(f.rejections()) != 0 {
		t.Errorf("rejections: %v", f.rejections())
	}
}

// TestINSRoles: the vendor's and the affiliate's notifications of one
// receipt are two conversions, each on the click its tracking code names,
// and a refund reverses the conversion of its own role.
func TestINSRoles(t *testing.T) {
	f := newFixture(t, tracker.Config{INSSecret: insSecret})
	tid, vtid := f.click(), f.click()
	hasField("action", "created")(t, f.ins(insSecret, note{Type: "SALE", Receipt: "ROLE0001", Role: "AFFILIATE", Amount: "45.75", Codes: []string{tid}}))
	hasField("action", "created")(t, f.ins(insSecret, note{Type: "SALE", Receipt: "ROLE0001", Role: "VENDOR", Amount: "45.75", Codes: []string{"unknown0", vtid}}))
	hasField("action", "reversed")(t, f.ins(insSecret, note{Type: "RFND", Receipt: "ROLE0001", Role: "VENDOR", Amount: "-45.75"}))
	convs := f.insConversions()
	aff, ven := convs["ROLE0001 SALE AFFILIATE"], convs["ROLE0001 SALE VENDOR"]
	if aff["clickid"] != tid || ven["clickid"] != vtid {
		t.Errorf("affiliate's on %v, vendor's on %v; want %s and %s", aff["clickid"], ven["clickid"], tid, vtid)
	}
	if aff["status"] != "approved" || ven["status"] != "declined" {
		t.Errorf("after the vendor's refund: affiliate's %v, vendor's %v; want approved, declined", aff["status"], ven["status"])
	}
	// A refund for a role whose sale this tracker never saw is refused.
	r := f.ins(insSecret, note{Type: "RFND", Receipt: "ROLE0001", Role: "JV_UPSELL", Amount: "-1.00"})
	hasStatus(http.StatusNotFound)(t, r)
	errorContains("role JV_UPSELL")(t, r)
}

func TestINSTestTypes(t *testing.T) {
	f := newFixture(t, tracker.Config{INSSecret: insSecret})
	click := f.click()
	r := f.ins(insSecret, note{Type: "TEST", Receipt: "********", Role: "VENDOR", Amount: "1.00"})
	hasStatus(http.StatusOK)(t, r)
	hasField("action", "test")(t, r)
	r = f.ins(insSecret, note{Type: "INSF", Receipt: "ABCD1234-B002", Role: "VENDOR", Amount: "0.00", Codes: []string{click}})
	hasStatus(http.StatusOK)(t, r)
	hasField("action", "ignored")(t, r)
	errorContains("")(t, r)
	if !strings.Contains(r.raw, "INSF records nothing") {
		t.Errorf("INSF reply %s does not say it records nothing", r.raw)
	}
	if convs := f.insConversions(); len(convs) != 0 {
		t.Fatalf("TEST and INSF recorded %v", convs)
	}
	hasField("action", "created")(t, f.ins(insSecret, note{Type: "TEST_SALE", Receipt: "TEST0001", Role: "VENDOR", Amount: "10.00", Codes: []string{click}}))
	// A real refund does not reverse a test purchase; a test refund does.
	hasStatus(http.StatusNotFound)(t, f.ins(insSecret, note{Type: "RFND", Receipt: "TEST0001", Role: "VENDOR", Amount: "-10.00"}))
	hasField("action", "reversed")(t, f.ins(insSecret, note{Type: "TEST_RFND", Receipt: "TEST0001", Role: "VENDOR", Amount: "-10.00"}))
	c := f.insConversions()["TEST0001 TEST_SALE VENDOR"]
	if c["type"] != "INS:TEST_SALE" || c["status"] != "declined" || c["payout"] != 10.0 {
		t.Errorf("test sale: %v %v %v, want INS:TEST_SALE declined 10", c["type"], c["status"], c["payout"])
	}
}

// TestINSRefused: every refusal is a 4xx whose body says why, logged in
// the rejections log with path /ins; nothing is recorded.
func TestINSRefused(t *testing.T) {
	f := newFixture(t, tracker.Config{INSSecret: insSecret})
	click := f.click()
	sale := note{Type: "SALE", Receipt: "REFU0001", Role: "AFFILIATE", Amount: "45.75", Codes: []string{click}}
	good := tracker.SealINS(insSecret, sale.JSON(), insIV, false)
	var env map[string]string
	if err := json.Unmarshal(good, &env); err != nil {
		t.Fatal(err)
	}
	envelope := func(notification, iv string) string {
		b, _ := json.Marshal(map[string]string{"notification": notification, "iv": iv})
		return string(b)
	}
	ct, _ := base64.StdEncoding.DecodeString(env["notification"])
	tests := []struct {
		name, body      string
		status          int
		param, contains string
		summary         string // the rejection's query
	}{
		{"WrongSecret", string(tracker.SealINS("OTHERKEY", sale.JSON(), insIV, false)), 400, "notification", "does not decrypt with this tracker's INS secret", ""},
		{"TruncatedBody", string(good[:len(good)/2]), 400, "body", "not a JSON INS envelope", ""},
		{"TruncatedCiphertext", envelope(base64.StdEncoding.EncodeToString(ct[:len(ct)-5]), env["iv"]), 400, "notification", "not a whole number of 16-byte AES blocks", ""},
		{"LastBlockCut", envelope(base64.StdEncoding.EncodeToString(ct[:len(ct)-16]), env["iv"]), 400, "notification", "does not decrypt", ""},
		{"BadBase64", envelope("%%%not base64%%%", env["iv"]), 400, "notification", "not base64", ""},
		{"BadIVBase64", envelope(env["notification"], "***"), 400, "iv", "iv is not base64", ""},
		{"ShortIV", envelope(env["notification"], base64.StdEncoding.EncodeToString([]byte("short"))), 400, "iv", "iv is 5 bytes", ""},
		{"NoIV", `{"notification":"` + env["notification"] + `"}`, 400, "iv", `no "iv"`, ""},
		{"Empty", "", 400, "body", "not a JSON INS envelope", ""},
		{"FormPost", "ccustname=Jane&cverify=ABCD1234&ctransreceipt=X", 400, "body", "before version 6.0", ""},
		{"UnknownClick", string(tracker.SealINS(insSecret, note{Type: "SALE", Receipt: "REFU0002", Role: "AFFILIATE", Amount: "1.00", Codes: []string{"nosuchclick"}}.JSON(), insIV, false)),
			404, "trackingCodes", `"nosuchclick"`, "transactionType=SALE&receipt=REFU0002&role=AFFILIATE&attemptCount=1"},
		{"NoTrackingCode", string(tracker.SealINS(insSecret, note{Type: "SALE", Receipt: "REFU0003", Role: "AFFILIATE", Amount: "1.00"}.JSON(), insIV, false)),
			400, "trackingCodes", "trackingCodes are empty", "transactionType=SALE&receipt=REFU0003&role=AFFILIATE&attemptCount=1"},
		{"UnknownReceipt", string(tracker.SealINS(insSecret, note{Type: "RFND", Receipt: "NOSUCH01", Role: "AFFILIATE", Amount: "-1.00"}.JSON(), insIV, false)),
			404, "receipt", `RFND of unknown receipt "NOSUCH01"`, "transactionType=RFND&receipt=NOSUCH01&role=AFFILIATE&attemptCount=1"},
		{"BadRole", string(tracker.SealINS(insSecret, note{Type: "SALE", Receipt: "REFU0004", Role: "BUYER", Amount: "1.00", Codes: []string{click}}.JSON(), insIV, false)),
			400, "role", `role "BUYER"`, "transactionType=SALE&receipt=REFU0004&role=BUYER&attemptCount=1"},
		{"NegativeSale", string(tracker.SealINS(insSecret, note{Type: "SALE", Receipt: "REFU0005", Role: "AFFILIATE", Amount: "-1.00", Codes: []string{click}}.JSON(), insIV, false)),
			400, "totalAccountAmount", "negative", "transactionType=SALE&receipt=REFU0005&role=AFFILIATE&attemptCount=1"},
		{"AmountNotANumber", string(tracker.SealINS(insSecret, note{Type: "SALE", Receipt: "REFU0006", Role: "AFFILIATE", Amount: `"lots"`, Codes: []string{click}}.JSON(), insIV, false)),
			400, "totalAccountAmount", "is not an amount like 45.75", "transactionType=SALE&receipt=REFU0006&role=AFFILIATE&attemptCount=1"},
		{"NotAnObject", string(tracker.SealINS(insSecret, []byte(`["SALE"]`), insIV, false)), 400, "notification", "not a JSON object", ""},
		{"TooLarge", `{"notification":"` + strings.Repeat("A", tracker.DefaultMaxBodyBytes) + `","iv":""}`, 400, "body", "body is too large", ""},
		{"ReceiptNotAString", string(tracker.SealINS(insSecret, []byte(`{"transactionType":"SALE","receipt":12}`), insIV, false)), 400, "receipt", "receipt is a JSON number, want a string", ""},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := f.do(http.MethodPost, "/ins", tt.body)
			hasStatus(tt.status)(t, r)
			errorContains(tt.contains)(t, r)
			hasField("param", tt.param)(t, r)
			rej := f.rejections()
			if len(rej) != i+1 {
				t.Fatalf("%d rejections, want %d", len(rej), i+1)
			}
			last := rej[i]
			if last["path"] != "/ins" || last["param"] != tt.param || last["status"] != float64(tt.status) ||
				last["error"] != r.body["error"] || last["query"] != tt.summary {
				t.Errorf("rejection %v; want path /ins, param %s, status %d, the reply's error, query %q", last, tt.param, tt.status, tt.summary)
			}
		})
	}
	if convs := f.insConversions(); len(convs) != 0 {
		t.Errorf("refused notifications recorded %v", convs)
	}
	for _, rej := range f.rejections() {
		if strings.Contains(fmt.Sprint(rej), "jane@buyer.example") {
			t.Errorf("the rejections log keeps the customer's email: %v", rej)
		}
	}
}

// TestINSRefundBeforeSale: a refund that overtakes its sale is refused,
// and ClickBank's retry of it reverses the sale once it is recorded.
func TestINSRefundBeforeSale(t *testing.T) {
	f := newFixture(t, tracker.Config{INSSecret: insSecret})
	click := f.click()
	refund := note{Type: "RFND", Receipt: "LATE0001", Role: "AFFILIATE", Amount: "-9.00", Codes: []string{click}}
	hasStatus(http.StatusNotFound)(t, f.ins(insSecret, refund))
	hasField("action", "created")(t, f.ins(insSecret, note{Type: "SALE", Receipt: "LATE0001", Role: "AFFILIATE", Amount: "9.00", Codes: []string{click}}))
	refund.Attempt = 2
	hasField("action", "reversed")(t, f.ins(insSecret, refund))
	if c := f.insConversions()["LATE0001 SALE AFFILIATE"]; c["status"] != "declined" {
		t.Errorf("sale after its refund's retry: %v", c)
	}
}

// TestINSRefusalBounded: a refusal quoting what a notification holds
// stays small, however long the notification's values.
func TestINSRefusalBounded(t *testing.T) {
	f := newFixture(t, tracker.Config{INSSecret: insSecret})
	long := strings.Repeat("r", 6000)
	r := f.ins(insSecret, note{Type: "RFND", Receipt: long, Role: "AFFILIATE", Amount: "-1.00", Codes: []string{strings.Repeat("c", 6000)}})
	hasStatus(http.StatusNotFound)(t, r)
	errorContains("…(truncated)")(t, r)
	r = f.ins(insSecret, note{Type: "SALE", Receipt: "LONG0001", Role: "AFFILIATE", Amount: "1.00", Codes: []string{long, long, long}})
	hasStatus(http.StatusNotFound)(t, r)
	for _, rej := range f.rejections() {
		if n := len(rej["error"].(string)) + len(rej["query"].(string)); n > 2100+tracker.MaxQueryBytes+100 {
			t.Errorf("a rejection of %d bytes: %.200v", n, rej)
		}
		if n := len(rej["error"].(string)); n > 2100 {
			t.Errorf("a reason of %d bytes: %.200s", n, rej["error"])
		}
	}
}

// TestINSZeroPadding: a 6.0 sender's zero padding is read, an aligned
// plaintext without padding too.
func TestINSZeroPadding(t *testing.T) {
	f := newFixture(t, tracker.Config{INSSecret: insSecret})
	click := f.click()
	n := note{Type: "SALE", Receipt: "ZERO0001", Role: "AFFILIATE", Amount: "45.75", Codes: []string{click}, Version: "6.0"}
	plain := n.JSON()
	if len(plain)%16 == 0 {
		t.Fatalf("plaintext of %d bytes is aligned: the test needs padding", len(plain))
	}
	r := f.do(http.MethodPost, "/ins", string(tracker.SealINS(insSecret, plain, insIV, true)))
	hasStatus(http.StatusOK)(t, r)
	hasField("action", "created")(t, r)

	// An aligned plaintext: zero padding adds nothing.
	n.Receipt = "ZERO0002"
	aligned := n.JSON()
	aligned = append(aligned, bytes.Repeat([]byte(" "), 16-len(aligned)%16)...)
	aligned[len(aligned)-1] = '\t' // a last byte that reads as no padding
	r = f.do(http.MethodPost, "/ins", string(tracker.SealINS(insSecret, aligned, insIV, true)))
	hasStatus(http.StatusOK)(t, r)
	hasField("action", "created")(t, r)
	if c := f.insConversions()["ZERO0001 SALE AFFILIATE"]; c["payout"] != 45.75 {
		t.Errorf("zero-padded sale: %v", c)
	}
}

func TestINSDisabled(t *testing.T) {
	f := newFixture(t, tracker.Config{})
	r := f.do(http.MethodPost, "/ins", string(tracker.SealINS(insSecret, note{Type: "TEST", Receipt: "********", Role: "VENDOR", Amount: "1.00"}.JSON(), insIV, false)))
	hasStatus(http.StatusNotFound)(t, r)
	errorContains("INS is not enabled on this tracker")(t, r)
	errorContains("--ins-secret")(t, r)
	if rej := f.rejections(); len(rej) != 1 || rej[0]["path"] != "/ins" {
		t.Errorf("rejections %v, want the one refusal with path /ins", rej)
	}
}

func TestINSMethod(t *testing.T) {
	f := newFixture(t, tracker.Config{INSSecret: insSecret})
	for _, m := range []string{http.MethodGet, http.MethodHead} {
		r := f.do(m, "/ins", "")
		hasStatus(http.StatusMethodNotAllowed)(t, r)
		if r.header.Get("Allow") != http.MethodPost {
			t.Errorf("%s /ins: Allow %q, want POST", m, r.header.Get("Allow"))
		}
	}
	if _, err := tracker.ParseCampaign("ins=http://127.0.0.1:1/"); err == nil || !strings.Contains(err.Error(), "reserved") {
		t.Errorf("campaign ins: %v, want reserved", err)
	}
}

// TestINSRestart: the receipts outlive a restart, so a refund after it
// still finds its sale, and a retry is still a retry.
func TestINSRestart(t *testing.T) {
	cfg := tracker.Config{INSSecret: insSecret, DBPath: tempDB(t)}
	f := newFixture(t, cfg)
	click := f.click()
	sale := note{Type: "SALE", Receipt: "REST0001", Role: "AFFILIATE", Amount: "45.75", Codes: []string{click}}
	hasField("action", "created")(t, f.ins(insSecret, sale))
	f.srv.Close()
	g := newFixture(t, cfg)
	sale.Attempt = 3
	hasField("action", "ignored")(t, g.ins(insSecret, sale))
	hasField("action", "reversed")(t, g.ins(insSecret, note{Type: "RFND", Receipt: "REST0001", Role: "AFFILIATE", Amount: "-45.75"}))
}

// TestINSLogMasksSecret: the INS secret never reaches the log.
func TestINSLogMasksSecret(t *testing.T) {
	var buf lockedBuffer
	f := newFixture(t, tracker.Config{INSSecret: insSecret, Logger: slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	// A refusal whose reason quotes the secret as a tracking code.
	f.ins(insSecret, note{Type: "SALE", Receipt: "MASK0001", Role: "AFFILIATE", Amount: "1.00", Codes: []string{insSecret}})
	if strings.Contains(buf.String(), insSecret) {
		t.Errorf("log shows the INS secret:\n%s", buf.String())
	}
	if !strings.Contains(buf.String(), "ins rejected") {
		t.Errorf("log has no INS rejection:\n%s", buf.String())
	}
}

// lockedBuffer is a bytes.Buffer safe for the server's goroutines.
type lockedBuffer struct {
	mu sync.Mutex // guards b
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestINSConcurrentDeliveries: the same notification delivered many times
// at once is one conversion.
func TestINSConcurrentDeliveries(t *testing.T) {
	f := newFixture(t, tracker.Config{INSSecret: insSecret})
	click := f.click()
	body := string(tracker.SealINS(insSecret, note{Type: "SALE", Receipt: "CONC0001", Role: "AFFILIATE", Amount: "9.99", Codes: []string{click}}.JSON(), insIV, false))
	const n = 16
	actions := make(chan string, n)
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			req, err := http.NewRequest(http.MethodPost, f.srv.URL+"/ins", strings.NewReader(body))
			if err != nil {
				actions <- err.Error()
				return
			}
			resp, err := f.srv.Client().Do(req)
			if err != nil {
				actions <- err.Error()
				return
			}
			defer resp.Body.Close()
			var out struct{ Action string }
			if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
				actions <- err.Error()
				return
			}
			actions <- out.Action
		})
	}
	wg.Wait()
	close(actions)
	count := map[string]int{}
	for a := range actions {
		count[a]++
	}
	if count["created"] != 1 || count["ignored"] != n-1 {
		t.Errorf("actions %v, want 1 created and %d ignored", count, n-1)
	}
	if convs := f.insConversions(); len(convs) != 1 {
		t.Errorf("%d conversions, want 1", len(convs))
	}
}
