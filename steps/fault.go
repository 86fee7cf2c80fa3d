package steps

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"sync/atomic"
	"time"
)

// fault stands between ClickBank and the tracker under test and misbehaves
// the way a tracker does in production: down, slow, 5xx, reset.
type fault struct {
	srv    *httptest.Server
	url    string // base URL ClickBank is pointed at
	kind   string
	status int
	first  int64 // fail only the first this many requests (0 = all)
	seen   atomic.Int64
	target *url.URL // the real tracker
	stall  time.Duration
	done   chan struct{}
}

// newFault starts the fault in front of the tracker at target (scheme and host).
func newFault(kind string, status, first int, target *url.URL, stall time.Duration) (*fault, error) {
	f := &fault{kind: kind, status: status, first: int64(first), target: target, stall: stall, done: make(chan struct{})}
	if kind == "down" {
		// A port that was just free: nothing listens there.
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		f.url = "http://" + ln.Addr().String()
		ln.Close()
		return f, nil
	}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	f.url = f.srv.URL
	return f, nil
}

func (f *fault) serve(w http.ResponseWriter, r *http.Request) {
	n := f.seen.Add(1)
	if f.first == 0 || n <= f.first {
		switch f.kind {
		case "status":
			http.Error(w, `{"error":"injected by cbsim"}`, f.status)
			return
		case "slow":
			select {
			case <-r.Context().Done():
			case <-f.done:
			case <-time.After(f.stall):
			}
			return
		case "reset", "garbage":
			if hj, ok := w.(http.Hijacker); ok {
				if c, _, err := hj.Hijack(); err == nil {
					if f.kind == "garbage" {
						// bytes that are not HTTP at all
						_, _ = c.Write([]byte("\x00\x17garbage, not HTTP\r\n\r\n"))
					} else if tc, ok := c.(*net.TCPConn); ok {
						_ = tc.SetLinger(0) // RST instead of FIN
					}
					c.Close()
					return
				}
			}
			http.Error(w, "cannot hijack the connection", http.StatusInternalServerError)
			return
		}
	}
	f.forward(w, r)
}

// forward passes the request on to the real tracker.
func (f *fault) forward(w http.ResponseWriter, r *http.Request) {
	u := *f.target
	u.Path, u.RawQuery = r.URL.Path, r.URL.RawQuery
	req, err := http.NewRequestWithContext(r.Context(), r.Method, u.String(), r.Body) // an INS notification is a POST body
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	if ct := r.Header.Get("Content-Type"); ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	w.Header().Set("Content-Type", resp.Header.Get("Content-Type"))
	w.WriteHeader(resp.StatusCode)
	_, _ = io.Copy(w, resp.Body)
}

func (f *fault) close() {
	close(f.done)
	if f.srv != nil {
		f.srv.CloseClientConnections()
		f.srv.Close()
	}
}

// trackerMisbehaves puts a fault in front of the tracker.
func (w *World) trackerMisbehaves(ctx context.Context, what, status, n, firstStatus string) error {
	t, err := w.trk(ctx)
	if err != nil {
		return err
	}
	target, err := url.Parse(t.PostbackURL())
	if err != nil {
		return err
	}
	if w.fault != nil {
		w.fault.close()
	}
	var kind string
	var code, first int
	switch {
	case what == "is down":
		kind = "down"
	case what == "answers slower than ClickBank waits":
		kind = "slow"
	case what == "resets the connection":
		kind = "reset"
	case what == "answers garbage":
		kind = "garbage"
	case status != "":
		kind = "status"
		code, _ = strconv.Atoi(status)
	case n != "":
		kind = "status"
		first, _ = strconv.Atoi(n)
		code, _ = strconv.Atoi(firstStatus)
	default:
		return fmt.Errorf("unknown fault %q", what)
	}
	stall := 10 * w.dispatcher.Timeout
	f, err := newFault(kind, code, first, target, stall)
	if err != nil {
		return err
	}
	w.fault = f
	return nil
}
