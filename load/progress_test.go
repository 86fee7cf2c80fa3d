package load

import (
	"bytes"
	"context"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
)

// progressBuffer is a bytes.Buffer safe for the progress goroutine and the
// test to share.
type progressBuffer struct {
	mu sync.Mutex // guards b
	b  bytes.Buffer
}

func (l *progressBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *progressBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func TestProgressLine(t *testing.T) {
	tests := []struct {
		name   string
		tty    bool
		total  time.Duration
		want   []string
		absent []string
	}{
		{"quiet when not a terminal", false, 10 * time.Second, nil, []string{"req/s"}},
		{"a terminal", true, 10 * time.Second,
			[]string{"4s / 10s, 6s left", "1000 req/s", "4000 requests, 12 errors", "p99 3.20ms"}, nil},
		{"a run without a duration", true, 0, []string{"4s |", "1000 req/s"}, []string{"left"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b progressBuffer
			p := NewProgress(&b, tt.tty, tt.total)
			if p.Quiet() == tt.tty {
				t.Errorf("Quiet() = %v with isTTY %v", p.Quiet(), tt.tty)
			}
			p.Update(0, LiveStats{})
			p.Update(4*time.Second, LiveStats{Requests: 4000, Failed: 12, P99: 3200 * time.Microsecond})
			p.Finish()
			out := b.String()
			if !tt.tty && out != "" {
				t.Errorf("wrote %q, want nothing", out)
			}
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("the line lacks %q:\n%q", w, out)
				}
			}
			for _, a := range tt.absent {
				if strings.Contains(out, a) {
					t.Errorf("the line has %q:\n%q", a, out)
				}
			}
		})
	}
}

func TestProgressRun(t *testing.T) {
	var b progressBuffer
	p := NewProgress(&b, true, time.Minute)
	m := NewMetrics()
	for i := 0; i < 2*liveEvery; i++ {
		m.Add(&Result{Kind: KindPostback, Start: time.Duration(i) * time.Millisecond, Latency: time.Millisecond})
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		p.Run(ctx, m.Live)
		close(done)
	}()
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(b.String(), "2048 requests") && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	<-done
	out := b.String()
	if !strings.Contains(out, "2048 requests, 0 errors") || !strings.HasSuffix(out, "\n") {
		t.Errorf("progress output %q, want the live figures and a final newline", out)
	}
}

func TestProgressQuietRunReturns(t *testing.T) {
	var b progressBuffer
	p := NewProgress(&b, false, time.Minute)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	p.Run(ctx, func() LiveStats { t.Error("a quiet progress read the stats"); return LiveStats{} })
	if b.String() != "" {
		t.Errorf("wrote %q", b.String())
	}
}

func TestIsTerminal(t *testing.T) {
	f, err := os.CreateTemp(t.TempDir(), "out")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if IsTerminal(f) {
		t.Error("a regular file is a terminal")
	}
}
