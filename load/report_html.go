package load

import (
	"embed"
	"fmt"
	"html/template"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
)

//go:embed templates/report.html.tmpl
var reportTemplates embed.FS

// reportHTML is parsed once; it holds no state.
var reportHTML = template.Must(template.ParseFS(reportTemplates, "templates/report.html.tmpl"))

// WriteHTML writes the report as one self-contained HTML file: inline CSS
// and SVG charts drawn here, no script and nothing fetched from the
// network. Every value goes through html/template, so a target or a
// parameter cannot inject markup.
func (r *Report) WriteHTML(w io.Writer) error {
	r.fill()
	if err := reportHTML.Execute(w, r.htmlView()); err != nil {
		return fmt.Errorf("write html report: %w", err)
	}
	return nil
}

type htmlNameValue struct {
	Name  string
	Value string
}

type htmlLatencyRow struct {
	Name                           string
	Count                          int64
	P50, P90, P99, P999, Max, Mean string
}

type htmlView struct {
	R             *Report
	Shard         string
	Wall          string
	CPUPerRequest string
	PeakRSS       string
	Other         []htmlNameValue
	Reasons       []htmlNameValue
	Faults        []Figures
	Latency       []htmlLatencyRow
	Charts        []chart
	Verdict       string // the verdict's text, "" without one
}

func (r *Report) htmlView() htmlView {
	v := htmlView{R: r, Shard: r.ShardLabel(), Wall: fmtDuration(time.Duration(r.WallNS)),
		CPUPerRequest: "unknown", PeakRSS: "unknown"}
	if r.UsageKnown {
		v.CPUPerRequest = time.Duration(r.CPUPerRequestNS).String()
		v.PeakRSS = fmtBytes(r.PeakRSSBytes)
	}
	for _, k := range sortedParamKeys(r.Params.Other) {
		v.Other = append(v.Other, htmlNameValue{k, r.Params.Other[k]})
	}
	for i := 1; i < reasonSlots; i++ {
		name := Reason(i).String()
		if c, ok := r.FailedByReason[name]; ok {
			v.Reasons = append(v.Reasons, htmlNameValue{name, strconv.FormatUint(c, 10)})
		}
	}
	for _, f := range r.Faults {
		if f.Name != FaultNone.String() && f.Requests > 0 {
			v.Faults = append(v.Faults, f)
		}
	}
	for _, g := range r.latencyRows() {
		l := g.Latency
		v.Latency = append(v.Latency, htmlLatencyRow{Name: g.Name, Count: l.Count, P50: fmtUS(l.P50US), P90: fmtUS(l.P90US),
			P99: fmtUS(l.P99US), P999: fmtUS(l.P999US), Max: fmtUS(l.MaxUS), Mean: fmtUS(int64(math.Round(l.MeanUS)))})
	}
	v.Charts = r.charts()
	if r.Verdict != nil {
		var b strings.Builder
		if err := r.Verdict.WriteText(&b); err == nil {
			v.Verdict = b.String()
		}
	}
	return v
}

// chart is one SVG line chart, laid out here so that the template only
// places numbers.
type chart struct {
	Title, Note              string
	W, H                     int
	Left, Right, Top, Bottom int
	LabelX, XLabelY          int
	YTicks, XTicks           []chartTick
	Lines                    []chartLine
}

type chartTick struct {
	Pos   string
	Label string
}

type chartLine struct {
	Name           string
	Points         string // "x,y x,y …" in the SVG's coordinates
	KeyX, KeyTextX int
}

// charts are the latency-over-time and throughput charts of the series.
func (r *Report) charts() []chart {
	b := r.Series.Buckets
	secs := time.Duration(r.Series.BucketNS).Seconds()
	p50 := make([]float64, len(b))
	p99 := make([]float64, len(b))
	req := make([]float64, len(b))
	errs := make([]float64, len(b))
	for i, p := range b {
		p50[i] = float64(p.P50US) / 1000
		p99[i] = float64(p.P99US) / 1000
		req[i] = float64(p.Requests) / secs
		errs[i] = float64(p.Errors) / secs
	}
	note := fmt.Sprintf("One point per %s of sending time (by when each postback was sent).", time.Duration(r.Series.BucketNS))
	return []chart{
		newChart("Latency over time (ms)", note, secs, []string{"p50", "p99"}, [][]float64{p50, p99}),
		newChart("Throughput (postbacks per second)", note, secs, []string{"requests/s", "errors/s"}, [][]float64{req, errs}),
	}
}

func newChart(title, note string, bucketSeconds float64, names []string, series [][]float64) chart {
	c := chart{Title: title, Note: note, W: 900, H: 260, Left: 60, Right: 880, Top: 24, Bottom: 230}
	c.LabelX, c.XLabelY = c.Left-6, c.Bottom+18
	n := len(series[0])
	if n == 0 {
		return c
	}
	var top float64
	for _, s := range series {
		for _, v := range s {
			top = math.Max(top, v)
		}
	}
	top = niceCeil(top)
	x := func(i int) float64 {
		if n == 1 {
			return float64(c.Left+c.Right) / 2
		}
		return float64(c.Left) + float64(i)*float64(c.Right-c.Left)/float64(n-1)
	}
	y := func(v float64) float64 {
		return float64(c.Bottom) - v/top*float64(c.Bottom-c.Top)
	}
	for k := 0; k <= 4; k++ {
		v := top * float64(k) / 4
		c.YTicks = append(c.YTicks, chartTick{Pos: fmtCoord(y(v)), Label: fmtTick(v)})
	}
	last := -1
	for k := 0; k <= 5; k++ {
		i := k * (n - 1) / 5
		if i == last {
			continue
		}
		last = i
		c.XTicks = append(c.XTicks, chartTick{Pos: fmtCoord(x(i)), Label: fmtTick(float64(i)*bucketSeconds) + "s"})
	}
	for i, s := range series {
		var pts strings.Builder
		for j, v := range s {
			if j > 0 {
				pts.WriteByte(' ')
			}
			pts.WriteString(fmtCoord(x(j)) + "," + fmtCoord(y(v)))
		}
		keyX := c.Left + 10 + i*110
		c.Lines = append(c.Lines, chartLine{Name: names[i], Points: pts.String(), KeyX: keyX, KeyTextX: keyX + 14})
	}
	return c
}

// niceCeil rounds a chart's maximum up to 1, 2 or 5 times a power of ten.
func niceCeil(v float64) float64 {
	if v <= 0 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 5, 10} {
		if v <= m*p {
			return m * p
		}
	}
	return 10 * p
}

func fmtCoord(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }

func fmtTick(v float64) string { return strconv.FormatFloat(v, 'g', 4, 64) }
