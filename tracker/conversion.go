package tracker

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"strings"
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

// conversionRow is one recorded conversion with its click, as the store
// reads it for the reporting API (conversionView shapes it).
type conversionRow struct {
	ID, ClickID          string
	Campaign, CampaignID string // the click's campaign: name and id
	Type, Status         string
	Cents                int64
	Currency             string
	Order                string
	EventID              string
	DuplicateStatus      string // dupNew, dupRepeated or ""
	Params               map[string]string
	CreatedAt, UpdatedAt time.Time
	ClickTime            time.Time         // when the click was recorded
	ClickSubs            map[string]string // the click's query parameters
	// Reversal is the INS transactionType that reversed the conversion
	// (RFND, CGBK, TEST_RFND), "" while none did; ReversalCents is its
	// totalAccountAmount and ReversedAt when it came.
	Reversal      string
	ReversalCents int64
	ReversedAt    time.Time
}

// record stores pb under the duplicate mode in one transaction. An unknown
// click id is ENotFound.
func (s *store) record(ctx context.Context, pb postback, mode Mode) (outcome, error) {
	params, err := json.Marshal(pb.Params)
	if err != nil {
		return outcome{}, fmt.Errorf("record postback for click %s: %w", pb.ClickID, err)
	}
	w := conversionWrite{pb: pb, mode: mode, id: s.ids.next(s.now()), params: string(params)}
	switch mode {
	case ModeIgnore, ModeEdit, ModeAddPayout:
		w.dedupKey = sql.NullString{String: "pair\n" + pb.ClickID + "\n" + pb.Type, Valid: true}
	case ModeIgnoreEventID:
		if pb.EventID != "" {
			w.dedupKey = sql.NullString{String: "event\n" + pb.ClickID + "\n" + pb.Type + "\n" + pb.EventID, Valid: true}
		}
	}
	var out outcome
	err = s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var err error
		out, err = s.recordTx(ctx, tx, w)
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

// conversionWrite is a postback prepared for the writer.
type conversionWrite struct {
	pb       postback
	mode     Mode
	id       string         // id of the conversion if one is created
	params   string         // pb.Params as JSON
	dedupKey sql.NullString // unique key under the mode, if any
}

// recordTx records w: first with one INSERT that succeeds whenever the
// postback creates a conversion (the common case), and only when it does
// not, step by step to tell an unknown click from a duplicate.
func (s *store) recordTx(ctx context.Context, tx *sql.Tx, w conversionWrite) (outcome, error) {
	pb := w.pb
	now := s.now().UnixNano()
	repeatable := w.mode == ModeNew || w.mode == ModeNewMarked || w.mode == ModeIgnoreEventID
	var ordinal int
	err := s.queryRow(ctx, tx, sqlInsertConversionFast, w.id, pb.Type, w.dedupKey, pb.Status, pb.Cents, pb.Currency,
		pb.Order, pb.EventID, w.mode == ModeNewMarked, w.params, now, pb.ClickID, repeatable).Scan(&ordinal)
	if err == nil {
		dup := dupNew
		if ordinal > 1 {
			dup = dupRepeated
		}
		return outcome{ConversionID: w.id, DuplicateStatus: dup, Action: actionCreated}, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return outcome{}, err
	}

	var campaignID string
	var last int
	err = s.queryRow(ctx, tx, sqlClickAndLast, pb.Type, pb.ClickID).Scan(&campaignID, &last)
	if errors.Is(err, sql.ErrNoRows) {
		return outcome{}, errorf(ENotFound, "clickid", "unknown click id %q", pb.ClickID)
	}
	if err != nil {
		return outcome{}, err
	}
	switch w.mode {
	case ModeIgnore, ModeEdit, ModeAddPayout:
		if last > 0 {
			return s.duplicate(ctx, tx, pb, w.mode, now)
		}
	case ModeIgnoreEventID:
		if w.dedupKey.Valid {
			var id string
			err := s.queryRow(ctx, tx, sqlConvByDedupKey, w.dedupKey).Scan(&id)
			if err == nil {
				return outcome{ConversionID: id, DuplicateStatus: dupRepeated, Action: actionIgnored}, nil
			}
			if !errors.Is(err, sql.ErrNoRows) {
				return outcome{}, err
			}
		}
	}
	// The insert only fails to create for an unknown click or a duplicate.
	return outcome{}, fmt.Errorf("click %s type %s: neither created nor found a duplicate", pb.ClickID, pb.Type)
}

// duplicate handles a postback for a pair that has a conversion under
// ModeIgnore, ModeEdit or ModeAddPayout.
func (s *store) duplicate(ctx context.Context, tx *sql.Tx, pb postback, mode Mode, now int64) (outcome, error) {
	var id, order, eventID, paramsJSON string
	err := s.queryRow(ctx, tx, sqlFirstConversion, pb.ClickID, pb.Type).Scan(&id, &order, &eventID, &paramsJSON)
	if err != nil {
		return outcome{}, err
	}
	out := outcome{ConversionID: id, DuplicateStatus: dupRepeated, Action: actionUpdated}
	switch mode {
	case ModeIgnore:
		out.Action = actionIgnored
	case ModeAddPayout:
		if _, err := s.exec(ctx, tx, sqlAddPayout,
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
		if _, err := s.exec(ctx, tx, sqlEditConversion,
			pb.Status, pb.Cents, pb.Currency, order, eventID, string(merged), now, id); err != nil {
			return outcome{}, err
		}
	}
	return out, nil
}

// logFilter selects rows of a log of the reporting API (conversions,
// clicks): what every log takes.
type logFilter struct {
	ClickID     string
	CampaignIDs []string  // any of these campaigns; none means all
	From, To    time.Time // inclusive bounds of created_at
	Page        page
}

// where returns the WHERE clause of f and its arguments over a table
// aliased t whose click id is in idCol.
func (f logFilter) where(t, idCol string) (string, []any) {
	where, args := " WHERE "+t+".created_at >= ? AND "+t+".created_at <= ?", []any{unixNano(f.From), unixNano(f.To)}
	if f.ClickID != "" {
		where, args = where+" AND "+t+"."+idCol+" = ?", append(args, f.ClickID)
	}
	return inList(where, args, t+".campaign_id", f.CampaignIDs)
}

// Bounds of the times the store can hold: created_at is int64 Unix
// nanoseconds, 1677-09-21 … 2262-04-11.
var (
	minStoredTime = time.Unix(0, math.MinInt64)
	maxStoredTime = time.Unix(0, math.MaxInt64)
)

// unixNano is t in Unix nanoseconds, clamped to the stored span, so that a
// range reaching past it covers every row instead of overflowing (issue 10:
// date_to=2263-01-01 found nothing).
func unixNano(t time.Time) int64 {
	switch {
	case t.Before(minStoredTime):
		return math.MinInt64
	case t.After(maxStoredTime):
		return math.MaxInt64
	}
	return t.UnixNano()
}

// conversionFilter selects conversions for the reporting API.
type conversionFilter struct {
	logFilter
	Types []string // any of these types; none means all
}

// inList appends "AND col IN (?, …)" for values to where and args.
func inList(where string, args []any, col string, values []string) (string, []any) {
	if len(values) == 0 {
		return where, args
	}
	where += " AND " + col + " IN (?" + strings.Repeat(", ?", len(values)-1) + ")"
	for _, v := range values {
		args = append(args, v)
	}
	return where, args
}

// countConversions counts the conversions f selects, on every page.
func (s *store) countConversions(ctx context.Context, f conversionFilter) (int, error) {
	where, args := f.where("v", "click_id")
	where, args = inList(where, args, "v.type", f.Types)
	var total int
	if err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM conversions v`+where, args...).Scan(&total); err != nil {
		return 0, fmt.Errorf("count conversions: %w", err)
	}
	return total, nil
}

// eachConversion calls emit with each conversion of f's page in creation
// order, reading listChunk at a time (see chunks).
func (s *store) eachConversion(ctx context.Context, f conversionFilter, emit func(conversionRow) error) error {
	where, args := f.where("v", "click_id")
	where, args = inList(where, args, "v.type", f.Types)
	return chunks(f.Page, emit, func(after int64, limit int, offset int64) ([]conversionRow, []int64, error) {
		rows, err := s.r.QueryContext(ctx, `SELECT v.seq, v.id, v.click_id, c.name, c.id, v.type, v.status, v.payout_cents,
			v.currency, v.order_id, v.event_id, v.created_at, v.updated_at, v.duplicate_status, v.params, k.created_at, k.subs,
			v.reversal, v.reversal_cents, v.reversed_at
			FROM conversions v JOIN campaigns c ON c.id = v.campaign_id JOIN clicks k ON k.id = v.click_id`+where+`
			AND v.seq > ? ORDER BY v.seq LIMIT ? OFFSET ?`,
			append(args, after, limit, offset)...)
		if err != nil {
			return nil, nil, fmt.Errorf("list conversions: %w", err)
		}
		defer rows.Close()
		var out []conversionRow
		var seqs []int64
		for rows.Next() {
			var v conversionRow
			var seq, created, updated, clicked, reversed int64
			var params, subs string
			if err := rows.Scan(&seq, &v.ID, &v.ClickID, &v.Campaign, &v.CampaignID, &v.Type, &v.Status, &v.Cents, &v.Currency,
				&v.Order, &v.EventID, &created, &updated, &v.DuplicateStatus, &params, &clicked, &subs,
				&v.Reversal, &v.ReversalCents, &reversed); err != nil {
				return nil, nil, fmt.Errorf("list conversions: %w", err)
			}
			v.CreatedAt, v.UpdatedAt, v.ClickTime = time.Unix(0, created), time.Unix(0, updated), time.Unix(0, clicked)
			if v.Reversal != "" {
				v.ReversedAt = time.Unix(0, reversed)
			}
			if err := json.Unmarshal([]byte(params), &v.Params); err != nil {
				return nil, nil, fmt.Errorf("conversion %s params: %w", v.ID, err)
			}
			if err := json.Unmarshal([]byte(subs), &v.ClickSubs); err != nil {
				return nil, nil, fmt.Errorf("click %s of conversion %s subs: %w", v.ClickID, v.ID, err)
			}
			out, seqs = append(out, v), append(seqs, seq)
		}
		if err := rows.Err(); err != nil {
			return nil, nil, fmt.Errorf("list conversions: %w", err)
		}
		return out, seqs, nil
	})
}

// rejection is one refused postback or INS notification.
type rejection struct {
	CreatedAt string `json:"created_at"`
	Path      string `json:"path"` // the endpoint that refused: /postback or /ins
	Query     string `json:"query"`
	Param     string `json:"param"`
	Error     string `json:"error"`
	Status    int    `json:"status"`
}

// maxStoredQuery bounds the raw query kept with a rejection.
const maxStoredQuery = MaxQueryBytes + 64

// setMaxRejections sets how many rejections the log keeps, dropping the
// oldest beyond it at once (trigger rejections_resize).
func (s *store) setMaxRejections(ctx context.Context, n int) error {
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE rejections_log SET max_kept = ?1 WHERE id = 1 AND max_kept != ?1`, n)
		return err
	})
	if err != nil {
		return fmt.Errorf("set the rejections log to %d: %w", n, err)
	}
	return nil
}

// reject logs a refusal at path (/postback, /ins); past the log's size the
// oldest rolls off (trigger rejections_roll).
func (s *store) reject(ctx context.Context, path, query, param, reason string, status int) error {
	if len(query) > maxStoredQuery {
		query = query[:maxStoredQuery] + "…(truncated)"
	}
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		_, err := s.exec(ctx, tx, sqlInsertRejection,
			s.now().UnixNano(), path, query, param, reason, status)
		return err
	})
	if err != nil {
		return fmt.Errorf("log rejection: %w", err)
	}
	return nil
}

// countRejections returns how many rejections the log holds and how many
// rolled off it.
func (s *store) countRejections(ctx context.Context) (total, dropped int, err error) {
	err = s.r.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM rejections), dropped FROM rejections_log WHERE id = 1`).
		Scan(&total, &dropped)
	if err != nil {
		return 0, 0, fmt.Errorf("count rejections: %w", err)
	}
	return total, dropped, nil
}

// eachRejection calls emit with each rejection of page p in order, reading
// listChunk at a time (see chunks).
func (s *store) eachRejection(ctx context.Context, p page, emit func(rejection) error) error {
	return chunks(p, emit, func(after int64, limit int, offset int64) ([]rejection, []int64, error) {
		rows, err := s.r.QueryContext(ctx, `SELECT seq, created_at, path, query, param, error, status FROM rejections
			WHERE seq > ? ORDER BY seq LIMIT ? OFFSET ?`, after, limit, offset)
		if err != nil {
			return nil, nil, fmt.Errorf("list rejections: %w", err)
		}
		defer rows.Close()
		var out []rejection
		var seqs []int64
		for rows.Next() {
			var r rejection
			var seq, at int64
			if err := rows.Scan(&seq, &at, &r.Path, &r.Query, &r.Param, &r.Error, &r.Status); err != nil {
				return nil, nil, fmt.Errorf("list rejections: %w", err)
			}
			r.CreatedAt = formatTime(time.Unix(0, at))
			out, seqs = append(out, r), append(seqs, seq)
		}
		if err := rows.Err(); err != nil {
			return nil, nil, fmt.Errorf("list rejections: %w", err)
		}
		return out, seqs, nil
	})
}
