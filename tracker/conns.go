package tracker

import (
	"net"
	"sync"
)

// limitListener accepts at most n connections at a time, in the manner of
// golang.org/x/net/netutil.LimitListener: Accept waits for a slot before it
// takes the next connection, so the ones over the limit wait in the
// kernel's listen backlog, and closing an accepted connection frees its
// slot.
type limitListener struct {
	net.Listener
	sem     chan struct{} // one token per open connection
	done    chan struct{} // closed by Close: wakes a waiting Accept
	once    sync.Once     // closes done once
	waiting chan struct{} // when not nil, Accept sends on it before waiting for a slot (tests)
}

func newLimitListener(ln net.Listener, n int) *limitListener {
	return &limitListener{Listener: ln, sem: make(chan struct{}, n), done: make(chan struct{})}
}

// Accept waits for a free slot, then for a connection.
func (l *limitListener) Accept() (net.Conn, error) {
	select {
	case l.sem <- struct{}{}:
	default:
		if l.waiting != nil {
			l.waiting <- struct{}{}
		}
		select {
		case l.sem <- struct{}{}:
		case <-l.done:
			return nil, net.ErrClosed
		}
	}
	c, err := l.Listener.Accept()
	if err != nil {
		<-l.sem
		return nil, err
	}
	return &limitConn{Conn: c, release: func() { <-l.sem }}, nil
}

// Close closes the listener and wakes an Accept waiting for a slot.
func (l *limitListener) Close() error {
	l.once.Do(func() { close(l.done) })
	return l.Listener.Close()
}

// open is the number of accepted connections not yet closed.
func (l *limitListener) open() int { return len(l.sem) }

// limitConn gives its slot back on its first Close.
type limitConn struct {
	net.Conn
	once    sync.Once
	release func()
}

// Close closes the connection and frees its slot.
func (c *limitConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.release)
	return err
}
