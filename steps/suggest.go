package steps

// The catalog sentences closest to a step no sentence matches.

import (
	"slices"
	"strings"
)

// closest returns the n catalog steps whose sentence or example reads
// closest to text (by edit distance), closest first.
func closest(text string, n int) []Step {
	type scored struct {
		step Step
		d    int
	}
	text = strings.ToLower(text)
	var all []scored
	for _, s := range compiledCatalog() {
		example, _, _ := strings.Cut(s.Example, "\n")
		if kw, rest, ok := strings.Cut(example, " "); ok && isKeyword(kw) {
			example = rest
		}
		d := min(editDistance(text, strings.ToLower(example)), editDistance(text, strings.ToLower(s.Sentence())))
		all = append(all, scored{s.Step, d})
	}
	slices.SortStableFunc(all, func(a, b scored) int { return a.d - b.d })
	out := make([]Step, 0, n)
	for _, s := range all[:min(n, len(all))] {
		out = append(out, s.step)
	}
	return out
}

func isKeyword(s string) bool {
	switch s {
	case "Given", "When", "Then", "And", "But":
		return true
	}
	return false
}

// editDistance is the Levenshtein distance between a and b, in runes.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
