package faketracker

import (
	"net/http"
	"strconv"
	"strings"
)

// Error codes of rejected conversions the fake records
// (https://helpdesk.everflow.io/customer/conversions-error-code-reference-guide).
const (
	everflowErrDuplicate = 8 // "Error 8 (Duplicate)"
)

// handlePostback records an advertiser S2S postback sent to the tracking
// domain's root, /?nid=&transaction_id=&amount=&adv_event_id=&order_id=&adv1..adv5
// (the path is UNCONFIRMED: the pages read show the parameters, not the
// URL).
//
//   - nid and transaction_id are required ("Every S2S postback URL needs
//     two parameters to successfully record a conversion: Network ID
//     (nid) ... Transaction ID (transaction_id)",
//     https://helpdesk.everflow.io/customer/accessing-editing-s2s-postback-urls).
//     A wrong nid (Error 11, Invalid Network) or a transaction id no click
//     has (Error 12/13) records nothing the network's report shows: the
//     fake records nothing.
//   - amount is the sale amount; "&amount=12,34 will be treated as
//     $12.34" (same page): a comma is the decimal point. An amount that is
//     not a number is taken as none (UNCONFIRMED). The offer's revenue and
//     payout settings are not modelled: the fake keeps the sale amount.
//   - adv_event_id names one of the offer's events: the postback records
//     that event (is_event true, event = its name). An adv_event_id the
//     offer has not is recorded nowhere (UNCONFIRMED). Events need no base
//     conversion first and are never duplicates (UNCONFIRMED).
//   - Without adv_event_id it is a base conversion ("a Global Postback
//     URL for Events does not exist - this is ONLY for Base Conversions",
//     getting-started-advertiser-server-postbacks). A click's second base
//     conversion is rejected with error 8 (Duplicate) unless the offer
//     allows duplicate conversions (conversions-error-code-reference-guide);
//     the rejected conversion is still a row of the report, status
//     rejected, since the guide sends users to the "Conversion Report →
//     Error Code column".
//   - order_id and adv1..adv5 are kept as sent (same S2S page lists the
//     macros).
//   - The answer is 200 with an empty body in every case: an advertiser
//     whose conversion was blocked still "see[s] 200 OK response" (error
//     code guide); the body is UNCONFIRMED.
func (e *Everflow) handlePostback(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	e.mu.Lock()
	defer e.mu.Unlock()
	click, ok := e.clicks[q.Get("transaction_id")]
	if !ok || q.Get("nid") != e.opts.NetworkID {
		w.WriteHeader(http.StatusOK)
		return
	}
	c := &everflowConversion{transactionID: click.transactionID, status: "approved", orderID: q.Get("order_id"),
		clickAt: click.at, at: e.opts.Now()}
	for i := range c.adv {
		c.adv[i] = q.Get("adv" + strconv.Itoa(i+1))
	}
	amount := q.Get("amount")
	if !strings.Contains(amount, ".") {
		amount = strings.Replace(amount, ",", ".", 1)
	}
	if d, ok := parseDecimal5(amount); ok {
		c.saleAmount = d
	}
	if ev := q.Get("adv_event_id"); ev != "" {
		found := false
		for _, x := range click.offer.Events {
			if x.AdvEventID == ev {
				c.isEvent, c.event, found = true, x.Name, true
			}
		}
		if !found {
			w.WriteHeader(http.StatusOK)
			return
		}
	} else if !click.offer.AllowDuplicateConversions && e.hasBase(click.transactionID) {
		c.status, c.errorCode, c.errorMessage = "rejected", everflowErrDuplicate, "Duplicate"
	}
	if e.opts.Broken == BrokenSum {
		c.saleAmount += oneDollar202
	}
	if e.opts.Broken == BrokenClickID {
		c.transactionID = flipLastChar(c.transactionID)
	}
	id, err := e.newID()
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	c.conversionID = id // "Both IDs are 32-character hexadecimal strings"
	e.conversions = append(e.conversions, c)
	w.WriteHeader(http.StatusOK)
}

// hasBase says whether the click tid already has an approved base
// conversion (a broken twin looks under the id it records).
func (e *Everflow) hasBase(tid string) bool {
	if e.opts.Broken == BrokenClickID {
		tid = flipLastChar(tid)
	}
	for _, c := range e.conversions {
		if c.transactionID == tid && !c.isEvent && c.status == "approved" {
			return true
		}
	}
	return false
}
