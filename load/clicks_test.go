package load

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"syscall"
	"testing"

	"github.com/cbsim/cbsim/simulator"
)

func TestSynthetic(t *testing.T) {
	hex24 := regexp.MustCompile(`^[0-9a-f]{24}$`)
	s := Synthetic{Seed: 5}
	seen := map[string]bool{}
	for k := range uint64(500) {
		for _, role := range []simulator.Role{simulator.RoleAffiliate, simulator.RoleVendor} {
			id, r, err := s.ClickID(context.Background(), role, k)
			if err != nil || r != nil || !hex24.MatchString(id) {
				t.Fatalf("journey %d %s: %q %v %v", k, role, id, r, err)
			}
			if seen[id] {
				t.Fatalf("id %s twice", id)
			}
			seen[id] = true
			if again, _, _ := s.ClickID(context.Background(), role, k); again != id {
				t.Fatal("not deterministic")
			}
		}
	}
}

func TestClickFuncAndPool(t *testing.T) {
	n := 0
	click := ClickFunc(func(ctx context.Context, role simulator.Role) (string, error) {
		n++
		return fmt.Sprintf("%s%d", role, n), nil
	})
	p, results, err := NewPool(context.Background(), 3, []simulator.Role{simulator.RoleAffiliate, simulator.RoleVendor}, click)
	if err != nil || len(results) != 6 {
		t.Fatalf("pool: %v, %d results", err, len(results))
	}
	for _, r := range results {
		if r.Kind != KindClick || !r.OK() || r.Role == "" {
			t.Errorf("click result %+v", r)
		}
	}
	for k, want := range map[uint64]string{0: "affiliate1", 4: "affiliate2", 5: "affiliate3"} {
		if id, r, err := p.ClickID(context.Background(), simulator.RoleAffiliate, k); id != want || r != nil || err != nil {
			t.Errorf("journey %d: %q %v %v, want %s", k, id, r, err, want)
		}
	}
	if id, _, _ := p.ClickID(context.Background(), simulator.RoleVendor, 0); id != "vendor4" {
		t.Errorf("vendor pool starts with %q", id)
	}

	fails := []struct {
		err  error
		want Reason
	}{
		{fmt.Errorf("click: %w", syscall.ECONNREFUSED), ReasonConnect},
		{errors.New(`click on campaign c (/click): Get "http://x": dial tcp 127.0.0.1:1: connect: connection refused`), ReasonConnect},
		{errors.New("click: context deadline exceeded (Client.Timeout exceeded while awaiting headers)"), ReasonTimeout},
		{errors.New("click: read: connection reset by peer"), ReasonReset},
		{errors.New("click on c: the tracker answered status 503"), ReasonStatus5xx},
		{errors.New("click on c: no click id in the Location"), ReasonBadResponse},
	}
	for _, f := range fails {
		bad := ClickFunc(func(context.Context, simulator.Role) (string, error) { return "", f.err })
		_, r, err := bad.ClickID(context.Background(), simulator.RoleAffiliate, 7)
		if err == nil || r == nil || r.Reason != f.want || r.Kind != KindClick || r.Journey != 7 {
			t.Errorf("%v: result %+v, error %v; want reason %s", f.err, r, err, f.want)
		}
	}
	if _, _, err := NewPool(context.Background(), 2, []simulator.Role{simulator.RoleAffiliate},
		func(context.Context, simulator.Role) (string, error) { return "", errors.New("down") }); err == nil {
		t.Error("a pool whose clicks fail: no error")
	}
}
