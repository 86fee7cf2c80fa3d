package tracker

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"
)

// Server is a Tracker serving on a loopback port, for tests and in-process
// use, in the manner of net/http/httptest.Server.
type Server struct {
	// URL is the base URL, "http://127.0.0.1:PORT", without a trailing slash.
	URL string
	// Tracker is the tracker being served.
	Tracker *Tracker

	client *http.Client       // returned by Client; its idle connections are closed by Close
	cancel context.CancelFunc // stops Serve
	done   chan error         // receives Serve's result
	once   sync.Once          // makes Close idempotent
}

// NewServer opens a tracker with cfg and serves it on 127.0.0.1:0.
func NewServer(cfg Config) (*Server, error) {
	t, err := Open(cfg)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Close()
		return nil, fmt.Errorf("listen: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &Server{
		URL:     "http://" + ln.Addr().String(),
		Tracker: t,
		client: &http.Client{
			Transport:     &http.Transport{},
			Timeout:       30 * time.Second,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
		cancel: cancel,
		done:   make(chan error, 1),
	}
	go func() { s.done <- t.Serve(ctx, ln) }()
	return s, nil
}

// Client returns an HTTP client for the server. It does not follow
// redirects, so a click's 302 can be inspected.
func (s *Server) Client() *http.Client { return s.client }

// Close stops the server, waits for requests in flight and closes the
// tracker and the client's idle connections.
// Calling it again does nothing.
func (s *Server) Close() {
	s.once.Do(func() {
		s.client.CloseIdleConnections()
		s.cancel()
		<-s.done
		s.Tracker.Close()
	})
}
