package steps

import (
	"regexp"
	"strings"
	"testing"
)

// TestCatalogExamplesMatch keeps the catalog honest: every example matches
// its own pattern and no other, and every sentence is free of regex syntax.
func TestCatalogExamplesMatch(t *testing.T) {
	cat := Catalog()
	res := make([]*regexp.Regexp, len(cat))
	for i, s := range cat {
		res[i] = regexp.MustCompile(s.Pattern)
	}
	for i, s := range cat {
		line, _, _ := strings.Cut(s.Example, "\n")
		for _, kw := range []string{"Given ", "When ", "Then ", "And "} {
			line = strings.TrimPrefix(line, kw)
		}
		for j, re := range res {
			if got := re.MatchString(line); got != (i == j) {
				t.Errorf("example %q: matches %q = %v", line, cat[j].Pattern, got)
			}
		}
		if sent := s.Sentence(); strings.ContainsAny(sent, `\^$?`) || strings.Contains(sent, "(?") {
			t.Errorf("sentence of %q still reads like a regex: %q", s.Pattern, sent)
		}
		if s.Doc == "" || s.Group == "" {
			t.Errorf("step %q lacks its group or doc", s.Pattern)
		}
	}
}
