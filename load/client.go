package load

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// keepBody is how much of a reply's body the client keeps, for a
// profile's refusal-by-body check; the rest is read and dropped.
const keepBody = 4 << 10

// maxHeaderLines bounds the header lines of one reply.
const maxHeaderLines = 128

// Target is where requests go: a parsed --tracker base URL.
type Target struct {
	Scheme string // "http" or "https"
	Addr   string // host:port to dial
	Host   string // the Host header
}

// ParseTarget parses a tracker base URL like http://127.0.0.1:8800.
func ParseTarget(base string) (Target, error) {
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return Target{}, fmt.Errorf("target %q: want an absolute http or https URL, like http://127.0.0.1:8800", base)
	}
	t := Target{Scheme: u.Scheme, Host: u.Host, Addr: u.Host}
	if u.Port() == "" {
		port := "80"
		if u.Scheme == "https" {
			port = "443"
		}
		t.Addr = net.JoinHostPort(u.Hostname(), port)
	}
	return t, nil
}

// requestURI returns the path and query of an absolute URL ("/" when it
// has no path); a URL that is already a path is returned as is.
func requestURI(u string) string {
	i := strings.Index(u, "://")
	if i < 0 {
		if u == "" {
			return "/"
		}
		return u
	}
	rest := u[i+3:]
	j := strings.IndexAny(rest, "/?")
	if j < 0 {
		return "/"
	}
	if rest[j] == '?' {
		return "/" + rest[j:]
	}
	return rest[j:]
}

// client is one worker's keep-alive HTTP/1.1 connection to the target.
// Requests are written from a reused buffer and replies parsed from a
// reused bufio.Reader: no allocation per request once warm. Not safe for
// concurrent use, except cancel.
type client struct {
	target  Target
	tls     *tls.Config
	timeout time.Duration
	dialer  net.Dialer

	mu       sync.Mutex // guards nc against cancel
	nc       net.Conn
	canceled atomic.Bool
	life     context.Context // done when canceled: ends a dial in progress
	stop     context.CancelFunc

	idleAt time.Time // when the last reply ended, to check an idle connection before reuse
	until  time.Time // the deadline set on nc; zero: none known

	raw     syscall.RawConn // nc's descriptor, for writeWait; nil over TLS
	rawReq  []byte          // the request writeWait sends
	rawN    int             // how much of rawReq it wrote
	rawErr  error           // the write's error
	rawWait func(fd uintptr) bool

	br   *bufio.Reader
	req  []byte
	body []byte // the kept first keepBody bytes of the last reply's body
}

func newClient(t Target, tlsConf *tls.Config, timeout time.Duration) *client {
	c := &client{target: t, timeout: timeout, req: make([]byte, 0, 1024), body: make([]byte, 0, keepBody)}
	c.life, c.stop = context.WithCancel(context.Background())
	if t.Scheme == "https" {
		if tlsConf == nil {
			tlsConf = &tls.Config{}
		}
		c.tls = tlsConf.Clone()
		if c.tls.ServerName == "" {
			host, _, err := net.SplitHostPort(t.Addr)
			if err != nil {
				host = t.Addr
			}
			c.tls.ServerName = host
		}
	}
	return c
}

// cancel makes the request in flight fail at once and every later one
// fail as canceled.
func (c *client) cancel() {
	c.canceled.Store(true)
	c.stop()
	c.mu.Lock()
	if c.nc != nil {
		c.nc.SetDeadline(time.Unix(1, 0))
	}
	c.mu.Unlock()
}

// lastBody returns the kept start of the last reply's body.
func (c *client) lastBody() []byte { return c.body }

// close drops the connection.
func (c *client) close() {
	c.mu.Lock()
	if c.nc != nil {
		c.nc.Close()
		c.nc = nil
	}
	c.mu.Unlock()
}

// connect opens the connection (and TLS) within the timeout.
func (c *client) connect(deadline time.Time) error {
	ctx, cancel := context.WithDeadline(c.life, deadline)
	defer cancel()
	nc, err := c.dialer.DialContext(ctx, "tcp", c.target.Addr)
	if err != nil {
		return err
	}
	if tc, ok := nc.(*net.TCPConn); ok {
		tc.SetNoDelay(true)
	}
	if c.tls != nil {
		tc := tls.Client(nc, c.tls)
		tc.SetDeadline(deadline)
		if err := tc.HandshakeContext(ctx); err != nil {
			nc.Close()
			return err
		}
		nc = tc
	}
	c.raw = nil
	if tc, ok := nc.(*net.TCPConn); ok && canWriteWait {
		if rc, err := tc.SyscallConn(); err == nil {
			c.raw = rc
		}
	}
	c.mu.Lock()
	c.nc = nc
	c.mu.Unlock()
	c.until = time.Time{}
	if c.br == nil {
		c.br = bufio.NewReaderSize(nc, 8<<10)
	} else {
		c.br.Reset(nc)
	}
	return nil
}

// idleCheck is how long a connection may sit idle before the client
// checks, before reusing it, that the server has not closed it. [choice]
// A server's idle timeout (Node's 5 s keepAliveTimeout, nginx's 75 s)
// closes a connection a slow-paced worker still holds; the request sent
// on it would fail as a reset although the tracker did nothing wrong, and
// retrying it could deliver it twice. One second keeps the check off the
// hot path.
const idleCheck = time.Second

// alive reports whether an idle connection is still open: a read that
// finds nothing before an immediate deadline means open; EOF, an error or
// unexpected bytes mean the server closed (or broke) it.
func (c *client) alive(now time.Time) bool {
	c.nc.SetReadDeadline(now.Add(time.Millisecond))
	c.until = time.Time{} // the write deadline is still set, the read one is not
	_, err := c.br.Peek(1)
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// reply is what one request got back.
type reply struct {
	status  int
	latency time.Duration
	reason  Reason // ReasonOK unless the exchange failed (status classes are the caller's)
	err     error
}

// do sends GET uri and reads the reply. Any failure closes the connection;
// the next request opens a new one.
func (c *client) do(uri string) reply {
	if c.canceled.Load() {
		return reply{reason: ReasonCanceled}
	}
	now := time.Now()
	deadline := now.Add(c.timeout)
	if c.nc != nil && now.Sub(c.idleAt) >= idleCheck && !c.alive(now) {
		c.close()
	}
	t0 := now // when the request is sent, for its latency
	if c.nc == nil {
		if err := c.connect(deadline); err != nil {
			return c.fail(ReasonConnect, err)
		}
		t0 = time.Now()
	}
	// [choice] The deadline is set for a request only when the one already
	// set on the connection would end it early, and then timeout/8 later
	// than it needs: each request is bounded by between timeout and 9/8
	// timeout, and SetDeadline (a runtime timer change) runs a few times a
	// second per connection instead of once per request.
	if c.until.Before(deadline) {
		c.until = deadline.Add(c.timeout / 8)
		c.nc.SetDeadline(c.until)
	}
	if c.canceled.Load() { // cancel may have run before the line above
		return c.fail(ReasonCanceled, context.Canceled)
	}
	c.req = append(c.req[:0], "GET "...)
	c.req = append(c.req, uri...)
	c.req = append(c.req, " HTTP/1.1\r\nHost: "...)
	c.req = append(c.req, c.target.Host...)
	c.req = append(c.req, "\r\nUser-Agent: cbsim-load\r\nAccept: */*\r\n\r\n"...)
	if err := c.send(); err != nil {
		r := c.fail(classifyIOErr(err, ReasonReset), err)
		r.latency = time.Since(t0)
		return r
	}
	status, keep, err := c.readReply()
	lat := time.Since(t0)
	if err != nil {
		r := c.fail(classifyIOErr(err, ReasonBadResponse), err)
		r.latency = lat
		r.status = status // the status line's, when one was read before the failure
		return r
	}
	if !keep {
		c.close()
	}
	c.idleAt = t0.Add(lat)
	return reply{status: status, latency: lat}
}

// send writes c.req and, over plain TCP, waits until the reply can be
// read. The wait saves a system call per request: a read right after the
// write nearly always finds nothing yet (EAGAIN) and only then parks; here
// the write runs inside RawConn.Read, after the poller forgot the socket's
// past readiness and before it waits for the next, so the reply (which
// cannot come before its request) always wakes it, and the read that
// follows finds it. Over TLS, with bytes already buffered, or after a
// short write, it writes plainly and the read waits as usual.
func (c *client) send() error {
	if c.raw == nil || c.br.Buffered() > 0 {
		_, err := c.nc.Write(c.req)
		return err
	}
	if c.rawWait == nil {
		c.rawWait = c.writeWait
	}
	c.rawReq, c.rawN, c.rawErr = c.req, -1, nil
	if err := c.raw.Read(c.rawWait); err != nil {
		return err
	}
	if c.rawErr != nil {
		return c.rawErr
	}
	if c.rawN < len(c.req) { // a short write: the rest the usual way
		_, err := c.nc.Write(c.req[c.rawN:])
		return err
	}
	return nil
}

// fail closes the connection and reports reason, or canceled when the run
// was canceled.
func (c *client) fail(reason Reason, err error) reply {
	c.close()
	if c.canceled.Load() {
		reason = ReasonCanceled
	}
	return reply{reason: reason, err: err}
}

// errBadResponse marks a reply the client cannot read as HTTP/1.x.
var errBadResponse = errors.New("bad response")

func badResponse(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{errBadResponse}, args...)...)
}

// classifyIOErr sorts an I/O failure: a timeout, a reset or EOF, else
// fallback (a parse failure is bad_response, a write failure a reset).
func classifyIOErr(err error, fallback Reason) Reason {
	var ne net.Error
	switch {
	case errors.Is(err, errBadResponse):
		return ReasonBadResponse
	case errors.Is(err, os.ErrDeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return ReasonTimeout
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, net.ErrClosed):
		return ReasonReset
	case errors.As(err, new(*net.OpError)):
		return ReasonReset
	}
	return fallback
}

// readReply reads one reply: the status line, the headers and the body
// (Content-Length, chunked or up to EOF), keeping the first keepBody
// bytes of the body in c.body. keep says whether the connection may
// carry another request.
func (c *client) readReply() (status int, keep bool, err error) {
	c.body = c.body[:0]
	for {
		status, keep, err = c.readOne()
		if err != nil || status >= 200 || status == 101 {
			return status, keep, err
		}
		// 1xx informational replies precede the real one (RFC 9110 §15.2).
	}
}

func (c *client) readOne() (status int, keep bool, err error) {
	line, err := c.line()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return 0, false, io.EOF
		}
		return 0, false, err
	}
	// HTTP/1.1 200 OK
	if len(line) < 12 || string(line[:7]) != "HTTP/1." || line[8] != ' ' || (line[7] != '0' && line[7] != '1') {
		return 0, false, badResponse("status line %q", trunc(line))
	}
	http10 := line[7] == '0'
	for _, d := range line[9:12] {
		if d < '0' || d > '9' {
			return 0, false, badResponse("status line %q", trunc(line))
		}
		status = status*10 + int(d-'0')
	}
	if status < 100 || (len(line) > 12 && line[12] != ' ') {
		return 0, false, badResponse("status line %q", trunc(line))
	}
	keep = !http10
	length := int64(-1)
	chunked := false
	for n := 0; ; n++ {
		if n >= maxHeaderLines {
			return status, false, badResponse("more than %d header lines", maxHeaderLines)
		}
		h, err := c.line()
		if err != nil {
			return status, false, orUnexpected(err)
		}
		if len(h) == 0 {
			break
		}
		colon := indexByte(h, ':')
		if colon <= 0 {
			return status, false, badResponse("header line %q", trunc(h))
		}
		name, val := h[:colon], trimSpace(h[colon+1:])
		switch {
		case equalFold(name, "content-length"):
			v, ok := parseUint(val)
			if !ok || (length >= 0 && v != length) {
				return status, false, badResponse("Content-Length %q", trunc(val))
			}
			length = v
		case equalFold(name, "transfer-encoding"):
			if hasToken(val, "chunked") {
				chunked = true
			} else if !hasToken(val, "identity") {
				return status, false, badResponse("Transfer-Encoding %q", trunc(val))
			}
		case equalFold(name, "connection"):
			if hasToken(val, "close") {
				keep = false
			} else if hasToken(val, "keep-alive") && http10 {
				keep = true
			}
		}
	}
	if status < 200 || status == 204 || status == 304 {
		return status, keep && status != 101, nil
	}
	switch {
	case chunked:
		err = c.readChunked()
	case length >= 0:
		err = c.readN(length)
	default:
		// no length: the body runs to the end of the connection
		err = c.readToEOF()
		keep = false
	}
	return status, keep, err
}

// line reads one CRLF- or LF-terminated line without it, from the
// reader's buffer (valid until the next read).
func (c *client) line() ([]byte, error) {
	b, err := c.br.ReadSlice('\n')
	if err != nil {
		if errors.Is(err, bufio.ErrBufferFull) {
			return nil, badResponse("a line longer than %d bytes", c.br.Size())
		}
		return nil, err
	}
	b = b[:len(b)-1]
	if len(b) > 0 && b[len(b)-1] == '\r' {
		b = b[:len(b)-1]
	}
	return b, nil
}

// keep appends what fits of b to the kept body.
func (c *client) keep(b []byte) {
	if room := keepBody - len(c.body); room > 0 {
		if len(b) > room {
			b = b[:room]
		}
		c.body = append(c.body, b...)
	}
}

func (c *client) readN(n int64) error {
	for n > 0 {
		b, err := c.br.Peek(min(int(n), c.br.Size()))
		if len(b) == 0 && err != nil {
			return orUnexpected(err)
		}
		c.keep(b)
		c.br.Discard(len(b))
		n -= int64(len(b))
	}
	return nil
}

func (c *client) readToEOF() error {
	for {
		b, err := c.br.Peek(c.br.Size())
		c.keep(b)
		c.br.Discard(len(b))
		if err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			if errors.Is(err, bufio.ErrBufferFull) {
				continue
			}
			return err
		}
	}
}

// readChunked reads a chunked body and its trailers (RFC 9112 §7.1).
func (c *client) readChunked() error {
	for {
		l, err := c.line()
		if err != nil {
			return orUnexpected(err)
		}
		if i := indexByte(l, ';'); i >= 0 {
			l = l[:i]
		}
		l = trimSpace(l)
		size, ok := parseHex(l)
		if !ok {
			return badResponse("chunk size %q", trunc(l))
		}
		if size == 0 {
			for n := 0; ; n++ {
				if n >= maxHeaderLines {
					return badResponse("more than %d trailer lines", maxHeaderLines)
				}
				t, err := c.line()
				if err != nil {
					return orUnexpected(err)
				}
				if len(t) == 0 {
					return nil
				}
			}
		}
		if err := c.readN(size); err != nil {
			return err
		}
		l, err = c.line()
		if err != nil {
			return orUnexpected(err)
		}
		if len(l) != 0 {
			return badResponse("chunk not followed by CRLF")
		}
	}
}

func orUnexpected(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}

func trunc(b []byte) string {
	if len(b) > 64 {
		return string(b[:64]) + "…"
	}
	return string(b)
}

func indexByte(b []byte, c byte) int {
	for i, x := range b {
		if x == c {
			return i
		}
	}
	return -1
}

func trimSpace(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t') {
		b = b[:len(b)-1]
	}
	return b
}

// equalFold compares an ASCII header name with a lowercase one.
func equalFold(b []byte, lower string) bool {
	if len(b) != len(lower) {
		return false
	}
	for i := range b {
		x := b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if x != lower[i] {
			return false
		}
	}
	return true
}

// hasToken reports whether a comma-separated header value holds tok
// (lowercase), ignoring case.
func hasToken(v []byte, tok string) bool {
	for len(v) > 0 {
		i := indexByte(v, ',')
		part := v
		if i >= 0 {
			part, v = v[:i], v[i+1:]
		} else {
			v = nil
		}
		if equalFold(trimSpace(part), tok) {
			return true
		}
	}
	return false
}

func parseUint(b []byte) (int64, bool) {
	if len(b) == 0 || len(b) > 18 {
		return 0, false
	}
	var n int64
	for _, d := range b {
		if d < '0' || d > '9' {
			return 0, false
		}
		n = n*10 + int64(d-'0')
	}
	return n, true
}

func parseHex(b []byte) (int64, bool) {
	if len(b) == 0 || len(b) > 15 {
		return 0, false
	}
	var n int64
	for _, d := range b {
		switch {
		case '0' <= d && d <= '9':
			n = n<<4 | int64(d-'0')
		case 'a' <= d && d <= 'f':
			n = n<<4 | int64(d-'a'+10)
		case 'A' <= d && d <= 'F':
			n = n<<4 | int64(d-'A'+10)
		default:
			return 0, false
		}
	}
	return n, true
}
