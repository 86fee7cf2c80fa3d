package load

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"syscall"
	"time"

	"github.com/cbsim/cbsim/simulator"
)

// ClickSource gives a journey its click id for role: the {tid} of its
// affiliate postbacks or the {vtid} of its vendor ones. r is non-nil when
// a real request was made (a KindClick Result for the metrics, its Start
// left for the engine to set); err means the journey has no click id and
// is not sent.
type ClickSource interface {
	ClickID(ctx context.Context, role simulator.Role, journey uint64) (id string, r *Result, err error)
}

var (
	_ ClickSource = Synthetic{}
	_ ClickSource = (*Pool)(nil)
	_ ClickSource = ClickFunc(nil)
)

// Synthetic makes click ids without a tracker: 24 lowercase hex
// characters, the form of RedTrack's click ids (docs/clickbank.md,
// tracker/id.go), drawn from Mix(Seed, journey) and the role, so the same
// seed and journey give the same id on any machine. A tracker that checks
// its clicks will not know them; use Pool or ClickFunc for one that does.
type Synthetic struct {
	Seed uint64
}

// ClickID implements ClickSource.
func (s Synthetic) ClickID(_ context.Context, role simulator.Role, journey uint64) (string, *Result, error) {
	return syntheticID(s.Seed, role, journey), nil, nil
}

func syntheticID(seed uint64, role simulator.Role, journey uint64) string {
	salt := uint64(0xa0761d6478bd642f)
	if role == simulator.RoleVendor {
		salt = 0xe7037ed1a0b428db
	}
	st := stream(Mix(seed^salt, journey))
	a, b := st.next(), st.next()
	const hex = "0123456789abcdef"
	var out [24]byte
	for i := range 16 {
		out[i] = hex[a>>(60-4*i)&15]
	}
	for i := range 8 {
		out[16+i] = hex[b>>(60-4*i)&15]
	}
	return string(out[:])
}

// ClickFunc makes one real click through the tracker for role and returns
// the click id it handed out; the CLI passes the profile's Tracker.Click.
// As a ClickSource it times each click and turns a failure into a
// KindClick Result as well as an error.
type ClickFunc func(ctx context.Context, role simulator.Role) (string, error)

// ClickID implements ClickSource.
func (f ClickFunc) ClickID(ctx context.Context, role simulator.Role, journey uint64) (string, *Result, error) {
	r := &Result{Kind: KindClick, Role: role, Journey: journey}
	t0 := time.Now()
	id, err := f(ctx, role)
	r.Latency = time.Since(t0)
	if err == nil && id == "" {
		err = errors.New("the tracker handed out an empty click id")
	}
	if err != nil {
		r.Reason = classifyClickErr(ctx, err)
		return "", r, fmt.Errorf("click for journey %d: %w", journey, err)
	}
	// Status stays 0: a ClickFunc does not tell the reply's status, and
	// ClickID stays empty, as result.go has it for clicks.
	return id, r, nil
}

// classifyClickErr sorts a click's failure into a Reason: by the error's
// type where it kept one, else by the words of its message (the profile
// formats net/http's errors with %v).
func classifyClickErr(ctx context.Context, err error) Reason {
	var ne net.Error
	switch {
	case ctx.Err() != nil:
		return ReasonCanceled
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout(), errors.Is(err, os.ErrDeadlineExceeded):
		return ReasonTimeout
	case errors.Is(err, syscall.ECONNREFUSED):
		return ReasonConnect
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF), errors.Is(err, syscall.EPIPE):
		return ReasonReset
	}
	msg := err.Error()
	switch {
	case strings.Contains(msg, "timeout"), strings.Contains(msg, "deadline exceeded"):
		return ReasonTimeout
	case strings.Contains(msg, "connection refused"), strings.Contains(msg, "no such host"), strings.Contains(msg, "dial "):
		return ReasonConnect
	case strings.Contains(msg, "reset by peer"), strings.Contains(msg, "EOF"), strings.Contains(msg, "broken pipe"):
		return ReasonReset
	case strings.Contains(msg, "status 5"), strings.Contains(msg, "HTTP 5"):
		return ReasonStatus5xx
	case strings.Contains(msg, "status 4"), strings.Contains(msg, "HTTP 4"):
		return ReasonStatus4xx
	}
	return ReasonBadResponse
}

// Pool holds click ids made up front (--clicks N); journey k draws id
// k mod N of its role, so every machine and rerun draws the same one.
type Pool struct {
	ids map[simulator.Role][]string
}

// NewPool makes n clicks for each role through click, one after another,
// and keeps their ids. It returns the clicks' Results for the metrics
// (their Journey is the click's place in the pool, their Start 0) and
// stops at the first failure, naming it. The ids are the tracker's, so a
// pooled run is reproducible on one tracker, not across trackers.
func NewPool(ctx context.Context, n int, roles []simulator.Role, click ClickFunc) (*Pool, []Result, error) {
	if n < 1 {
		return nil, nil, fmt.Errorf("--clicks %d: must be at least 1", n)
	}
	p := &Pool{ids: map[simulator.Role][]string{}}
	var results []Result
	for _, role := range roles {
		for i := range n {
			id, r, err := click.ClickID(ctx, role, uint64(i))
			if r != nil {
				results = append(results, *r)
			}
			if err != nil {
				return nil, results, fmt.Errorf("click pool: %s click %d of %d: %w", role, i+1, n, err)
			}
			p.ids[role] = append(p.ids[role], id)
		}
	}
	return p, results, nil
}

// NewPoolOf is a Pool of ids already made, by role.
func NewPoolOf(ids map[simulator.Role][]string) *Pool {
	return &Pool{ids: ids}
}

// ClickID implements ClickSource; it makes no request.
func (p *Pool) ClickID(_ context.Context, role simulator.Role, journey uint64) (string, *Result, error) {
	ids := p.ids[role]
	if len(ids) == 0 {
		return "", nil, fmt.Errorf("click pool has no %s click ids", role)
	}
	return ids[journey%uint64(len(ids))], nil, nil
}
