package ids

import (
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
)

func TestGeneratorsHaveTheirShape(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	shapes := []struct {
		name string
		gen  func(*rand.Rand) string
		re   *regexp.Regexp
	}{
		{"receipt", Receipt, regexp.MustCompile(`^[A-Z0-9]{8}$`)},
		{"clickid", ClickID, regexp.MustCompile(`^[0-9a-f]{24}$`)},
		{"uuid", UUID, regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)},
	}
	for _, s := range shapes {
		seen := map[string]bool{}
		for i := 0; i < 1000; i++ {
			v := s.gen(r)
			if !s.re.MatchString(v) {
				t.Fatalf("%s %q does not match %s", s.name, v, s.re)
			}
			if seen[v] {
				t.Fatalf("%s %q repeated within 1000 draws", s.name, v)
			}
			seen[v] = true
		}
	}
}

func TestSameSeedSameIDs(t *testing.T) {
	a, b := rand.New(rand.NewPCG(7, 7)), rand.New(rand.NewPCG(7, 7))
	for i := 0; i < 10; i++ {
		if x, y := Receipt(a)+UUID(a)+ClickID(a), Receipt(b)+UUID(b)+ClickID(b); x != y {
			t.Fatalf("draw %d differs: %s vs %s", i, x, y)
		}
	}
}

func TestNormalizeTID(t *testing.T) {
	cases := []struct {
		tid     string
		rule    TIDRule
		want    string
		wantErr string
	}{
		{"abc123", TIDCurrent, "abc123", ""},
		{"5f8a1b2c3d4e5f6a7b8c9d0e", TIDCurrent, "5f8a1b2c3d4e5f6a7b8c9d0e", ""},
		{"camp_01", TIDCurrent, "camp_01", ""},
		{"", TIDCurrent, "", ""},
		{"ABC", TIDCurrent, "", "only [a-z0-9_]"},
		{"a-b", TIDCurrent, "", "position 2"},
		{strings.Repeat("a", 101), TIDCurrent, strings.Repeat("a", 100), ""},
		{strings.Repeat("a", 101), TIDCurrentStrict, "", "at most 100"},
		{strings.Repeat("a", 100), TIDCurrentStrict, strings.Repeat("a", 100), ""},
		{strings.Repeat("a", 100), TIDCurrent, strings.Repeat("a", 100), ""},
		{strings.Repeat("a", 100) + "-", TIDCurrent, "", "position 101"}, // a bad character past the cut still drops it
		{"ABC", TIDCurrentStrict, "", "only [a-z0-9_]"},
		{"5f8a1b2c3d4e5f6a7b8c9d0e", TIDLegacy24, "5F8A1B2C3D4E5F6A7B8C9D0E", ""},
		{"abc_1", TIDLegacy24, "", "only letters and digits"},
		{strings.Repeat("a", 25), TIDLegacy24, strings.Repeat("A", 24), ""},
		{"abcdefghi", TIDLegacy8, "ABCDEFGH", ""},
		{"abcdefgh_x", TIDLegacy8, "", "position 9"}, // dropped whole, even past the cut
		{"5f8a1b2c3d4e5f6a7b8c9d0e1f", TIDLegacy24, "5F8A1B2C3D4E5F6A7B8C9D0E", ""},
	}
	for _, c := range cases {
		got, err := NormalizeTID(c.tid, c.rule)
		if c.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), c.wantErr) {
				t.Errorf("NormalizeTID(%q, %s) error = %v, want it to mention %q", c.tid, c.rule, err, c.wantErr)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("NormalizeTID(%q, %s) = %q, %v; want %q", c.tid, c.rule, got, err, c.want)
		}
	}
}

func TestValidators(t *testing.T) {
	ok := []error{ValidateVTID("v_1"), ValidateVTID(""), ValidateItem("FE-01"), ValidateTrackingValue("aff_sub1", "a b+c_d-e", 100)}
	for i, err := range ok {
		if err != nil {
			t.Errorf("case %d: unexpected error %v", i, err)
		}
	}
	bad := []error{ValidateVTID("_v"), ValidateVTID("a__b"), ValidateVTID("a.b"), ValidateItem(""), ValidateItem("a b"), ValidateTrackingValue("aff_sub1", "a&b", 100), ValidateTrackingValue("x", "aa", 1)}
	for i, err := range bad {
		if err == nil {
			t.Errorf("case %d: expected an error", i)
		}
	}
	if n, err := ValidateNickname("AFF01"); err != nil || n != "aff01" {
		t.Errorf("ValidateNickname(AFF01) = %q, %v", n, err)
	}
	for _, n := range []string{"abcd", "abcdefghijk", "ab-cd"} {
		if _, err := ValidateNickname(n); err == nil {
			t.Errorf("ValidateNickname(%q) accepted", n)
		}
	}
	if _, err := ParseTIDRule("legacy9"); err == nil || !strings.Contains(err.Error(), TIDRules) {
		t.Errorf("ParseTIDRule(legacy9) error = %v", err)
	}
}
