package steps

// The tracker under test as a tracker profile (package profile) drives and
// reads it.

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/cbsim/cbsim/profile"
	"github.com/cbsim/cbsim/simulator"
)

// Profiled is a tracker under test driven and read through its profile:
// clicks at the profile's click URL, postbacks at its postback URL with the
// tracker's parameter names, conversions from its reporting endpoint or its
// database. The steps keep speaking RedTrack's names (clickid, sum, type …);
// Profiled renames them, and a parameter the tracker has none of is left out
// of the postback. It cannot be configured or restarted, and has no
// rejections log. It is safe for concurrent scenarios.
type Profiled struct {
	T *profile.Tracker
}

var (
	_ Tracker   = (*Profiled)(nil)
	_ Reporter  = (*Profiled)(nil)
	_ wireNamer = (*Profiled)(nil)
	_ keeper    = (*Profiled)(nil)
	_ notKepter = (*Profiled)(nil)
	_ carrier   = (*Profiled)(nil)

	_ INSReceiver = (*Profiled)(nil)
)

// INS returns the INS URL and secret key the profile's ins: section names;
// an error wrapping ErrNotSupported says why there are none.
func (p *Profiled) INS() (string, string, error) {
	u, secret, err := p.T.INS()
	if errors.Is(err, profile.ErrNotSupported) {
		return "", "", NoINSError{Reason: strings.TrimSuffix(err.Error(), ": "+profile.ErrNotSupported.Error())}
	}
	return u, secret, err
}

// Click sends one visitor, with its own address and user agent, through the
// campaign of role. A failure says what to change where the profile knows
// (profile.Fix): give the campaign's id, fix the offer URL's macro ….
func (p *Profiled) Click(ctx context.Context, role simulator.Role) (Click, error) {
	c, err := p.T.Click(ctx, string(role))
	if fix := profile.Fix(err); fix != "" {
		return Click{}, fmt.Errorf("%w — fix: %s", err, fix)
	}
	if err != nil {
		return Click{}, err
	}
	return Click{ID: c.ID, Landing: c.Landing}, nil
}

// PostbackURL returns the profile's postback URL, with the query it fixes.
func (p *Profiled) PostbackURL() string { return p.T.PostbackBase() }

// Conversions reads what the tracker recorded for the click.
func (p *Profiled) Conversions(ctx context.Context, clickID string) ([]Conversion, error) {
	cs, err := p.T.Conversions(ctx, clickID)
	if errors.Is(err, profile.ErrNotSupported) {
		return nil, fmt.Errorf("%w: %v", ErrNotSupported, err)
	}
	if err != nil {
		return nil, err
	}
	out := make([]Conversion, len(cs))
	for i, c := range cs {
		params := c.Params
		if c.TransactionID != "" {
			params = withParam(params, "txid", c.TransactionID)
		}
		out[i] = Conversion{ClickID: c.ClickID, Type: c.Type, Status: c.Status, Payout: c.Payout, Currency: c.Currency,
			Order: c.Order, EventID: c.EventID, DuplicateStatus: c.DuplicateStatus, Params: params}
	}
	return out, nil
}

// withParam returns params with name=value added, params left unchanged.
func withParam(params map[string]string, name, value string) map[string]string {
	out := make(map[string]string, len(params)+1)
	for k, v := range params {
		out[k] = v
	}
	out[name] = value
	return out
}

// Rejections: a profiled tracker has no rejections log the steps can read.
func (p *Profiled) Rejections(context.Context) ([]Rejection, error) {
	return nil, fmt.Errorf("rejections log of %s: %w", p.name(), ErrNotSupported)
}

// Reports reports whether the profile has a reader of conversions.
func (p *Profiled) Reports() bool { return p.T.Reads() }

// RenameQuery renames a postback query written in RedTrack's names.
func (p *Profiled) RenameQuery(raw string) (string, []string) { return p.T.RenameQuery(raw) }

// WireName is the tracker's name for a parameter written in RedTrack's
// names; false when it has none.
func (p *Profiled) WireName(name string) (string, bool) { return p.T.WireName(name) }

// Behaviour describes, for failure messages, what the tracker does with
// repeated postbacks and clicks, as its profile says.
func (p *Profiled) Behaviour() string {
	f := p.T.Features()
	var says []string
	switch f.PayoutPerClick {
	case profile.PayoutLast:
		if tx, ok := p.T.WireName("txid"); ok {
			says = append(says, fmt.Sprintf("it keeps one payout per click, and each postback overwrites it with its sum, unless a transaction id (%s, which cbsim fills with the receipt) tells conversions apart", tx))
		} else {
			says = append(says, "it keeps one payout per click, and each postback overwrites it with its sum")
		}
	case profile.PayoutFirst:
		says = append(says, "it keeps one payout per click: the first postback's")
	}
	switch f.Dedup {
	case profile.DedupClick:
		says = append(says, "it keeps one conversion per click")
	case profile.DedupTransactionID:
		if _, ok := p.T.WireName("txid"); ok {
			says = append(says, "it keeps one conversion per click and transaction id")
		} else {
			says = append(says, "it keeps one conversion per click and transaction id, and cbsim sends none (the postback has no transaction_id field)")
		}
	}
	if !f.ConversionTypes {
		says = append(says, "it has no conversion types")
	}
	if nk := p.T.NotKept(); nk != "" && !strings.HasPrefix(nk, "none") {
		says = append(says, "it drops a click when "+nk)
	}
	if len(says) == 0 {
		return ""
	}
	return fmt.Sprintf("the %s profile says: %s", p.name(), strings.Join(says, "; "))
}

// HasConversionTypes reports whether the tracker tells conversions apart
// by a type.
func (p *Profiled) HasConversionTypes() bool { return p.T.Features().ConversionTypes }

// ClickKept says whether the tracker kept the click.
func (p *Profiled) ClickKept(ctx context.Context, clickID string) (bool, error) {
	return p.T.ClickKept(ctx, clickID)
}

// Keeps reports whether the profile's reader reads back a conversion's
// field or parameter, named as the steps name it (type, payout, order,
// txid, or a parameter such as zip or order_id).
func (p *Profiled) Keeps(name string) bool {
	logical := map[string]string{"type": profile.FieldType, "payout": profile.FieldSum, "sum": profile.FieldSum,
		"status": profile.FieldStatus, "currency": profile.FieldCurrency, "order": profile.FieldOrder,
		"duplicate_status": profile.FieldDuplicateStatus, "clickid": profile.FieldClickID,
		"event_id": profile.FieldEventID, "txid": profile.FieldTransactionID}
	if l, ok := logical[name]; ok {
		name = l
	}
	return p.T.Keeps(name)
}

// NotKept says when the tracker drops a click although it hands out a
// click id, as its profile says; "" when it does not say.
func (p *Profiled) NotKept() string { return p.T.NotKept() }

func (p *Profiled) name() string { return p.T.Profile().Name }

// wireNamer is a Tracker whose postback parameters have names of their own
// (Profiled): the steps' templates and assertions say clickid, sum, type …
// and it renames them; a parameter it has no name for is left out.
type wireNamer interface {
	RenameQuery(raw string) (string, []string)
	WireName(name string) (string, bool)
}

// behaviourer describes a tracker's known behaviour for failure messages.
type behaviourer interface{ Behaviour() string }

// typer says whether a tracker records conversion types.
type typer interface{ HasConversionTypes() bool }

// keeper says whether a tracker reads back a conversion's field or
// parameter.
type keeper interface{ Keeps(name string) bool }

// notKepter says when a tracker drops a click it handed an id out for.
type notKepter interface{ NotKept() string }

// clickKeeper says whether a tracker kept a click it handed an id out for.
type clickKeeper interface {
	ClickKept(ctx context.Context, clickID string) (bool, error)
}

// ClickParam returns the parameter of the click's redirect that carries the
// click id of role (the profile's click.param).
func (p *Profiled) ClickParam(role simulator.Role) string {
	return p.T.Profile().ClickParam(string(role))
}

// ClickBankParam returns the ClickBank link parameter that carries the
// click id of role, and so the postback macro that brings it back (the
// profile's click.clickbank: tid and vtid unless it says).
func (p *Profiled) ClickBankParam(role simulator.Role) string {
	return p.T.Profile().ClickBankParam(string(role))
}

// TrackerName names the tracker in messages: its profile's title up to a
// parenthesis ("Orbitra"), else the profile's name.
func (p *Profiled) TrackerName() string {
	title, _, _ := strings.Cut(p.T.Profile().Title, " (")
	if title = strings.TrimSpace(title); title != "" {
		return title
	}
	return p.name()
}
