package load

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// rawServer is a loopback TCP server that reads each request's head and
// answers with reply(n), n counting requests from 0 across connections. A
// reply of "" hangs until the connection closes; "RESET" closes the
// connection without answering; "CLOSE:"+text answers text and closes.
type rawServer struct {
	ln    net.Listener
	reply func(n int) string
	mu    sync.Mutex
	n     int
	conns []net.Conn
	paths []string
	wg    sync.WaitGroup
}

func newRawServer(t testing.TB, reply func(n int) string) *rawServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &rawServer{ln: ln, reply: reply}
	s.wg.Add(1)
	go s.accept()
	t.Cleanup(s.close)
	return s
}

func (s *rawServer) url() string { return "http://" + s.ln.Addr().String() }

func (s *rawServer) close() {
	s.ln.Close()
	s.mu.Lock()
	for _, c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
}

func (s *rawServer) accept() {
	defer s.wg.Done()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		s.conns = append(s.conns, c)
		s.mu.Unlock()
		s.wg.Add(1)
		go s.serve(c)
	}
}

func (s *rawServer) serve(c net.Conn) {
	defer s.wg.Done()
	defer c.Close()
	br := bufio.NewReader(c)
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			return
		}
		for {
			h, err := br.ReadString('\n')
			if err != nil {
				return
			}
			if h == "\r\n" {
				break
			}
		}
		s.mu.Lock()
		n := s.n
		s.n++
		s.paths = append(s.paths, strings.Fields(line)[1])
		s.mu.Unlock()
		r := s.reply(n)
		switch {
		case r == "":
			io.Copy(io.Discard, br) // hang until the client gives up
			return
		case r == "RESET":
			if tc, ok := c.(*net.TCPConn); ok {
				tc.SetLinger(0)
			}
			return
		case strings.HasPrefix(r, "CLOSE:"):
			io.WriteString(c, r[len("CLOSE:"):])
			return
		}
		if _, err := io.WriteString(c, r); err != nil {
			return
		}
	}
}

func (s *rawServer) requests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.n
}

const ok200 = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"

func TestClient(t *testing.T) {
	big := strings.Repeat("x", 10000)
	tests := []struct {
		name   string
		reply  string
		status int
		reason Reason
		body   string
		keep   bool // the connection stays open for the next request
	}{
		{"plain", ok200, 200, ReasonOK, "", true},
		{"body", "HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok", 200, ReasonOK, "ok", true},
		{"big body kept to 4 KiB", "HTTP/1.1 200 OK\r\nContent-Length: 10000\r\n\r\n" + big, 200, ReasonOK, big[:keepBody], true},
		{"chunked", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3;x=y\r\nabc\r\n2\r\nde\r\n0\r\nTrailer: 1\r\n\r\n", 200, ReasonOK, "abcde", true},
		{"http/1.0 close", "CLOSE:HTTP/1.0 200 OK\r\n\r\nbye", 200, ReasonOK, "bye", false},
		{"connection close", "CLOSE:HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 1\r\n\r\nz", 200, ReasonOK, "z", false},
		{"lf only", "HTTP/1.1 204 No Content\n\n", 204, ReasonOK, "", true},
		{"100 continue first", "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n", 201, ReasonOK, "", true},
		{"5xx", "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\n\r\nbusy", 503, ReasonOK, "busy", true},
		{"reset", "RESET", 0, ReasonReset, "", false},
		{"closed early", "CLOSE:HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", 200, ReasonReset, "", false},
		{"garbage", "CLOSE:SSH-2.0-OpenSSH_9.6\r\n", 0, ReasonBadResponse, "", false},
		{"bad status", "CLOSE:HTTP/1.1 2x0 OK\r\n\r\n", 0, ReasonBadResponse, "", false},
		{"bad length", "CLOSE:HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", 200, ReasonBadResponse, "", false},
		{"bad chunk", "CLOSE:HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 200, ReasonBadResponse, "", false},
		{"hang", "", 0, ReasonTimeout, "", false},
		{"head hangs", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nab", 200, ReasonTimeout, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newRawServer(t, func(n int) string {
				if n == 0 {
					return tt.reply
				}
				return ok200
			})
			target, err := ParseTarget(srv.url())
			if err != nil {
				t.Fatal(err)
			}
			c := newClient(target, nil, 300*time.Millisecond)
			defer c.close()
			r := c.do("/postback?clickid=abc")
			if r.status != tt.status || r.reason != tt.reason {
				t.Fatalf("got status %d reason %s (%v), want %d %s", r.status, r.reason, r.err, tt.status, tt.reason)
			}
			if r.reason == ReasonOK && string(c.body) != tt.body {
				t.Errorf("body %q, want %q", trunc(c.body), trunc([]byte(tt.body)))
			}
			if (c.nc != nil) != tt.keep {
				t.Errorf("connection open = %v, want %v", c.nc != nil, tt.keep)
			}
			// whatever happened, the next request works (on a new connection if need be)
			if r := c.do("/next"); r.status != 200 || r.reason != ReasonOK {
				t.Errorf("next request: status %d reason %s (%v)", r.status, r.reason, r.err)
			}
		})
	}
}

func TestClientConnectAndCancel(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	target, _ := ParseTarget("http://" + addr)
	c := newClient(target, nil, time.Second)
	if r := c.do("/"); r.reason != ReasonConnect {
		t.Errorf("nothing listening: reason %s (%v), want connect", r.reason, r.err)
	}

	srv := newRawServer(t, func(int) string { return "" })
	target, _ = ParseTarget(srv.url())
	c = newClient(target, nil, time.Minute)
	done := make(chan reply)
	go func() { done <- c.do("/") }()
	deadline := time.Now().Add(10 * time.Second)
	for srv.requests() == 0 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	c.cancel()
	if r := <-done; r.reason != ReasonCanceled {
		t.Errorf("canceled in flight: reason %s, want canceled", r.reason)
	}
	if r := c.do("/"); r.reason != ReasonCanceled {
		t.Errorf("after cancel: reason %s, want canceled", r.reason)
	}
}

func TestRequestURI(t *testing.T) {
	for in, want := range map[string]string{
		"http://127.0.0.1:8800/postback?a=1": "/postback?a=1",
		"https://h/p":                        "/p",
		"http://h?x=1":                       "/?x=1",
		"http://h":                           "/",
		"/already?x":                         "/already?x",
	} {
		if got := requestURI(in); got != want {
			t.Errorf("requestURI(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseTarget(t *testing.T) {
	if tg, err := ParseTarget("https://tracker.example"); err != nil || tg.Addr != "tracker.example:443" || tg.Host != "tracker.example" {
		t.Errorf("got %+v, %v", tg, err)
	}
	for _, bad := range []string{"", "ftp://x", "127.0.0.1:80", "http://"} {
		if _, err := ParseTarget(bad); err == nil || !strings.Contains(err.Error(), "absolute http or https URL") {
			t.Errorf("ParseTarget(%q): error %v", bad, err)
		}
	}
}

// pipeConn is a net.Conn over a fixed reply, for the parser fuzz.
type pipeConn struct {
	net.Conn
	r io.Reader
}

func (p pipeConn) Read(b []byte) (int, error)      { return p.r.Read(b) }
func (p pipeConn) Write(b []byte) (int, error)     { return len(b), nil }
func (p pipeConn) Close() error                    { return nil }
func (p pipeConn) SetDeadline(time.Time) error     { return nil }
func (p pipeConn) SetReadDeadline(time.Time) error { return nil }

// FuzzReadReply feeds the reply parser arbitrary bytes: it must return
// (never panic, never loop) with a status in range and a kept body of at
// most 4 KiB.
func FuzzReadReply(f *testing.F) {
	for _, s := range []string{ok200, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
		"HTTP/1.0 200 OK\r\n\r\nbody", "HTTP/1.1 100 Continue\r\n\r\n", "garbage", "HTTP/1.1 200 OK\r\nContent-Length: 99999999999\r\n\r\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c := &client{body: make([]byte, 0, keepBody)}
		c.nc = pipeConn{r: bytes.NewReader(data)}
		c.br = bufio.NewReaderSize(c.nc, 8<<10)
		status, _, err := c.readReply()
		if err == nil && (status < 100 || status > 999) {
			t.Fatalf("status %d without an error", status)
		}
		if len(c.body) > keepBody {
			t.Fatalf("kept %d bytes", len(c.body))
		}
	})
}

func TestClientTLS(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.RequestURI() != "/postback?clickid=abc" || r.UserAgent() != "cbsim-load" {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		io.WriteString(w, "accepted")
	}))
	defer srv.Close()
	target, err := ParseTarget(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(srv.Certificate())
	c := newClient(target, &tls.Config{RootCAs: pool}, 5*time.Second)
	defer c.close()
	for range 3 {
		if r := c.do("/postback?clickid=abc"); r.status != 200 || r.reason != ReasonOK || string(c.body) != "accepted" {
			t.Fatalf("status %d reason %s (%v) body %q", r.status, r.reason, r.err, c.body)
		}
	}
	untrusted := newClient(target, nil, 5*time.Second)
	if r := untrusted.do("/"); r.reason != ReasonConnect {
		t.Errorf("an untrusted certificate: reason %s (%v), want connect", r.reason, r.err)
	}
}

func TestClientIdleClosedByServer(t *testing.T) {
	srv := newRawServer(t, func(int) string { return "CLOSE:" + ok200 }) // answers, then closes without saying
	target, _ := ParseTarget(srv.url())
	c := newClient(target, nil, time.Second)
	defer c.close()
	if r := c.do("/1"); r.reason != ReasonOK {
		t.Fatalf("first: %s (%v)", r.reason, r.err)
	}
	c.idleAt = c.idleAt.Add(-2 * idleCheck) // as if idle for a while
	if r := c.do("/2"); r.reason != ReasonOK {
		t.Fatalf("after the server closed an idle connection: %s (%v), want a new connection", r.reason, r.err)
	}
	if n := srv.requests(); n != 2 {
		t.Errorf("server saw %d requests, want 2", n)
	}
}
