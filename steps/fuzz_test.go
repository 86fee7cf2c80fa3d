package steps

import (
	"strings"
	"testing"

	"github.com/cbsim/cbsim/simulator"
)

// FuzzParseExpected: a quoted expectation is its literal, whatever it holds;
// a reference reads back from its String; anything else is the trimmed
// text itself.
func FuzzParseExpected(f *testing.F) {
	for _, s := range []string{`"45.75"`, `the click id`, ` the order id `, `empty`, `nothing`, `""`, `"`, `"a"b"`, `45.75`, `the receipt`, `"the click id"`, "\"a\nb\""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e := parseExpected(s)
		trimmed := strings.TrimSpace(s)
		switch {
		case e.ref != "":
			if again := parseExpected(e.String()); again != e {
				t.Fatalf("parseExpected(%q) = %+v; its String %q reads back as %+v", s, e, e.String(), again)
			}
			if _, err := e.resolve(&World{}, &simulator.Delivery{}); err != nil && strings.Contains(err.Error(), "unknown reference") {
				t.Fatalf("parseExpected(%q) = %+v, a reference resolve does not know", s, e)
			}
		case len(trimmed) >= 2 && trimmed[0] == '"' && trimmed[len(trimmed)-1] == '"' && !strings.Contains(trimmed, "\n"):
			if e.literal != trimmed[1:len(trimmed)-1] {
				t.Fatalf("parseExpected(%q) = %+v; want the quoted text", s, e)
			}
		case trimmed == "empty" || trimmed == "nothing":
			if e != (expected{}) {
				t.Fatalf("parseExpected(%q) = %+v; want empty", s, e)
			}
		case !strings.Contains(trimmed, "\n"):
			if e.literal != trimmed {
				t.Fatalf("parseExpected(%q) = %+v; want the text itself", s, e)
			}
		}
	})
}

// FuzzQuotedList: an accepted list is its quoted names, with nothing but
// commas, spaces and (between two names) the word "and" around them; names joined back the
// same way read back the same.
func FuzzQuotedList(f *testing.F) {
	for _, s := range []string{`"A", "B" and "C"`, `"A"`, `""`, `A`, `"A" or "B"`, `"A" andand "B"`, `"A", , "B"`, `"A" "B"`, `"A"and"B"`, `"x,y"`, `"A" anandd "B"`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		names, err := quotedList(s)
		if err != nil {
			return
		}
		rest := s
		for _, n := range names {
			i := strings.Index(rest, `"`+n+`"`)
			if i < 0 {
				t.Fatalf("quotedList(%q) = %q; %q is not quoted in it", s, names, n)
			}
			for _, w := range strings.FieldsFunc(rest[:i], func(r rune) bool { return r == ',' || r == ' ' }) {
				if w != "and" || rest == s {
					t.Fatalf("quotedList(%q) = %q; accepted %q between the names", s, names, w)
				}
			}
			rest = rest[i+len(n)+2:]
		}
		if strings.Trim(rest, ", ") != "" {
			t.Fatalf("quotedList(%q) = %q; accepted %q after the names", s, names, rest)
		}
		quoted := make([]string, len(names))
		for i, n := range names {
			quoted[i] = `"` + n + `"`
		}
		joined := strings.Join(quoted, ", ")
		if again, err := quotedList(joined); err != nil || strings.Join(again, "\x00") != strings.Join(names, "\x00") {
			t.Fatalf("quotedList(%q) = %q, %v; want %q", joined, again, err, names)
		}
	})
}

// FuzzTemplateParams: the steps' reading of a URL template's query agrees
// with itself: withValue sets the value queryParams then reads, keeps the
// other parameters and the fragment, and parseFormats accepts only the
// report formats.
func FuzzTemplateParams(f *testing.F) {
	f.Add("http://t/postback?clickid={tid}&sum={affiliate_earnings}&type=InitialPurchase", "sum", "{vendor_earnings}", "pretty,junit:out.xml")
	f.Add("http://t/p", "clickid", "x", "progress")
	f.Add("http://t/p?a=1&a=2#frag?x=y", "a", "3", "cucumber:")
	f.Add("http://t/p?=&&b", "", "v", "junit:a:b, pretty")
	f.Fuzz(func(t *testing.T, tmpl, param, v, formats string) {
		before := queryParams(tmpl)
		out := withValue(tmpl, param, v)
		if param == "" || strings.ContainsAny(param+v, "&#=?") {
			return
		}
		after := queryParams(out)
		if len(after) != len(before) {
			t.Fatalf("withValue(%q, %q, %q) = %q: %d parameters, had %d", tmpl, param, v, out, len(after), len(before))
		}
		for i, p := range after {
			want := before[i]
			if want[0] == param {
				want[1] = v
			}
			if p != want {
				t.Fatalf("withValue(%q, %q, %q) = %q: parameter %d is %q, want %q", tmpl, param, v, out, i, p, want)
			}
		}
		if _, frag, ok := strings.Cut(tmpl, "#"); ok && !strings.HasSuffix(out, "#"+frag) {
			t.Fatalf("withValue(%q, %q, %q) = %q lost the fragment", tmpl, param, v, out)
		}
		if fs, err := parseFormats(formats); err == nil {
			for _, f := range fs {
				if !strings.Contains(" pretty progress junit cucumber ", " "+f.name+" ") {
					t.Fatalf("parseFormats(%q) accepted %q", formats, f.name)
				}
			}
		}
	})
}
