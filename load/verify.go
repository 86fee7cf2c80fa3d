package load

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/cbsim/cbsim/profile"
	"github.com/cbsim/cbsim/simulator"
)

// DuplicateMode is the duplicate mode the tracker under test is
// configured with: what it does with a second postback for a (click id,
// conversion type) pair. The names are RedTrack's six modes as the
// reference tracker spells them (tracker/config.go, docs/clickbank.md §7)
// and as `cbsim load --duplicates MODE` takes them. Verify judges
// "doubled" and "lost" by it.
type DuplicateMode string

// The duplicate modes, with the conversions each expects for the
// postbacks a click id was sent.
const (
	// DuplicateNew: every delivered postback is a conversion, duplicates
	// included.
	DuplicateNew DuplicateMode = "new"
	// DuplicateNewMarked: as DuplicateNew; the marks are not checked.
	DuplicateNewMarked DuplicateMode = "new_marked"
	// DuplicateIgnore: one conversion per (click, type), with the sum of
	// one of its postbacks (the first the tracker got).
	DuplicateIgnore DuplicateMode = "ignore"
	// DuplicateEdit: one conversion per (click, type), with the sum of one
	// of its postbacks (the last the tracker got).
	DuplicateEdit DuplicateMode = "edit"
	// DuplicateAddPayout: one conversion per (click, type) whose payout is
	// the sum of all its postbacks.
	DuplicateAddPayout DuplicateMode = "add_payout"
	// DuplicateIgnoreEventID: one conversion per (click, type, event id); a
	// postback without an event id is a conversion of its own.
	DuplicateIgnoreEventID DuplicateMode = "ignore_event_id"
)

// DuplicateModes lists every duplicate mode in documentation order.
func DuplicateModes() []DuplicateMode {
	return []DuplicateMode{DuplicateNew, DuplicateNewMarked, DuplicateIgnore, DuplicateEdit, DuplicateAddPayout, DuplicateIgnoreEventID}
}

// ParseDuplicateMode reads a mode name; the error lists the allowed names.
func ParseDuplicateMode(s string) (DuplicateMode, error) {
	names := make([]string, 0, 6)
	for _, m := range DuplicateModes() {
		if string(m) == s {
			return m, nil
		}
		names = append(names, string(m))
	}
	return "", fmt.Errorf("unknown duplicate mode %q (allowed: %s)", s, strings.Join(names, ", "))
}

// DuplicateModeFor returns the duplicate mode a tracker's profile
// features describe, for a tracker whose mode is not configurable; set
// VerifyOptions.PerClick to !f.ConversionTypes beside it. A configurable
// tracker (RedTrack, the reference tracker) is an error: the mode is set
// in the account, and the user must say which.
//
// [choice] Deduplication by transaction id is judged as ignore_event_id:
// each ClickBank purchase event has its own receipt (the transaction id)
// and its own event id, and a duplicate delivery repeats both.
func DuplicateModeFor(f profile.Features) (DuplicateMode, error) {
	switch f.Dedup {
	case profile.DedupNone:
		return DuplicateNew, nil
	case profile.DedupEventID, profile.DedupTransactionID:
		return DuplicateIgnoreEventID, nil
	case profile.DedupClick:
		if f.PayoutPerClick == profile.PayoutLast {
			return DuplicateEdit, nil
		}
		return DuplicateIgnore, nil
	case profile.DedupConfigurable:
		return "", errors.New("the tracker's duplicate mode is set in its account (features dedup: configurable): say which with --duplicates MODE")
	}
	return "", fmt.Errorf("the profile's features do not say how the tracker deduplicates (dedup %q): say it with --duplicates MODE", f.Dedup)
}

// Reader reads what a tracker recorded for a click id. *profile.Tracker
// is one, through its profile's read.conversions.
type Reader interface {
	Conversions(ctx context.Context, clickID string) ([]profile.Conversion, error)
}

var _ Reader = (*profile.Tracker)(nil)

// Defaults of VerifyOptions.
const (
	// DefaultSettle is how long Verify keeps re-reading clicks that still
	// miss a conversion or show a wrong sum, for a tracker that records
	// asynchronously.
	DefaultSettle = 10 * time.Second
	// DefaultPoll is the wait between two readings of such clicks.
	DefaultPoll = 250 * time.Millisecond
	// DefaultReaders is how many clicks are read at once.
	DefaultReaders = 8
	// DefaultMaxExamples is how many examples of each finding a Verdict
	// keeps.
	DefaultMaxExamples = 10
)

// VerifyOptions tune Verify. A zero field takes its Default….
type VerifyOptions struct {
	// Settle bounds how long, from the start of Verify, clicks with a lost
	// conversion or a wrong sum are read again; a negative Settle reads
	// each click once.
	Settle time.Duration
	// Poll is the wait between two readings.
	Poll time.Duration
	// Readers is how many clicks are read at once.
	Readers int
	// MaxExamples is how many examples of each finding are kept.
	MaxExamples int
	// TypeNames names the tracker's conversion type of an event type where
	// it is not the event type's own name (see ConversionTypeName).
	TypeNames map[simulator.EventType]string
	// PerClick says the tracker has no conversion types (its profile's
	// features say conversion_types: false): the duplicate mode applies
	// per click id, all of a click's postbacks as one type, and recorded
	// types are not compared. See DuplicateModeFor.
	PerClick bool
}

// Verdict is what Verify found: counts, and up to MaxExamples examples of
// each kind of finding. It is the "verify" part of the load report.
type Verdict struct {
	Mode   DuplicateMode `json:"mode"`
	Ledger LedgerStats   `json:"ledger"` // what was sent, and what the ledger kept of it
	// Checked is how many click ids were read; Skipped how many were not
	// judged (a reader error past the settle time, or more postbacks than
	// the ledger keeps per click).
	Checked int `json:"checked"`
	Skipped int `json:"skipped"`
	// Expected is how many conversions the postbacks answered 2xx call
	// for under Mode. Postbacks without a 2xx (Ledger.Failed) are not
	// expected: they are never counted as lost.
	Expected int `json:"expected"`
	Matched  int `json:"matched"`   // recorded as expected
	Lost     int `json:"lost"`      // expected, answered 2xx, not recorded
	Doubled  int `json:"doubled"`   // recorded more times than Mode allows
	WrongSum int `json:"wrong_sum"` // recorded with a sum other than the one sent
	// Unexpected counts conversions of a type the ledger sent the click
	// no postback of (a click id it never sent that type).
	Unexpected int `json:"unexpected"`
	// RecordedFailed counts conversions of postbacks that got no 2xx: the
	// tracker recorded them although its reply said otherwise (or never
	// came). Not an error of the tracker by itself.
	RecordedFailed int             `json:"recorded_failed"`
	Examples       VerdictExamples `json:"examples"`
}

// VerdictExamples are the examples of a Verdict, in the order the clicks
// were first sent.
type VerdictExamples struct {
	Lost       []Finding `json:"lost,omitempty"`
	Doubled    []Finding `json:"doubled,omitempty"`
	WrongSum   []Finding `json:"wrong_sum,omitempty"`
	Unexpected []Finding `json:"unexpected,omitempty"`
	Skipped    []Finding `json:"skipped,omitempty"`
}

// Finding is one example: which postback (or conversion) and what was
// wrong with it. Sums print with two decimals (profile.FormatCents).
type Finding struct {
	ClickID   string `json:"click_id"`
	Type      string `json:"type,omitempty"` // the conversion type
	Role      string `json:"role,omitempty"`
	EventID   string `json:"event_id,omitempty"`
	Receipt   string `json:"receipt,omitempty"`
	Expected  string `json:"expected,omitempty"` // the sum sent (or sums, or the total under add_payout)
	Recorded  string `json:"recorded,omitempty"` // the payout the tracker recorded
	Duplicate bool   `json:"duplicate,omitempty"`
	Note      string `json:"note,omitempty"`
}

// OK reports whether nothing was lost, doubled, recorded with a wrong sum
// or unexpected, and every click was checked.
func (v Verdict) OK() bool {
	return v.Lost == 0 && v.Doubled == 0 && v.WrongSum == 0 && v.Unexpected == 0 && v.Skipped == 0
}

// ConversionTypeName returns the conversion type Verify expects for an event type:
// names[t] when given, else the type parameter ClickBank's templates send
// for it (fixtures/integrations.json: initial_purchase → InitialPurchase).
// Types are compared ignoring case and every character other than letters
// and digits, so initial_purchase, InitialPurchase and "Initial Purchase"
// are one type. [choice]
func ConversionTypeName(t simulator.EventType, names map[simulator.EventType]string) string {
	if n, ok := names[t]; ok {
		return n
	}
	var b strings.Builder
	up := true
	for _, r := range string(t) {
		switch {
		case r == '_' || r == ' ' || r == '-':
			up = true
		case up && r >= 'a' && r <= 'z':
			b.WriteRune(r - 'a' + 'A')
			up = false
		default:
			b.WriteRune(r)
			up = false
		}
	}
	return b.String()
}

// typeKey is the form types are compared in: lower-case letters and
// digits only.
func typeKey(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'A' && r <= 'Z':
			b.WriteRune(r - 'A' + 'a')
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r > 0x7f:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// errNoReader is the error when the profile cannot read conversions.
const errNoReader = "verify: the lost / doubled check needs the tracker profile's read.conversions (a reader of what the tracker recorded)"

// Verify reads back, through r, what the tracker recorded for each click
// id in l, and compares it with what the postbacks answered 2xx call for
// under mode.
//
// Conversions are matched to postbacks by event id when the reader gives
// one, else by transaction id against the receipt, else by sum (as
// multisets per click and type). A click that still misses a conversion
// or shows a wrong sum is read again every Poll until Settle has passed.
// A reader error is counted (Skipped) and exampled, never fatal, except
// ErrNotSupported (the profile has no reader), which is returned. When ctx
// ends Verify returns what it had with ctx's error.
func Verify(ctx context.Context, r Reader, l *Ledger, mode DuplicateMode, opts VerifyOptions) (Verdict, error) {
	if r == nil {
		return Verdict{}, errors.New(errNoReader)
	}
	if l == nil {
		return Verdict{}, errors.New("verify: no ledger")
	}
	if _, err := ParseDuplicateMode(string(mode)); err != nil {
		return Verdict{}, fmt.Errorf("verify: %w", err)
	}
	if opts.Settle == 0 {
		opts.Settle = DefaultSettle
	}
	opts.Poll = verifyDuration(opts.Poll, DefaultPoll)
	opts.Readers = ledgerBound(opts.Readers, DefaultReaders)
	opts.MaxExamples = ledgerBound(opts.MaxExamples, DefaultMaxExamples)
	deadline := time.Now().Add(max(opts.Settle, 0))

	clicks := l.snapshot()
	v := Verdict{Mode: mode, Ledger: l.Stats()}
	outs := make([]clickOutcome, len(clicks))
	var pending []int
	for i, c := range clicks {
		if c.overflow {
			outs[i] = clickOutcome{skipped: &Finding{ClickID: c.id,
				Note: fmt.Sprintf("more postbacks than the ledger keeps per click (%d); not checked", ledgerBound(l.MaxPerClick, DefaultMaxPerClick))}}
			continue
		}
		pending = append(pending, i)
	}
	var runErr error
	for {
		err := verifyRead(ctx, r, clicks, pending, outs, mode, opts)
		if err != nil {
			if errors.Is(err, profile.ErrNotSupported) {
				return Verdict{}, fmt.Errorf("%s: %w", errNoReader, err)
			}
			runErr = err
			break
		}
		var again []int
		for _, i := range pending {
			if o := &outs[i]; o.skipped != nil || o.lost > 0 || o.wrongSum > 0 {
				again = append(again, i)
			}
		}
		if len(again) == 0 || !time.Now().Before(deadline) {
			break
		}
		if err := verifySleep(ctx, min(opts.Poll, time.Until(deadline))); err != nil {
			runErr = err
			break
		}
		pending = again
	}
	for i := range outs {
		v.add(&outs[i], opts.MaxExamples)
	}
	if runErr != nil {
		return v, fmt.Errorf("verify: %w", runErr)
	}
	return v, nil
}

// verifyRead reads and judges the clicks at idx, opts.Readers at a time.
// Its error is ctx's, or the first reader error that is ErrNotSupported;
// other reader errors go into the outcome.
func verifyRead(ctx context.Context, r Reader, clicks []ledgerClick, idx []int, outs []clickOutcome, mode DuplicateMode, opts VerifyOptions) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	work := make(chan int)
	var (
		wg    sync.WaitGroup
		once  sync.Once
		fatal error
	)
	for range min(opts.Readers, len(idx)) {
		wg.Go(func() {
			for i := range work {
				c := &clicks[i]
				convs, err := r.Conversions(ctx, c.id)
				switch {
				case err != nil && errors.Is(err, profile.ErrNotSupported):
					once.Do(func() { fatal = err; cancel() })
				case err != nil && ctx.Err() != nil:
					// The run is ending; keep the last outcome.
				case err != nil:
					outs[i] = clickOutcome{skipped: &Finding{ClickID: c.id, Note: "reading the tracker: " + err.Error()}}
				default:
					outs[i] = judgeClick(c, convs, mode, opts)
				}
			}
		})
	}
feed:
	for _, i := range idx {
		select {
		case work <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(work)
	wg.Wait()
	if fatal != nil {
		return fatal
	}
	return ctx.Err()
}

// verifySleep waits d or until ctx ends.
func verifySleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// verifyDuration returns d, or def when d is not positive.
func verifyDuration(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}

// clickOutcome is the judgement of one click.
type clickOutcome struct {
	read                                bool // the click was read and judged
	expected, matched, recordedFailed   int
	lost, doubled, wrongSum, unexpected int
	findings                            [4][]Finding // by findLost … findUnexpected
	skipped                             *Finding     // not judged, and why
}

// Kinds of findings, indexes of clickOutcome.findings.
const (
	findLost = iota
	findDoubled
	findWrongSum
	findUnexpected
)

// add counts o into v and keeps its examples while there is room.
func (v *Verdict) add(o *clickOutcome, maxExamples int) {
	if o.skipped != nil {
		v.Skipped++
		if len(v.Examples.Skipped) < maxExamples {
			v.Examples.Skipped = append(v.Examples.Skipped, *o.skipped)
		}
		return
	}
	if !o.read {
		return
	}
	v.Checked++
	v.Expected += o.expected
	v.Matched += o.matched
	v.RecordedFailed += o.recordedFailed
	v.Lost += o.lost
	v.Doubled += o.doubled
	v.WrongSum += o.wrongSum
	v.Unexpected += o.unexpected
	for k, dst := range []*[]Finding{&v.Examples.Lost, &v.Examples.Doubled, &v.Examples.WrongSum, &v.Examples.Unexpected} {
		for _, f := range o.findings[k] {
			if len(*dst) < maxExamples {
				*dst = append(*dst, f)
			}
		}
	}
}

// Merge adds o's counts to v and keeps o's examples while v has room for
// MaxExamples (the larger of DefaultMaxExamples and what either holds),
// as shard reports merge.
func (v *Verdict) Merge(o Verdict) {
	if v.Mode == "" {
		v.Mode = o.Mode
	}
	s, t := &v.Ledger, o.Ledger
	s.Clicks += t.Clicks
	s.Postbacks += t.Postbacks
	s.Delivered += t.Delivered
	s.Failed += t.Failed
	s.Duplicates += t.Duplicates
	s.PostbacksNotKept += t.PostbacksNotKept
	s.Overflowed += t.Overflowed
	s.NoClickID += t.NoClickID
	v.Checked += o.Checked
	v.Skipped += o.Skipped
	v.Expected += o.Expected
	v.Matched += o.Matched
	v.Lost += o.Lost
	v.Doubled += o.Doubled
	v.WrongSum += o.WrongSum
	v.Unexpected += o.Unexpected
	v.RecordedFailed += o.RecordedFailed
	for _, p := range []struct{ dst, src *[]Finding }{
		{&v.Examples.Lost, &o.Examples.Lost}, {&v.Examples.Doubled, &o.Examples.Doubled},
		{&v.Examples.WrongSum, &o.Examples.WrongSum}, {&v.Examples.Unexpected, &o.Examples.Unexpected},
		{&v.Examples.Skipped, &o.Examples.Skipped},
	} {
		room := max(DefaultMaxExamples, len(*p.dst), len(*p.src))
		for _, f := range *p.src {
			if len(*p.dst) < room {
				*p.dst = append(*p.dst, f)
			}
		}
	}
}

// wantConv is one conversion the postbacks of a click call for: one of its
// candidate postbacks, as recorded under the mode.
type wantConv struct {
	typ      string            // the conversion type, as ConversionTypeName gives it
	cands    []*ledgerPostback // the postbacks it may come from
	required bool              // a candidate was answered 2xx
	total    bool              // add_payout: the payout is a total of the candidates
	lo, hi   int64             // add_payout: the total of the 2xx ones, and of all
	taken    bool
}

// hasKey reports whether a candidate has the event id (kind 'e') or
// receipt (kind 't') k.
func (e *wantConv) hasKey(kind byte, k string) bool {
	for _, p := range e.cands {
		if (kind == 'e' && p.EventID == k) || (kind == 't' && p.Receipt == k) {
			return true
		}
	}
	return false
}

// fits reports whether a recorded payout is right for e: the sum of a
// candidate (of one with the key, when keyed), or under add_payout a total
// between that of the 2xx postbacks and that of all.
func (e *wantConv) fits(payout int64, kind byte, k string) bool {
	if e.total {
		return e.lo <= payout && payout <= e.hi
	}
	for _, p := range e.cands {
		if int64(p.Sum) != payout {
			continue
		}
		if kind == 0 || (kind == 'e' && p.EventID == k) || (kind == 't' && p.Receipt == k) {
			return true
		}
	}
	return false
}

// want prints the sum (or sums, or total range) e expects.
func (e *wantConv) want() string {
	if e.total {
		if e.lo == e.hi {
			return profile.FormatCents(e.lo)
		}
		return profile.FormatCents(e.lo) + " to " + profile.FormatCents(e.hi)
	}
	var sums []int64
	for _, p := range e.cands {
		if !slices.Contains(sums, int64(p.Sum)) {
			sums = append(sums, int64(p.Sum))
		}
	}
	out := make([]string, len(sums))
	for i, s := range sums {
		out[i] = profile.FormatCents(s)
	}
	return strings.Join(out, " or ")
}

// finding describes e, with what was recorded when rec is not nil.
func (e *wantConv) finding(clickID string, rec *profile.Conversion, note string) Finding {
	p := e.cands[len(e.cands)-1]
	f := Finding{ClickID: clickID, Type: e.typ, Role: string(p.Role), EventID: p.EventID, Receipt: p.Receipt, Expected: e.want(), Note: note}
	for _, c := range e.cands {
		f.Duplicate = f.Duplicate || c.Duplicate
	}
	if rec != nil {
		f.Recorded = profile.FormatCents(rec.Payout)
		if rec.EventID != "" {
			f.EventID = rec.EventID
		}
	}
	return f
}

// wantConvs returns the conversions c's postbacks call for under mode,
// by type key, and the type keys in the order first sent.
func wantConvs(c *ledgerClick, mode DuplicateMode, opts VerifyOptions) (map[string][]*wantConv, []string) {
	byType := map[string][]*ledgerPostback{}
	var order []string
	for i := range c.postbacks {
		p := &c.postbacks[i]
		name := ConversionTypeName(p.Event, opts.TypeNames)
		k := typeKey(name)
		if opts.PerClick {
			k = ""
		}
		if _, ok := byType[k]; !ok {
			order = append(order, k)
		}
		byType[k] = append(byType[k], p)
	}
	out := map[string][]*wantConv{}
	for _, k := range order {
		ps := byType[k]
		one := func(cands []*ledgerPostback) *wantConv {
			e := &wantConv{typ: ConversionTypeName(cands[len(cands)-1].Event, opts.TypeNames), cands: cands}
			for _, p := range cands {
				e.required = e.required || p.OK
				e.hi += int64(p.Sum)
				if p.OK {
					e.lo += int64(p.Sum)
				}
			}
			return e
		}
		switch mode {
		case DuplicateIgnore, DuplicateEdit:
			out[k] = []*wantConv{one(ps)}
		case DuplicateAddPayout:
			e := one(ps)
			e.total = true
			out[k] = []*wantConv{e}
		case DuplicateIgnoreEventID:
			byID := map[string]*wantConv{}
			for _, p := range ps {
				if p.EventID == "" {
					out[k] = append(out[k], one([]*ledgerPostback{p}))
					continue
				}
				if e, ok := byID[p.EventID]; ok {
					e.cands = append(e.cands, p)
					e.required = e.required || p.OK
					continue
				}
				e := one([]*ledgerPostback{p})
				byID[p.EventID] = e
				out[k] = append(out[k], e)
			}
		default: // new, new_marked
			for _, p := range ps {
				out[k] = append(out[k], one([]*ledgerPostback{p}))
			}
		}
	}
	return out, order
}

// judgeClick compares what the tracker recorded for click c with what its
// postbacks call for under mode.
func judgeClick(c *ledgerClick, convs []profile.Conversion, mode DuplicateMode, opts VerifyOptions) clickOutcome {
	o := clickOutcome{read: true}
	exp, order := wantConvs(c, mode, opts)
	for _, es := range exp {
		for _, e := range es {
			if e.required {
				o.expected++
			}
		}
	}
	// Group the recorded conversions by type; when the reader gives no
	// type for some, all are compared as one group. [choice]
	var mine []*profile.Conversion
	untyped := opts.PerClick
	for i := range convs {
		if convs[i].ClickID != "" && convs[i].ClickID != c.id {
			continue
		}
		mine = append(mine, &convs[i])
		untyped = untyped || convs[i].Type == ""
	}
	groupOf := func(t string) string {
		if untyped {
			return ""
		}
		return typeKey(t)
	}
	recs := map[string][]*profile.Conversion{}
	for _, cv := range mine {
		recs[groupOf(cv.Type)] = append(recs[groupOf(cv.Type)], cv)
	}
	exps := map[string][]*wantConv{}
	var groups []string
	for _, k := range order {
		g := groupOf(k)
		if _, ok := exps[g]; !ok {
			groups = append(groups, g)
		}
		exps[g] = append(exps[g], exp[k]...)
	}
	for _, g := range groups {
		o.match(c.id, exps[g], recs[g], mode)
	}
	for _, cv := range mine {
		if _, sent := exps[groupOf(cv.Type)]; !sent {
			o.unexpected++
			o.findings[findUnexpected] = append(o.findings[findUnexpected], Finding{ClickID: c.id, Type: cv.Type, EventID: cv.EventID,
				Recorded: profile.FormatCents(cv.Payout), Note: "recorded, but no postback of this type was sent to this click"})
		}
	}
	return o
}

// recordedKey returns how a recorded conversion is matched: by event id ('e'),
// by transaction id against the receipt ('t'), or by sum alone (0).
func recordedKey(cv *profile.Conversion) (byte, string) {
	switch {
	case cv.EventID != "":
		return 'e', cv.EventID
	case cv.TransactionID != "":
		return 't', cv.TransactionID
	}
	return 0, ""
}

// match pairs the expected conversions of one group with the recorded
// ones: by key with a fitting sum, by key alone (a wrong sum), by sum
// alone, then whatever is left (a wrong sum); expectations left are lost
// (when a postback of theirs was answered 2xx), conversions left doubled.
func (o *clickOutcome) match(clickID string, es []*wantConv, rs []*profile.Conversion, mode DuplicateMode) {
	done := make([]bool, len(rs))
	pick := func(ok func(*wantConv) bool) *wantConv {
		var opt *wantConv
		for _, e := range es {
			if e.taken || !ok(e) {
				continue
			}
			if e.required {
				return e
			}
			if opt == nil {
				opt = e
			}
		}
		return opt
	}
	pair := func(i int, e *wantConv, right bool) {
		done[i] = true
		e.taken = true
		switch {
		case !right:
			o.wrongSum++
			note := "recorded with a sum other than the one sent"
			if kind, k := recordedKey(rs[i]); kind != 0 && !e.hasKey(kind, k) {
				note += "; and with another id (" + k + ")"
			}
			o.findings[findWrongSum] = append(o.findings[findWrongSum], e.finding(clickID, rs[i], note))
		case e.required:
			o.matched++
		default:
			o.recordedFailed++
		}
	}
	// By key, with the right sum; then by key with a wrong one.
	for _, right := range []bool{true, false} {
		for i, cv := range rs {
			kind, k := recordedKey(cv)
			if done[i] || kind == 0 {
				continue
			}
			if e := pick(func(e *wantConv) bool { return e.hasKey(kind, k) && (!right || e.fits(cv.Payout, kind, k)) }); e != nil {
				pair(i, e, right)
			}
		}
	}
	// A key the postbacks had, all of whose conversions are taken: doubled.
	for i, cv := range rs {
		kind, k := recordedKey(cv)
		if done[i] || kind == 0 {
			continue
		}
		for _, e := range es {
			if e.hasKey(kind, k) {
				done[i] = true
				o.double(clickID, e, cv, mode)
				break
			}
		}
	}
	// By sum alone (no key, or a key no postback had); then any.
	for _, right := range []bool{true, false} {
		for i, cv := range rs {
			if done[i] {
				continue
			}
			if e := pick(func(e *wantConv) bool { return !right || e.fits(cv.Payout, 0, "") }); e != nil {
				pair(i, e, right)
			}
		}
	}
	for i, cv := range rs {
		if done[i] {
			continue
		}
		// More conversions than expectations: doubled; name the likeliest.
		var like *wantConv
		for _, e := range es {
			if like == nil || e.fits(cv.Payout, 0, "") {
				like = e
			}
		}
		o.double(clickID, like, cv, mode)
	}
	for _, e := range es {
		if e.taken || !e.required {
			continue
		}
		o.lost++
		sent := 0
		for _, p := range e.cands {
			if p.OK {
				sent++
			}
		}
		note := "answered 2xx, not recorded"
		if sent > 1 {
			note = fmt.Sprintf("sent %d times, each answered 2xx; not recorded", sent)
		}
		o.findings[findLost] = append(o.findings[findLost], e.finding(clickID, nil, note))
	}
}

// double counts cv as a doubled conversion of e.
func (o *clickOutcome) double(clickID string, e *wantConv, cv *profile.Conversion, mode DuplicateMode) {
	o.doubled++
	note := fmt.Sprintf("sent once, recorded more than once (%s)", mode)
	if n := len(e.cands); n > 1 {
		note = fmt.Sprintf("%d postbacks of this type, recorded more times than %s allows", n, mode)
		if !slices.ContainsFunc(e.cands, func(p *ledgerPostback) bool { return p.EventID != e.cands[0].EventID }) {
			note = fmt.Sprintf("sent %d times with one event id, recorded more times than %s allows", n, mode)
		}
	}
	o.findings[findDoubled] = append(o.findings[findDoubled], e.finding(clickID, cv, note))
}

// WriteText writes v for a person: the counts, what they mean, and the
// examples of each finding.
func (v Verdict) WriteText(w io.Writer) error {
	var b strings.Builder
	s := v.Ledger
	fmt.Fprintf(&b, "verify: what the tracker recorded, read back through its profile (duplicate mode %s)\n", v.Mode)
	fmt.Fprintf(&b, "  clicks       %d checked, %d skipped", v.Checked, v.Skipped)
	if s.PostbacksNotKept > 0 || s.Overflowed > 0 || s.NoClickID > 0 {
		fmt.Fprintf(&b, " (not checked: %d postbacks past the ledger's click limit, %d clicks with too many postbacks, %d postbacks without a click id)",
			s.PostbacksNotKept, s.Overflowed, s.NoClickID)
	}
	b.WriteString("\n")
	fmt.Fprintf(&b, "  postbacks    %d kept: %d answered 2xx", s.Postbacks, s.Delivered)
	if s.Failed > 0 {
		fmt.Fprintf(&b, ", %d not (not expected to be recorded, never counted as lost)", s.Failed)
	}
	if s.Duplicates > 0 {
		fmt.Fprintf(&b, "; deliberate duplicates among them: %d", s.Duplicates)
	}
	b.WriteString("\n")
	for _, l := range []struct {
		name string
		n    int
		what string
	}{
		{"expected", v.Expected, "conversions the postbacks answered 2xx call for under " + string(v.Mode)},
		{"matched", v.Matched, "recorded as sent"},
		{"lost", v.Lost, "answered 2xx, not recorded"},
		{"doubled", v.Doubled, "recorded more times than " + string(v.Mode) + " allows"},
		{"wrong sum", v.WrongSum, "recorded with a sum other than the one sent"},
		{"unexpected", v.Unexpected, "recorded for a type never sent to that click"},
		{"no-2xx kept", v.RecordedFailed, "recorded although the tracker's reply was not 2xx (or never came)"},
	} {
		fmt.Fprintf(&b, "  %-12s %-6d %s\n", l.name, l.n, l.what)
	}
	for _, ex := range []struct {
		name string
		fs   []Finding
	}{
		{"lost", v.Examples.Lost}, {"doubled", v.Examples.Doubled}, {"wrong sum", v.Examples.WrongSum},
		{"unexpected", v.Examples.Unexpected}, {"skipped", v.Examples.Skipped},
	} {
		if len(ex.fs) == 0 {
			continue
		}
		fmt.Fprintf(&b, "  %s, for example:\n", ex.name)
		for _, f := range ex.fs {
			b.WriteString("    " + f.String() + "\n")
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// String prints the finding on one line.
func (f Finding) String() string {
	var b strings.Builder
	b.WriteString("click " + f.ClickID)
	for _, p := range []struct{ name, v string }{{"", f.Type}, {"", f.Role}, {"event ", f.EventID}, {"receipt ", f.Receipt}} {
		if p.v != "" {
			b.WriteString(" " + p.name + p.v)
		}
	}
	if f.Duplicate {
		b.WriteString(" (re-sent as a duplicate)")
	}
	if f.Expected != "" || f.Recorded != "" {
		rec := f.Recorded
		if rec == "" {
			rec = "nothing"
		}
		if f.Expected != "" {
			fmt.Fprintf(&b, ": sent %s, recorded %s", f.Expected, rec)
		} else {
			fmt.Fprintf(&b, ": recorded %s", rec)
		}
	}
	if f.Note != "" {
		b.WriteString(" — " + f.Note)
	}
	return b.String()
}
