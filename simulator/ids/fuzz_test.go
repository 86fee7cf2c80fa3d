package ids

import (
	"strings"
	"testing"
)

// all reports whether every byte of s satisfies ok.
func all(s string, ok func(c byte) bool) bool {
	for i := 0; i < len(s); i++ {
		if !ok(s[i]) {
			return false
		}
	}
	return true
}

func isLowerTID(c byte) bool { return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' }

func isUpperAlnum(c byte) bool { return c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' }

// FuzzNormalizeTID: under each rule a kept TID has the rule's charset and
// length (docs/clickbank.md §2), is the TID's first characters (cut to the
// rule's length, case changed by the legacy rules; an overlong TID is
// dropped under current-strict), and normalizing it again changes nothing.
func FuzzNormalizeTID(f *testing.F) {
	for _, s := range []string{"", "abc_123", "ABC", "a-b", "fb_ad_1", strings.Repeat("a", 100), strings.Repeat("a", 101),
		strings.Repeat("Z9", 12), strings.Repeat("Z9", 13), "12345678", "123456789", "é", "a b", "a\x00"} {
		f.Add(s, uint8(0))
	}
	f.Add("AbC", uint8(1))
	f.Add("AbC", uint8(2))
	f.Add("AbC", uint8(3))
	f.Add(strings.Repeat("a", 101), uint8(3))
	f.Fuzz(func(t *testing.T, tid string, ruleN uint8) {
		rule := TIDRule(ruleN % 4)
		if back, err := ParseTIDRule(rule.String()); err != nil || back != rule {
			t.Fatalf("ParseTIDRule(%q) = %v, %v; want %v", rule.String(), back, err, rule)
		}
		got, err := NormalizeTID(tid, rule)
		if err != nil {
			if got != "" {
				t.Fatalf("NormalizeTID(%q, %s) = %q with error %v; a refused TID is dropped whole", tid, rule, got, err)
			}
			return
		}
		limit, ok := 100, isLowerTID
		switch rule {
		case TIDLegacy24:
			limit, ok = 24, isUpperAlnum
		case TIDLegacy8:
			limit, ok = 8, isUpperAlnum
		}
		// A kept TID is the TID's first characters, at most case-folded:
		// cut to the rule's length (dropped instead under current-strict).
		want := min(len(tid), limit)
		if !strings.EqualFold(got, tid[:want]) || len(got) != want || (rule == TIDCurrentStrict && len(tid) > limit) {
			t.Fatalf("NormalizeTID(%q, %s) = %q; want its first %d characters, at most case-folded", tid, rule, got, want)
		}
		if !all(got, ok) {
			t.Fatalf("NormalizeTID(%q, %s) = %q; outside the rule's charset", tid, rule, got)
		}
		if again, err := NormalizeTID(got, rule); err != nil || again != got {
			t.Fatalf("NormalizeTID(%q, %s) = %q, %v; want it unchanged", got, rule, again, err)
		}
	})
}

// FuzzValidateVTID: an accepted vtid is at most 100 letters, digits or
// underscores, starts with a letter or digit and holds no "__".
func FuzzValidateVTID(f *testing.F) {
	for _, s := range []string{"", "v1", "abc_def", "_a", "a__b", "a_", strings.Repeat("x", 100), strings.Repeat("x", 101), "a-b", "ä"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, vtid string) {
		err := ValidateVTID(vtid)
		want := vtid == "" || len(vtid) <= 100 && isAlnum(vtid[0]) && all(vtid, func(c byte) bool { return isAlnum(c) || c == '_' }) &&
			!strings.Contains(vtid, "__")
		if (err == nil) != want {
			t.Fatalf("ValidateVTID(%q) = %v; want accepted %v", vtid, err, want)
		}
	})
}

// FuzzValidateNickname: an accepted nickname is 5 to 10 letters or digits
// and comes back lower-cased, and lower-cased it is accepted unchanged.
func FuzzValidateNickname(f *testing.F) {
	for _, s := range []string{"ven01", "AFF01", "abcd", "abcdefghijk", "abcde", "abcdefghij", "ab-cd", "ab cd", "abçde"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, nick string) {
		got, err := ValidateNickname(nick)
		want := len(nick) >= 5 && len(nick) <= 10 && all(nick, isAlnum)
		if (err == nil) != want {
			t.Fatalf("ValidateNickname(%q) = %q, %v; want accepted %v", nick, got, err, want)
		}
		if err != nil {
			return
		}
		if got != strings.ToLower(nick) {
			t.Fatalf("ValidateNickname(%q) = %q; want it lower-cased", nick, got)
		}
		if again, err := ValidateNickname(got); err != nil || again != got {
			t.Fatalf("ValidateNickname(%q) = %q, %v; want it unchanged", got, again, err)
		}
	})
}

// FuzzValidateTrackingValue: an accepted value is at most max characters of
// A-Za-z0-9, space, _, - and +; an accepted item number is 1 to 50
// letters, digits and dashes.
func FuzzValidateTrackingValue(f *testing.F) {
	for _, s := range []string{"", "spring sale", "a+b-c_d", "a&b", "a=b", "a%20b", strings.Repeat("x", 64), "é"} {
		f.Add(s, 64)
	}
	f.Add("abc", 0)
	f.Add("abc", -1)
	f.Fuzz(func(t *testing.T, v string, max int) {
		err := ValidateTrackingValue("aff_sub1", v, max)
		want := len(v) <= max && all(v, func(c byte) bool { return isAlnum(c) || strings.IndexByte(" _-+", c) >= 0 })
		if (err == nil) != want {
			t.Fatalf("ValidateTrackingValue(%q, %d) = %v; want accepted %v", v, max, err, want)
		}
		err = ValidateItem(v)
		want = v != "" && len(v) <= 50 && all(v, func(c byte) bool { return isAlnum(c) || c == '-' })
		if (err == nil) != want {
			t.Fatalf("ValidateItem(%q) = %v; want accepted %v", v, err, want)
		}
	})
}
