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
		return fmt.Errorf("expected %d conversions for click %s, but the tracker recorded %d:\n%s%s", n, w.click.ID, len(cs), w.recorded(cs), w.why(ctx, cs))
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
	if !w.hasTypes() {
		return w.recordedNoTypeByMoney(ctx, name)
	}
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

// recordedNoTypeByMoney asserts, for a tracker without conversion types,
// that no conversion of the type name was recorded by the money alone:
// every recorded conversion must be one a delivered postback of another
// event sent, one for one by its sum; a conversion left over is one of
// name's, or one the tracker made up.
func (w *World) recordedNoTypeByMoney(ctx context.Context, name string) error {
	sum, err := w.wireName("sum")
	if err != nil {
		return err
	}
	var others []string // the sums of the other events' delivered postbacks
	for _, d := range w.sent("") {
		if !d.Delivered || d.TestFire || defaultTypeNames[d.Event] == name || w.opts.typeName(d.Event) == name {
			continue
		}
		v, _, err := paramOf(&d, sum)
		if err != nil {
			return err
		}
		c, err := money.Parse(v)
		if err != nil {
			return fmt.Errorf("the %s postback's %s=%q is not an amount: %w", d.Event.Title(), sum, v, err)
		}
		others = append(others, c.String())
	}
	w.settle(ctx)
	cs, err := w.conversions(ctx, func([]Conversion) bool { return true })
	if err != nil {
		return err
	}
	left := slices.Clone(others)
	for _, c := range cs {
		i := slices.Index(left, money.Cents(c.Payout).String())
		if i < 0 {
			return fmt.Errorf("expected no %q conversion for click %s, told apart by the money alone (the tracker has no conversion types): the postbacks of the other events sent %q, but the tracker recorded a payout of %s besides:\n%s%s",
				w.conversionType(name), w.click.ID, others, money.Cents(c.Payout), w.recorded(cs), w.why(ctx, cs))
		}
		left = slices.Delete(left, i, i+1)
	}
	return nil
}

// recorded describes what the tracker recorded, and what it answered to
// the postbacks it refused (see undelivered).
func (w *World) recorded(cs []Conversion) string {
	return describeConversions(cs) + w.undelivered() + w.undeliveredINS()
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
	typed := w.hasTypes()
	if !typed && payout == "" {
		return &SkipError{Reason: fmt.Sprintf("it asks for a %q conversion without a payout, which only a conversion type can tell, and the tracker under test has no conversion types%s", typ, w.behaviour())}
	}
	match := func(c Conversion) bool {
		// A tracker without conversion types is asked for the money alone.
		return (!typed || c.Type == typ) && (payout == "" || money.Cents(c.Payout).String() == payout)
	}
	cs, err := w.conversions(ctx, func(cs []Conversion) bool { return slices.ContainsFunc(cs, match) })
	if err != nil {
		return err
	}
	if !slices.ContainsFunc(cs, match) {
		want := fmt.Sprintf("a %q conversion", typ)
		if !typed {
			want = fmt.Sprintf("a conversion (the %s, told apart by its payout alone: the tracker has no conversion types)", name)
		}
		if payout != "" {
			want += " with payout " + payout
		}
		return fmt.Errorf("expected %s for click %s, but the tracker recorded:\n%s%s", want, w.click.ID, w.recorded(cs), w.why(ctx, cs))
	}
	return nil
}

// hasTypes reports whether the tracker under test tells conversions apart
// by a type (a profile may say it does not).
func (w *World) hasTypes() bool {
	if t, ok := w.tracker.(typer); ok {
		return t.HasConversionTypes()
	}
	return true
}

// keeps reports whether the tracker under test reads back a conversion's
// field or parameter, named as the steps name it (a profile may say it
// does not).
func (w *World) keeps(name string) bool {
	if k, ok := w.tracker.(keeper); ok {
		return k.Keeps(name)
	}
	return true
}

// why explains, for a failure about what the tracker recorded, what its
// profile says it does: a click it did not keep (a lost click, not a lost
// conversion), and how it keeps money. "" for a tracker without a profile.
func (w *World) why(ctx context.Context, cs []Conversion) string {
	var out string
	if k, ok := w.tracker.(clickKeeper); ok && len(cs) == 0 && w.clicked {
		if kept, err := k.ClickKept(ctx, w.click.ID); err == nil && !kept {
			nk := ""
			if b, ok := w.tracker.(notKepter); ok && b.NotKept() != "" {
				nk = " (its profile says it drops a click when " + b.NotKept() + ")"
			}
			out += fmt.Sprintf("\n  the tracker did not keep click %s%s: a lost click, not a lost conversion", w.click.ID, nk)
		}
	}
	if len(cs) == 0 {
		out += strings.Replace(w.tidNotes(), "; ", "\n  ", 1)
	}
	if b := w.behaviour(); b != "" {
		out += "\n  " + strings.TrimSuffix(strings.TrimPrefix(b, " ("), ")")
	}
	return out
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
	var unread []string // columns the tracker does not keep: not compared
	keep := map[int]bool{}
	for i, c := range table.Rows[0].Cells {
		cols = append(cols, c.Value)
		switch name := w.templateName(c.Value); {
		case name == "type" && !w.hasTypes():
			unread = append(unread, c.Value+" (the tracker has no conversion types)")
		case !w.keeps(name) && !moneyOrClick(name):
			unread = append(unread, c.Value+" (the tracker does not keep it)")
		default:
			keep[i] = true
		}
	}
	if len(keep) == 0 {
		return &SkipError{Reason: fmt.Sprintf("it compares only columns the tracker under test does not keep: %s%s", strings.Join(unread, ", "), w.behaviour())}
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
	// Rows are compared as a set with repeats, in the columns the tracker
	// keeps: a tracker lists its conversions in its own order (Prosper202's
	// API newest first).
	same := func(got [][]string) bool {
		return slices.EqualFunc(sortedRows(got, keep), sortedRows(want, keep), slices.Equal)
	}
	cs, err := w.conversions(ctx, func(cs []Conversion) bool { return same(render(cs)) })
	if err != nil {
		return err
	}
	if got := render(cs); !same(got) {
		note := ""
		if len(unread) > 0 {
			note = "\n  not compared: " + strings.Join(unread, ", ")
		}
		return fmt.Errorf("the tracker recorded other conversions for click %s:\n%s\nexpected (in any order):\n%s%s%s%s", w.click.ID, formatRows(cols, got), formatRows(cols, want), note, w.undelivered(), w.why(ctx, cs))
	}
	return nil
}

// moneyOrClick reports whether a column or parameter holds the money or
// the click id, which are compared whatever a tracker's profile says it
// keeps: the suite exists to check them.
func moneyOrClick(name string) bool {
	switch name {
	case "payout", "sum", "clickid":
		return true
	}
	return false
}

// sortedRows returns the rows cut to the columns of keep, sorted.
func sortedRows(rows [][]string, keep map[int]bool) [][]string {
	out := make([][]string, 0, len(rows))
	for _, r := range rows {
		var cut []string
		for i, v := range r {
			if keep[i] {
				cut = append(cut, v)
			}
		}
		out = append(out, cut)
	}
	slices.SortFunc(out, slices.Compare)
	return out
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
	if !w.keeps(name) && !moneyOrClick(name) {
		return &SkipError{Reason: fmt.Sprintf("it compares the conversions' %s, which the tracker under test does not keep (its profile reads none back)%s", name, w.behaviour())}
	}
	if !w.hasTypes() {
		types = nil // every conversion is compared: none has a type
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
		return fmt.Errorf("expected the conversions' %s to be what ClickBank sent as {%s} %q, but the tracker recorded %q%s", name, macro, want, g, w.why(ctx, cs))
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
