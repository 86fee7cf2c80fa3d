package simulator

import (
	"bufio"
	"context"
	"errors"
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

func TestDispatcherCancelStopsRetries(t *testing.T) {
	t.Parallel()
	d, mt := mockDispatcher(t, time.Hour, time.Hour)
	mt.RegisterResponder(http.MethodGet, "http://tracker.test/postback", httpmock.NewStringResponder(500, ""))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan Delivery)
	go func() { done <- d.Send(ctx, Delivery{URL: testURL}) }()
	deadline := time.Now().Add(5 * time.Second)
	for mt.GetTotalCallCount() == 0 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	cancel()
	select {
	case got := <-done:
		if got.Delivered || len(got.Attempts) != 2 || !strings.Contains(got.Error(), "not sent") {
			t.Fatalf("after cancel: %+v", got.Attempts)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Send did not return after the context was cancelled")
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

// TestDispatcherGarbageReply: a tracker that answers bytes that are not
// HTTP is a failed attempt with the reason, never a crash or a hang.
func TestDispatcherGarbageReply(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			// read the request, then answer bytes that are not HTTP
			if _, err := http.ReadRequest(bufio.NewReader(c)); err == nil {
				c.Write([]byte("\x00\x17garbage, not HTTP\r\n\r\n"))
			}
			c.Close()
		}
	}()
	d := &Dispatcher{Timeout: 2 * time.Second, Retry: []time.Duration{time.Millisecond}}
	got := d.Send(context.Background(), Delivery{URL: "http://" + ln.Addr().String() + "/postback?clickid=abc"})
	if got.Delivered || len(got.Attempts) != 2 || got.Status() != 0 || !strings.Contains(got.Error(), "malformed HTTP") {
		t.Fatalf("garbage reply: delivered=%v attempts=%+v", got.Delivered, got.Attempts)
	}
}
