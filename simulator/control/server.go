package control

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/cbsim/cbsim/simulator"
)

// Server is the control API on a loopback port, in the manner of
// net/http/httptest.Server.
type Server struct {
	URL     string // http://127.0.0.1:PORT
	Handler *Handler
	srv     *http.Server
	done    chan error // receives Serve's result

	closeOnce sync.Once // Close shuts down once
	closeErr  error     // what the first Close returned
}

// NewServer serves sim's control API on 127.0.0.1:0, seeds from 1.
func NewServer(sim *simulator.Simulator, opts ...Option) (*Server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen: %w", err)
	}
	return Serve(ln, sim, 1, opts...), nil
}

// Serve serves sim's control API on ln until Close; requests without a
// seed take seed, seed+1, ...
func Serve(ln net.Listener, sim *simulator.Simulator, seed uint64, opts ...Option) *Server {
	h := NewHandler(sim, seed, opts...)
	s := &Server{URL: "http://" + ln.Addr().String(), Handler: h, done: make(chan error, 1),
		srv: &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}}
	go func() { s.done <- s.srv.Serve(ln) }()
	return s
}

// Client returns a client for the server.
func (s *Server) Client() *http.Client { return &http.Client{Timeout: time.Minute} }

// Close shuts the server down, waiting up to 5s for requests in flight;
// open journal streams end at once. Later calls return what the first
// returned.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		s.Handler.CloseStreams()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		err := s.srv.Shutdown(ctx)
		if serr := <-s.done; !errors.Is(serr, http.ErrServerClosed) {
			err = errors.Join(err, serr)
		}
		s.closeErr = err
	})
	return s.closeErr
}
