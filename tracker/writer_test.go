package tracker

import (
	"context"
	"database/sql"
	"errors"
	"testing"
	"time"
)

func TestWriteAfterClose(t *testing.T) {
	s, err := openStore(context.Background(), ":memory:", time.Now)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.close(); err != nil {
		t.Fatal(err)
	}
	err = s.inTx(context.Background(), func(context.Context, *sql.Tx) error { return nil })
	if !errors.Is(err, errStoreClosed) {
		t.Fatalf("inTx after close = %v, want errStoreClosed", err)
	}
}

func TestWriteCancelledBeforeStart(t *testing.T) {
	s, err := openStore(context.Background(), ":memory:", time.Now)
	if err != nil {
		t.Fatal(err)
	}
	defer s.close()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	ran := false
	err = s.inTx(ctx, func(context.Context, *sql.Tx) error { ran = true; return nil })
	if !errors.Is(err, context.Canceled) || ran {
		t.Fatalf("inTx with a cancelled context = %v (ran %v), want context.Canceled without running", err, ran)
	}
}
