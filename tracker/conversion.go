package tracker

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"time"
)

// postback is a validated postback, ready to be recorded.
type postback struct {
	ClickID  string
	Type     string
	Status   string
	Cents    int64
	Currency string
	Order    string
	EventID  string
	Params   map[string]string
}

// Actions a postback can lead to.
const (
	actionCreated = "created"
	actionUpdated = "updated"
	actionIgnored = "ignored"
)

// Duplicate statuses: of the postback in the reply, and of the conversion
// under ModeNewMarked.
const (
	dupNew      = "new"
	dupRepeated = "repeated"
)

// outcome is what recording a postback did.
type outcome struct {
	ConversionID    string `json:"conversion_id"`
	DuplicateStatus string `json:"duplicate_status"`
	Action          string `json:"action"`
}

// conversion is one recorded conversion as the reporting API shows it.
type conversion struct {
	ID              string            `json:"id"`
	ClickID         string            `json:"clickid"`
	Campaign        string            `json:"campaign"`
	Type            string            `json:"type"`
	Status          string            `json:"status"`
	Payout          amount            `json:"payout"`
	Currency        string            `json:"currency"`
	Order           string            `json:"order"`
	EventID         string            `json:"event_id"`
	CreatedAt       string            `json:"created_at"`
	UpdatedAt       string            `json:"updated_at"`
	DuplicateStatus string            `json:"duplicate_status"`
	Params          map[string]string `json:"params"`
}

// record stores pb under the duplicate mode in one transaction. An unknown
// click id is ENotFound.
func (s *store) record(ctx context.Context, pb postback, mode Mode) (outcome, error) {
	var out outcome
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		out, err = s.recordTx(ctx, tx, pb, mode)
		return err
	})
	if err != nil {
		if _, ok := errors.AsType[*Error](err); ok {
			return outcome{}, err
		}
		return outcome{}, fmt.Errorf("record postback for click %s: %w", pb.ClickID, err)
	}
	return out, nil
}

func (s *store) recordTx(ctx context.Context, tx *sql.Tx, pb postback, mode Mode) (outcome, error) {
	var campaignID string
	var last int
	err := tx.QueryRowContext(ctx, `SELECT k.campaign_id,
		(SELECT coalesce(max(ordinal), 0) FROM conversions v WHERE v.click_id = k.id AND v.type = ?)
		FROM clicks k WHERE k.id = ?`, pb.Type, pb.ClickID).Scan(&campaignID, &last)
	if errors.Is(err, sql.ErrNoRows) {
		return outcome{}, errorf(ENotFound, "clickid", "unknown click id %q", pb.ClickID)
	}
	if err != nil {
		return outcome{}, err
	}
	now := s.now().UnixNano()

	var dedupKey sql.NullString
	switch mode {
	case ModeIgnore, ModeEdit, ModeAddPayout:
		dedupKey = sql.NullString{String: "pair\n" + pb.ClickID + "\n" + pb.Type, Valid: true}
		if last > 0 {
			return s.duplicate(ctx, tx, pb, mode, now)
		}
	case ModeIgnoreEventID:
		if pb.EventID != "" {
			dedupKey = sql.NullString{String: "event\n" + pb.ClickID + "\n" + pb.Type + "\n" + pb.EventID, Valid: true}
			var id string
			err := tx.QueryRowContext(ctx, `SELECT id FROM conversions WHERE dedup_key = ?`, dedupKey).Scan(&id)
			if err == nil {
				return outcome{ConversionID: id, DuplicateStatus: dupRepeated, Action: actionIgnored}, nil
			}
			if !errors.Is(err, sql.ErrNoRows) {
				return outcome{}, err
			}
		}
	}

	ordinal := last + 1
	dup := dupNew
	if ordinal > 1 {
		dup = dupRepeated
	}
	stored := ""
	if mode == ModeNewMarked {
		stored = dup
	}
	params, err := json.Marshal(pb.Params)
	if err != nil {
		return outcome{}, err
	}
	id := newID()
	_, err = tx.ExecContext(ctx, `INSERT INTO conversions(id, click_id, campaign_id, type, ordinal, dedup_key,
		status, payout_cents, currency, order_id, event_id, duplicate_status, params, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		id, pb.ClickID, campaignID, pb.Type, ordinal, dedupKey,
		pb.Status, pb.Cents, pb.Currency, pb.Order, pb.EventID, stored, string(params), now, now)
	if err != nil {
		return outcome{}, err
	}
	return outcome{ConversionID: id, DuplicateStatus: dup, Action: actionCreated}, nil
}

// duplicate handles a postback for a pair that has a conversion under
// ModeIgnore, ModeEdit or ModeAddPayout.
func (s *store) duplicate(ctx context.Context, tx *sql.Tx, pb postback, mode Mode, now int64) (outcome, error) {
	var id, order, eventID, paramsJSON string
	err := tx.QueryRowContext(ctx, `SELECT id, order_id, event_id, params FROM conversions
		WHERE click_id = ? AND type = ? ORDER BY ordinal LIMIT 1`, pb.ClickID, pb.Type).Scan(&id, &order, &eventID, &paramsJSON)
	if err != nil {
		return outcome{}, err
	}
	out := outcome{ConversionID: id, DuplicateStatus: dupRepeated, Action: actionUpdated}
	switch mode {
	case ModeIgnore:
		out.Action = actionIgnored
	case ModeAddPayout:
		if _, err := tx.ExecContext(ctx, `UPDATE conversions SET payout_cents = payout_cents + ?, updated_at = ? WHERE id = ?`,
			pb.Cents, now, id); err != nil {
			return outcome{}, err
		}
	case ModeEdit:
		params := map[string]string{}
		if err := json.Unmarshal([]byte(paramsJSON), &params); err != nil {
			return outcome{}, fmt.Errorf("conversion %s params: %w", id, err)
		}
		maps.Copy(params, pb.Params)
		merged, err := json.Marshal(params)
		if err != nil {
			return outcome{}, err
		}
		if pb.Order != "" {
			order = pb.Order
		}
		if pb.EventID != "" {
			eventID = pb.EventID
		}
		if _, err := tx.ExecContext(ctx, `UPDATE conversions SET status = ?, payout_cents = ?, currency = ?, order_id = ?,
			event_id = ?, params = ?, updated_at = ? WHERE id = ?`,
			pb.Status, pb.Cents, pb.Currency, order, eventID, string(merged), now, id); err != nil {
			return outcome{}, err
		}
	}
	return out, nil
}

// conversionFilter selects conversions for the reporting API.
type conversionFilter struct {
	ClickID  string
	Type     string
	From, To time.Time // inclusive bounds of created_at; zero means none
	Page     page
}

// conversions lists matching conversions in creation order and their total.
func (s *store) conversions(ctx context.Context, f conversionFilter) ([]conversion, int, error) {
	where, args := " WHERE 1=1", []any{}
	if f.ClickID != "" {
		where, args = where+" AND v.click_id = ?", append(args, f.ClickID)
	}
	if f.Type != "" {
		where, args = where+" AND v.type = ?", append(args, f.Type)
	}
	if !f.From.IsZero() {
		where, args = where+" AND v.created_at >= ?", append(args, f.From.UnixNano())
	}
	if !f.To.IsZero() {
		where, args = where+" AND v.created_at <= ?", append(args, f.To.UnixNano())
	}
	var total int
	if err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM conversions v`+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count conversions: %w", err)
	}
	rows, err := s.r.QueryContext(ctx, `SELECT v.id, v.click_id, c.name, v.type, v.status, v.payout_cents, v.currency,
		v.order_id, v.event_id, v.created_at, v.updated_at, v.duplicate_status, v.params
		FROM conversions v JOIN campaigns c ON c.id = v.campaign_id`+where+` ORDER BY v.seq LIMIT ? OFFSET ?`,
		append(args, f.Page.per, f.Page.offset())...)
	if err != nil {
		return nil, 0, fmt.Errorf("list conversions: %w", err)
	}
	defer rows.Close()
	out := []conversion{}
	for rows.Next() {
		var v conversion
		var created, updated int64
		var params string
		if err := rows.Scan(&v.ID, &v.ClickID, &v.Campaign, &v.Type, &v.Status, (*int64)(&v.Payout), &v.Currency,
			&v.Order, &v.EventID, &created, &updated, &v.DuplicateStatus, &params); err != nil {
			return nil, 0, fmt.Errorf("list conversions: %w", err)
		}
		v.CreatedAt, v.UpdatedAt = formatTime(time.Unix(0, created)), formatTime(time.Unix(0, updated))
		if err := json.Unmarshal([]byte(params), &v.Params); err != nil {
			return nil, 0, fmt.Errorf("conversion %s params: %w", v.ID, err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("list conversions: %w", err)
	}
	return out, total, nil
}

// rejection is one refused postback.
type rejection struct {
	CreatedAt string `json:"created_at"`
	Query     string `json:"query"`
	Param     string `json:"param"`
	Error     string `json:"error"`
	Status    int    `json:"status"`
}

// maxStoredQuery bounds the raw query kept with a rejection.
const maxStoredQuery = MaxQueryBytes + 64

// reject logs a refused postback.
func (s *store) reject(ctx context.Context, query, param, reason string, status int) error {
	if len(query) > maxStoredQuery {
		query = query[:maxStoredQuery] + "…(truncated)"
	}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO rejections(created_at, query, param, error, status) VALUES (?, ?, ?, ?, ?)`,
			s.now().UnixNano(), query, param, reason, status)
		return err
	})
	if err != nil {
		return fmt.Errorf("log rejection: %w", err)
	}
	return nil
}

// rejections lists the rejections log in order.
func (s *store) rejections(ctx context.Context, p page) ([]rejection, int, error) {
	var total int
	if err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM rejections`).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count rejections: %w", err)
	}
	rows, err := s.r.QueryContext(ctx, `SELECT created_at, query, param, error, status FROM rejections
		ORDER BY seq LIMIT ? OFFSET ?`, p.per, p.offset())
	if err != nil {
		return nil, 0, fmt.Errorf("list rejections: %w", err)
	}
	defer rows.Close()
	out := []rejection{}
	for rows.Next() {
		var r rejection
		var at int64
		if err := rows.Scan(&at, &r.Query, &r.Param, &r.Error, &r.Status); err != nil {
			return nil, 0, fmt.Errorf("list rejections: %w", err)
		}
		r.CreatedAt = formatTime(time.Unix(0, at))
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("list rejections: %w", err)
	}
	return out, total, nil
}
