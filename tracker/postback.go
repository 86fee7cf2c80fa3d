package tracker

import (
	"cmp"
	"crypto/subtle"
	"net/url"
	"strings"
)

// reserved postback parameters: everything else is stored as a param.
func reservedParam(name string) bool {
	switch name {
	case "clickid", "sum", "type", "status", "currency", "rdtk_event_id", "ptoken":
		return true
	}
	return false
}

// eventID returns a postback's event id: the Config.EventIDParam
// parameter or, by default, RedTrack's own rdtk_event_id and, where a
// postback has none, the ClickBank template's eventid (the guide's Event ID
// role, docs/clickbank.md §1).
func (t *Tracker) eventID(q url.Values) string {
	if t.cfg.EventIDParam != "" {
		return q.Get(t.cfg.EventIDParam)
	}
	return cmp.Or(q.Get("rdtk_event_id"), q.Get("eventid"))
}

// parsePostback validates a postback's raw query. The checks run in a fixed
// order: size limits, repeated parameters, token, click id, type, sum, status, currency; the
// first failure is returned. Whether the click exists is the store's call.
func (t *Tracker) parsePostback(rawQuery string) (postback, *Error) {
	q, err := parseQuery(rawQuery)
	if err != nil {
		return postback{}, err
	}
	if err := onceEach(q); err != nil {
		return postback{}, err
	}
	if tok := t.cfg.PostbackToken; tok != "" {
		got, ok := q["ptoken"]
		if !ok || got[0] == "" {
			return postback{}, errorf(EForbidden, "ptoken", "missing postback token")
		}
		if subtle.ConstantTimeCompare([]byte(got[0]), []byte(tok)) != 1 {
			return postback{}, errorf(EForbidden, "ptoken", "wrong postback token")
		}
	}
	pb := postback{
		ClickID:  q.Get("clickid"),
		Type:     q.Get("type"),
		Status:   q.Get("status"),
		Currency: q.Get("currency"),
		EventID:  t.eventID(q),
		Order:    q.Get("order_id"),
		Params:   map[string]string{},
	}
	if pb.ClickID == "" {
		return postback{}, errorf(EInvalid, "clickid", "missing click id")
	}
	if pb.Type == "" {
		pb.Type = t.cfg.DefaultType
	}
	if _, ok := t.modes[pb.Type]; !ok {
		return postback{}, errorf(EInvalid, "type", "unknown conversion type %q (configured, case-sensitive: %s)", pb.Type, t.cfg.typeNames())
	}
	if s := q.Get("sum"); s != "" {
		c, err := parseCents(s)
		if err != nil {
			return postback{}, errorf(EInvalid, "sum", "%v", err)
		}
		pb.Cents = c
	}
	switch pb.Status {
	case "":
		pb.Status = DefaultStatus
	case "approved", "pending", "declined", "other":
	default:
		return postback{}, errorf(EInvalid, "status", "status %q is not one of approved, pending, declined, other", pb.Status)
	}
	if pb.Currency == "" {
		pb.Currency = DefaultCurrency
	} else if !isCurrency(pb.Currency) {
		return postback{}, errorf(EInvalid, "currency", "currency %q is not a 3-letter code like USD", pb.Currency)
	}
	pb.Currency = strings.ToUpper(pb.Currency)
	if pb.Order == "" {
		pb.Order = q.Get("order")
	}
	for name, values := range q {
		if !reservedParam(name) {
			pb.Params[name] = values[0]
		}
	}
	return pb, nil
}

func isCurrency(s string) bool {
	if len(s) != 3 {
		return false
	}
	for i := 0; i < 3; i++ {
		c := s[i] | 0x20
		if c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}
