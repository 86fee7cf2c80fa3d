package tracker_test

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/cbsim/cbsim/tracker"
)

// guard bounds how long a test waits for what must happen; reaching it is
// a failure, never a measurement.
const guard = 20 * time.Second

// dial opens a raw connection to the server whose reads fail after guard.
func dial(t *testing.T, srv *tracker.Server) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", strings.TrimPrefix(srv.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(guard))
	return c
}

// send writes a raw request.
func send(t *testing.T, c net.Conn, req string) {
	t.Helper()
	if _, err := io.WriteString(c, req); err != nil {
		t.Fatal(err)
	}
}

// closedByServer reads c to its end and fails unless the server closed it
// (EOF or a reset) before guard.
func closedByServer(t *testing.T, r io.Reader) {
	t.Helper()
	_, err := io.Copy(io.Discard, r)
	if ne, ok := errors.AsType[net.Error](err); ok && ne.Timeout() {
		t.Fatalf("the connection was still open after %s", guard)
	}
}

// TestIdleConnClosed: a keep-alive connection that sends nothing after its
// first request is closed after IdleTimeout (issue 10: 300 idle
// connections still held after 20 s).
func TestIdleConnClosed(t *testing.T) {
	f := newFixture(t, tracker.Config{Server: tracker.ServerLimits{IdleTimeout: 50 * time.Millisecond}})
	c := dial(t, f.srv)
	send(t, c, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
	br := bufio.NewReader(c)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Close {
		t.Fatalf("healthz: %d, close %v: want a kept-alive 200", resp.StatusCode, resp.Close)
	}
	closedByServer(t, br)
}

// TestTricklingBodyCutOff: a body that stops arriving is cut off by
// ReadTimeout, and the connection is closed (issue 10: held forever).
func TestTricklingBodyCutOff(t *testing.T) {
	f := newFixture(t, tracker.Config{Server: tracker.ServerLimits{ReadTimeout: 100 * time.Millisecond}})
	c := dial(t, f.srv)
	send(t, c, "POST /campaigns?api_key="+testKey+" HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"title\":")
	closedByServer(t, c)
	if _, n := f.items("/api/campaigns"); n != 1 {
		t.Errorf("%d campaigns, want the fixture's 1", n)
	}
}

// TestUnauthorizedBeforeBody: a request with a wrong api_key is answered
// 401 at once, without waiting for its body, and the connection closed.
func TestUnauthorizedBeforeBody(t *testing.T) {
	f := newFixture(t, tracker.Config{})
	c := dial(t, f.srv)
	send(t, c, "POST /campaigns?api_key=wrong HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n{")
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("no reply before the body was sent: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized || !resp.Close {
		t.Errorf("status %d, close %v: want 401 and the connection closed", resp.StatusCode, resp.Close)
	}
}

// TestBodyLimit: a body over MaxBodyBytes is refused.
func TestBodyLimit(t *testing.T) {
	f := newFixture(t, tracker.Config{Campaigns: []tracker.Campaign{}, Server: tracker.ServerLimits{MaxBodyBytes: 100}})
	long := `{"title":"a","cbsim":{"offer_url":"http://127.0.0.1/` + strings.Repeat("x", 100) + `"}}`
	r := f.do(http.MethodPost, "/campaigns?api_key="+testKey, long)
	hasStatus(http.StatusBadRequest)(t, r)
	hasField("param", "body")(t, r)
	errorContains("too large")(t, r)
	hasStatus(http.StatusCreated)(t, f.do(http.MethodPost, "/campaigns?api_key="+testKey, `{"title":"a","cbsim":{"offer_url":"http://127.0.0.1/"}}`))
}

// TestHeaderLimit: a request line and headers over MaxHeaderBytes are
// refused 431 (or, when the server closes before the client has read that,
// a reset): never served.
func TestHeaderLimit(t *testing.T) {
	f := newFixture(t, tracker.Config{Server: tracker.ServerLimits{MaxHeaderBytes: 1024}})
	c := dial(t, f.srv)
	// net/http allows MaxHeaderBytes + 4096.
	send(t, c, "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Pad: "+strings.Repeat("x", 6000)+"\r\n\r\n")
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err == nil {
		resp.Body.Close()
		if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
			t.Errorf("status %d, want 431", resp.StatusCode)
		}
	} else if ne, ok := errors.AsType[net.Error](err); ok && ne.Timeout() {
		t.Fatalf("no reply: %v", err)
	}
}

// TestConnLimit: with MaxConns 2, two open connections hold the server;
// a third is served once one of them closes: the slot is given back. That
// the third waits is limitListener's test (conns_test.go), where it can be
// shown without timing.
func TestConnLimit(t *testing.T) {
	f := newFixture(t, tracker.Config{Server: tracker.ServerLimits{MaxConns: 2}})
	var held []net.Conn
	for range 2 {
		c := dial(t, f.srv)
		send(t, c, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
		if resp, err := http.ReadResponse(bufio.NewReader(c), nil); err != nil || resp.StatusCode != 200 {
			t.Fatalf("healthz: %v", err)
		}
		held = append(held, c)
	}
	third := dial(t, f.srv)
	send(t, third, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
	held[0].Close()
	resp, err := http.ReadResponse(bufio.NewReader(third), nil)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("third connection after one closed: %v", err)
	}
}
