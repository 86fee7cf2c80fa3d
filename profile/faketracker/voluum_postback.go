package faketracker

import (
	"net/http"
	"strings"
)

// handlePostback records a conversion sent to the S2S postback URL,
// GET {tracking domain}/postback?cid=&payout=&txid=&currency=&et=&param1..5
// (https://doc.voluum.com/en/tracking_conversions_postback.html).
//
//   - cid, the click id, is the one required parameter (same page: "The
//     only parameter (key) mandatory for Voluum postback is the correct
//     value of cid"). A cid no visit has records nothing.
//   - payout is the revenue (optional); without it the offer's manual
//     payout is recorded ("Auto or Manual",
//     https://doc.voluum.com/article/parameters-in-postback-urls). A payout
//     that is not a number is taken as absent: UNCONFIRMED. The fake keeps
//     five decimal places (Voluum's precision is UNCONFIRMED).
//   - A repeated cid is discarded, unless its txid is new for that cid; the
//     same cid and txid count once ("any duplicated click IDs which are
//     received will be automatically discarded ... an exception ... is
//     when the same primary click ID has a unique transaction ID", "when
//     there is the same combination of cid and txid, it is only counted
//     once", https://doc.voluum.com/en/upselling.html). A postback without
//     txid is the combination (cid, "").
//   - et is the custom conversion type, kept as sent
//     (https://doc.voluum.com/en/custom_conversions.html; whether Voluum
//     refuses an et not defined in its settings is UNCONFIRMED: the fake
//     keeps any). currency is kept as sent; Voluum's conversion into the
//     account's currency is not modelled. param1..param5 are not kept.
//   - The answer: UNCONFIRMED, for an accepted, a discarded or an unknown
//     conversion alike. The fake answers 200 with an empty body to each,
//     so a refusal shows only in the report.
func (v *Voluum) handlePostback(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	cid := strings.TrimSpace(q.Get("cid"))
	txid := q.Get("txid")
	v.mu.Lock()
	defer v.mu.Unlock()
	visit, ok := v.visits[cid]
	if ok && !v.converted(cid, txid) {
		revenue := decimal5FromCents(visit.campaign.PayoutCents)
		if d, ok := parseDecimal5(q.Get("payout")); ok {
			revenue = d
		}
		if v.opts.Broken == BrokenSum {
			revenue += oneDollar202
		}
		recorded := cid
		if v.opts.Broken == BrokenClickID {
			recorded = flipLastChar(cid)
		}
		v.conversions = append(v.conversions, &voluumConversion{
			clickID: recorded, transactionID: txid, revenue: revenue,
			currency: q.Get("currency"), conversionTyp: q.Get("et"),
			campaignID: visit.campaign.ID, visitAt: visit.at, postbackAt: v.opts.Now(),
		})
	}
	w.WriteHeader(http.StatusOK)
}

// converted says whether the visit cid already has a conversion with
// transaction id txid ("" for none), so a broken twin, which records cid
// altered, still discards a duplicate.
func (v *Voluum) converted(cid, txid string) bool {
	if v.opts.Broken == BrokenClickID {
		cid = flipLastChar(cid)
	}
	for _, c := range v.conversions {
		if c.clickID == cid && c.transactionID == txid {
			return true
		}
	}
	return false
}

// flipLastChar changes the last character of id, as a broken twin records a
// click id: 'Z' becomes 'Y', anything else 'Z'.
func flipLastChar(id string) string {
	if id == "" {
		return "Z"
	}
	last := byte('Z')
	if id[len(id)-1] == 'Z' {
		last = 'Y'
	}
	return id[:len(id)-1] + string(last)
}
