package load

import (
	"fmt"
	"strconv"
	"strings"
)

// Shard is one machine's part of a run split across Count machines. Shard
// Index of Count runs the global journey numbers Index, Index+Count,
// Index+2·Count, …; every journey draws its randomness from Mix(seed, its
// global number), so shards are disjoint and a journey is the same
// whichever machine runs it. The zero value is the whole space: one
// machine.
//
// [choice] Index counts from 0 (--shard 0/4 … 3/4) because Kubernetes'
// JOB_COMPLETION_INDEX and CI matrix indexes count from 0.
type Shard struct {
	Index, Count int
}

// count is Count, 1 for the zero value.
func (s Shard) count() uint64 {
	if s.Count <= 0 {
		return 1
	}
	return uint64(s.Count)
}

// Global returns the global number of this shard's local-th journey.
func (s Shard) Global(local uint64) uint64 {
	return uint64(s.Index) + local*s.count()
}

// Journeys returns how many of the global journeys 0..total-1 are this
// shard's: the shards of one Count together run each exactly once.
func (s Shard) Journeys(total uint64) uint64 {
	i := uint64(s.Index)
	if total <= i {
		return 0
	}
	return (total - i + s.count() - 1) / s.count()
}

// String spells the shard as --shard does: "0/4"; "0/1" for the zero value.
func (s Shard) String() string {
	return fmt.Sprintf("%d/%d", s.Index, s.count())
}

// MaxShards is the most shards one run may be split into.
const MaxShards = 1 << 16

// ParseShard parses --shard "i/n": shard i (from 0) of n.
func ParseShard(v string) (Shard, error) {
	bad := func(why string) (Shard, error) {
		return Shard{}, fmt.Errorf("--shard %q: %s; allowed: i/n with 0 <= i < n, like 0/4 … 3/4", v, why)
	}
	a, b, ok := strings.Cut(v, "/")
	if !ok {
		return bad("missing /")
	}
	digits := func(t string) bool { return t != "" && strings.Trim(t, "0123456789") == "" }
	if !digits(a) {
		return bad(fmt.Sprintf("index %q is not a whole number written in digits", a))
	}
	if !digits(b) {
		return bad(fmt.Sprintf("count %q is not a whole number written in digits", b))
	}
	i, err := strconv.Atoi(a)
	if err != nil {
		return bad(fmt.Sprintf("index %q is not a whole number", a))
	}
	n, err := strconv.Atoi(b)
	if err != nil {
		return bad(fmt.Sprintf("count %q is not a whole number", b))
	}
	if n < 1 || n > MaxShards {
		return bad(fmt.Sprintf("the count must be from 1 to %d", MaxShards))
	}
	if i < 0 || i >= n {
		return bad(fmt.Sprintf("index %d is outside 0..%d (shards count from 0)", i, n-1))
	}
	return Shard{Index: i, Count: n}, nil
}

// Mix returns the randomness of global journey k under seed: a
// splitmix64 finalizer of both, so neighbouring journeys and seeds give
// unrelated streams (Steele, Lea, Flood: "Fast splittable pseudorandom
// number generators", OOPSLA 2014).
func Mix(seed, k uint64) uint64 {
	return splitmix64(seed ^ splitmix64(k+0x632be59bd9b4e019))
}

// splitmix64 is one step of SplitMix64's output function.
func splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}

// stream is a tiny deterministic generator over splitmix64 for the
// engine's own draws (faults, pool picks), apart from the walk's.
type stream uint64

func (s *stream) next() uint64 {
	*s += 0x9e3779b97f4a7c15
	x := uint64(*s)
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}

// float returns a number in [0, 1).
func (s *stream) float() float64 { return float64(s.next()>>11) / (1 << 53) }

// intn returns a number in [0, n); n > 0.
func (s *stream) intn(n int) int { return int(s.next() % uint64(n)) }

// ShardFromIndex makes shard index of count from an index given as text,
// such as Kubernetes' JOB_COMPLETION_INDEX in an Indexed Job or a CI
// matrix index (both count from 0). from names where the index came from,
// for the error.
func ShardFromIndex(from, index string, count int) (Shard, error) {
	i, err := strconv.Atoi(strings.TrimSpace(index))
	if err != nil {
		return Shard{}, fmt.Errorf("%s %q: not a whole number; want a shard index from 0 to %d", from, index, count-1)
	}
	if count < 1 {
		return Shard{}, fmt.Errorf("%s: shard count %d must be at least 1", from, count)
	}
	if i < 0 || i >= count {
		return Shard{}, fmt.Errorf("%s %q: outside 0..%d (indexes count from 0)", from, index, count-1)
	}
	return Shard{Index: i, Count: count}, nil
}
