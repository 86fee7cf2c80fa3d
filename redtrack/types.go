package redtrack

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"time"
)

// Conversion is one conversion as the reporting API reports it.
type Conversion struct {
	ID              string
	ClickID         string
	Campaign        string
	Type            string
	Status          string
	Payout          float64
	Currency        string
	Order           string
	EventID         string // the postback's rdtk_event_id
	DuplicateStatus string
	CreatedAt       time.Time
	Params          map[string]string // the postback's further parameters
}

// PayoutCents returns the payout in cents, rounded to the nearest cent.
func (c Conversion) PayoutCents() int64 { return int64(math.Round(c.Payout * 100)) }

// UnmarshalJSON reads a conversion leniently: payout as a number or a
// string, created_at as RFC 3339 or "2006-01-02 15:04:05", parameter values
// of any JSON type.
func (c *Conversion) UnmarshalJSON(b []byte) error {
	var w struct {
		ID              string                     `json:"id"`
		ClickID         string                     `json:"clickid"`
		Campaign        string                     `json:"campaign"`
		Type            string                     `json:"type"`
		Status          string                     `json:"status"`
		Payout          json.RawMessage            `json:"payout"`
		Currency        string                     `json:"currency"`
		Order           string                     `json:"order"`
		EventID         string                     `json:"event_id"`
		DuplicateStatus string                     `json:"duplicate_status"`
		CreatedAt       string                     `json:"created_at"`
		Params          map[string]json.RawMessage `json:"params"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	payout, err := number(w.Payout)
	if err != nil {
		return fmt.Errorf("conversion %s payout: %w", w.ID, err)
	}
	at, err := parseTime(w.CreatedAt)
	if err != nil {
		return fmt.Errorf("conversion %s created_at: %w", w.ID, err)
	}
	*c = Conversion{ID: w.ID, ClickID: w.ClickID, Campaign: w.Campaign, Type: w.Type, Status: w.Status,
		Payout: payout, Currency: w.Currency, Order: w.Order, EventID: w.EventID,
		DuplicateStatus: w.DuplicateStatus, CreatedAt: at, Params: stringMap(w.Params)}
	return nil
}

// Track is one recorded click.
type Track struct {
	ClickID   string
	Campaign  string
	CreatedAt time.Time
	Subs      map[string]string // the click's query parameters
}

// UnmarshalJSON reads a track, accepting the time formats Conversion does.
func (t *Track) UnmarshalJSON(b []byte) error {
	var w struct {
		ClickID   string                     `json:"clickid"`
		Campaign  string                     `json:"campaign"`
		CreatedAt string                     `json:"created_at"`
		Subs      map[string]json.RawMessage `json:"subs"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	at, err := parseTime(w.CreatedAt)
	if err != nil {
		return fmt.Errorf("track %s created_at: %w", w.ClickID, err)
	}
	*t = Track{ClickID: w.ClickID, Campaign: w.Campaign, CreatedAt: at, Subs: stringMap(w.Subs)}
	return nil
}

// Rejection is one postback the tracker refused.
type Rejection struct {
	CreatedAt time.Time
	Query     string // the raw query of the postback
	Param     string // the parameter at fault
	Error     string // the reason given
	Status    int    // the HTTP status answered
}

// UnmarshalJSON reads a rejection.
func (r *Rejection) UnmarshalJSON(b []byte) error {
	var w struct {
		CreatedAt string `json:"created_at"`
		Query     string `json:"query"`
		Param     string `json:"param"`
		Error     string `json:"error"`
		Status    int    `json:"status"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	at, err := parseTime(w.CreatedAt)
	if err != nil {
		return fmt.Errorf("rejection created_at: %w", err)
	}
	*r = Rejection{CreatedAt: at, Query: w.Query, Param: w.Param, Error: w.Error, Status: w.Status}
	return nil
}

// Campaign is a campaign of cbsim's reference tracker.
type Campaign struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	OfferURL string `json:"offer_url"`
}

// number reads a JSON number, a string holding one, or null/absent as 0.
func number(raw json.RawMessage) (float64, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return 0, nil
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		if s == "" {
			return 0, nil
		}
		return strconv.ParseFloat(s, 64)
	}
	var f float64
	if err := json.Unmarshal(raw, &f); err != nil {
		return 0, fmt.Errorf("%s is not a number", raw)
	}
	return f, nil
}

// parseTime reads RFC 3339 or "2006-01-02 15:04:05" (UTC); "" is the zero time.
func parseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	t, err := time.Parse(time.DateTime, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is neither RFC 3339 nor %q", s, time.DateTime)
	}
	return t, nil
}

// stringMap turns a JSON object's values into strings: strings as they are,
// null as "", anything else as its JSON text.
func stringMap(m map[string]json.RawMessage) map[string]string {
	out := make(map[string]string, len(m))
	for k, raw := range m {
		var s string
		switch {
		case string(raw) == "null":
		case json.Unmarshal(raw, &s) == nil:
		default:
			s = string(raw)
		}
		out[k] = s
	}
	return out
}
