package load

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// fastServer is a loopback raw-TCP server answering every request with
// "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", as cheaply as it can:
// it counts request heads in what it reads and writes that many replies.
func fastServer(b *testing.B) string {
	b.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var conns []net.Conn
	b.Cleanup(func() {
		ln.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	reply := []byte(ok200)
	wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			wg.Go(func() {
				defer c.Close()
				buf := make([]byte, 64<<10)
				out := make([]byte, 0, 64<<10)
				var carry int // bytes of a head boundary split across reads
				for {
					n, err := c.Read(buf[carry:])
					if err != nil {
						return
					}
					data := buf[:carry+n]
					heads := bytes.Count(data, []byte("\r\n\r\n"))
					last := bytes.LastIndex(data, []byte("\r\n\r\n"))
					rest := data
					if last >= 0 {
						rest = data[last+4:]
					}
					carry = min(len(rest), 3)
					copy(buf, rest[len(rest)-carry:])
					out = out[:0]
					for range heads {
						out = append(out, reply...)
					}
					if heads > 0 {
						if _, err := c.Write(out); err != nil {
							return
						}
					}
				}
			})
		}
	})
	return "http://" + ln.Addr().String()
}

// stdConn sends through net/http: mode B of BenchmarkAttack.
type stdConn struct {
	base   string
	client *http.Client
	ctx    context.Context
	stop   context.CancelFunc
	body   []byte
}

func (s *stdConn) do(uri string) reply {
	req, err := http.NewRequestWithContext(s.ctx, http.MethodGet, s.base+uri, nil)
	if err != nil {
		return reply{reason: ReasonBadResponse, err: err}
	}
	req.Header.Set("User-Agent", "cbsim-load")
	t0 := time.Now()
	resp, err := s.client.Do(req)
	if err != nil {
		return reply{reason: ReasonReset, err: err, latency: time.Since(t0)}
	}
	s.body = s.body[:0]
	n, _ := io.ReadFull(resp.Body, s.body[:cap(s.body)])
	s.body = s.body[:n]
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return reply{status: resp.StatusCode, latency: time.Since(t0)}
}
func (s *stdConn) lastBody() []byte { return s.body }
func (s *stdConn) cancel()          { s.stop() }
func (s *stdConn) close()           {}

// BenchmarkAttack runs b.N journeys of the default catalog (about five
// postbacks each) against a loopback raw-TCP server with 16 connections,
// through the engine's own HTTP/1.1 client (mode A) and through net/http
// (mode B), and reports postbacks/s. Compare with
//
//	go test -run '^$' -bench Attack -benchtime 20000x ./load/
func BenchmarkAttack(b *testing.B) {
	const conns = 16
	for _, mode := range []string{"A-cbsim", "B-net-http"} {
		b.Run(mode, func(b *testing.B) {
			target := fastServer(b)
			src := newTestSourceAt(b, target)
			a, err := NewAttacker(Config{Target: target, Source: src, Journeys: uint64(b.N), Connections: conns, Seed: 1})
			if err != nil {
				b.Fatal(err)
			}
			if mode == "B-net-http" {
				tr := &http.Transport{MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns, DisableCompression: true}
				b.Cleanup(tr.CloseIdleConnections)
				a.newConn = func() conn {
					ctx, stop := context.WithCancel(context.Background())
					return &stdConn{base: target, client: &http.Client{Transport: tr}, ctx: ctx, stop: stop, body: make([]byte, 0, keepBody)}
				}
			}
			ch := make(chan []Result, 64)
			counted := countResults(ch)
			b.ReportAllocs()
			b.ResetTimer()
			u0, t0 := ReadUsage(), time.Now()
			if err := a.Attack(context.Background(), ch); err != nil {
				b.Fatal(err)
			}
			el := time.Since(t0)
			cpu := ReadUsage().CPU - u0.CPU // the server's too: it runs in this process
			close(ch)
			postbacks, failed := counted()
			if failed > 0 {
				b.Fatalf("%d of %d postbacks failed", failed, postbacks)
			}
			b.ReportMetric(float64(postbacks)/el.Seconds(), "postbacks/s")
			b.ReportMetric(float64(el.Nanoseconds())/float64(postbacks), "ns/postback")
			b.ReportMetric(float64(cpu.Nanoseconds())/float64(postbacks), "cpu-ns/postback")
		})
	}
}

// countResults counts the postbacks received on ch, and the failed ones,
// until ch is closed; counted waits for that and returns the counts.
func countResults(ch <-chan []Result) (counted func() (postbacks, failed int)) {
	var postbacks, failed int
	done := make(chan struct{})
	go func() {
		defer close(done)
		for batch := range ch {
			for i := range batch {
				postbacks++
				if !batch[i].OK() {
					failed++
				}
			}
		}
	}()
	return func() (int, int) {
		<-done
		return postbacks, failed
	}
}

// newTestSourceAt is the default source rebased on target.
func newTestSourceAt(b *testing.B, target string) *Source {
	b.Helper()
	s := newTestSource(b, nil)
	for i, in := range s.cfg.Integrations {
		r, err := in.Rebase(target)
		if err != nil {
			b.Fatal(err)
		}
		s.cfg.Integrations[i] = r
	}
	return s
}

// BenchmarkClient is the transport alone: 16 goroutines, each with one
// client, replaying one URL against the raw-TCP server (no journeys).
func BenchmarkClient(b *testing.B) {
	target, err := ParseTarget(fastServer(b))
	if err != nil {
		b.Fatal(err)
	}
	b.SetParallelism(8) // 16 goroutines on 2 cores
	b.ReportAllocs()
	t0 := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		c := newClient(target, nil, 5*time.Second)
		defer c.close()
		for pb.Next() {
			if r := c.do("/postback?clickid=65a1f0c2e4b0a1b2c3d4e5f6&sum=12.34"); r.status != 200 {
				b.Errorf("status %d reason %s", r.status, r.reason)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(t0).Seconds(), "requests/s")
}

// BenchmarkAttackURL runs the engine at max rate for a fixed time against
// the server in $CBSIM_BENCH_URL (skipped when unset), like a loopback
// nginx answering `return 200;` from .ci/bench-load, with
// $CBSIM_BENCH_CONNECTIONS connections (default 64) and
// $CBSIM_BENCH_DURATION (a Go duration, default 10s). Journeys are the
// default catalog's with synthetic click ids: every request a distinct
// journey's real URL. Compare with wrk on the same URL:
//
//	CBSIM_BENCH_URL=http://127.0.0.1:PORT/ go test -run '^$' -bench AttackURL -benchtime 1x ./load/
//	wrk -t1 -c64 -d10s http://127.0.0.1:PORT/
func BenchmarkAttackURL(b *testing.B) {
	target := os.Getenv("CBSIM_BENCH_URL")
	if target == "" {
		b.Skip("CBSIM_BENCH_URL not set")
	}
	conns := 64
	if s := os.Getenv("CBSIM_BENCH_CONNECTIONS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 {
			b.Fatalf("CBSIM_BENCH_CONNECTIONS=%q: want a positive whole number", s)
		}
		conns = n
	}
	dur := 10 * time.Second
	if s := os.Getenv("CBSIM_BENCH_DURATION"); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil || d <= 0 {
			b.Fatalf("CBSIM_BENCH_DURATION=%q: want a positive Go duration, like 10s", s)
		}
		dur = d
	}
	src := newTestSourceAt(b, strings.TrimSuffix(target, "/"))
	b.ReportAllocs()
	var postbacks, failed int
	var el, cpu time.Duration
	for i := 0; b.Loop(); i++ {
		a, err := NewAttacker(Config{Target: target, Source: src, Duration: dur, Connections: conns, Seed: uint64(i + 1)})
		if err != nil {
			b.Fatal(err)
		}
		ch := make(chan []Result, 64)
		counted := countResults(ch)
		u0, t0 := ReadUsage(), time.Now()
		if err := a.Attack(context.Background(), ch); err != nil {
			b.Fatal(err)
		}
		el += time.Since(t0)
		cpu += ReadUsage().CPU - u0.CPU
		close(ch)
		p, f := counted()
		postbacks, failed = postbacks+p, failed+f
	}
	if failed > 0 {
		b.Fatalf("%d of %d postbacks failed", failed, postbacks)
	}
	b.ReportMetric(float64(postbacks)/el.Seconds(), "postbacks/s")
	b.ReportMetric(float64(el.Nanoseconds())/float64(postbacks), "ns/postback")
	// CPU per postback depends less on what else the machine runs than
	// the rate does.
	b.ReportMetric(float64(cpu.Nanoseconds())/float64(postbacks), "cpu-ns/postback")
}
