package faketracker

import (
	"context"
	"database/sql"
	"errors"
	"html"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// Orbitra's postback, postback.php in its newest stored version (index id
// 69038725498; the index showed no commit), reached at /<key>/postback
// (router.php, commit 1e895ca2269499d7b3b75b0c50df5f0f5faff122; the newest
// index.php routes it itself, with or without a trailing slash, per
// docs/qa-tasks/ORB-010-real-http-tests-for-postback.md, commit
// 3d35cb62d752083c90fe782c54dd6e55ae3462df).

// builtinStatuses are postback.php's own conversion types.
var builtinStatuses = []string{"lead", "sale", "rejected", "registration", "deposit", "trash"}

// handlePostback records a conversion. Answers are text/html bodies:
//
//   - 400 "Missing subid." when subid (else clickid, click_id, sub_id: the
//     first given, trimmed) is empty;
//   - 400 "Ignored: Missing status." when status (else type) is absent or
//     falsy in PHP ("" or "0");
//   - 404 "Click ID not found in database." when no click has that id
//     (so a debounced click's id is refused here);
//   - 200 "Postback recorded successfully.", or the HTML-escaped return=
//     when it is truthy;
//   - 500 "Internal error." when the write fails (a status that maps to
//     nothing, such as " ", violates conversions.status NOT NULL).
//
// The status is mapped case-insensitively to a built-in type (lead, sale,
// rejected, registration, deposit, trash), or by a <type>_status=a,b
// parameter, else stored as "custom"; the word sent is kept as
// original_status. The payout is payout, else revenue, else profit, else
// 0, stored as sent (SQLite's REAL affinity makes numeric text a number);
// currency is as sent, default USD (the fake's tracker currency is USD and
// it has no exchange rates, so nothing is converted). With a non-empty
// tid the row is upserted on (click_id, tid); without one, the click's
// row with tid NULL is updated (status, original_status, payout,
// currency) or, if there is none, inserted. Then clicks.is_conversion and
// clicks.revenue are recomputed from the click's conversions.
func (o *Orbitra) handlePostback(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	clickID, _ := coalesce(q, "subid", "clickid", "click_id", "sub_id")
	clickID = strings.TrimSpace(clickID)
	if clickID == "" {
		textAnswer(w, http.StatusBadRequest, "Missing subid.")
		return
	}
	originalStatus, _ := coalesce(q, "status", "type")
	if originalStatus == "" || originalStatus == "0" {
		textAnswer(w, http.StatusBadRequest, "Ignored: Missing status.")
		return
	}
	payout := any(0.0)
	if v, ok := coalesce(q, "payout", "revenue", "profit"); ok {
		payout = v
	}
	currency := "USD"
	if v, ok := param(q, "currency"); ok {
		currency = v
	}
	var tid any // NULL
	if v, ok := param(q, "tid"); ok && v != "" {
		tid = v
	}

	o.mu.Lock()
	defer o.mu.Unlock()
	ctx := r.Context()
	var found string
	err := o.db.QueryRowContext(ctx, o.q(`SELECT id FROM clicks WHERE id = ? LIMIT 1`), clickID).Scan(&found)
	if errors.Is(err, sql.ErrNoRows) {
		textAnswer(w, http.StatusNotFound, "Click ID not found in database.")
		return
	}
	if err != nil {
		textAnswer(w, http.StatusInternalServerError, "Internal error.")
		return
	}
	if err := o.recordConversion(ctx, q, clickID, originalStatus, payout, currency, tid); err != nil {
		status := http.StatusInternalServerError
		if strings.Contains(err.Error(), "locked") || strings.Contains(err.Error(), "busy") {
			status = http.StatusServiceUnavailable
		}
		textAnswer(w, status, "Internal error.")
		return
	}
	if ret, ok := param(q, "return"); ok && ret != "" && ret != "0" {
		textAnswer(w, http.StatusOK, htmlspecialchars(ret))
		return
	}
	textAnswer(w, http.StatusOK, "Postback recorded successfully.")
}

// recordConversion is postback.php's transaction: map the status, upsert
// the conversion, recompute the click's rollup.
func (o *Orbitra) recordConversion(ctx context.Context, q url.Values, clickID, originalStatus string, payout any, currency string, tid any) error {
	tx, err := o.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	status, err := mapStatus(ctx, tx, originalStatus, q)
	if err != nil {
		return err
	}
	stored := clickID
	if o.opts.Broken == BrokenClickID {
		stored = alterClickID(clickID)
	}
	if o.opts.Broken == BrokenSum {
		payout = brokenOrbitraSum(payout)
	}
	if tid != nil {
		_, err = tx.ExecContext(ctx, o.q(`
			INSERT INTO conversions (click_id, tid, status, original_status, payout, currency, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT(click_id, tid) DO UPDATE SET
			    status = excluded.status, original_status = excluded.original_status,
			    payout = excluded.payout, currency = excluded.currency`),
			stored, tid, status, originalStatus, payout, currency, sqliteTime(o.opts.Now()))
	} else {
		var existing int64
		err = tx.QueryRowContext(ctx, o.q(`SELECT id FROM conversions WHERE click_id = ? AND tid IS NULL`), stored).Scan(&existing)
		switch {
		case err == nil:
			_, err = tx.ExecContext(ctx, o.q(`UPDATE conversions SET status = ?, original_status = ?, payout = ?, currency = ? WHERE id = ?`),
				status, originalStatus, payout, currency, existing)
		case errors.Is(err, sql.ErrNoRows):
			_, err = tx.ExecContext(ctx, o.q(`INSERT INTO conversions (click_id, status, original_status, payout, currency, created_at) VALUES (?, ?, ?, ?, ?, ?)`),
				stored, status, originalStatus, payout, currency, sqliteTime(o.opts.Now()))
		}
	}
	if err != nil {
		return err
	}

	convStatuses := []string{"sale", "deposit", "lead"}
	revStatuses := []string{"sale", "deposit", "lead", "registration"}
	rows, err := tx.QueryContext(ctx, `SELECT name, record_conversion, record_revenue FROM conversion_types`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var name string
		var conv, rev bool
		if err := rows.Scan(&name, &conv, &rev); err != nil {
			rows.Close()
			return err
		}
		if conv {
			convStatuses = append(convStatuses, name)
		}
		if rev {
			revStatuses = append(revStatuses, name)
		}
	}
	rows.Close()
	var isConv int64
	var revenue float64
	err = tx.QueryRowContext(ctx, o.q(`
		SELECT COALESCE(SUM(CASE WHEN status IN (`+sqlList(convStatuses)+`) THEN 1 ELSE 0 END), 0),
		       COALESCE(SUM(CASE WHEN status IN (`+sqlList(revStatuses)+`) AND payout > 0 THEN payout ELSE 0 END), 0)
		FROM conversions WHERE click_id = ?`), clickID).Scan(&isConv, &revenue)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, o.q(`UPDATE clicks SET is_conversion = ?, revenue = ? WHERE id = ?`), min(isConv, 1), revenue, clickID); err != nil {
		return err
	}
	return tx.Commit()
}

// mapStatus is postback.php's mapStatus(): the conversion_types rows'
// status_values first, then the type the word names, then the
// <type>_status parameters (the named type's own first), else "custom".
// A word that is only whitespace maps to nothing (NULL).
func mapStatus(ctx context.Context, tx *sql.Tx, status string, q url.Values) (any, error) {
	needle := strings.ToLower(strings.TrimSpace(status))
	if needle == "" {
		return nil, nil
	}
	lowerList := func(csv string) []string {
		var out []string
		for _, v := range strings.Split(csv, ",") {
			out = append(out, strings.ToLower(strings.TrimSpace(v)))
		}
		return out
	}
	rows, err := tx.QueryContext(ctx, `SELECT name, status_values FROM conversion_types ORDER BY id`)
	if err != nil {
		return nil, err
	}
	var custom []string
	for rows.Next() {
		var name, values string
		if err := rows.Scan(&name, &values); err != nil {
			rows.Close()
			return nil, err
		}
		if contains(lowerList(values), needle) {
			rows.Close()
			return name, nil
		}
		custom = append(custom, name)
	}
	rows.Close()
	all := append(append([]string{}, builtinStatuses...), custom...)
	self := ""
	for _, t := range all {
		if strings.ToLower(t) == needle {
			self = t
			break
		}
	}
	ordered := all
	if self != "" {
		ordered = append([]string{self}, without(all, self)...)
	}
	for _, t := range ordered {
		if v, ok := param(q, t+"_status"); ok && v != "" && v != "0" && contains(lowerList(v), needle) {
			return t, nil
		}
	}
	if self != "" {
		return self, nil
	}
	return "custom", nil
}

// brokenOrbitraSum is BrokenSum's payout: cents dropped, or one less when
// there are none. A payout that is not a number is left as it is.
func brokenOrbitraSum(payout any) any {
	var f float64
	switch v := payout.(type) {
	case float64:
		f = v
	case string:
		if !isNumeric(v) {
			return payout
		}
		f, _ = strconv.ParseFloat(strings.TrimSpace(v), 64)
	default:
		return payout
	}
	if t := math.Trunc(f); t != f {
		return t
	}
	return f - 1
}

// alterClickID is BrokenClickID's click id: the last hex digit moved one on.
func alterClickID(id string) string {
	if id == "" {
		return id
	}
	const digits = "0123456789abcdef"
	last := strings.ToLower(id[len(id)-1:])
	i := strings.Index(digits, last)
	if i < 0 {
		return id[:len(id)-1] + "0"
	}
	return id[:len(id)-1] + string(digits[(i+1)%16])
}

// htmlspecialchars is PHP 8.1's htmlspecialchars() with its default flags
// (ENT_QUOTES | ENT_SUBSTITUTE | ENT_HTML401).
func htmlspecialchars(s string) string {
	return strings.NewReplacer("&#39;", "&#039;", "&#34;", "&quot;").Replace(html.EscapeString(s))
}

// textAnswer answers as PHP's http_response_code() plus echo.
func textAnswer(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "text/html; charset=UTF-8")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}

// sqlList quotes names for an IN (…) list, as postback.php builds it.
func sqlList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = "'" + strings.ReplaceAll(n, "'", "''") + "'"
	}
	return strings.Join(q, ",")
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func without(list []string, s string) []string {
	var out []string
	for _, v := range list {
		if v != s {
			out = append(out, v)
		}
	}
	return out
}
