package steps

// Step methods that assert what the tracker recorded.

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/cucumber/godog"

	"github.com/cbsim/cbsim/simulator"
	"github.com/cbsim/cbsim/simulator/money"
)

// conversions polls the tracker until ok accepts its conversions for the
// click, or the wait runs out; it returns the last list seen.
func (w *World) conversions(ctx context.Context, ok func([]Conversion) bool) ([]Conversion, error) {
	id, err := w.clickID()
	if err != nil {
		return nil, err
	}
	t, err := w.trk(ctx)
	if err != nil {
		return nil, err
	}
	wait := w.opts.Wait
	if wait <= 0 {
		wait = 5 * time.Second
	}
	deadline := time.Now().Add(wait)
	delay := 5 * time.Millisecond
	for {
		cs, err := t.Conversions(ctx, id)
		if err != nil {
			if errors.Is(err, ErrNotSupported) {
				return nil, fmt.Errorf("asserting what the tracker recorded is %w (no reporting API)", ErrNotSupported)
			}
			return nil, fmt.Errorf("read the tracker's conversions: %w", err)
		}
		if ok(cs) || time.Now().After(deadline) {
			return cs, nil
		}
		select {
		case <-ctx.Done():
			return cs, ctx.Err()
		case <-time.After(delay):
		}
		delay = min(2*delay, 200*time.Millisecond)
	}
}

func (w *World) settle(ctx context.Context) {
	if w.opts.Settle > 0 {
		select {
		case <-ctx.Done():
		case <-time.After(w.opts.Settle):
		}
	}
}

func (w *World) recordedCount(ctx context.Context, n int) error {
	if n == 0 {
		return w.recordedNone(ctx)
	}
	cs, err := w.conversions(ctx, func(cs []Conversion) bool { return len(cs) >= n })
	if err != nil {
		return err
	}
	w.settle(ctx)
	if len(cs) != n {
		return fmt.Errorf("expected %d conversions for click %s, but the tracker recorded %d:\n%s", n, w.click.ID, len(cs), w.recorded(cs))
	}
	return nil
}

func (w *World) recordedNone(ctx context.Context) error {
	w.settle(ctx)
	cs, err := w.conversions(ctx, func([]Conversion) bool { return true })
	if err != nil {
		return err
	}
	if len(cs) != 0 {
		return fmt.Errorf("expected no conversion for click %s, but the tracker recorded %d:\n%s", w.click.ID, len(cs), w.recorded(cs))
	}
	return nil
}

func (w *World) recordedNoType(ctx context.Context, name string) error {
	typ := w.conversionType(name)
	w.settle(ctx)
	cs, err := w.conversions(ctx, func([]Conversion) bool { return true })
	if err != nil {
		return err
	}
	if i := slices.IndexFunc(cs, func(c Conversion) bool { return c.Type == typ }); i >= 0 {
		return fmt.Errorf("expected no %q conversion for click %s, but the tracker recorded:\n%s", typ, w.click.ID, w.recorded(cs))
	}
	return nil
}

// recorded describes what the tracker recorded, and what it answered to
// the postbacks it refused (see undelivered).
func (w *World) recorded(cs []Conversion) string {
	return describeConversions(cs) + w.undelivered()
}

// undelivered describes the postbacks the tracker refused or never got,
// with its replies: a "(none)" alone would hide why nothing was recorded.
func (w *World) undelivered() string {
	var failed []simulator.Delivery
	for _, d := range w.sent("") {
		if !d.Delivered {
			failed = append(failed, d)
		}
	}
	if len(failed) == 0 {
		return ""
	}
	return fmt.Sprintf("\n  and %d postbacks were not delivered:\n%s", len(failed), describeDeliveries(failed))
}

func (w *World) recordedType(ctx context.Context, name, payout string) error {
	typ := w.conversionType(name)
	match := func(c Conversion) bool {
		return c.Type == typ && (payout == "" || money.Cents(c.Payout).String() == payout)
	}
	cs, err := w.conversions(ctx, func(cs []Conversion) bool { return slices.ContainsFunc(cs, match) })
	if err != nil {
		return err
	}
	if !slices.ContainsFunc(cs, match) {
		want := fmt.Sprintf("a %q conversion", typ)
		if payout != "" {
			want += " with payout " + payout
		}
		return fmt.Errorf("expected %s for click %s, but the tracker recorded:\n%s", want, w.click.ID, w.recorded(cs))
	}
	return nil
}

// field returns a conversion's value for a table column or parameter name.
func field(c Conversion, name string) string {
	switch name {
	case "type":
		return c.Type
	case "payout", "sum":
		return money.Cents(c.Payout).String()
	case "status":
		return c.Status
	case "currency":
		return c.Currency
	case "order":
		return c.Order
	case "duplicate_status":
		return c.DuplicateStatus
	case "clickid":
		return c.ClickID
	case "event_id":
		return c.EventID
	}
	return c.Params[name]
}

func (w *World) recordedTable(ctx context.Context, table *godog.Table) error {
	if len(table.Rows) < 1 {
		return fmt.Errorf("the table needs a header row")
	}
	var cols []string
	for _, c := range table.Rows[0].Cells {
		cols = append(cols, c.Value)
	}
	var want [][]string
	for _, r := range table.Rows[1:] {
		var row []string
		for i, c := range r.Cells {
			exp := parseExpected(c.Value)
			v := exp.literal
			switch exp.ref {
			case "":
				if cols[i] == "type" {
					v = w.conversionType(v)
				}
			case "click id":
				v = w.click.ID
			case "order id":
				v = w.orderID()
			default:
				return fmt.Errorf("column %s: %q cannot be used in a table (use a literal, the click id or the order id)", cols[i], c.Value)
			}
			row = append(row, v)
		}
		want = append(want, row)
	}
	render := func(cs []Conversion) [][]string {
		var out [][]string
		for _, c := range cs {
			var row []string
			for _, col := range cols {
				row = append(row, field(c, w.templateName(col)))
			}
			out = append(out, row)
		}
		return out
	}
	cs, err := w.conversions(ctx, func(cs []Conversion) bool { return slices.EqualFunc(render(cs), want, slices.Equal) })
	if err != nil {
		return err
	}
	if got := render(cs); !slices.EqualFunc(got, want, slices.Equal) {
		return fmt.Errorf("the tracker recorded other conversions for click %s:\n%s\nexpected:\n%s%s", w.click.ID, formatRows(cols, got), formatRows(cols, want), w.undelivered())
	}
	return nil
}

// orderID is the order id of the scenario's first purchase.
func (w *World) orderID() string {
	for _, e := range w.events {
		if e.OrderID != "" {
			return e.OrderID
		}
	}
	return ""
}

func (w *World) payoutsAreEarnings(ctx context.Context, role string) error {
	return w.conversionParamIs(ctx, "payout", role+"_earnings")
}

func (w *World) conversionParamIs(ctx context.Context, name, macro string) error {
	var want []string
	types := map[string]bool{} // conversion types of the postbacks that sent the macro
	for _, d := range w.sent("") {
		if !d.Delivered || d.TestFire || !strings.Contains(d.Template, "{"+macro+"}") {
			continue
		}
		if p, ok := paramCarrying(d.Template, macro); ok && templateRoles[name] != nil {
			name = p // the template's own name for the parameter (zip may be postcode)
		}
		want = append(want, d.Values.Get(macro))
		typ, has, err := paramOf(&d, "type")
		if err != nil {
			return err
		}
		if !has {
			types = nil // the tracker's default type: cannot tell conversions apart
		} else if types != nil {
			types[typ] = true
		}
	}
	if len(want) == 0 {
		return fmt.Errorf("no delivered postback sent {%s} to compare with", macro)
	}
	slices.Sort(want)
	got := func(cs []Conversion) []string {
		var out []string
		for _, c := range cs {
			if types == nil || types[c.Type] {
				out = append(out, field(c, name))
			}
		}
		slices.Sort(out)
		return out
	}
	cs, err := w.conversions(ctx, func(cs []Conversion) bool { return slices.Equal(got(cs), want) })
	if err != nil {
		return err
	}
	if g := got(cs); !slices.Equal(g, want) {
		return fmt.Errorf("expected the conversions' %s to be what ClickBank sent as {%s} %q, but the tracker recorded %q", name, macro, want, g)
	}
	return nil
}

// secretParam matches the value of a query parameter the reference
// tracker's rejections log masks: ptoken and api_key.
var secretParam = regexp.MustCompile(`\b(api_key|ptoken)=[^&\s"]*`)

// maskedQuery is a query as the reference tracker's rejections log keeps
// it: the values of ptoken and api_key replaced by ***. The steps compare
// a sent query and a rejection both masked, so that they match whether
// the tracker masks or not. (These lines are the steps' own: the steps and
// the tracker share no code.)
func maskedQuery(q string) string {
	return secretParam.ReplaceAllString(q, "${1}=***")
}

func (w *World) refused(ctx context.Context, event, param string) error {
	ds := w.sent(eventNames[event])
	if len(ds) == 0 {
		return fmt.Errorf("ClickBank sent no postback the tracker could refuse")
	}
	d := ds[len(ds)-1]
	if d.Delivered {
		return fmt.Errorf("expected the tracker to refuse %s, but it replied %d: %s", d.URL, d.Status(), lastReply(&d))
	}
	t, err := w.trk(ctx)
	if err != nil {
		return err
	}
	rs, err := t.Rejections(ctx)
	if errors.Is(err, ErrNotSupported) {
		// No rejections log: the HTTP reply is all there is.
		if d.Status() < 400 || d.Status() > 499 {
			return fmt.Errorf("expected a 4xx refusal of %s, but the tracker replied %d (%s)", d.URL, d.Status(), d.Error())
		}
		if param != "" && !strings.Contains(lastReply(&d), param) {
			return fmt.Errorf("expected the refusal to name %q, but the tracker replied %s", param, lastReply(&d))
		}
		return nil
	}
	if err != nil {
		return fmt.Errorf("read the tracker's rejections: %w", err)
	}
	q := d.URL
	if i := strings.IndexByte(q, '?'); i >= 0 {
		q = q[i+1:]
	}
	q = maskedQuery(q)
	for _, r := range rs {
		if maskedQuery(r.Query) == q && (param == "" || r.Param == param) {
			return nil
		}
	}
	return fmt.Errorf("expected the tracker's rejections log to hold %s (param %q), but it holds:\n%s", q, param, describeRejections(rs))
}
