package load

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/schollz/progressbar/v3"
)

// DefaultProgressEvery is how often Progress.Run refreshes the line.
const DefaultProgressEvery = 250 * time.Millisecond

// Progress is the live line of a run on a terminal: elapsed and remaining
// time as a bar, the request rate, the errors and the postbacks' p99. It
// prints nothing when its writer is not a terminal, so logs and pipes stay
// clean.
//
// [choice] github.com/schollz/progressbar/v3 draws it: one bar on one
// io.Writer with a free-text description is all a run needs, it is safe
// for concurrent use and needs only golang.org/x/term, colorstring and
// uniseg; vbauerster/mpb/v8 is built for many bars under a render goroutine
// of its own and brings more.
type Progress struct {
	bar   *progressbar.ProgressBar // nil when quiet
	w     io.Writer
	total time.Duration    // the run's duration; 0 when open-ended
	now   func() time.Time // the clock; tests set it
	start time.Time
	last  LiveStats // the figures of the previous refresh, for the rate
	lastT time.Duration
}

// IsTerminal reports whether f is a terminal (go-isatty, already a module
// of the build), for NewProgress's isTTY.
func IsTerminal(f *os.File) bool {
	return isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd())
}

// NewProgress returns the progress line of a run of the given duration (0
// for a run without one) written to w; when isTTY is false it is quiet.
func NewProgress(w io.Writer, isTTY bool, total time.Duration) *Progress {
	p := &Progress{w: w, total: total, now: time.Now}
	p.start = p.now()
	if !isTTY {
		return p
	}
	barMax := int64(-1) // a spinner when the run has no end
	if total > 0 {
		barMax = total.Milliseconds()
	}
	p.bar = progressbar.NewOptions64(barMax,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetWidth(20),
		progressbar.OptionThrottle(0), // Run paces the refreshes
		progressbar.OptionSetElapsedTime(false),
		progressbar.OptionSetPredictTime(false),
		progressbar.OptionShowDescriptionAtLineEnd(),
		progressbar.OptionSetRenderBlankState(false),
		progressbar.OptionUseANSICodes(true),
	)
	return p
}

// Quiet reports whether the progress line prints nothing.
func (p *Progress) Quiet() bool { return p.bar == nil }

// Update redraws the line with the run's figures at elapsed time since
// the start; the rate is the one since the previous Update.
func (p *Progress) Update(elapsed time.Duration, s LiveStats) {
	if p.bar == nil {
		return
	}
	p.bar.Describe(p.describe(elapsed, s))
	if p.total > 0 {
		_ = p.bar.Set64(min(elapsed, p.total).Milliseconds())
	} else {
		_ = p.bar.Add64(1)
	}
}

func (p *Progress) describe(elapsed time.Duration, s LiveStats) string {
	var rate float64
	if dt := elapsed - p.lastT; dt > 0 && s.Requests >= p.last.Requests {
		rate = float64(s.Requests-p.last.Requests) / dt.Seconds()
	}
	p.last, p.lastT = s, elapsed
	line := elapsed.Round(time.Second).String()
	if p.total > 0 {
		line += fmt.Sprintf(" / %s, %s left", p.total, max(p.total-elapsed, 0).Round(time.Second))
	}
	line += fmt.Sprintf(" | %.0f req/s | %d requests, %d errors", rate, s.Requests, s.Failed)
	if s.P99 > 0 {
		line += fmt.Sprintf(" | p99 %s", fmtUS(s.P99.Microseconds()))
	}
	return line
}

// Run refreshes the line every DefaultProgressEvery with stats (typically
// Metrics.Live) until ctx is done, then draws it a last time and ends it
// with a newline.
func (p *Progress) Run(ctx context.Context, stats func() LiveStats) {
	if p.bar == nil {
		<-ctx.Done()
		return
	}
	t := time.NewTicker(DefaultProgressEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			p.Update(p.now().Sub(p.start), stats())
			p.Finish()
			return
		case <-t.C:
			p.Update(p.now().Sub(p.start), stats())
		}
	}
}

// Finish ends the line (a newline on a terminal, nothing otherwise).
func (p *Progress) Finish() {
	if p.bar == nil {
		return
	}
	_ = p.bar.Exit()
	_, _ = io.WriteString(p.w, "\n")
}
