package faketracker

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"
)

// server is the loopback HTTP plumbing every fake shares, embedded in
// each so that its Client, Requests and Close are the fake's: a listener on
// 127.0.0.1:0, the request log around the handler, a client that does not
// follow redirects, and an idempotent Close.
type server struct {
	url    string       // "http://127.0.0.1:PORT", no trailing slash
	srv    *http.Server // serves the fake's handler behind the request log
	client *http.Client // returned by Client; its idle connections are closed by Close
	log    *requestLog  // every request received
	done   chan error   // receives Serve's result
	once   sync.Once    // makes close idempotent
}

// startServer listens on 127.0.0.1:0 and serves h behind a request log.
func startServer(h http.Handler, now func() time.Time) (*server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen on 127.0.0.1:0: %w", err)
	}
	log := &requestLog{now: now}
	s := &server{
		url: "http://" + ln.Addr().String(),
		srv: &http.Server{
			Handler:           log.wrap(h),
			ReadHeaderTimeout: 10 * time.Second,
		},
		client: &http.Client{
			Transport:     &http.Transport{},
			Timeout:       30 * time.Second,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
		log:  log,
		done: make(chan error, 1),
	}
	go func() { s.done <- s.srv.Serve(ln) }()
	return s, nil
}

// close stops accepting, waits up to five seconds for requests in flight,
// then cuts what is left, and closes the client's idle connections. It
// returns after the serving goroutine has ended.
func (s *server) close() {
	s.once.Do(func() {
		s.client.CloseIdleConnections()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := s.srv.Shutdown(ctx); err != nil {
			s.srv.Close()
		}
		<-s.done
	})
}

// Client returns an HTTP client for the fake. It does not follow
// redirects, so a click's 302 can be inspected.
func (s *server) Client() *http.Client { return s.client }

// Requests returns every request the fake has received, oldest first.
func (s *server) Requests() []Request { return s.log.all() }

// Close stops the fake and waits for requests in flight. Calling it again
// does nothing.
func (s *server) Close() { s.close() }
