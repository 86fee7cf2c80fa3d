package load

import (
	"maps"
	"strings"
	"testing"
)

func TestParseShard(t *testing.T) {
	if s, err := ParseShard("3/4"); err != nil || s != (Shard{3, 4}) {
		t.Fatalf("3/4: %v %v", s, err)
	}
	for in, want := range map[string]string{
		"4/4":     "index 4 is outside 0..3",
		"1/0":     "from 1 to 65536",
		"0/70000": "from 1 to 65536",
		"x/4":     `index "x"`,
		"1/y":     `count "y"`,
		"2":       "missing /",
		"-1/4":    `index "-1"`,
		" 1/4":    `index " 1"`,
	} {
		_, err := ParseShard(in)
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), `--shard "`+in+`"`) {
			t.Errorf("ParseShard(%q): error %v, want %q", in, err, want)
		}
	}
	if (Shard{}).String() != "0/1" || (Shard{2, 4}).String() != "2/4" {
		t.Error("String")
	}
}

func TestShardJourneysSplitExactly(t *testing.T) {
	for _, total := range []uint64{0, 1, 3, 10, 11, 97} {
		for n := 1; n <= 5; n++ {
			seen := make([]int, total)
			for i := range n {
				s := Shard{i, n}
				for local := range s.Journeys(total) {
					seen[s.Global(local)]++
				}
			}
			for k, c := range seen {
				if c != 1 {
					t.Fatalf("total %d over %d shards: journey %d run %d times", total, n, k, c)
				}
			}
		}
	}
}

func TestShardsDisjointAndReproducible(t *testing.T) {
	s := newTestSource(t, nil)
	const total, seed = 60, 42
	whole := journeyURLs(t, s, seed, Shard{}, total)
	union := map[string]uint64{}
	for i := range 3 {
		part := journeyURLs(t, s, seed, Shard{i, 3}, total)
		if again := journeyURLs(t, s, seed, Shard{i, 3}, total); !maps.Equal(part, again) {
			t.Errorf("shard %d/3 is not reproducible", i)
		}
		for u, k := range part {
			if _, dup := union[u]; dup {
				t.Fatalf("shards overlap on %s", u)
			}
			union[u] = k
		}
	}
	if !maps.Equal(union, whole) {
		t.Errorf("the union of 3 shards (%d URLs) is not the whole run (%d URLs)", len(union), len(whole))
	}
	if other := journeyURLs(t, s, seed+1, Shard{}, total); len(other) > 0 {
		for u := range other {
			if _, same := whole[u]; same {
				t.Errorf("seeds %d and %d share %s", seed, seed+1, u)
			}
		}
	}
}

func TestShardFromIndex(t *testing.T) {
	if s, err := ShardFromIndex("JOB_COMPLETION_INDEX", "2", 4); err != nil || s != (Shard{2, 4}) {
		t.Fatalf("got %v, %v", s, err)
	}
	for _, tt := range []struct {
		index string
		count int
		want  string
	}{
		{"", 4, `JOB_COMPLETION_INDEX "": not a whole number`},
		{"4", 4, `JOB_COMPLETION_INDEX "4": outside 0..3`},
		{"-1", 4, "outside"},
		{"0", 0, "at least 1"},
	} {
		if _, err := ShardFromIndex("JOB_COMPLETION_INDEX", tt.index, tt.count); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q of %d: error %v, want %q", tt.index, tt.count, err, tt.want)
		}
	}
}
