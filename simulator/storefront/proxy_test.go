package storefront

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"net/url"
	"os"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// proxyFixture is a Proxy behind a real loopback server, wrapping a handler
// that echoes what it was given.
type proxyFixture struct {
	p        *Proxy
	ca       *CA
	srv      *httptest.Server
	url      *url.URL     // the server's URL, the client's proxy
	connects atomic.Int64 // CONNECT requests the server received
	served   atomic.Int64 // requests the wrapped handler served
}

// echo is the wrapped handler's answer for r.
func echo(r *http.Request) string {
	return fmt.Sprintf("host=%s url=%s tls=%t proxy-auth=%q proxy-conn=%q",
		r.Host, r.URL, r.TLS != nil, r.Header.Get("Proxy-Authorization"), r.Header.Get("Proxy-Connection"))
}

func newProxyFixture(t *testing.T, configure func(*Proxy)) *proxyFixture {
	t.Helper()
	f := &proxyFixture{ca: newTestCAAt(t, time.Now())}
	f.p = NewProxy(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.served.Add(1)
		_, _ = io.WriteString(w, echo(r))
	}), f.ca)
	if configure != nil {
		configure(f.p)
	}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodConnect {
			f.connects.Add(1)
		}
		if f.p.Handles(r) {
			f.p.ServeHTTP(w, r)
			return
		}
		http.Error(w, "the control API", http.StatusTeapot)
	}))
	t.Cleanup(f.srv.Close)
	t.Cleanup(func() {
		if err := f.p.Close(); err != nil {
			t.Errorf("Proxy.Close: %v", err)
		}
	})
	u, err := url.Parse(f.srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	f.url = u
	return f
}

func newTestCAAt(t *testing.T, now time.Time) *CA {
	t.Helper()
	ca, err := NewCA(now)
	if err != nil {
		t.Fatalf("NewCA: %v", err)
	}
	return ca
}

// client returns an HTTP client that uses the proxy (with credentials, so
// the client sends Proxy-Authorization), trusts the CA, follows no
// redirect, and dials nothing but the proxy (any other dial is an error).
func (f *proxyFixture) client(t *testing.T) *http.Client {
	t.Helper()
	pu := *f.url
	pu.User = url.UserPassword("user", "secret")
	var d net.Dialer
	tr := &http.Transport{
		Proxy:           http.ProxyURL(&pu),
		TLSClientConfig: &tls.Config{RootCAs: f.ca.Pool()},
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			if addr != f.url.Host {
				return nil, fmt.Errorf("test client dialled %s, not the proxy %s", addr, f.url.Host)
			}
			return d.DialContext(ctx, network, addr)
		},
	}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{
		Transport:     tr,
		Timeout:       10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// get fetches u through the proxy and returns the status and body.
func get(t *testing.T, c *http.Client, u string) (int, string, error) {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), err
}

func TestProxyServesClickBankHosts(t *testing.T) {
	f := newProxyFixture(t, nil)
	c := f.client(t)
	cases := []struct {
		url  string
		want string
	}{
		{"https://hop.clickbank.net/x?y=1",
			`host=hop.clickbank.net url=https://hop.clickbank.net/x?y=1 tls=true proxy-auth="" proxy-conn=""`},
		{"https://hop.clickbank.net/?affiliate=aff01&vendor=ven01&tid=abc",
			`host=hop.clickbank.net url=https://hop.clickbank.net/?affiliate=aff01&vendor=ven01&tid=abc tls=true proxy-auth="" proxy-conn=""`},
		{"https://aff01.ven01.hop.clickbank.net/",
			`host=aff01.ven01.hop.clickbank.net url=https://aff01.ven01.hop.clickbank.net/ tls=true proxy-auth="" proxy-conn=""`},
		{"http://ven01.pay.clickbank.net/?cbitems=A",
			`host=ven01.pay.clickbank.net url=http://ven01.pay.clickbank.net/?cbitems=A tls=false proxy-auth="" proxy-conn=""`},
		{"http://hop.clickbank.net:80/p",
			`host=hop.clickbank.net url=http://hop.clickbank.net/p tls=false proxy-auth="" proxy-conn=""`},
		{"https://ven01.pay.clickbank.net:443/?cbitems=A&vtid=v1",
			`host=ven01.pay.clickbank.net url=https://ven01.pay.clickbank.net/?cbitems=A&vtid=v1 tls=true proxy-auth="" proxy-conn=""`},
	}
	for _, tc := range cases {
		t.Run(tc.url, func(t *testing.T) {
			code, body, err := get(t, c, tc.url)
			if err != nil {
				t.Fatalf("GET %s through the proxy: %v", tc.url, err)
			}
			if code != http.StatusOK || body != tc.want {
				t.Errorf("GET %s = %d %q\nwant 200 %q", tc.url, code, body, tc.want)
			}
		})
	}
}

// TestProxyStripsProxyHeaders sends the proxy's own headers by hand (Go's
// client puts Proxy-Authorization on the CONNECT, not inside the tunnel).
func TestProxyStripsProxyHeaders(t *testing.T) {
	f := newProxyFixture(t, nil)
	conn := dialProxy(t, f)
	_, _ = io.WriteString(conn, "GET http://hop.clickbank.net/h HTTP/1.1\r\nHost: hop.clickbank.net\r\n"+
		"Proxy-Connection: keep-alive\r\nProxy-Authorization: Basic dTpw\r\n\r\n")
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("read response: %v", err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	want := `host=hop.clickbank.net url=http://hop.clickbank.net/h tls=false proxy-auth="" proxy-conn=""`
	if resp.StatusCode != http.StatusOK || string(b) != want {
		t.Errorf("got %d %q\nwant 200 %q", resp.StatusCode, b, want)
	}
}

func TestProxyTunnelKeepAlive(t *testing.T) {
	f := newProxyFixture(t, nil)
	c := f.client(t)
	var reused []bool
	for _, path := range []string{"/a", "/b", "/c"} {
		req, err := http.NewRequest(http.MethodGet, "https://hop.clickbank.net"+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		req = req.WithContext(httptrace.WithClientTrace(req.Context(), &httptrace.ClientTrace{
			GotConn: func(i httptrace.GotConnInfo) { reused = append(reused, i.Reused) },
		}))
		resp, err := c.Do(req)
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !strings.Contains(string(b), "url=https://hop.clickbank.net"+path+" ") {
			t.Errorf("GET %s = %q", path, b)
		}
	}
	if fmt.Sprint(reused) != "[false true true]" {
		t.Errorf("connections reused = %v, want [false true true]", reused)
	}
	if n := f.connects.Load(); n != 1 {
		t.Errorf("proxy got %d CONNECTs for three requests, want 1", n)
	}
}

// countingListener is a loopback port that counts the connections made to
// it: a proxy that dialled the host it was asked for would show up here.
func countingListener(t *testing.T) (addr string, count *atomic.Int64) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	count = new(atomic.Int64)
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			count.Add(1)
			c.Close()
		}
	}()
	return l.Addr().String(), count
}

func TestProxyRefusesOtherHosts(t *testing.T) {
	f := newProxyFixture(t, nil)
	c := f.client(t)
	target, dialled := countingListener(t)
	cases := []struct {
		url     string
		connect bool // refused at the CONNECT: the client sees an error
	}{
		{"https://example.com/", true},
		{"https://evil.com/?affiliate=aff01", true},
		{"https://clickbank.net.evil.com/", true},
		{"https://" + target + "/", true},
		{"https://hop.clickbank.net:8443/", true},
		{"http://example.com/", false},
		{"http://" + target + "/", false},
		{"http://hop.clickbank.net:8080/", false},
	}
	for _, tc := range cases {
		t.Run(tc.url, func(t *testing.T) {
			code, body, err := get(t, c, tc.url)
			if tc.connect {
				if err == nil || !strings.Contains(err.Error(), "Forbidden") {
					t.Fatalf("GET %s = %d, %v: want a Forbidden error from the CONNECT", tc.url, code, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("GET %s: %v", tc.url, err)
			}
			if code != http.StatusForbidden || !strings.Contains(body, "/proxy.pac") || !strings.Contains(body, "clickbank.net") {
				t.Errorf("GET %s = %d %q: want 403 naming clickbank.net and /proxy.pac", tc.url, code, body)
			}
		})
	}
	if n := dialled.Load(); n != 0 {
		t.Errorf("the proxy dialled %s %d times, want never", target, n)
	}
	if n := f.served.Load(); n != 0 {
		t.Errorf("the wrapped handler served %d refused requests", n)
	}
}

// dialProxy opens a raw connection to the proxy with a guard deadline, so a
// test that waits for the proxy to close it cannot hang.
func dialProxy(t *testing.T, f *proxyFixture) net.Conn {
	t.Helper()
	conn, err := net.Dial("tcp", f.url.Host)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	return conn
}

// connect sends CONNECT target on a raw connection and reads the answer.
func connect(t *testing.T, f *proxyFixture, target string) (net.Conn, *bufio.Reader, *http.Response) {
	t.Helper()
	conn := dialProxy(t, f)
	_, err := fmt.Fprintf(conn, "CONNECT %s HTTP/1.1\r\nHost: %s\r\n\r\n", target, target)
	if err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, &http.Request{Method: http.MethodConnect})
	if err != nil {
		t.Fatalf("CONNECT %s: %v", target, err)
	}
	return conn, br, resp
}

func TestProxyConnectRefusal(t *testing.T) {
	f := newProxyFixture(t, nil)
	cases := []struct {
		target string
		code   int
		says   string
	}{
		{"example.com:443", http.StatusForbidden, "not a ClickBank host"},
		{"127.0.0.1:443", http.StatusForbidden, "not a ClickBank host"},
		{"hop.clickbank.net:22", http.StatusForbidden, "port 22 is not proxied"},
		{"hop.clickbank.net", http.StatusBadRequest, "must be host:port"},
	}
	for _, tc := range cases {
		t.Run(tc.target, func(t *testing.T) {
			_, _, resp := connect(t, f, tc.target)
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tc.code || !strings.Contains(string(b), tc.says) {
				t.Errorf("CONNECT %s = %d %q: want %d saying %q", tc.target, resp.StatusCode, b, tc.code, tc.says)
			}
		})
	}
}

func TestProxyConnectPlainPort80(t *testing.T) {
	f := newProxyFixture(t, nil)
	conn, br, resp := connect(t, f, "hop.clickbank.net:80")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("CONNECT hop.clickbank.net:80 = %d", resp.StatusCode)
	}
	_, _ = io.WriteString(conn, "GET /p?q=1 HTTP/1.1\r\nHost: elsewhere.example\r\n\r\n")
	got, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(got.Body)
	got.Body.Close()
	want := `host=hop.clickbank.net url=http://hop.clickbank.net/p?q=1 tls=false proxy-auth="" proxy-conn=""`
	if string(b) != want {
		t.Errorf("request on the plain tunnel = %q\nwant %q", b, want)
	}
}

// earlyConn sends the CONNECT request in the same write as the first TLS
// bytes, and swallows the proxy's 200 before TLS reads: a client that does
// not wait for the answer.
type earlyConn struct {
	net.Conn
	connect []byte // written with the first Write
	answer  int    // bytes of the 200 answer still to swallow
}

func (c *earlyConn) Write(b []byte) (int, error) {
	if c.connect != nil {
		first := append(c.connect, b...)
		c.connect = nil
		if _, err := c.Conn.Write(first); err != nil {
			return 0, err
		}
		return len(b), nil
	}
	return c.Conn.Write(b)
}

func (c *earlyConn) Read(b []byte) (int, error) {
	if c.answer > 0 {
		buf := make([]byte, c.answer)
		if _, err := io.ReadFull(c.Conn, buf); err != nil {
			return 0, err
		}
		if string(buf) != "HTTP/1.1 200 Connection Established\r\n\r\n" {
			return 0, fmt.Errorf("answer to CONNECT = %q", buf)
		}
		c.answer = 0
	}
	return c.Conn.Read(b)
}

func TestProxyTunnelClientHelloWithConnect(t *testing.T) {
	f := newProxyFixture(t, nil)
	raw := dialProxy(t, f)
	ec := &earlyConn{Conn: raw, connect: []byte("CONNECT hop.clickbank.net:443 HTTP/1.1\r\nHost: hop.clickbank.net:443\r\n\r\n"),
		answer: len("HTTP/1.1 200 Connection Established\r\n\r\n")}
	tc := tls.Client(ec, &tls.Config{ServerName: "hop.clickbank.net", RootCAs: f.ca.Pool()})
	if err := tc.Handshake(); err != nil {
		t.Fatalf("handshake with the ClientHello sent along the CONNECT: %v", err)
	}
	_, _ = io.WriteString(tc, "GET /early HTTP/1.1\r\nHost: hop.clickbank.net\r\n\r\n")
	resp, err := http.ReadResponse(bufio.NewReader(tc), nil)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(b), "url=https://hop.clickbank.net/early tls=true") {
		t.Errorf("request on the tunnel = %q", b)
	}
}

// waitClosed reads conn until the proxy closes it; it fails when the
// guard deadline of dialProxy runs out first, or the proxy sends more than
// want allows.
func waitClosed(t *testing.T, r io.Reader, want string) {
	t.Helper()
	b, err := io.ReadAll(r)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		t.Fatalf("the proxy left the tunnel open (read %q)", b)
	}
	if !strings.Contains(string(b), want) {
		t.Errorf("before closing the tunnel the proxy sent %q, want it to contain %q", b, want)
	}
}

func TestProxyTunnelGarbage(t *testing.T) {
	f := newProxyFixture(t, nil)
	cases := []struct {
		name  string
		bytes string
		want  string
	}{
		{"plain HTTP instead of TLS", "GET / HTTP/1.1\r\nHost: hop.clickbank.net\r\n\r\n", "400 Bad Request"},
		{"bad TLS record", "\x16\x03\x01\x00\x05hello", ""},
		{"noise", strings.Repeat("\x00\xff", 300), ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			conn, br, resp := connect(t, f, "hop.clickbank.net:443")
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("CONNECT = %d", resp.StatusCode)
			}
			_, _ = io.WriteString(conn, tc.bytes)
			waitClosed(t, br, tc.want)
		})
	}
	if n := f.served.Load(); n != 0 {
		t.Errorf("the wrapped handler served %d requests from garbage", n)
	}
}

func TestProxyTunnelServerNameMismatch(t *testing.T) {
	f := newProxyFixture(t, nil)
	conn, br, resp := connect(t, f, "hop.clickbank.net:443")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("CONNECT = %d", resp.StatusCode)
	}
	rc := &readerConn{Conn: conn, r: br}
	// The client skips verification, so only the proxy can fail this
	// handshake: it must refuse a server name that is not the CONNECT host.
	tc := tls.Client(rc, &tls.Config{ServerName: "ven01.pay.clickbank.net", InsecureSkipVerify: true})
	if err := tc.Handshake(); err == nil {
		t.Fatalf("TLS for ven01.pay.clickbank.net in a tunnel to hop.clickbank.net succeeded")
	}
}

// readerConn reads through r (which holds what a bufio.Reader buffered).
type readerConn struct {
	net.Conn
	r io.Reader
}

func (c *readerConn) Read(b []byte) (int, error) { return c.r.Read(b) }

// tlsTunnel opens a TLS tunnel to hop.clickbank.net and finishes the handshake.
func tlsTunnel(t *testing.T, f *proxyFixture) *tls.Conn {
	t.Helper()
	conn, br, resp := connect(t, f, "hop.clickbank.net:443")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("CONNECT = %d", resp.StatusCode)
	}
	tc := tls.Client(&readerConn{Conn: conn, r: br}, &tls.Config{ServerName: "hop.clickbank.net", RootCAs: f.ca.Pool()})
	if err := tc.Handshake(); err != nil {
		t.Fatalf("handshake: %v", err)
	}
	return tc
}

func TestProxyTimeouts(t *testing.T) {
	cases := []struct {
		name string
		set  func(*Proxy)
		open func(*testing.T, *proxyFixture) io.Reader
	}{
		{"CONNECT then nothing", func(p *Proxy) { p.HandshakeTimeout = 50 * time.Millisecond },
			func(t *testing.T, f *proxyFixture) io.Reader {
				_, br, resp := connect(t, f, "hop.clickbank.net:443")
				if resp.StatusCode != http.StatusOK {
					t.Fatalf("CONNECT = %d", resp.StatusCode)
				}
				return br
			}},
		{"TLS then no request", func(p *Proxy) { p.IdleTimeout = 50 * time.Millisecond },
			func(t *testing.T, f *proxyFixture) io.Reader { return tlsTunnel(t, f) }},
		{"idle after a request", func(p *Proxy) { p.IdleTimeout = 50 * time.Millisecond },
			func(t *testing.T, f *proxyFixture) io.Reader {
				tc := tlsTunnel(t, f)
				_, _ = io.WriteString(tc, "GET /one HTTP/1.1\r\nHost: hop.clickbank.net\r\n\r\n")
				br := bufio.NewReader(tc)
				resp, err := http.ReadResponse(br, nil)
				if err != nil {
					t.Fatal(err)
				}
				_, _ = io.ReadAll(resp.Body)
				resp.Body.Close()
				return br
			}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newProxyFixture(t, tc.set)
			start := time.Now()
			waitClosed(t, tc.open(t, f), "")
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("tunnel closed after %v, want about 50ms", d)
			}
		})
	}
}

// openTunnels is how many tunnels the proxy still serves.
func (p *Proxy) openTunnels() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.tunnels)
}

func TestProxyTunnelEndsWithItsClient(t *testing.T) {
	f := newProxyFixture(t, nil)
	tc := tlsTunnel(t, f)
	_, _ = io.WriteString(tc, "GET /one HTTP/1.1\r\nHost: hop.clickbank.net\r\n\r\n")
	resp, err := http.ReadResponse(bufio.NewReader(tc), nil)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if n := f.p.openTunnels(); n != 1 {
		t.Fatalf("%d tunnels open while the client holds one, want 1", n)
	}
	tc.Close()
	deadline := time.Now().Add(5 * time.Second)
	for f.p.openTunnels() != 0 {
		if time.Now().After(deadline) {
			t.Fatalf("the tunnel still serves 5s after its client left")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestProxyCloseClosesTunnels(t *testing.T) {
	before := runtime.NumGoroutine()
	f := newProxyFixture(t, nil)
	c := f.client(t)
	if _, _, err := get(t, c, "https://hop.clickbank.net/warm"); err != nil {
		t.Fatal(err)
	}
	served := tlsTunnel(t, f)
	_, br, resp := connect(t, f, "hop.clickbank.net:443") // set up, never handshakes
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("CONNECT = %d", resp.StatusCode)
	}
	done := make(chan error, 1)
	go func() { done <- f.p.Close() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Close: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not return within 5s with three tunnels open")
	}
	waitClosed(t, served, "")
	waitClosed(t, br, "")

	// A CONNECT after Close gets no tunnel.
	_, _, lresp := connect(t, f, "hop.clickbank.net:443")
	if lresp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("CONNECT after Close = %d, want 503", lresp.StatusCode)
	}

	f.srv.Close()
	c.Transport.(*http.Transport).CloseIdleConnections()
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			n := runtime.Stack(buf, true)
			t.Fatalf("%d goroutines after Close, %d before:\n%s", runtime.NumGoroutine(), before, buf[:n])
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestProxyPAC(t *testing.T) {
	f := newProxyFixture(t, nil)
	resp, err := http.Get(f.srv.URL + "/proxy.pac")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if ct := resp.Header.Get("Content-Type"); ct != "application/x-ns-proxy-autoconfig" {
		t.Errorf("Content-Type = %q", ct)
	}
	for _, want := range []string{
		"function FindProxyForURL(url, host)",
		`host == "clickbank.net" || dnsDomainIs(host, ".clickbank.net")`,
		`return "PROXY ` + f.url.Host + `";`,
		`return "DIRECT";`,
	} {
		if !strings.Contains(string(b), want) {
			t.Errorf("proxy.pac lacks %q:\n%s", want, b)
		}
	}

	conn := dialProxy(t, f)
	_, _ = io.WriteString(conn, "GET /proxy.pac HTTP/1.1\r\nHost: evil(1)\r\n\r\n")
	bad, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	bb, _ := io.ReadAll(bad.Body)
	bad.Body.Close()
	if bad.StatusCode != http.StatusBadRequest || strings.Contains(string(bb), "FindProxyForURL") {
		t.Errorf("proxy.pac for Host evil(1) = %d %q: want 400 and no script", bad.StatusCode, bb)
	}
}

func TestProxyCAPEM(t *testing.T) {
	f := newProxyFixture(t, nil)
	resp, err := http.Get(f.srv.URL + "/ca.pem")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	block, _ := pem.Decode(b)
	if resp.StatusCode != http.StatusOK || block == nil {
		t.Fatalf("GET /ca.pem = %d %q", resp.StatusCode, b)
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil || !cert.Equal(f.ca.cert) {
		t.Errorf("GET /ca.pem is not the CA certificate (%v)", err)
	}
}

func TestProxyHandles(t *testing.T) {
	p := NewProxy(http.NotFoundHandler(), nil)
	cases := []struct {
		method, target string
		want           bool
	}{
		{"CONNECT", "hop.clickbank.net:443", true},
		{"CONNECT", "example.com:443", true},
		{"GET", "http://hop.clickbank.net/?affiliate=a", true},
		{"POST", "http://ven01.pay.clickbank.net/", true},
		{"GET", "http://example.com/", true},
		{"GET", "/proxy.pac", true},
		{"HEAD", "/proxy.pac", true},
		{"GET", "/ca.pem", true},
		{"POST", "/proxy.pac", false},
		{"GET", "/ca.pem.txt", false},
		{"GET", "/", false},
		{"GET", "/hop?affiliate=a", false},
		{"GET", "/journal", false},
	}
	for _, tc := range cases {
		r := httptest.NewRequest(tc.method, tc.target, nil)
		if got := p.Handles(r); got != tc.want {
			t.Errorf("Handles(%s %s) = %v, want %v", tc.method, tc.target, got, tc.want)
		}
	}
}

// TestProxyNeverDials guards the promise in the Proxy doc comment at the
// source: nothing in the proxy opens a connection.
func TestProxyNeverDials(t *testing.T) {
	for _, file := range []string{"proxy.go", "ca.go"} {
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, call := range []string{"Dial", "http.Client", "Transport", "ReverseProxy"} {
			if strings.Contains(string(src), call) {
				t.Errorf("%s mentions %s: the proxy must never connect anywhere", file, call)
			}
		}
	}
}
