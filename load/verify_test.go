package load_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cbsim/cbsim/load"
	"github.com/cbsim/cbsim/profile"
	"github.com/cbsim/cbsim/simulator"
	"github.com/cbsim/cbsim/tracker"
)

// vconv is a recorded conversion of click c1.
func vconv(typ, eventID string, cents int64) profile.Conversion {
	return profile.Conversion{ClickID: "c1", Type: typ, EventID: eventID, Payout: cents}
}

// counts are the figures of a Verdict a case checks.
type counts struct{ expected, matched, lost, doubled, wrong, unexpected, recordedFailed int }

func countsOf(v load.Verdict) counts {
	return counts{v.Expected, v.Matched, v.Lost, v.Doubled, v.WrongSum, v.Unexpected, v.RecordedFailed}
}

func TestVerifyModes(t *testing.T) {
	const ip, up = simulator.InitialPurchase, simulator.UpsellPurchase
	ip1 := vpb("c1", ip, "e1", 4575)
	up2 := vpb("c1", up, "e2", 2000)
	up3 := vpb("c1", up, "e3", 1200)
	dupIP1 := vpb("c1", ip, "e1", 4575, vdup)
	noIDs := func(cs ...profile.Conversion) []profile.Conversion {
		for i := range cs {
			cs[i].EventID = ""
		}
		return cs
	}
	tests := []struct {
		name     string
		mode     load.DuplicateMode
		sent     []load.Result
		recorded []profile.Conversion
		want     counts
	}{
		{"new all recorded", load.DuplicateNew, []load.Result{ip1, up2},
			[]profile.Conversion{vconv("InitialPurchase", "e1", 4575), vconv("UpsellPurchase", "e2", 2000)}, counts{2, 2, 0, 0, 0, 0, 0}},
		{"new duplicate recorded twice", load.DuplicateNew, []load.Result{ip1, dupIP1, up2},
			[]profile.Conversion{vconv("InitialPurchase", "e1", 4575), vconv("InitialPurchase", "e1", 4575), vconv("UpsellPurchase", "e2", 2000)},
			counts{3, 3, 0, 0, 0, 0, 0}},
		{"new duplicate recorded once is lost", load.DuplicateNew, []load.Result{ip1, dupIP1},
			[]profile.Conversion{vconv("InitialPurchase", "e1", 4575)}, counts{2, 1, 1, 0, 0, 0, 0}},
		{"new_marked like new", load.DuplicateNewMarked, []load.Result{ip1, dupIP1},
			[]profile.Conversion{vconv("InitialPurchase", "e1", 4575), vconv("InitialPurchase", "e1", 4575)}, counts{2, 2, 0, 0, 0, 0, 0}},
		{"ignore_event_id duplicate recorded once", load.DuplicateIgnoreEventID, []load.Result{ip1, dupIP1, up2},
			[]profile.Conversion{vconv("InitialPurchase", "e1", 4575), vconv("UpsellPurchase", "e2", 2000)}, counts{2, 2, 0, 0, 0, 0, 0}},
		{"ignore_event_id duplicate recorded twice is doubled", load.DuplicateIgnoreEventID, []load.Result{ip1, dupIP1},
			[]profile.Conversion{vconv("InitialPurchase", "e1", 4575), vconv("InitialPurchase", "e1", 4575)}, counts{1, 1, 0, 1, 0, 0, 0}},
		{"ignore_event_id two events of a type", load.DuplicateIgnoreEventID, []load.Result{up2, up3},
			[]profile.Conversion{vconv("UpsellPurchase", "e2", 2000), vconv("UpsellPurchase", "e3", 1200)}, counts{2, 2, 0, 0, 0, 0, 0}},
		{"ignore keeps one per type", load.DuplicateIgnore, []load.Result{up2, up3},
			[]profile.Conversion{vconv("UpsellPurchase", "e2", 2000)}, counts{1, 1, 0, 0, 0, 0, 0}},
		{"ignore two recorded is doubled", load.DuplicateIgnore, []load.Result{up2, up3},
			[]profile.Conversion{vconv("UpsellPurchase", "e2", 2000), vconv("UpsellPurchase", "e3", 1200)}, counts{1, 1, 0, 1, 0, 0, 0}},
		{"ignore nothing recorded is lost", load.DuplicateIgnore, []load.Result{up2, up3}, nil, counts{1, 0, 1, 0, 0, 0, 0}},
		{"edit keeps the last", load.DuplicateEdit, []load.Result{up2, up3},
			[]profile.Conversion{vconv("UpsellPurchase", "e3", 1200)}, counts{1, 1, 0, 0, 0, 0, 0}},
		{"edit with the other event's sum", load.DuplicateEdit, []load.Result{up2, up3},
			[]profile.Conversion{vconv("UpsellPurchase", "e3", 2000)}, counts{1, 0, 0, 0, 1, 0, 0}},
		{"add_payout totals", load.DuplicateAddPayout, []load.Result{up2, up3},
			[]profile.Conversion{vconv("UpsellPurchase", "e2", 3200)}, counts{1, 1, 0, 0, 0, 0, 0}},
		{"add_payout short", load.DuplicateAddPayout, []load.Result{up2, up3},
			[]profile.Conversion{vconv("UpsellPurchase", "e2", 2000)}, counts{1, 0, 0, 0, 1, 0, 0}},
		{"add_payout too much", load.DuplicateAddPayout, []load.Result{up2, up3},
			[]profile.Conversion{vconv("UpsellPurchase", "e2", 3300)}, counts{1, 0, 0, 0, 1, 0, 0}},
		{"wrong sum by event id", load.DuplicateNew, []load.Result{ip1, up2},
			[]profile.Conversion{vconv("InitialPurchase", "e1", 4576), vconv("UpsellPurchase", "e2", 2000)}, counts{2, 1, 0, 0, 1, 0, 0}},
		{"by sum when the reader gives no ids", load.DuplicateNew, []load.Result{up2, up3},
			noIDs(vconv("UpsellPurchase", "x", 1200), vconv("UpsellPurchase", "x", 2000)), counts{2, 2, 0, 0, 0, 0, 0}},
		{"by sum, one wrong", load.DuplicateNew, []load.Result{up2, up3},
			noIDs(vconv("UpsellPurchase", "x", 1200), vconv("UpsellPurchase", "x", 1200)), counts{2, 1, 0, 0, 1, 0, 0}},
		{"by sum, one too many", load.DuplicateNew, []load.Result{up2},
			noIDs(vconv("UpsellPurchase", "x", 2000), vconv("UpsellPurchase", "x", 2000)), counts{1, 1, 0, 1, 0, 0, 0}},
		{"by transaction id", load.DuplicateNew, []load.Result{up2, up3},
			[]profile.Conversion{{ClickID: "c1", Type: "UpsellPurchase", TransactionID: "R-e3", Payout: 2000}, {ClickID: "c1", Type: "UpsellPurchase", TransactionID: "R-e2", Payout: 2000}},
			counts{2, 1, 0, 0, 1, 0, 0}},
		{"type not given by the reader", load.DuplicateNew, []load.Result{ip1, up2},
			[]profile.Conversion{vconv("", "e2", 2000), vconv("", "e1", 4575)}, counts{2, 2, 0, 0, 0, 0, 0}},
		{"type spelled otherwise", load.DuplicateNew, []load.Result{ip1},
			[]profile.Conversion{vconv("initial purchase", "e1", 4575)}, counts{1, 1, 0, 0, 0, 0, 0}},
		{"a type never sent is unexpected", load.DuplicateNew, []load.Result{ip1},
			[]profile.Conversion{vconv("InitialPurchase", "e1", 4575), vconv("UpsellPurchase", "e9", 100)}, counts{1, 1, 0, 0, 0, 1, 0}},
		{"a failed postback not recorded is not lost", load.DuplicateNew, []load.Result{ip1, vpb("c1", up, "e2", 2000, vfailed)},
			[]profile.Conversion{vconv("InitialPurchase", "e1", 4575)}, counts{1, 1, 0, 0, 0, 0, 0}},
		{"a failed postback recorded", load.DuplicateNew, []load.Result{vpb("c1", up, "e2", 2000, vfailed)},
			[]profile.Conversion{vconv("UpsellPurchase", "e2", 2000)}, counts{0, 0, 0, 0, 0, 0, 1}},
		{"add_payout with a failed postback", load.DuplicateAddPayout, []load.Result{up2, vpb("c1", up, "e3", 1200, vfailed)},
			[]profile.Conversion{vconv("UpsellPurchase", "e2", 3200)}, counts{1, 1, 0, 0, 0, 0, 0}},
		{"other click ids the reader returns are left out", load.DuplicateNew, []load.Result{ip1},
			[]profile.Conversion{vconv("InitialPurchase", "e1", 4575), {ClickID: "c2", Type: "InitialPurchase", EventID: "e1", Payout: 4575}},
			counts{1, 1, 0, 0, 0, 0, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := &load.Ledger{}
			l.AddAll(tt.sent)
			v, err := load.Verify(context.Background(), fakeReader{convs: map[string][]profile.Conversion{"c1": tt.recorded}}, l, tt.mode, load.VerifyOptions{Settle: -1})
			if err != nil {
				t.Fatal(err)
			}
			if got := countsOf(v); got != tt.want {
				t.Errorf("counts = %+v, want %+v\n%s", got, tt.want, verdictText(v))
			}
			ex := v.Examples
			if len(ex.Lost) != v.Lost || len(ex.Doubled) != v.Doubled || len(ex.WrongSum) != v.WrongSum || len(ex.Unexpected) != v.Unexpected {
				t.Errorf("examples do not match the counts:\n%s", verdictText(v))
			}
			if v.Checked != 1 || v.OK() != (v.Lost+v.Doubled+v.WrongSum+v.Unexpected == 0) {
				t.Errorf("checked %d, OK %t", v.Checked, v.OK())
			}
		})
	}
}

// TestVerifyExamples: a finding names the click, type, event, receipt and
// both sums.
func TestVerifyExamples(t *testing.T) {
	l := &load.Ledger{}
	l.AddAll([]load.Result{vpb("c1", simulator.InitialPurchase, "e1", 4575), vpb("c1", simulator.UpsellPurchase, "e2", 2000, vdup)})
	r := fakeReader{convs: map[string][]profile.Conversion{"c1": {vconv("InitialPurchase", "e1", 4500)}}}
	v, err := load.Verify(context.Background(), r, l, load.DuplicateNew, load.VerifyOptions{Settle: -1})
	if err != nil {
		t.Fatal(err)
	}
	wantWrong := load.Finding{ClickID: "c1", Type: "InitialPurchase", Role: "affiliate", EventID: "e1", Receipt: "R-e1", Expected: "45.75", Recorded: "45.00",
		Note: "recorded with a sum other than the one sent"}
	wantLost := load.Finding{ClickID: "c1", Type: "UpsellPurchase", Role: "affiliate", EventID: "e2", Receipt: "R-e2", Expected: "20.00", Duplicate: true,
		Note: "answered 2xx, not recorded"}
	if !slices.Equal(v.Examples.WrongSum, []load.Finding{wantWrong}) || !slices.Equal(v.Examples.Lost, []load.Finding{wantLost}) {
		t.Errorf("examples = %+v", v.Examples)
	}
	text := verdictText(v)
	for _, want := range []string{"lost         1", "wrong sum    1", "click c1 InitialPurchase affiliate event e1 receipt R-e1: sent 45.75, recorded 45.00",
		"click c1 UpsellPurchase affiliate event e2 receipt R-e2 (re-sent as a duplicate): sent 20.00, recorded nothing — answered 2xx, not recorded"} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q:\n%s", want, text)
		}
	}
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var back load.Verdict
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"wrong_sum":1`) || back.Examples.WrongSum[0] != wantWrong || back.Ledger != v.Ledger {
		t.Errorf("JSON = %s", b)
	}
}

// TestVerifyMaxExamples: counts go on past the examples kept.
func TestVerifyMaxExamples(t *testing.T) {
	l := &load.Ledger{}
	for i := range 5 {
		l.AddAll([]load.Result{vpb(fmt.Sprintf("c%d", i), simulator.InitialPurchase, "e1", 100)})
	}
	v, err := load.Verify(context.Background(), fakeReader{}, l, load.DuplicateNew, load.VerifyOptions{Settle: -1, MaxExamples: 2})
	if err != nil {
		t.Fatal(err)
	}
	if v.Lost != 5 || len(v.Examples.Lost) != 2 || v.Examples.Lost[0].ClickID != "c0" || v.Examples.Lost[1].ClickID != "c1" {
		t.Errorf("lost %d, examples %+v", v.Lost, v.Examples.Lost)
	}
}

// TestVerifyReaderErrors: a reader error skips its click, with an
// example; a profile without a reader of conversions is an error naming
// read.conversions; so is no reader at all.
func TestVerifyReaderErrors(t *testing.T) {
	l := &load.Ledger{}
	l.AddAll([]load.Result{vpb("c1", simulator.InitialPurchase, "e1", 100), vpb("c2", simulator.InitialPurchase, "e2", 100)})
	r := fakeReader{convs: map[string][]profile.Conversion{"c2": {{ClickID: "c2", Type: "InitialPurchase", EventID: "e2", Payout: 100}}},
		errs: map[string]error{"c1": errors.New("HTTP 502 from the reporting API")}}
	v, err := load.Verify(context.Background(), r, l, load.DuplicateNew, load.VerifyOptions{Settle: -1})
	if err != nil {
		t.Fatal(err)
	}
	if v.Skipped != 1 || v.Checked != 1 || v.Matched != 1 || v.OK() || len(v.Examples.Skipped) != 1 ||
		!strings.Contains(v.Examples.Skipped[0].Note, "HTTP 502") || v.Examples.Skipped[0].ClickID != "c1" {
		t.Errorf("verdict = %+v", v)
	}

	for name, r := range map[string]load.Reader{
		"ErrNotSupported": fakeReader{errs: map[string]error{"c1": fmt.Errorf("read conversions: %w", profile.ErrNotSupported), "c2": fmt.Errorf("read conversions: %w", profile.ErrNotSupported)}},
		"nil":             nil,
	} {
		_, err := load.Verify(context.Background(), r, l, load.DuplicateNew, load.VerifyOptions{})
		if err == nil || !strings.Contains(err.Error(), "read.conversions") {
			t.Errorf("%s: err = %v", name, err)
		}
	}
	if _, err := load.Verify(context.Background(), r, l, "twice", load.VerifyOptions{}); err == nil || !strings.Contains(err.Error(), "ignore_event_id") {
		t.Errorf("bad mode: err = %v", err)
	}
}

// TestVerifyProfileWithoutReader: a bundled profile that cannot read
// conversions (binom) gives the read.conversions error.
func TestVerifyProfileWithoutReader(t *testing.T) {
	p, err := profile.Load("binom")
	if err != nil {
		t.Fatal(err)
	}
	tr, err := p.Bind(profile.Config{TrackerURL: "http://127.0.0.1:1", Campaigns: map[string]string{"affiliate": "1", "vendor": "2"}})
	if err != nil {
		t.Fatal(err)
	}
	defer tr.Close()
	l := &load.Ledger{}
	l.AddAll([]load.Result{vpb("c1", simulator.InitialPurchase, "e1", 100)})
	if _, err := load.Verify(context.Background(), tr, l, load.DuplicateNew, load.VerifyOptions{}); err == nil ||
		!strings.Contains(err.Error(), "needs the tracker profile's read.conversions") || !errors.Is(err, profile.ErrNotSupported) {
		t.Errorf("err = %v", err)
	}
}

// slowReader records asynchronously: a click's conversions show from its
// third reading on.
type slowReader struct {
	fakeReader
	mu    sync.Mutex
	reads map[string]int
}

func (s *slowReader) Conversions(ctx context.Context, clickID string) ([]profile.Conversion, error) {
	s.mu.Lock()
	s.reads[clickID]++
	n := s.reads[clickID]
	s.mu.Unlock()
	if n < 3 {
		return nil, nil
	}
	return s.fakeReader.Conversions(ctx, clickID)
}

// TestVerifySettle: a tracker that records late is read again until it
// has; without settling, the same is lost.
func TestVerifySettle(t *testing.T) {
	l := &load.Ledger{}
	l.AddAll([]load.Result{vpb("c1", simulator.InitialPurchase, "e1", 4575)})
	recorded := fakeReader{convs: map[string][]profile.Conversion{"c1": {vconv("InitialPurchase", "e1", 4575)}}}
	tests := []struct {
		name  string
		opts  load.VerifyOptions
		lost  int
		reads int
	}{
		{"settles", load.VerifyOptions{Settle: time.Minute, Poll: time.Millisecond}, 0, 3},
		{"read once", load.VerifyOptions{Settle: -1}, 1, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &slowReader{fakeReader: recorded, reads: map[string]int{}}
			v, err := load.Verify(context.Background(), r, l, load.DuplicateNew, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if v.Lost != tt.lost || r.reads["c1"] != tt.reads {
				t.Errorf("lost %d after %d reads, want %d after %d", v.Lost, r.reads["c1"], tt.lost, tt.reads)
			}
		})
	}
}

// TestVerifyCanceled: a canceled context ends the settling with its error
// and what was found.
func TestVerifyCanceled(t *testing.T) {
	l := &load.Ledger{}
	l.AddAll([]load.Result{vpb("c1", simulator.InitialPurchase, "e1", 4575)})
	ctx, cancel := context.WithCancel(context.Background())
	r := cancelReader{cancel: cancel}
	v, err := load.Verify(ctx, r, l, load.DuplicateNew, load.VerifyOptions{Settle: time.Hour, Poll: time.Hour})
	if !errors.Is(err, context.Canceled) || v.Lost != 1 {
		t.Errorf("err = %v, lost %d", err, v.Lost)
	}
}

// cancelReader reads nothing and cancels the run.
type cancelReader struct{ cancel func() }

func (c cancelReader) Conversions(context.Context, string) ([]profile.Conversion, error) {
	c.cancel()
	return nil, nil
}

func TestDuplicateModesAreTheTrackers(t *testing.T) {
	var got, want []string
	for _, m := range load.DuplicateModes() {
		got = append(got, string(m))
		if p, err := load.ParseDuplicateMode(string(m)); err != nil || p != m {
			t.Errorf("ParseDuplicateMode(%q) = %q, %v", m, p, err)
		}
	}
	for _, m := range tracker.Modes() {
		want = append(want, string(m))
	}
	if !slices.Equal(got, want) {
		t.Errorf("modes %v, the tracker's %v", got, want)
	}
}

func TestConversionTypeName(t *testing.T) {
	tests := []struct {
		ev    simulator.EventType
		names map[simulator.EventType]string
		want  string
	}{
		{simulator.OrderFormImpression, nil, "OrderFormImpression"},
		{simulator.InitialPurchase, nil, "InitialPurchase"},
		{simulator.UpsellPurchase, nil, "UpsellPurchase"},
		{simulator.UpsellPurchase, map[simulator.EventType]string{simulator.UpsellPurchase: "upsell"}, "upsell"},
	}
	for _, tt := range tests {
		if got := load.ConversionTypeName(tt.ev, tt.names); got != tt.want {
			t.Errorf("ConversionTypeName(%s) = %q, want %q", tt.ev, got, tt.want)
		}
	}
}

func TestVerdictMerge(t *testing.T) {
	a := load.Verdict{Mode: load.DuplicateNew, Checked: 2, Lost: 1, Ledger: load.LedgerStats{Clicks: 2}, Examples: load.VerdictExamples{Lost: []load.Finding{{ClickID: "a"}}}}
	b := load.Verdict{Mode: load.DuplicateNew, Checked: 3, Lost: 2, Doubled: 1, Ledger: load.LedgerStats{Clicks: 3},
		Examples: load.VerdictExamples{Lost: []load.Finding{{ClickID: "b"}, {ClickID: "c"}}, Doubled: []load.Finding{{ClickID: "d"}}}}
	a.Merge(b)
	if a.Checked != 5 || a.Lost != 3 || a.Doubled != 1 || a.Ledger.Clicks != 5 || len(a.Examples.Lost) != 3 || len(a.Examples.Doubled) != 1 {
		t.Errorf("merged = %+v", a)
	}
}

// verdictText is v's text form.
func verdictText(v load.Verdict) string {
	var b bytes.Buffer
	if err := v.WriteText(&b); err != nil {
		return err.Error()
	}
	return b.String()
}

func ExampleVerdict_WriteText() {
	l := &load.Ledger{}
	l.AddAll([]load.Result{
		{Kind: load.KindPostback, Event: simulator.InitialPurchase, Role: simulator.RoleAffiliate, ClickID: "c1", EventID: "E1", Receipt: "R1", Sum: 4575, Status: 200},
		{Kind: load.KindPostback, Event: simulator.InitialPurchase, Role: simulator.RoleAffiliate, ClickID: "c1", EventID: "E1", Receipt: "R1", Sum: 4575, Status: 200, Fault: load.FaultDuplicate},
		{Kind: load.KindPostback, Event: simulator.UpsellPurchase, Role: simulator.RoleAffiliate, ClickID: "c1", EventID: "E2", Receipt: "R2", Sum: 2000, Status: 503, Reason: load.ReasonStatus5xx},
	})
	recorded := fakeReader{convs: map[string][]profile.Conversion{"c1": {
		{ClickID: "c1", Type: "InitialPurchase", EventID: "E1", Payout: 4575},
		{ClickID: "c1", Type: "InitialPurchase", EventID: "E1", Payout: 4575},
	}}}
	v, err := load.Verify(context.Background(), recorded, l, load.DuplicateIgnoreEventID, load.VerifyOptions{Settle: -1})
	if err != nil {
		fmt.Println(err)
		return
	}
	v.WriteText(os.Stdout)
	// Output:
	// verify: what the tracker recorded, read back through its profile (duplicate mode ignore_event_id)
	//   clicks       1 checked, 0 skipped
	//   postbacks    3 kept: 2 answered 2xx, 1 not (not expected to be recorded, never counted as lost); deliberate duplicates among them: 1
	//   expected     1      conversions the postbacks answered 2xx call for under ignore_event_id
	//   matched      1      recorded as sent
	//   lost         0      answered 2xx, not recorded
	//   doubled      1      recorded more times than ignore_event_id allows
	//   wrong sum    0      recorded with a sum other than the one sent
	//   unexpected   0      recorded for a type never sent to that click
	//   no-2xx kept  0      recorded although the tracker's reply was not 2xx (or never came)
	//   doubled, for example:
	//     click c1 InitialPurchase affiliate event E1 receipt R1 (re-sent as a duplicate): sent 45.75, recorded 45.75 — sent 2 times with one event id, recorded more times than ignore_event_id allows
}

func TestDuplicateModeFor(t *testing.T) {
	tests := []struct {
		f    profile.Features
		want load.DuplicateMode // "" = an error
	}{
		{profile.Features{Dedup: profile.DedupNone}, load.DuplicateNew},
		{profile.Features{Dedup: profile.DedupEventID}, load.DuplicateIgnoreEventID},
		{profile.Features{Dedup: profile.DedupTransactionID}, load.DuplicateIgnoreEventID},
		{profile.Features{Dedup: profile.DedupClick, PayoutPerClick: profile.PayoutLast}, load.DuplicateEdit},
		{profile.Features{Dedup: profile.DedupClick, PayoutPerClick: profile.PayoutFirst}, load.DuplicateIgnore},
		{profile.Features{Dedup: profile.DedupConfigurable}, ""},
		{profile.Features{}, ""},
	}
	for _, tt := range tests {
		got, err := load.DuplicateModeFor(tt.f)
		if got != tt.want || (err != nil) != (tt.want == "") || (err != nil && !strings.Contains(err.Error(), "--duplicates")) {
			t.Errorf("DuplicateModeFor(%+v) = %q, %v; want %q", tt.f, got, err, tt.want)
		}
	}
}

// TestVerifyPerClick: for a tracker without conversion types, the mode
// applies per click across types.
func TestVerifyPerClick(t *testing.T) {
	l := &load.Ledger{}
	l.AddAll([]load.Result{vpb("c1", simulator.InitialPurchase, "e1", 4575), vpb("c1", simulator.UpsellPurchase, "e2", 2000)})
	r := fakeReader{convs: map[string][]profile.Conversion{"c1": {{ClickID: "c1", Payout: 2000}}}}
	tests := []struct {
		perClick bool
		want     counts
	}{
		{true, counts{1, 1, 0, 0, 0, 0, 0}},
		{false, counts{2, 1, 1, 0, 0, 0, 0}},
	}
	for _, tt := range tests {
		v, err := load.Verify(context.Background(), r, l, load.DuplicateEdit, load.VerifyOptions{Settle: -1, PerClick: tt.perClick})
		if err != nil {
			t.Fatal(err)
		}
		if got := countsOf(v); got != tt.want {
			t.Errorf("PerClick %t: counts %+v, want %+v\n%s", tt.perClick, got, tt.want, verdictText(v))
		}
	}
}
