package faketracker

import (
	"net/http"
	"slices"
	"sync"
	"time"
)

// Request is one request a fake received, as its request log keeps it.
type Request struct {
	At         time.Time   // when it arrived, by the fake's clock
	Method     string      // "GET", …
	Path       string      // the URL path, e.g. "/tracking202/static/gpb.php"
	RawQuery   string      // the query string without "?"
	Header     http.Header // a copy of the request headers
	RemoteAddr string      // "ip:port" of the peer
	Status     int         // the status the fake answered
}

// requestLog records every request a fake receives. It is safe for
// concurrent use.
type requestLog struct {
	now  func() time.Time
	mu   sync.Mutex // guards reqs
	reqs []Request
}

// wrap records each request with the status h answers it with.
func (l *requestLog) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := Request{
			At:         l.now(),
			Method:     r.Method,
			Path:       r.URL.Path,
			RawQuery:   r.URL.RawQuery,
			Header:     r.Header.Clone(),
			RemoteAddr: r.RemoteAddr,
		}
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		h.ServeHTTP(sw, r)
		rec.Status = sw.status
		l.mu.Lock()
		l.reqs = append(l.reqs, rec)
		l.mu.Unlock()
	})
}

// all returns a copy of the log, oldest first.
func (l *requestLog) all() []Request {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.reqs)
}

// statusWriter remembers the status a handler writes.
type statusWriter struct {
	http.ResponseWriter
	status  int
	written bool
}

func (w *statusWriter) WriteHeader(code int) {
	if !w.written {
		w.status, w.written = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	w.written = true
	return w.ResponseWriter.Write(b)
}
