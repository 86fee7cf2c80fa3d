package tracker

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
)

// INS: ClickBank's Instant Notifications (docs/clickbank.md §6), received
// on POST /ins when Config.INSSecret is set. This file reads the decrypted
// notification and decides what it records; insenvelope.go opens the
// envelope and insstore.go writes.

// INSTypePrefix starts the conversion type of what an INS notification
// records: "INS:SALE", "INS:BILL", "INS:TEST_SALE", "INS:TEST_BILL". A
// configured postback type cannot contain ':', so no postback ever lands on
// an INS type, nor an INS notification on a postback type.
const INSTypePrefix = "INS:"

// insPath is where the tracker takes notifications.
const insPath = "/ins"

// Statuses of INS conversions: a SALE or BILL is a payment taken
// (approved), a test purchase pays nothing (other), and a refunded or
// charged-back conversion is declined, RedTrack's status of a conversion
// that does not pay.
const (
	insStatusPaid     = "approved"
	insStatusTest     = "other"
	insStatusReversed = "declined"
)

// insKind is what a transaction type does to the tracker.
type insKind int

const (
	insIgnore  insKind = iota // a valid notification the tracker keeps nothing of: 200
	insPing                   // TEST, the "Test IPN" button: 200, nothing recorded
	insRecord                 // SALE, BILL, TEST_SALE, TEST_BILL: a conversion
	insReverse                // RFND, CGBK, TEST_RFND: reverses an earlier conversion
)

// insKindOf classifies a transactionType (docs/clickbank.md §6,
// "transactionType values"); reverses lists the types whose conversion a
// reversal undoes.
func insKindOf(typ string) (kind insKind, reverses []string) {
	switch typ {
	case "TEST":
		return insPing, nil
	case "SALE", "BILL", "TEST_SALE", "TEST_BILL":
		return insRecord, nil
	case "RFND", "CGBK":
		return insReverse, []string{"SALE", "BILL"}
	case "TEST_RFND":
		return insReverse, []string{"TEST_SALE", "TEST_BILL"}
	}
	return insIgnore, nil
}

// insRoles are the roles a notification may carry (docs/clickbank.md §6).
var insRoles = map[string]bool{"VENDOR": true, "AFFILIATE": true, "JV_UPSELL": true}

// insNotification is the part of a decrypted notification the tracker
// reads. Amounts, version and attemptCount are kept raw: ClickBank prints
// them as numbers (1.00, 7.0), and a string form is accepted too.
type insNotification struct {
	TransactionType    string          `json:"transactionType"`
	Receipt            string          `json:"receipt"`
	Role               string          `json:"role"`
	Vendor             string          `json:"vendor"`
	Affiliate          string          `json:"affiliate"`
	TotalAccountAmount json.RawMessage `json:"totalAccountAmount"`
	Currency           string          `json:"currency"`
	TrackingCodes      []string        `json:"trackingCodes"`
	LineItems          []struct {
		LineItemType string `json:"lineItemType"`
	} `json:"lineItems"`
	Upsell *struct {
		UpsellOriginalReceipt string `json:"upsellOriginalReceipt"`
	} `json:"upsell"`
	Version      json.RawMessage `json:"version"`
	AttemptCount json.RawMessage `json:"attemptCount"`
}

// parseINS reads a decrypted notification. A field of the wrong JSON type
// is EInvalid naming the field.
func parseINS(plain []byte) (insNotification, *Error) {
	var n insNotification
	if err := json.Unmarshal(plain, &n); err != nil {
		if te, ok := errors.AsType[*json.UnmarshalTypeError](err); ok && te.Field != "" {
			return n, errorf(EInvalid, te.Field, "notification field %s is a JSON %s, want %s", te.Field, te.Value, jsonKind(te.Type.Kind().String()))
		}
		return n, errorf(EInvalid, "notification", "the decrypted notification is not readable: %v", err)
	}
	if n.TransactionType == "" {
		return n, errorf(EInvalid, "transactionType", "the notification has no transactionType")
	}
	return n, nil
}

// jsonKind names a Go kind as JSON would.
func jsonKind(k string) string {
	switch k {
	case "slice":
		return "an array"
	case "struct", "ptr":
		return "an object"
	}
	return "a " + k
}

// rawText is a raw JSON number or string as text ("" for absent or null).
func rawText(raw json.RawMessage) (string, bool) {
	s := strings.TrimSpace(string(raw))
	switch {
	case s == "" || s == "null":
		return "", true
	case s[0] == '"':
		var v string
		if json.Unmarshal([]byte(s), &v) != nil {
			return "", false
		}
		return v, true
	case s[0] == '-' || s[0] >= '0' && s[0] <= '9':
		return s, true
	}
	return "", false
}

// insAmount reads the required totalAccountAmount in cents, a JSON number
// or a string of one; negative amounts (a refund's) are allowed.
func insAmount(n insNotification) (int64, *Error) {
	s, ok := rawText(n.TotalAccountAmount)
	if !ok {
		return 0, errorf(EInvalid, "totalAccountAmount", "totalAccountAmount %s is not a number", n.TotalAccountAmount)
	}
	if s == "" {
		return 0, errorf(EInvalid, "totalAccountAmount", "the notification has no totalAccountAmount")
	}
	neg := strings.HasPrefix(s, "-")
	c, err := parseCents(strings.TrimPrefix(s, "-"))
	if err != nil {
		return 0, errorf(EInvalid, "totalAccountAmount", "totalAccountAmount %q is not an amount like 45.75 or -45.75", s)
	}
	if neg {
		c = -c
	}
	return c, nil
}

// insReply is the JSON answer to a notification the tracker accepted.
type insReply struct {
	Status string `json:"status"` // always "ok"
	// Action is what the notification did: created (a conversion),
	// reversed (an earlier conversion declined), ignored (a retry of a
	// notification already recorded, a reversal of a conversion already
	// reversed, or a transaction type the tracker keeps nothing of), test
	// (the TEST ping).
	Action          string `json:"action"`
	ConversionID    string `json:"conversion_id,omitempty"`
	DuplicateStatus string `json:"duplicate_status,omitempty"` // new, or repeated for a notification recorded before
	Reason          string `json:"reason,omitempty"`           // why it was ignored
}

// Actions of an INS reply beyond the postback's.
const (
	actionReversed = "reversed"
	actionTest     = "test"
)

// handleINS answers POST /ins: it opens the envelope with Config.INSSecret
// and records, reverses or ignores the notification. A refusal is answered
// with its status and logged in the rejections log with path /ins.
func (t *Tracker) handleINS(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if t.cfg.INSSecret == "" {
		t.rejectINS(w, r, "", errorf(ENotFound, "", "INS is not enabled on this tracker: it has no INS secret (tracker.Config.INSSecret; cbsim tracker --ins-secret)"))
		return
	}
	body, err := io.ReadAll(r.Body)
	if mb, ok := errors.AsType[*http.MaxBytesError](err); ok {
		t.rejectINS(w, r, "", errorf(EInvalid, "body", "body is too large: more than %d bytes", mb.Limit))
		return
	}
	if err != nil {
		t.rejectINS(w, r, "", errorf(EInvalid, "body", "read body: %v", err))
		return
	}
	plain, perr := openINS(body, t.cfg.INSSecret)
	if perr != nil {
		t.rejectINS(w, r, "", perr)
		return
	}
	n, perr := parseINS(plain)
	if perr != nil {
		t.rejectINS(w, r, "", perr)
		return
	}
	summary := n.summary()
	kind, reverses := insKindOf(n.TransactionType)
	switch kind {
	case insPing:
		t.log.InfoContext(ctx, "ins test notification", "ins", summary)
		writeJSON(w, http.StatusOK, insReply{Status: "ok", Action: actionTest})
		return
	case insIgnore:
		reason := fmt.Sprintf("transactionType %s records nothing on this tracker (it records SALE, BILL, TEST_SALE, TEST_BILL and reverses on RFND, CGBK, TEST_RFND)", n.TransactionType)
		t.log.InfoContext(ctx, "ins ignored", "ins", summary, "reason", reason)
		writeJSON(w, http.StatusOK, insReply{Status: "ok", Action: actionIgnored, Reason: reason})
		return
	}
	if n.Receipt == "" {
		t.rejectINS(w, r, summary, errorf(EInvalid, "receipt", "the %s notification has no receipt", n.TransactionType))
		return
	}
	if !insRoles[n.Role] {
		t.rejectINS(w, r, summary, errorf(EInvalid, "role", "role %q is not one of VENDOR, AFFILIATE, JV_UPSELL", n.Role))
		return
	}
	cents, perr := insAmount(n)
	if perr != nil {
		t.rejectINS(w, r, summary, perr)
		return
	}
	var reply insReply
	if kind == insRecord {
		if cents < 0 {
			t.rejectINS(w, r, summary, errorf(EInvalid, "totalAccountAmount", "totalAccountAmount %s is negative for a %s", formatCents(cents), n.TransactionType))
			return
		}
		reply, err = t.store.recordINS(ctx, t.insWrite(n, cents))
	} else {
		reply, err = t.store.reverseINS(ctx, n.Receipt, n.Role, n.TransactionType, reverses, cents)
	}
	if e, ok := errors.AsType[*Error](err); ok {
		t.rejectINS(w, r, summary, e)
		return
	}
	if err != nil {
		t.writeError(w, r, err)
		return
	}
	t.log.DebugContext(ctx, "ins", "ins", summary, "action", reply.Action, "conversion_id", reply.ConversionID)
	writeJSON(w, http.StatusOK, reply)
}

// summary is a notification's identity in query form, for the log and the
// rejections log: never the customer's details.
func (n insNotification) summary() string {
	attempt, _ := rawText(n.AttemptCount)
	var b strings.Builder
	for _, kv := range [][2]string{{"transactionType", n.TransactionType}, {"receipt", n.Receipt}, {"role", n.Role}, {"attemptCount", attempt}} {
		if kv[1] != "" {
			if b.Len() > 0 {
				b.WriteByte('&')
			}
			b.WriteString(kv[0] + "=" + url.QueryEscape(kv[1]))
		}
	}
	return b.String()
}

// maxINSMessage bounds the reason of an INS refusal, which may quote what
// the notification holds (its receipt, its tracking codes): a rejection
// stays about as small as a postback's (DefaultMaxRejections).
const maxINSMessage = 2048

// rejectINS answers a refused notification and keeps it in the rejections
// log with path /ins: its query is the notification's summary, or the
// request's own query (masked) when it did not decrypt.
func (t *Tracker) rejectINS(w http.ResponseWriter, r *http.Request, summary string, e *Error) {
	status := statusOf(e.Code)
	if len(e.Message) > maxINSMessage {
		cut := *e
		cut.Message = strings.ToValidUTF8(e.Message[:maxINSMessage], "") + "…(truncated)"
		e = &cut
	}
	if summary == "" {
		summary = maskQuery(r.URL.RawQuery)
	}
	t.log.InfoContext(r.Context(), "ins rejected", "status", status, "param", e.Param, "error", e.Message, "ins", summary)
	if err := t.store.reject(r.Context(), insPath, summary, e.Param, e.Message, status); err != nil {
		t.log.ErrorContext(r.Context(), "log rejection", "err", err)
	}
	t.writeError(w, r, e)
}

// billSuffix matches a rebill's receipt suffix: RECEIPT-B002 (docs/clickbank.md §2).
var billSuffix = regexp.MustCompile(`-B[0-9]+$`)

// insWrite prepares a SALE or BILL for the store: its conversion type,
// status, click candidates and reported parameters.
func (t *Tracker) insWrite(n insNotification, cents int64) insConversion {
	test := strings.HasPrefix(n.TransactionType, "TEST_")
	c := insConversion{
		Receipt: n.Receipt, TransactionType: n.TransactionType, Role: n.Role,
		Type: INSTypePrefix + n.TransactionType, Status: insStatusPaid, Cents: cents,
		Params: map[string]string{},
	}
	if test {
		c.Status = insStatusTest
	}
	seen := map[string]bool{}
	for _, code := range n.TrackingCodes {
		if code != "" && !seen[code] {
			seen[code] = true
			c.Codes = append(c.Codes, code)
		}
	}
	// Without a tracking code, a rebill goes on the click of the sale it
	// rebills and an upsell on that of its original receipt.
	sale := "SALE"
	if test {
		sale = "TEST_SALE"
	}
	if base := billSuffix.ReplaceAllString(n.Receipt, ""); base != n.Receipt && strings.HasSuffix(n.TransactionType, "BILL") {
		c.Fallback = append(c.Fallback, insKeyOf(base, sale, n.Role), insKeyOf(base, strings.Replace(sale, "SALE", "BILL", 1), n.Role))
	}
	if n.Upsell != nil && n.Upsell.UpsellOriginalReceipt != "" {
		c.Params["upsell_original_receipt"] = n.Upsell.UpsellOriginalReceipt
		c.Fallback = append(c.Fallback, insKeyOf(n.Upsell.UpsellOriginalReceipt, sale, n.Role))
	}
	var items []string
	for _, li := range n.LineItems {
		if li.LineItemType != "" {
			items = append(items, li.LineItemType)
		}
	}
	version, _ := rawText(n.Version)
	attempt, _ := rawText(n.AttemptCount)
	for k, v := range map[string]string{"receipt": n.Receipt, "transaction_type": n.TransactionType, "role": n.Role,
		"vendor": n.Vendor, "affiliate": n.Affiliate, "order_currency": n.Currency, "version": version,
		"attempt_count": attempt, "line_item_types": strings.Join(items, ",")} {
		if v != "" {
			c.Params[k] = v
		}
	}
	return c
}

// insKeyOf is the unique key of the conversion a notification records:
// one per (receipt, transactionType, role).
func insKeyOf(receipt, typ, role string) string {
	return "ins\n" + receipt + "\n" + typ + "\n" + role
}
