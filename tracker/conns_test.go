package tracker

import (
	"net"
	"testing"
	"time"
)

// fakeListener hands out the connections sent on conns and counts the
// calls of Accept.
type fakeListener struct {
	conns chan net.Conn
	calls chan int // receives the number of each Accept call
	n     int
}

func (f *fakeListener) Accept() (net.Conn, error) {
	f.n++
	f.calls <- f.n
	c, ok := <-f.conns
	if !ok {
		return nil, net.ErrClosed
	}
	return c, nil
}
func (f *fakeListener) Close() error   { close(f.conns); return nil }
func (f *fakeListener) Addr() net.Addr { return &net.TCPAddr{} }

// TestLimitListener: with two of two slots taken, Accept waits for a slot
// without taking a connection from the kernel (the inner Accept is not
// called), and takes the next one once a connection closes.
func TestLimitListener(t *testing.T) {
	inner := &fakeListener{conns: make(chan net.Conn, 3), calls: make(chan int, 10)}
	l := newLimitListener(inner, 2)
	l.waiting = make(chan struct{}, 1)
	var conns []net.Conn
	for range 3 {
		a, b := net.Pipe()
		defer a.Close()
		defer b.Close()
		conns = append(conns, a)
		inner.conns <- a
	}
	accepted := make(chan net.Conn)
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				close(accepted)
				return
			}
			accepted <- c
		}
	}()
	first, second := <-accepted, <-accepted
	<-l.waiting // the third Accept found no slot
	if got := len(inner.calls); got != 2 || l.open() != 2 {
		t.Fatalf("inner Accept called %d times, %d open, while both slots are taken; want 2, 2", got, l.open())
	}
	first.Close()
	select {
	case third := <-accepted:
		if third.(*limitConn).Conn != conns[2] {
			t.Errorf("third accepted %v, want the third connection", third)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("no connection accepted after one closed")
	}
	first.Close() // a second Close frees nothing more
	if l.open() != 2 {
		t.Errorf("%d open, want 2", l.open())
	}
	second.Close()
	l.Close()
	if _, ok := <-accepted; ok {
		t.Error("Accept returned a connection after Close")
	}
}
