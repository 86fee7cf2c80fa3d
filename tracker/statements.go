package tracker

import (
	"context"
	"database/sql"
	"fmt"
)

// The write path's statements, prepared once on the writer connection.
const (
	sqlClickAndLast = `SELECT k.campaign_id,
		coalesce((SELECT ordinal FROM conversions v WHERE v.click_id = k.id AND v.type = ? ORDER BY ordinal DESC LIMIT 1), 0)
		FROM clicks k WHERE k.id = ?`
	sqlConvByDedupKey  = `SELECT id FROM conversions WHERE dedup_key = ?`
	sqlFirstConversion = `SELECT id, order_id, event_id, params FROM conversions WHERE click_id = ? AND type = ? ORDER BY ordinal LIMIT 1`
	// sqlInsertConversionFast creates the conversion when the click exists
	// and the mode lets the postback create one; it returns no row otherwise.
	//
	// The pair's last ordinal is read as the first entry of a backward
	// search of the (click_id, type, ordinal) index: O(log n) however many
	// conversions the pair holds. It was max(ordinal) in an aggregate
	// subquery, which SQLite answers in O(log n) on its own but in O(n) once
	// it pushes the outer "n.last = 0" into the subquery (as a HAVING, which
	// turns its min/max optimization off): a click with 100,000 conversions
	// cost 6.5 ms a postback in every mode (issue 10).
	sqlInsertConversionFast = `INSERT INTO conversions(id, click_id, campaign_id, type, ordinal, dedup_key, status,
		payout_cents, currency, order_id, event_id, duplicate_status, params, created_at, updated_at)
		SELECT ?1, k.id, k.campaign_id, ?2, n.last + 1, ?3, ?4, ?5, ?6, ?7, ?8,
			CASE WHEN ?9 THEN (CASE WHEN n.last = 0 THEN 'new' ELSE 'repeated' END) ELSE '' END, ?10, ?11, ?11
		FROM clicks k, (SELECT coalesce((SELECT ordinal FROM conversions WHERE click_id = ?12 AND type = ?2
			ORDER BY ordinal DESC LIMIT 1), 0) AS last) n
		WHERE k.id = ?12 AND (?13 OR n.last = 0)
		ON CONFLICT(dedup_key) DO NOTHING
		RETURNING ordinal`
	sqlAddPayout      = `UPDATE conversions SET payout_cents = payout_cents + ?, updated_at = ? WHERE id = ?`
	sqlEditConversion = `UPDATE conversions SET status = ?, payout_cents = ?, currency = ?, order_id = ?, event_id = ?,
		params = ?, updated_at = ? WHERE id = ?`
	sqlInsertRejection = `INSERT INTO rejections(created_at, path, query, param, error, status) VALUES (?, ?, ?, ?, ?, ?)`
	sqlInsertClick     = `INSERT INTO clicks(id, campaign_id, created_at, subs) VALUES (?, ?, ?, ?)`
)

// prepare prepares the write path's statements on the writer.
func (s *store) prepare(ctx context.Context) error {
	s.stmts = map[string]*sql.Stmt{}
	for _, q := range []string{sqlInsertConversionFast, sqlClickAndLast, sqlConvByDedupKey, sqlFirstConversion,
		sqlAddPayout, sqlEditConversion, sqlInsertRejection, sqlInsertClick,
		sqlClickCampaign, sqlClickOfKey, sqlInsertINS, sqlReversalTarget, sqlReverse} {
		st, err := s.w.PrepareContext(ctx, q)
		if err != nil {
			return fmt.Errorf("prepare %.40q: %w", q, err)
		}
		s.stmts[q] = st
	}
	return nil
}

// exec runs query in tx, through its prepared statement when there is one.
func (s *store) exec(ctx context.Context, tx *sql.Tx, query string, args ...any) (sql.Result, error) {
	if st, ok := s.stmts[query]; ok {
		return tx.StmtContext(ctx, st).ExecContext(ctx, args...)
	}
	return tx.ExecContext(ctx, query, args...)
}

// queryRow runs query in tx, through its prepared statement when there is one.
func (s *store) queryRow(ctx context.Context, tx *sql.Tx, query string, args ...any) *sql.Row {
	if st, ok := s.stmts[query]; ok {
		return tx.StmtContext(ctx, st).QueryRowContext(ctx, args...)
	}
	return tx.QueryRowContext(ctx, query, args...)
}
