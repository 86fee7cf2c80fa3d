package load

import (
	"bytes"
	"strings"
	"testing"
)

// A report carries the verdict of the check through JSON, prints it in
// text and HTML, and shard reports add their verdicts up.
func TestReportVerdict(t *testing.T) {
	reports := shardReports(t, syntheticResults(3, 40, 200), 2, nil)
	for i, r := range reports {
		r.Verdict = &Verdict{Mode: DuplicateNew, Checked: 10 + i, Expected: 30, Matched: 29 - i, Lost: 1 + i,
			Examples: VerdictExamples{Lost: []Finding{{ClickID: "clk" + string(rune('a'+i)), Type: "InitialPurchase", Expected: "1.00"}}}}
	}
	var js bytes.Buffer
	if err := reports[0].WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	back, err := ReadReport(&js)
	if err != nil {
		t.Fatal(err)
	}
	if back.Verdict == nil || back.Verdict.Lost != 1 || len(back.Verdict.Examples.Lost) != 1 || back.Verdict.Examples.Lost[0].ClickID != "clka" {
		t.Fatalf("verdict after JSON: %+v", back.Verdict)
	}
	var text, html strings.Builder
	if err := back.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	if err := back.WriteHTML(&html); err != nil {
		t.Fatal(err)
	}
	for name, out := range map[string]string{"text": text.String(), "html": html.String()} {
		if !strings.Contains(out, "clka") || !strings.Contains(out, "lost") {
			t.Errorf("%s report lacks the verdict:\n%s", name, out)
		}
	}
	m, err := Merge(reports...)
	if err != nil {
		t.Fatal(err)
	}
	if v := m.Verdict; v == nil || v.Lost != 3 || v.Checked != 21 || len(v.Examples.Lost) != 2 {
		t.Fatalf("merged verdict %+v", m.Verdict)
	}
}
