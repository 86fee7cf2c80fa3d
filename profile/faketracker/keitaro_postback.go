package faketracker

import (
	"net/http"
	"slices"
	"strings"
)

// Keitaro's statuses ([postback] "Conversion status").
const (
	keitaroLead     = "lead"
	keitaroSale     = "sale"
	keitaroRejected = "rejected"
	keitaroRebill   = "rebill"
)

// keitaroTransitions are the status changes a repeat postback may make
// ([postback] "Status transitions").
var keitaroTransitions = map[[2]string]bool{
	{keitaroLead, keitaroSale}:       true,
	{keitaroLead, keitaroRejected}:   true,
	{keitaroSale, keitaroRejected}:   true,
	{keitaroRebill, keitaroRejected}: true,
}

// handlePostback records or updates a conversion (see the file comment of
// keitaro.go for the rules and their sources).
func (k *Keitaro) handlePostback(w http.ResponseWriter, r *http.Request) {
	if r.PathValue("key") != k.opts.PostbackKey {
		http.Error(w, "unknown postback key", http.StatusNotFound)
		return
	}
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad request: "+err.Error(), http.StatusBadRequest)
		return
	}
	q := r.Form
	subid := q.Get("subid")
	status, original := keitaroStatus(q.Get("status"), q)
	for _, s := range keitaroList(q.Get("ignore_status")) {
		if s == original {
			// [postback9]: ignore_status lists statuses that must be ignored.
			keitaroReturn(w, q.Get("return"))
			return
		}
	}
	payout := q.Get("payout")
	if payout == "" {
		payout = q.Get("revenue") // [postback]: "payout (or revenue)"
	}
	amount, _ := parseDecimal5(payout) // UNCONFIRMED: a non-numeric payout counts as 0
	if k.opts.Broken == BrokenSum {
		amount += decimal5FromCents(100)
	}
	tid := q.Get("tid")

	k.mu.Lock()
	defer k.mu.Unlock()
	camp, ok := k.clicks[subid]
	if subid == "" || !ok {
		http.Error(w, "subid not found", http.StatusNotFound)
		return
	}
	recorded := subid
	if k.opts.Broken == BrokenClickID {
		recorded = keitaroAlter(subid)
	}
	var first, same *keitaroConversion
	for _, c := range k.conversions {
		if c.subID != recorded {
			continue
		}
		if first == nil {
			first = c
		}
		if same == nil && c.tid == tid {
			same = c
		}
	}
	switch {
	case same != nil:
		k.update(same, status, original, amount, q.Get("currency"))
	case first != nil && tid != "" && camp.AllowRebills && (status == keitaroSale || status == keitaroRebill):
		k.add(&keitaroConversion{subID: recorded, tid: tid, status: keitaroRebill,
			originalStatus: original, revenue: amount, currency: q.Get("currency"), clickAt: k.clickAt[subid]})
	case first != nil:
		k.update(first, status, original, amount, q.Get("currency"))
	default:
		k.add(&keitaroConversion{subID: recorded, tid: tid, status: status,
			originalStatus: original, revenue: amount, currency: q.Get("currency"), clickAt: k.clickAt[subid]})
	}
	keitaroReturn(w, q.Get("return"))
}

// add records c as a new conversion, dated now; k.mu must be held.
func (k *Keitaro) add(c *keitaroConversion) {
	k.lastConvID++
	c.id, c.at = k.lastConvID, k.opts.Now()
	k.conversions = append(k.conversions, c)
}

// update applies a repeat postback to c: its payout and currency, and its
// status where the transition is documented (UNCONFIRMED: that a repeat
// with the same status still updates the payout).
func (k *Keitaro) update(c *keitaroConversion, status, original string, amount decimal5, currency string) {
	if status != c.status {
		if !keitaroTransitions[[2]string{c.status, status}] {
			return
		}
		c.status = status
	}
	c.originalStatus, c.revenue = original, amount
	if currency != "" {
		c.currency = currency
	}
}

// keitaroStatus maps the raw status through sale_status, lead_status and
// rejected_status ([postback] "Status transformations"); an empty status
// is sale. UNCONFIRMED: an unknown status that no list maps is kept as
// sent.
func keitaroStatus(raw string, q map[string][]string) (status, original string) {
	if raw == "" {
		raw = keitaroSale
	}
	for _, m := range []struct{ param, status string }{
		{"sale_status", keitaroSale}, {"lead_status", keitaroLead}, {"rejected_status", keitaroRejected},
	} {
		if vs := q[m.param]; len(vs) > 0 && slices.Contains(keitaroList(vs[0]), raw) {
			return m.status, raw
		}
	}
	return raw, raw
}

// keitaroList splits a comma-separated list, dropping blanks.
func keitaroList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// keitaroReturn answers a postback 200 with ret as the body ([postback]:
// "with &return=OK Keitaro will show 'OK'"); without it the body is empty
// (UNCONFIRMED).
func keitaroReturn(w http.ResponseWriter, ret string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte(ret))
}

// keitaroAlter changes s's last character, as BrokenClickID does.
func keitaroAlter(s string) string {
	if s == "" {
		return "x"
	}
	last := s[len(s)-1]
	repl := byte('0')
	if last == '0' {
		repl = '1'
	}
	return s[:len(s)-1] + string(repl)
}
