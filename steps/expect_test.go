package steps

import "testing"

// TestQuotedListRefusesStrayWords: between the quoted names only commas,
// spaces and the word "and" are allowed, and before the first and after
// the last only commas and spaces; "andand" and a dangling "and" used to
// pass because the words were deleted rather than read. Found by
// FuzzQuotedList.
func TestQuotedListRefusesStrayWords(t *testing.T) {
	for _, s := range []string{`"A" andand "B"`, `"A" anandd "B"`, `"A" aandnd "B"`, `"A" or "B"`, `"A" "B" x`, `""and`, `"A" and`, `and "A"`} {
		if got, err := quotedList(s); err == nil {
			t.Errorf("quotedList(%q) = %q; want an error", s, got)
		}
	}
	for _, s := range []string{`"A", "B" and "C"`, `"A" and "B"`, `"A"`, `"A","B"`, `"A" , and "B"`} {
		if _, err := quotedList(s); err != nil {
			t.Errorf("quotedList(%q): %v", s, err)
		}
	}
}
