package load

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The golden files in testdata/ are rewritten by `go test ./load -update`.
// The flag is registered here unless another test file of the package
// registered it first.
func init() {
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite the golden files in testdata/")
	}
}

func updatingGolden() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

// golden compares got with testdata/name, or rewrites it under -update.
func goldenFile(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if updatingGolden() {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file (run go test ./load -update to create it): %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the output (run go test ./load -update after checking it):\n%s", path, firstLineDiff(string(want), string(got)))
	}
}

// firstLineDiff shows the first line where two texts differ.
func firstLineDiff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return "line " + strconv.Itoa(i+1) + ":\n want " + w + "\n  got " + g
		}
	}
	return "(same lines)"
}

// testParams are the parameters of the synthetic run.
func testParams() RunParams {
	return RunParams{
		Target: "http://qa:hunter2@127.0.0.1:8080/postback?token=abc&x=1", Profile: "redtrack", Seed: 42,
		Rate: "100/s", Duration: 3 * time.Second, Connections: 8, Faults: "duplicate=0.05,reorder=0.02,delay=50ms",
		Other: map[string]string{"upsell-rate": "0.3"}, Version: "v0.0.0-test",
	}
}

// testReport is the report of a deterministic synthetic run, with fixed
// CPU and RSS figures.
func testReport(t testing.TB, p RunParams, results []Result) *Report {
	t.Helper()
	m := NewMetrics()
	m.AddBatch(results)
	r := m.Report(p, nil)
	r.UsageKnown, r.CPUNS, r.PeakRSSBytes = true, int64(1234*time.Millisecond), 48<<20
	return r
}

func TestReportText(t *testing.T) {
	r := testReport(t, testParams(), syntheticResults(7, 300, 100))
	var b bytes.Buffer
	if err := r.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "hunter2") || strings.Contains(b.String(), "token=abc") {
		t.Error("the text report shows the target's credentials")
	}
	goldenFile(t, "report.txt", b.Bytes())
}

func TestReportJSONFields(t *testing.T) {
	r := testReport(t, testParams(), syntheticResults(7, 300, 100))
	var b bytes.Buffer
	if err := r.WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	var top map[string]any
	if err := json.Unmarshal(b.Bytes(), &top); err != nil {
		t.Fatal(err)
	}
	if top["format"] != ReportFormat {
		t.Errorf("format = %v, want %s", top["format"], ReportFormat)
	}
	for _, f := range []string{"postbacks_per_second", "journeys_per_second", "requests", "delivered", "failed", "peak_rss_bytes", "cpu_per_request_ns"} {
		v, ok := top[f]
		if !ok {
			t.Errorf("no top-level field %q", f)
			continue
		}
		if _, ok := v.(float64); !ok {
			t.Errorf("field %q = %v (%T), want a number", f, v, v)
		}
	}
	if top["requests"].(float64) != float64(r.Requests) || r.Requests == 0 {
		t.Errorf("requests = %v, want %d", top["requests"], r.Requests)
	}
}

func TestReportJSONRoundTrip(t *testing.T) {
	r := testReport(t, testParams(), syntheticResults(7, 300, 100))
	var first, second bytes.Buffer
	if err := r.WriteJSON(&first); err != nil {
		t.Fatal(err)
	}
	back, err := ReadReport(bytes.NewReader(first.Bytes()))
	if err != nil {
		t.Fatalf("read back: %v", err)
	}
	if err := back.WriteJSON(&second); err != nil {
		t.Fatal(err)
	}
	if first.String() != second.String() {
		t.Errorf("a report read back writes differently:\n%s", firstLineDiff(first.String(), second.String()))
	}
	if !back.Postbacks.Latency.hist.Equals(r.Postbacks.Latency.hist) {
		t.Error("the postbacks' histogram changed on the way through JSON")
	}
}

func TestReadReportErrors(t *testing.T) {
	r := testReport(t, testParams(), syntheticResults(3, 20, 100))
	var b bytes.Buffer
	if err := r.WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	good := b.String()
	replace := func(from, to string) func(t *testing.T) string {
		return func(t *testing.T) string {
			if !strings.Contains(good, from) {
				t.Fatalf("the report has no %q", from)
			}
			return strings.Replace(good, from, to, 1)
		}
	}
	tests := []struct {
		name string
		in   func(t *testing.T) string
		want string
	}{
		{"not JSON", func(*testing.T) string { return "{" }, "not a JSON report"},
		{"unknown format", replace(`"format": "cbsim-load/1"`, `"format": "cbsim-load/9"`), `unknown report format "cbsim-load/9"`},
		{"no format", replace(`"format": "cbsim-load/1",`, ``), `unknown report format ""`},
		{"counts disagree", replace(`"requests": `+strconv.Itoa(int(r.Postbacks.Requests)), `"requests": 1`), "postbacks: requests 1"},
		{"histogram geometry", replace(`"significant_figures": 3`, `"significant_figures": 2`), "want 1..60000000 µs with 3"},
		{"unknown reason", func(t *testing.T) string {
			var tree map[string]any
			if err := json.Unmarshal([]byte(good), &tree); err != nil {
				t.Fatal(err)
			}
			tree["clicks"].(map[string]any)["failed_by_reason"] = map[string]any{"gremlins": 0}
			out, err := json.Marshal(tree)
			if err != nil {
				t.Fatal(err)
			}
			return string(out)
		}, `clicks: unknown failure reason "gremlins"`},
		{"bad histogram counts", replace(`"counts": "`, `"counts": "x:1 `), `"x:1" is not index:count`},
		{"negative histogram count", replace(`"counts": "`, `"counts": "5:-3 `), "negative"},
		{"no shards", replace(`"shards": [`, `"shards": [], "x": [`), "no shards listed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadReport(strings.NewReader(tt.in(t)))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v, want one with %q", err, tt.want)
			}
		})
	}
}

func TestRedactURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"http://127.0.0.1:8080/postback", "http://127.0.0.1:8080/postback"},
		{"http://qa:pw@tracker.test/p", "http://REDACTED@tracker.test/p"},
		{"https://t.test/p?api_key=s3cr3t&clickid=1", "https://t.test/p?api_key=REDACTED&clickid=1"},
		{"http://[::1", "(unparsable URL)"},
	}
	for _, tt := range tests {
		if got := RedactURL(tt.in); got != tt.want {
			t.Errorf("RedactURL(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestReportHTML(t *testing.T) {
	r := testReport(t, testParams(), syntheticResults(7, 300, 100))
	var b bytes.Buffer
	if err := r.WriteHTML(&b); err != nil {
		t.Fatal(err)
	}
	goldenFile(t, "report.html", b.Bytes())
	checkHTML(t, b.String())
	for _, want := range []string{"initial_purchase", "upsell_purchase", "clicks", "status_5xx", "duplicate=0.05", "upsell-rate", "48.0 MiB"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("the HTML report lacks %q", want)
		}
	}
}

func TestReportHTMLEscapes(t *testing.T) {
	p := testParams()
	p.Target = `http://127.0.0.1/p?x=</td><script>alert(1)</script>`
	p.Other = map[string]string{"<b>": `"&'`}
	r := testReport(t, p, syntheticResults(1, 5, 100))
	var b bytes.Buffer
	if err := r.WriteHTML(&b); err != nil {
		t.Fatal(err)
	}
	checkHTML(t, b.String())
	if strings.Contains(b.String(), "<script") || strings.Contains(b.String(), "<b>") {
		t.Error("a parameter's markup reached the HTML report unescaped")
	}
}

func TestReportHTMLEmptyRun(t *testing.T) {
	r := testReport(t, testParams(), nil)
	var b bytes.Buffer
	if err := r.WriteHTML(&b); err != nil {
		t.Fatal(err)
	}
	checkHTML(t, b.String())
	if !strings.Contains(b.String(), "no data") || !strings.Contains(b.String(), "No request failed.") {
		t.Error("an empty run's report does not say it has no data")
	}
}

// checkHTML checks that a report is one self-contained, well-formed
// document: it parses as XML from end to end (the template writes every
// element closed), holds two SVG charts with two lines each, and loads
// nothing: no script, no src or href, no URL but the SVG namespace.
func checkHTML(t *testing.T, doc string) {
	t.Helper()
	dec := xml.NewDecoder(strings.NewReader(doc))
	dec.Strict = true
	dec.Entity = map[string]string{}
	svgs, polylines := 0, 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("the HTML report is not well-formed: %v", err)
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch se.Name.Local {
		case "svg":
			svgs++
		case "polyline":
			polylines++
		case "script", "link", "img", "iframe":
			t.Errorf("the HTML report has a <%s> element", se.Name.Local)
		}
		for _, a := range se.Attr {
			if a.Name.Local == "src" || a.Name.Local == "href" {
				t.Errorf("the HTML report's <%s> has a %s attribute", se.Name.Local, a.Name.Local)
			}
		}
	}
	if svgs != 2 {
		t.Errorf("%d SVG charts, want 2", svgs)
	}
	if polylines != 0 && polylines != 4 {
		t.Errorf("%d chart lines, want 4", polylines)
	}
	for _, bad := range []string{"url(", "@import"} {
		if strings.Contains(doc, bad) {
			t.Errorf("the HTML report's CSS has %s", bad)
		}
	}
}
