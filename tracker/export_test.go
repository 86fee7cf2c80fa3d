package tracker

import (
	"context"
	"database/sql"
	"fmt"
)

// SeedConversions gives a click n conversions of type typ in one
// transaction, straight into the store, as n postbacks under mode would
// have left them: ordinals 1…n; under ignore, edit and add_payout the first
// holds the pair's unique key, under ignore_event_id each holds the key of
// its own event id ("seed1", "seed2", …). It is for benchmarks that need a
// click with many conversions without sending them all.
func (t *Tracker) SeedConversions(ctx context.Context, clickID, typ string, n int, mode Mode) error {
	pair := "pair\n" + clickID + "\n" + typ
	event := "event\n" + clickID + "\n" + typ + "\nseed"
	now := t.cfg.Now().UnixNano()
	return t.store.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < ?1)
			INSERT INTO conversions(id, click_id, campaign_id, type, ordinal, dedup_key, status, payout_cents, currency,
				order_id, event_id, duplicate_status, params, created_at, updated_at)
			SELECT printf('5eed%020x', i), k.id, k.campaign_id, ?2, i,
				CASE ?3 WHEN 'pair' THEN (CASE WHEN i = 1 THEN ?4 END) WHEN 'event' THEN ?5 || i END,
				'approved', 100, 'USD', '', CASE ?3 WHEN 'event' THEN 'seed' || i ELSE '' END, '', '{}', ?6, ?6
			FROM seq, clicks k WHERE k.id = ?7`,
			n, typ, seedKind(mode), pair, event, now, clickID)
		if err != nil {
			return fmt.Errorf("seed %d conversions: %w", n, err)
		}
		if got, _ := res.RowsAffected(); got != int64(n) {
			return fmt.Errorf("seed %d conversions: %d inserted (unknown click %q?)", n, got, clickID)
		}
		return nil
	})
}

// seedKind says which unique key seeded conversions carry under mode.
func seedKind(mode Mode) string {
	switch mode {
	case ModeIgnore, ModeEdit, ModeAddPayout:
		return "pair"
	case ModeIgnoreEventID:
		return "event"
	}
	return ""
}
