package tracker

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// insConversion is a SALE or BILL notification prepared for the store.
type insConversion struct {
	Receipt, TransactionType, Role string
	Type                           string // INSTypePrefix + TransactionType
	Status                         string
	Cents                          int64
	Codes                          []string // trackingCodes, in order, without repeats
	// Fallback are the unique keys of conversions whose click the
	// notification goes on when it has no tracking code (a rebill's sale,
	// an upsell's original receipt), in order.
	Fallback []string
	Params   map[string]string
}

// INS statements. sqlInsertINS creates the conversion unless its unique
// key (insKeyOf) is taken, returning no row then.
const (
	sqlClickCampaign = `SELECT campaign_id FROM clicks WHERE id = ?`
	sqlClickOfKey    = `SELECT click_id, campaign_id FROM conversions WHERE dedup_key = ?`
	sqlInsertINS     = `INSERT INTO conversions(id, click_id, campaign_id, type, ordinal, dedup_key, status,
		payout_cents, currency, order_id, event_id, duplicate_status, params, created_at, updated_at)
		SELECT ?1, ?2, ?3, ?4, coalesce((SELECT ordinal FROM conversions WHERE click_id = ?2 AND type = ?4
			ORDER BY ordinal DESC LIMIT 1), 0) + 1, ?5, ?6, ?7, 'USD', ?8, ?9, '', ?10, ?11, ?11
		WHERE true
		ON CONFLICT(dedup_key) DO NOTHING
		RETURNING ordinal`
	sqlReversalTarget = `SELECT id, reversal FROM conversions WHERE dedup_key IN (?, ?) ORDER BY seq LIMIT 1`
	sqlReverse        = `UPDATE conversions SET status = ?, reversal = ?, reversal_cents = ?, reversed_at = ?, updated_at = ?
		WHERE id = ? AND reversal = ''`
)

// recordINS records a SALE or BILL on the click its tracking codes name
// (the first that is a click of this tracker) or, when it has none, on
// the click of its fallback conversion. A notification recorded before
// (same receipt, transactionType and role) is answered "ignored" with the
// conversion it recorded.
func (s *store) recordINS(ctx context.Context, c insConversion) (insReply, error) {
	params, err := json.Marshal(c.Params)
	if err != nil {
		return insReply{}, fmt.Errorf("record INS %s %s: %w", c.TransactionType, c.Receipt, err)
	}
	key := insKeyOf(c.Receipt, c.TransactionType, c.Role)
	id := s.ids.next(s.now())
	var reply insReply
	err = s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		// A retry is answered with what the first delivery recorded, even
		// when the click it named is gone or its codes now name another.
		recorded := func() (bool, error) {
			var dup string
			err := s.queryRow(ctx, tx, sqlConvByDedupKey, key).Scan(&dup)
			if errors.Is(err, sql.ErrNoRows) {
				return false, nil
			}
			reply = insReply{Status: "ok", Action: actionIgnored, ConversionID: dup, DuplicateStatus: dupRepeated,
				Reason: fmt.Sprintf("%s of receipt %s for role %s was recorded before", c.TransactionType, c.Receipt, c.Role)}
			return err == nil, err
		}
		if ok, err := recorded(); ok || err != nil {
			return err
		}
		clickID, campaignID, err := s.insClick(ctx, tx, c)
		if err != nil {
			return err
		}
		eventID := c.Receipt + "/" + c.TransactionType + "/" + c.Role
		now := s.now().UnixNano()
		var ordinal int
		err = s.queryRow(ctx, tx, sqlInsertINS, id, clickID, campaignID, c.Type, key, c.Status, c.Cents,
			c.Receipt, eventID, string(params), now).Scan(&ordinal)
		if errors.Is(err, sql.ErrNoRows) { // the key is taken: a retry after all
			if ok, err := recorded(); ok || err != nil {
				return err
			}
			return fmt.Errorf("unique key %q neither free nor found", key)
		}
		if err != nil {
			return err
		}
		reply = insReply{Status: "ok", Action: actionCreated, ConversionID: id, DuplicateStatus: dupNew}
		return nil
	})
	if err != nil {
		if _, ok := errors.AsType[*Error](err); ok {
			return insReply{}, err
		}
		return insReply{}, fmt.Errorf("record INS %s %s: %w", c.TransactionType, c.Receipt, err)
	}
	return reply, nil
}

// insClick finds the click a SALE or BILL goes on.
func (s *store) insClick(ctx context.Context, tx *sql.Tx, c insConversion) (clickID, campaignID string, err error) {
	for _, code := range c.Codes {
		err := s.queryRow(ctx, tx, sqlClickCampaign, code).Scan(&campaignID)
		if err == nil {
			return code, campaignID, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return "", "", err
		}
	}
	if len(c.Codes) > 0 {
		return "", "", errorf(ENotFound, "trackingCodes", "unknown click id: no tracking code of the %s of receipt %s (%s) is a click id of this tracker",
			c.TransactionType, c.Receipt, quoteList(c.Codes))
	}
	for _, key := range c.Fallback {
		err := s.queryRow(ctx, tx, sqlClickOfKey, key).Scan(&clickID, &campaignID)
		if err == nil {
			return clickID, campaignID, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return "", "", err
		}
	}
	why := "and it is neither a rebill nor an upsell of a receipt recorded here"
	if len(c.Fallback) > 0 {
		why = "and the receipt it follows was not recorded here for role " + c.Role
	}
	return "", "", errorf(EInvalid, "trackingCodes", "the %s of receipt %s names no click: its trackingCodes are empty %s", c.TransactionType, c.Receipt, why)
}

// quoteList prints values quoted and comma-separated, at most 5 of them,
// each cut at 64 bytes.
func quoteList(vs []string) string {
	var b strings.Builder
	for i, v := range vs {
		if i == 5 {
			fmt.Fprintf(&b, ", … (%d in all)", len(vs))
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		if len(v) > 64 {
			v = strings.ToValidUTF8(v[:64], "") + "…"
		}
		fmt.Fprintf(&b, "%q", v)
	}
	return b.String()
}

// reverseINS declines the conversion of receipt recorded for role by one
// of the transaction types reverses, noting the reversal (its type,
// amount and time). A conversion already reversed is answered "ignored";
// an unknown receipt is ENotFound.
func (s *store) reverseINS(ctx context.Context, receipt, role, typ string, reverses []string, cents int64) (insReply, error) {
	var reply insReply
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var id, prior string
		err := s.queryRow(ctx, tx, sqlReversalTarget, insKeyOf(receipt, reverses[0], role), insKeyOf(receipt, reverses[1], role)).
			Scan(&id, &prior)
		if errors.Is(err, sql.ErrNoRows) {
			return errorf(ENotFound, "receipt", "%s of unknown receipt %q: no %s or %s of it was recorded for role %s", typ, receipt, reverses[0], reverses[1], role)
		}
		if err != nil {
			return err
		}
		if prior != "" {
			reply = insReply{Status: "ok", Action: actionIgnored, ConversionID: id, DuplicateStatus: dupRepeated,
				Reason: fmt.Sprintf("receipt %s was already reversed by %s", receipt, prior)}
			return nil
		}
		now := s.now().UnixNano()
		if _, err := s.exec(ctx, tx, sqlReverse, insStatusReversed, typ, cents, now, now, id); err != nil {
			return err
		}
		reply = insReply{Status: "ok", Action: actionReversed, ConversionID: id, DuplicateStatus: dupNew}
		return nil
	})
	if err != nil {
		if _, ok := errors.AsType[*Error](err); ok {
			return insReply{}, err
		}
		return insReply{}, fmt.Errorf("reverse INS %s %s: %w", typ, receipt, err)
	}
	return reply, nil
}
