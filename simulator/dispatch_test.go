package simulator

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
)

const testURL = "http://tracker.test/postback?clickid=abc&sum=45.75"

// mockDispatcher returns a dispatcher whose client goes through a per-test
// httpmock transport (never the default one, so tests may run in parallel).
func mockDispatcher(t *testing.T, retry ...time.Duration) (*Dispatcher, *httpmock.MockTransport) {
	t.Helper()
	mt := httpmock.NewMockTransport()
	return &Dispatcher{Client: &http.Client{Transport: mt}, Timeout: 200 * time.Millisecond, Retry: retry}, mt
}

func TestDispatcherSend(t *testing.T) {
	t.Parallel()
	type check func(t *testing.T, d Delivery)
	delivered := func(want bool) check {
		return func(t *testing.T, d Delivery) {
			if d.Delivered != want {
				t.Errorf("delivered = %v, want %v (attempts %+v)", d.Delivered, want, d.Attempts)
			}
		}
	}
	attempts := func(n int) check {
		return func(t *testing.T, d Delivery) {
			if len(d.Attempts) != n {
				t.Errorf("attempts = %d, want %d: %+v", len(d.Attempts), n, d.Attempts)
			}
			for i, a := range d.Attempts {
				if a.N != i+1 {
					t.Errorf("attempt %d numbered %d", i+1, a.N)
				}
			}
		}
	}
	hasStatus := func(s int) check {
		return func(t *testing.T, d Delivery) {
			if d.Status() != s {
				t.Errorf("status = %d, want %d", d.Status(), s)
			}
		}
	}
	errContains := func(sub string) check {
		return func(t *testing.T, d Delivery) {
			if !strings.Contains(d.Error(), sub) {
				t.Errorf("error = %q, want it to contain %q", d.Error(), sub)
			}
		}
	}
	cases := []struct {
		name   string
		retry  []time.Duration
		reply  func(calls int32) httpmock.Responder
		checks []check
	}{
		{"OK", nil, func(int32) httpmock.Responder { return httpmock.NewStringResponder(200, `{"status":"ok"}`) },
			[]check{delivered(true), attempts(1), hasStatus(200), errContains("")}},
		{"ServerErrorNoRetry", nil, func(int32) httpmock.Responder { return httpmock.NewStringResponder(503, "down") },
			[]check{delivered(false), attempts(1), hasStatus(503), errContains("HTTP 503")}},
		{"ClientErrorIsNotDelivered", nil, func(int32) httpmock.Responder { return httpmock.NewStringResponder(404, `{"error":"unknown click"}`) },
			[]check{delivered(false), hasStatus(404), errContains("HTTP 404")}},
		{"RedirectIsNotDelivered", nil, func(int32) httpmock.Responder { return httpmock.NewStringResponder(304, "") },
			[]check{delivered(false), hasStatus(304)}},
		{"Reset", nil, func(int32) httpmock.Responder {
			return httpmock.NewErrorResponder(errors.New("read tcp 127.0.0.1:1->127.0.0.1:2: connection reset by peer"))
		}, []check{delivered(false), hasStatus(0), errContains("connection reset")}},
		{"Timeout", nil, func(int32) httpmock.Responder {
			return func(req *http.Request) (*http.Response, error) {
				<-req.Context().Done()
				return nil, req.Context().Err()
			}
		}, []check{delivered(false), errContains("timeout after 200ms")}},
		{"RetryThenOK", []time.Duration{time.Millisecond, time.Millisecond}, func(int32) httpmock.Responder {
			var n atomic.Int32
			return func(req *http.Request) (*http.Response, error) {
				if n.Add(1) < 3 {
					return httpmock.NewStringResponse(500, "boom"), nil
				}
				return httpmock.NewStringResponse(200, "ok"), nil
			}
		}, []check{delivered(true), attempts(3), hasStatus(200)}},
		{"RetriesExhausted", []time.Duration{time.Millisecond}, func(int32) httpmock.Responder { return httpmock.NewStringResponder(502, "") },
			[]check{delivered(false), attempts(2), hasStatus(502)}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			d, mt := mockDispatcher(t, c.retry...)
			mt.RegisterResponder(http.MethodGet, "http://tracker.test/postback", c.reply(0))
			got := d.Send(context.Background(), Delivery{URL: testURL, Integration: "i", Event: InitialPurchase})
			for _, ch := range c.checks {
				ch(t, got)
			}
			if n := mt.GetTotalCallCount(); n != len(got.Attempts) {
				t.Errorf("tracker saw %d requests, journal says %d attempts", n, len(got.Attempts))
			}
		})
	}
}

// closeBody is a reply body that calls onClose when the dispatcher closes
// it: the last thing an attempt does with the reply.
type closeBody struct {
	io.Reader
	onClose func()
}

func (b closeBody) Close() error { b.onClose(); return nil }

// TestDispatcherCancelStopsRetries cancels once the first attempt has
// finished (its reply body closed), either at that very moment or while
// the dispatcher waits to retry: the attempt keeps its 500, the retry is
// journaled as not sent, and no sleep or poll decides the order.
func TestDispatcherCancelStopsRetries(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name          string
		cancelOnClose bool // cancel inside Close, before the dispatcher looks at ctx again
	}{
		{"CancelAsAttemptEnds", true},
		{"CancelDuringWait", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			d, mt := mockDispatcher(t, time.Hour, time.Hour)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			finished := make(chan struct{})
			mt.RegisterResponder(http.MethodGet, "http://tracker.test/postback", func(req *http.Request) (*http.Response, error) {
				resp := httpmock.NewStringResponse(500, "boom")
				resp.Body = closeBody{Reader: strings.NewReader("boom"), onClose: func() {
					if c.cancelOnClose {
						cancel()
					}
					close(finished)
				}}
				return resp, nil
			})
			done := make(chan Delivery)
			go func() { done <- d.Send(ctx, Delivery{URL: testURL}) }()
			<-finished
			cancel()
			got := <-done
			if got.Delivered || len(got.Attempts) != 2 || got.Attempts[0].Status != 500 || !strings.Contains(got.Error(), "not sent") {
				t.Fatalf("after cancel: %+v; want the 500 and a second attempt not sent", got.Attempts)
			}
			if n := mt.GetTotalCallCount(); n != 1 {
				t.Fatalf("tracker saw %d requests after cancel; want 1", n)
			}
		})
	}
}

func TestSendJournalsEveryDelivery(t *testing.T) {
	t.Parallel()
	d, mt := mockDispatcher(t, time.Millisecond)
	mt.RegisterResponder(http.MethodGet, "http://tracker.test/postback", httpmock.NewStringResponder(503, ""))
	sim := New(NewCatalog(), nil)
	sim.Dispatcher = d
	sent := sim.Send(context.Background(), Delivery{URL: testURL, Event: InitialPurchase})
	skipped := sim.Send(context.Background(), Delivery{URL: testURL, Skipped: "test-card orders fire no affiliate postbacks"})
	if mt.GetTotalCallCount() != 2 || len(sent.Attempts) != 2 || len(skipped.Attempts) != 0 {
		t.Fatalf("calls=%d, attempts %d and %d; want the sent one tried twice and the skipped one not at all",
			mt.GetTotalCallCount(), len(sent.Attempts), len(skipped.Attempts))
	}
	j := sim.Journal.Deliveries()
	if len(j) != 2 || len(j[0].Attempts) != 2 || j[1].Skipped == "" {
		t.Fatalf("journal = %+v; want both deliveries, the first with its 2 attempts", j)
	}
}

func TestDispatcherRealLoopback(t *testing.T) {
	t.Parallel()
	var got atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got.Store(r.URL.RawQuery)
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(srv.Close)
	d := &Dispatcher{Client: srv.Client()}
	del := d.Send(context.Background(), Delivery{URL: srv.URL + "/postback?clickid=abc&zip=SW1A+1AA"})
	if !del.Delivered || del.Status() != 204 {
		t.Fatalf("delivery = %+v", del.Attempts)
	}
	if q := got.Load(); q != "clickid=abc&zip=SW1A+1AA" {
		t.Fatalf("tracker received %q", q)
	}
}

func TestParseRetry(t *testing.T) {
	if r, err := ParseRetry("100ms, 2s"); err != nil || len(r) != 2 || r[1] != 2*time.Second {
		t.Fatalf("ParseRetry = %v, %v", r, err)
	}
	if r, err := ParseRetry("none"); err != nil || r != nil {
		t.Fatalf("ParseRetry(none) = %v, %v", r, err)
	}
	if _, err := ParseRetry("1s,soon"); err == nil || !strings.Contains(err.Error(), `"soon"`) {
		t.Fatalf("ParseRetry(1s,soon) error = %v", err)
	}
	// Bounded: a schedule that would hold a delivery for years, or retry
	// without end, is a typo, not a plan.
	if _, err := ParseRetry("2562047h"); err == nil || !strings.Contains(err.Error(), "longer than 24h0m0s, the longest allowed") {
		t.Fatalf("ParseRetry(2562047h) error = %v", err)
	}
	if r, err := ParseRetry("24h"); err != nil || r[0] != 24*time.Hour {
		t.Fatalf("ParseRetry(24h) = %v, %v", r, err)
	}
	many := strings.Repeat("1s,", MaxRetries) + "1s"
	if _, err := ParseRetry(many); err == nil || !strings.Contains(err.Error(), "at most 20 retries") {
		t.Fatalf("ParseRetry(%d waits) error = %v", MaxRetries+1, err)
	}
	if r, err := ParseRetry(many[:len(many)-3]); err != nil || len(r) != MaxRetries {
		t.Fatalf("ParseRetry(%d waits) = %d, %v", MaxRetries, len(r), err)
	}
}

// BenchmarkDispatchLoopback measures one delivery to a receiver on 127.0.0.1
// over a kept-alive connection.
func BenchmarkDispatchLoopback(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"status":"ok"}`))
	}))
	defer srv.Close()
	d := &Dispatcher{Client: srv.Client()}
	del := Delivery{URL: srv.URL + "/postback?clickid=65a1f0c2e4b0a1b2c3d4e5f6&sum=45.75&type=InitialPurchase"}
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if got := d.Send(ctx, del); !got.Delivered {
			b.Fatal(got.Error())
		}
	}
}

// rawReplier listens on 127.0.0.1 until the test ends and answers every
// request with reply, bytes that need not be HTTP; it returns the address.
func rawReplier(t *testing.T, reply string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			if _, err := http.ReadRequest(bufio.NewReader(conn)); err == nil {
				conn.Write([]byte(reply))
			}
			conn.Close()
		}
	}()
	return ln.Addr().String()
}

// TestDispatcherGarbageReply: a tracker that answers bytes that are not
// HTTP is a failed attempt with the reason, never a crash or a hang.
func TestDispatcherGarbageReply(t *testing.T) {
	t.Parallel()
	addr := rawReplier(t, "\x00\x17garbage, not HTTP\r\n\r\n")
	d := &Dispatcher{Timeout: 2 * time.Second, Retry: []time.Duration{time.Millisecond}}
	got := d.Send(context.Background(), Delivery{URL: "http://" + addr + "/postback?clickid=abc"})
	if got.Delivered || len(got.Attempts) != 2 || got.Status() != 0 || !strings.Contains(got.Error(), "malformed HTTP") {
		t.Fatalf("garbage reply: delivered=%v attempts=%+v", got.Delivered, got.Attempts)
	}
}

// TestDispatcherRedirect: a 3xx is not followed by default (only a 2xx
// counts, docs/clickbank.md §4): the attempt keeps the status and its
// Location and says so; FollowRedirects follows it.
func TestDispatcherRedirect(t *testing.T) {
	t.Parallel()
	var moved atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/moved" {
			moved.Add(1)
			return
		}
		http.Redirect(w, r, "/moved?clickid=abc", http.StatusFound)
	}))
	t.Cleanup(srv.Close)
	t.Run("NotFollowed", func(t *testing.T) {
		d := &Dispatcher{Client: srv.Client()}
		got := d.Send(context.Background(), Delivery{URL: srv.URL + "/postback?clickid=abc"})
		a := got.Attempts[0]
		if got.Delivered || a.Status != 302 || a.Location != "/moved?clickid=abc" ||
			!strings.Contains(a.Error, "redirect to /moved?clickid=abc not followed") || moved.Load() != 0 {
			t.Fatalf("delivered=%v attempt %+v, target hit %d times; want a 302 not followed, not delivered", got.Delivered, a, moved.Load())
		}
		if r := got.Record(); r.Tries[0].Location != a.Location {
			t.Errorf("record's try has location %q", r.Tries[0].Location)
		}
	})
	t.Run("Followed", func(t *testing.T) {
		d := &Dispatcher{Client: srv.Client(), FollowRedirects: true}
		got := d.Send(context.Background(), Delivery{URL: srv.URL + "/postback?clickid=abc"})
		if !got.Delivered || got.Status() != 200 || moved.Load() != 1 {
			t.Fatalf("delivered=%v attempts %+v; want the redirect followed to a 200", got.Delivered, got.Attempts)
		}
	})
}

// TestDispatcherQuotesLittleOfAReply: a reply that is not HTTP (a local
// service's banner) is quoted in the error only as a short, printable
// prefix: the rest, which may hold a secret, is elided.
func TestDispatcherQuotesLittleOfAReply(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ name, reply, says string }{
		{"StatusLine", "internal-db-password=hunter2\r\n\r\n", "malformed HTTP"},
		{"StatusCode", "HTTP/1.1 internal-db-password=hunter2\r\n\r\n", "malformed HTTP status code"},
		{"HeaderLine", "HTTP/1.1 200 OK\r\ninternal-db-password-hunter2\r\n\r\n", "malformed MIME header"},
		{"Binary", "HTTP/1.1 \x00\x01\x02\x1b[31m-banner-v2 hunter2\r\n\r\n", "malformed HTTP status code"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			addr := rawReplier(t, c.reply)
			d := &Dispatcher{Timeout: 5 * time.Second}
			got := d.Send(context.Background(), Delivery{URL: "http://" + addr + "/postback?clickid=abc"})
			msg := got.Error()
			if got.Delivered || !strings.Contains(msg, c.says) || strings.Contains(msg, "hunter2") || strings.ContainsAny(msg, "\x00\x01\x1b") {
				t.Fatalf("error %q; want %q without the secret or control bytes", msg, c.says)
			}
			if len(msg) > 160 {
				t.Errorf("error is %d bytes long: %q", len(msg), msg)
			}
		})
	}
}
