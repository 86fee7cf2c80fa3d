package storefront

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// DefaultHandshakeTimeout bounds what a tunnel may take from the CONNECT to
// the end of its TLS handshake (Proxy.HandshakeTimeout).
const DefaultHandshakeTimeout = 10 * time.Second

// DefaultIdleTimeout is how long a tunnel may wait for a request, before its
// first one and between two, before it is closed (Proxy.IdleTimeout). [choice]
const DefaultIdleTimeout = 2 * time.Minute

// Proxy makes cbsim answer for ClickBank's own host names (hop.clickbank.net,
// AFF.VEN.hop.clickbank.net, VEN.pay.clickbank.net; docs/clickbank.md §3)
// when a client uses cbsim as its HTTP proxy, so a hoplink copied from a
// real tracker set-up works unchanged. It never dials anything: requests for
// a ClickBank host are served by the wrapped handler, and every other host
// is refused with 403 (other traffic should go direct, as /proxy.pac says).
//
//   - CONNECT host:443 opens a TLS tunnel with a certificate for host signed
//     by the CA; CONNECT host:80 a plain one. The HTTP/1.1 requests on the
//     tunnel (keep-alive works) reach the handler with r.Host and r.URL.Host
//     set to host, and r.URL.Scheme https (r.TLS set) or http.
//   - An absolute-form request (GET http://host/…, what a client sends a
//     proxy for plain http) reaches the handler with r.Host = host.
//   - GET /proxy.pac: a proxy auto-config file that sends clickbank.net and
//     its subdomains to this server and everything else direct.
//   - GET /ca.pem: the CA certificate a client must trust.
//
// The exported fields may be changed before the first request only.
type Proxy struct {
	// HandshakeTimeout bounds a tunnel's set-up (the 200 answer and the TLS
	// handshake); 0 = DefaultHandshakeTimeout.
	HandshakeTimeout time.Duration
	// IdleTimeout closes a tunnel that waits longer for a request;
	// 0 = DefaultIdleTimeout.
	IdleTimeout time.Duration
	// Log receives tunnel errors (bad TLS, garbage, timeouts); nil = none.
	Log *slog.Logger

	h  http.Handler // serves the ClickBank hosts
	ca *CA          // signs the tunnels' certificates

	mu      sync.Mutex           // guards closed and tunnels
	closed  bool                 // set by Close: no new tunnel opens
	tunnels map[*tunnel]struct{} // the open tunnels, closed by Close
	wg      sync.WaitGroup       // one per tunnel being served, waited for by Close
}

// tunnel is one hijacked CONNECT connection and the server reading it.
type tunnel struct {
	conn net.Conn     // the hijacked client connection
	srv  *http.Server // serves the requests on it
}

// NewProxy returns a proxy that serves ClickBank's host names with h, with
// certificates signed by ca. Call Close when done to close its tunnels.
func NewProxy(h http.Handler, ca *CA) *Proxy {
	return &Proxy{h: h, ca: ca, tunnels: make(map[*tunnel]struct{})}
}

// Handles reports whether r is for the proxy: a CONNECT, an absolute-form
// request, or GET (or HEAD) of /proxy.pac or /ca.pem.
func (p *Proxy) Handles(r *http.Request) bool {
	if r.Method == http.MethodConnect || r.URL.IsAbs() {
		return true
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return false
	}
	return r.URL.Path == "/proxy.pac" || r.URL.Path == "/ca.pem"
}

// ServeHTTP serves the requests Handles accepts (anything else gets 404).
func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.Method == http.MethodConnect:
		p.connect(w, r)
	case r.URL.IsAbs():
		p.absolute(w, r)
	case r.Method != http.MethodGet && r.Method != http.MethodHead:
		http.NotFound(w, r)
	case r.URL.Path == "/proxy.pac":
		p.pac(w, r)
	case r.URL.Path == "/ca.pem":
		w.Header().Set("Content-Type", "application/x-pem-file")
		w.Header().Set("Content-Disposition", `attachment; filename="cbsim-ca.pem"`)
		_, _ = w.Write(p.ca.CertPEM())
	default:
		http.NotFound(w, r)
	}
}

// Close closes every open tunnel and refuses new ones; it returns once the
// tunnels have stopped serving.
func (p *Proxy) Close() error {
	p.mu.Lock()
	p.closed = true
	open := make([]*tunnel, 0, len(p.tunnels))
	for t := range p.tunnels {
		open = append(open, t)
	}
	p.mu.Unlock()
	for _, t := range open {
		_ = t.srv.Close() // closes its listener and the connection it tracks
		_ = t.conn.Close()
	}
	p.wg.Wait()
	return nil
}

// IsClickBankHost reports whether host (a Host header or URL host; a port is
// ignored, case too) is clickbank.net or one of its subdomains, written as a
// valid DNS name: labels of 1 to 63 letters, digits and inner dashes, 253
// characters at most, no empty label (so no trailing dot).
func IsClickBankHost(host string) bool {
	_, ok := clickBankName(host)
	return ok
}

// clickBankName returns host lower-cased without its port when it is a
// ClickBank host (see IsClickBankHost).
func clickBankName(host string) (string, bool) {
	name := host
	if strings.Contains(host, ":") {
		h, _, err := net.SplitHostPort(host)
		if err != nil {
			return "", false
		}
		name = h
	}
	name = strings.ToLower(name)
	if name != "clickbank.net" && !strings.HasSuffix(name, ".clickbank.net") {
		return "", false
	}
	if !isDNSName(name) {
		return "", false
	}
	return name, true
}

// isDNSName reports whether name (lower case) is a valid DNS host name.
func isDNSName(name string) bool {
	if len(name) == 0 || len(name) > 253 {
		return false
	}
	for label := range strings.SplitSeq(name, ".") {
		if len(label) == 0 || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for i := 0; i < len(label); i++ {
			if c := label[i]; (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '-' {
				return false
			}
		}
	}
	return true
}

// refuse answers 403 for a host cbsim does not proxy, saying what it proxies
// and where to find the PAC file that sends other traffic direct.
func refuse(w http.ResponseWriter, target, why string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusForbidden)
	_, _ = fmt.Fprintf(w, "cbsim: not proxying %s: %s. cbsim proxies only ClickBank's host names "+
		"(clickbank.net and *.clickbank.net, ports 443 and 80) and never connects anywhere; "+
		"send all other traffic direct (GET /proxy.pac from cbsim for a proxy auto-config file that does).\n",
		target, why)
}

// hopByHop are the request headers meant for the proxy, removed before the
// handler sees a request.
var hopByHop = []string{"Proxy-Connection", "Proxy-Authorization"}

// serveHost hands r, a request for the ClickBank host host over scheme, to
// the wrapped handler: a clone with r.Host and r.URL's scheme and host set,
// without the proxy's own headers.
func (p *Proxy) serveHost(w http.ResponseWriter, r *http.Request, scheme, host string) {
	r2 := r.Clone(r.Context())
	r2.URL.Scheme = scheme
	r2.URL.Host = host
	r2.Host = host
	for _, k := range hopByHop {
		r2.Header.Del(k)
	}
	p.h.ServeHTTP(w, r2)
}

// absolute serves an absolute-form request: plain http to a ClickBank host
// on the default port goes to the handler, anything else is refused.
func (p *Proxy) absolute(w http.ResponseWriter, r *http.Request) {
	target := r.URL.Scheme + "://" + r.URL.Host
	if r.URL.Scheme != "http" {
		refuse(w, target, "only plain http arrives in absolute form; https goes through CONNECT")
		return
	}
	name, ok := clickBankName(r.URL.Host)
	if !ok {
		refuse(w, target, "not a ClickBank host")
		return
	}
	if port := r.URL.Port(); port != "" && port != "80" {
		refuse(w, target, "port "+port+" is not proxied")
		return
	}
	p.serveHost(w, r, "http", name)
}

// pac serves the proxy auto-config file, naming this server by the Host the
// client used to fetch it.
func (p *Proxy) pac(w http.ResponseWriter, r *http.Request) {
	if !isHostPort(r.Host) {
		http.Error(w, fmt.Sprintf("cbsim: Host %q cannot name this proxy in a PAC file: "+
			"use a host name or IP address, with an optional port", r.Host), http.StatusBadRequest)
		return
	}
	w.Header().Set("Content-Type", "application/x-ns-proxy-autoconfig")
	_, _ = fmt.Fprintf(w, `// cbsim: send ClickBank's host names to cbsim, everything else direct.
function FindProxyForURL(url, host) {
  host = host.toLowerCase();
  if (host == "clickbank.net" || dnsDomainIs(host, ".clickbank.net")) {
    return "PROXY %s";
  }
  return "DIRECT";
}
`, r.Host)
}

// isHostPort reports whether s is safe to print in the PAC file's string:
// a non-empty host[:port] of letters, digits and . - _ : [ ] only.
func isHostPort(s string) bool {
	if s == "" || len(s) > 261 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < 'a' || c > 'z') && (c < 'A' || c > 'Z') && (c < '0' || c > '9') &&
			c != '.' && c != '-' && c != '_' && c != ':' && c != '[' && c != ']' {
			return false
		}
	}
	return true
}

// connect opens a tunnel for CONNECT host:443 (TLS) or host:80 (plain) to a
// ClickBank host and serves it until it closes, goes idle or the proxy
// closes; any other target is refused before anything is hijacked.
func (p *Proxy) connect(w http.ResponseWriter, r *http.Request) {
	target := r.Host
	host, port, err := net.SplitHostPort(target)
	if err != nil {
		http.Error(w, fmt.Sprintf("cbsim: CONNECT target %q must be host:port", target), http.StatusBadRequest)
		return
	}
	name, ok := clickBankName(host)
	if !ok {
		refuse(w, target, "not a ClickBank host")
		return
	}
	if port != "443" && port != "80" {
		refuse(w, target, "port "+port+" is not proxied")
		return
	}
	if p.isClosed() {
		http.Error(w, "cbsim: the proxy is closed", http.StatusServiceUnavailable)
		return
	}
	hj, ok := w.(http.Hijacker)
	if !ok {
		http.Error(w, "cbsim: CONNECT needs an HTTP/1.1 connection", http.StatusHTTPVersionNotSupported)
		return
	}
	conn, brw, err := hj.Hijack()
	if err != nil {
		p.logf("proxy: hijack for CONNECT", "target", target, "err", err)
		return
	}
	if n := brw.Reader.Buffered(); n > 0 {
		// The client sent its first bytes (a ClientHello) with the CONNECT.
		early, _ := brw.Reader.Peek(n)
		conn = &prefixConn{Conn: conn, r: io.MultiReader(bytes.NewReader(bytes.Clone(early)), conn)}
	}
	t := &tunnel{conn: conn, srv: &http.Server{}}
	if !p.add(t) {
		_ = conn.Close()
		return
	}
	defer p.remove(t)
	defer func() { _ = conn.Close() }()
	p.serveTunnel(t, name, port == "443", target)
}

// isClosed reports whether Close was called.
func (p *Proxy) isClosed() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.closed
}

// add registers t so Close can close it; false once the proxy is closed.
func (p *Proxy) add(t *tunnel) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return false
	}
	p.tunnels[t] = struct{}{}
	p.wg.Add(1)
	return true
}

// remove forgets t when it has stopped serving.
func (p *Proxy) remove(t *tunnel) {
	p.mu.Lock()
	delete(p.tunnels, t)
	p.mu.Unlock()
	p.wg.Done()
}

// serveTunnel answers the CONNECT, does the TLS handshake (when secure)
// within HandshakeTimeout, and serves HTTP/1.1 on the tunnel with the
// wrapped handler until the connection closes.
func (p *Proxy) serveTunnel(t *tunnel, host string, secure bool, target string) {
	setup := p.HandshakeTimeout
	if setup <= 0 {
		setup = DefaultHandshakeTimeout
	}
	idle := p.IdleTimeout
	if idle <= 0 {
		idle = DefaultIdleTimeout
	}
	_ = t.conn.SetDeadline(time.Now().Add(setup))
	if _, err := io.WriteString(t.conn, "HTTP/1.1 200 Connection Established\r\n\r\n"); err != nil {
		p.logf("proxy: tunnel answer", "target", target, "err", err)
		return
	}
	conn := t.conn
	scheme := "http"
	if secure {
		scheme = "https"
		tc := tls.Server(t.conn, &tls.Config{
			MinVersion: tls.VersionTLS12,
			NextProtos: []string{"http/1.1"},
			GetCertificate: func(hello *tls.ClientHelloInfo) (*tls.Certificate, error) {
				if sni := hello.ServerName; sni != "" && !strings.EqualFold(sni, host) {
					// [choice] one name per tunnel: what the handler is told
					// (r.Host) is what the certificate says.
					return nil, fmt.Errorf("tls server name %q differs from the CONNECT host %q", sni, host)
				}
				return p.ca.leaf(host)
			},
		})
		ctx, cancel := context.WithTimeout(context.Background(), setup)
		err := tc.HandshakeContext(ctx)
		cancel()
		if err != nil {
			p.logf("proxy: tls handshake", "target", target, "err", err)
			if re, ok := errors.AsType[tls.RecordHeaderError](err); ok && re.Conn != nil {
				_, _ = io.WriteString(re.Conn, "HTTP/1.0 400 Bad Request\r\n\r\ncbsim: the tunnel to "+
					target+" expects TLS, not plain bytes\n")
			}
			return
		}
		conn = tc
	}
	_ = t.conn.SetDeadline(time.Time{})

	l := newOneConnListener(conn)
	srv := t.srv
	srv.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.serveHost(w, r, scheme, host)
	})
	srv.ReadHeaderTimeout = idle // the wait for a tunnel's first request
	srv.IdleTimeout = idle       // and between two
	srv.ErrorLog = slog.NewLogLogger(p.logger().Handler(), slog.LevelWarn)
	srv.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateClosed || s == http.StateHijacked {
			l.Close()
		}
	}
	if err := srv.Serve(l); err != nil && !errors.Is(err, net.ErrClosed) && !errors.Is(err, http.ErrServerClosed) {
		p.logf("proxy: tunnel", "target", target, "err", err)
	}
}

// logger returns Log, or a logger that drops everything.
func (p *Proxy) logger() *slog.Logger {
	if p.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return p.Log
}

// logf logs a tunnel error at warning level.
func (p *Proxy) logf(msg string, args ...any) {
	p.logger().Warn(msg, args...)
}

// prefixConn is a connection whose first bytes were already read from it
// (buffered with the CONNECT request): r replays them, then reads on.
type prefixConn struct {
	net.Conn
	r io.Reader // the early bytes, then the connection
}

// Read reads the early bytes first.
func (c *prefixConn) Read(b []byte) (int, error) { return c.r.Read(b) }

// oneConnListener hands out one connection, then blocks in Accept until it
// is closed, so an http.Server can serve a single tunnel.
type oneConnListener struct {
	conn      net.Conn      // handed out by the first Accept
	once      sync.Once     // guards the hand-out
	done      chan struct{} // closed by Close
	closeOnce sync.Once     // guards done
}

func newOneConnListener(c net.Conn) *oneConnListener {
	return &oneConnListener{conn: c, done: make(chan struct{})}
}

// Accept returns the connection the first time, then waits for Close.
func (l *oneConnListener) Accept() (net.Conn, error) {
	var c net.Conn
	l.once.Do(func() { c = l.conn })
	if c != nil {
		select {
		case <-l.done:
			_ = c.Close()
		default:
			return c, nil
		}
	}
	<-l.done
	return nil, net.ErrClosed
}

// Close makes Accept return net.ErrClosed.
func (l *oneConnListener) Close() error {
	l.closeOnce.Do(func() { close(l.done) })
	return nil
}

// Addr is the connection's local address.
func (l *oneConnListener) Addr() net.Addr { return l.conn.LocalAddr() }
