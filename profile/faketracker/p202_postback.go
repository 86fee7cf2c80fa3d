package faketracker

import (
	"context"
	"net/http"
	"net/url"
	"strings"
)

// Prosper202's global postback, tracking202/static/gpb.php. Its request
// handling and answers follow commit 03d619e1536df8b8045e514b60aedf8a71510396,
// the one version of gpb.php the index could show. What a conversion row
// holds follows the newest writer, p202RecordConversion() in
// 202-config/static-endpoint-helpers.php (index id 56685569988) over
// MysqlConversionRepository::record() in
// 202-config/Conversion/MysqlConversionRepository.php (index id
// 56725144228), which both say serve "the legacy static postback/pixel
// endpoints (gpx/gpb/upx)" (also RecordConversionTest, index id
// 56723735254), and which the 03d619e1 version, writing no click_payout
// into the log row, predates.

// subIDNotFound is gpb.php's answer to a request without a usable subid.
const subIDNotFound = `{"error":true,"code":404,"msg":"SubID not found"}`

// oneDollar202 is 1.00 in DECIMAL(11,5) units, what BrokenSum adds.
const oneDollar202 decimal5 = 100000

// handlePostback records a conversion.
//
//   - The click id is subid, or sid when subid is absent or not numeric;
//     either must be is_numeric. Neither usable: 404, application/json,
//     {"error":true,"code":404,"msg":"SubID not found"}.
//   - subid "0" (falsy in PHP) means the newest click of user 1 from
//     REMOTE_ADDR in the last 30 days; none: the same 404.
//   - A numeric subid that names no click: 200, empty body, and nothing
//     the API can see (03d619e1 inserted a log row with an empty campaign
//     and user, which the API's user filter hides; the newest writer
//     writes none: "no orphan row is written"). The fake writes none.
//   - amount, when truthy in PHP (not absent, "" or "0") and is_numeric,
//     overwrites the click's click_payout (use_pixel_payout); the click
//     gets click_lead=1 and click_filtered=0 in any case.
//   - Every postback adds a 202_conversion_logs row. Its click_payout is
//     the amount sent, or the click's click_payout when no amount is used
//     (gpx.php's $click_payout_for_log, passed as the row's payout); so
//     after postbacks of 10 and then 20, the rows hold 10 and 20 and the
//     click holds 20. There is no deduplication unless the postback
//     carries a transaction id (txid, transaction_id, transactionid,
//     order_id, orderid or oid, the first non-empty, trimmed): a repeat of
//     (click, transaction id) adds no row and leaves the click as it is.
//   - Success: 200 with an empty body. The ppc-account pixels that answer
//     202 (types 1-5) are not modelled.
func (p *Prosper202) handlePostback(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	raw, ok := param(q, "subid")
	if !ok || !isNumeric(raw) {
		raw, ok = param(q, "sid")
		if !ok || !isNumeric(raw) {
			writeSubIDNotFound(w)
			return
		}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.opts.Now().Unix()

	var click *p202Click
	if raw == "0" {
		// "ok grab the last click from this ip_id": REMOTE_ADDR, user 1, 30 days
		from, ip := now-2592000, remoteIP(r)
		for _, c := range p.clicks {
			if c.ip == ip && c.userID == user202 && c.time >= from && (click == nil || c.id > click.id) {
				click = c
			}
		}
		if click == nil {
			writeSubIDNotFound(w)
			return
		}
	} else if id, whole := numericID(raw); whole {
		click = p.byClickID[id]
	}

	amount, _ := param(q, "amount")
	usePixel := truthy(q, "amount") && isNumeric(amount)
	pixelPayout, _ := parseDecimal5(amount)
	if click != nil {
		if err := p.recordConversion(r.Context(), click, usePixel, pixelPayout, transactionID202(q), now); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
	}
	w.Header().Set("Content-Type", "text/html; charset=UTF-8")
	w.WriteHeader(http.StatusOK)
}

// recordConversion is MysqlConversionRepository::record() with
// p202ApplyConversionUpdate() as its click-side update, in memory and, with
// Prosper202Options.DB, in the tables (store202.record); a failure of the
// database records nothing.
func (p *Prosper202) recordConversion(ctx context.Context, click *p202Click, usePixel bool, pixelPayout decimal5, txid string, now int64) error {
	// BrokenClickID writes, and so deduplicates, under the altered id.
	rowClickID := click.id
	if p.opts.Broken == BrokenClickID {
		rowClickID = click.id + 1
	}
	if txid != "" {
		for _, c := range p.conversions {
			// the lookup ignores `deleted`, matching UNIQUE (click_id, transaction_id)
			if c.clickID == rowClickID && c.txid != nil && *c.txid == txid {
				return nil
			}
		}
	}
	payout := click.payout
	if usePixel {
		payout = pixelPayout
	}
	if p.opts.Broken == BrokenSum {
		payout = min(payout+oneDollar202, maxDecimal5)
	}
	row := &p202Conversion{
		convID: p.nextConvID, clickID: rowClickID, campaignID: click.campaignID, payout: payout,
		userID: click.userID, clickTime: click.time, convTime: now,
	}
	if txid != "" {
		row.txid = &txid
	}
	if p.store != nil {
		if err := p.store.record(ctx, click, row, usePixel); err != nil {
			return err
		}
	}
	p.nextConvID++
	p.conversions = append(p.conversions, row)
	click.lead, click.filtered = 1, 0
	if usePixel {
		click.payout = payout
	}
	return nil
}

// transactionID202 is p202ExtractTransactionId($_GET).
func transactionID202(q url.Values) string {
	for _, k := range []string{"txid", "transaction_id", "transactionid", "order_id", "orderid", "oid"} {
		if v, ok := param(q, k); ok {
			if v = strings.TrimSpace(v); v != "" {
				return v
			}
		}
	}
	return ""
}

func writeSubIDNotFound(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusNotFound)
	_, _ = w.Write([]byte(subIDNotFound))
}
