package macro

import "strings"

// Token is one well-formed {name} token of a template.
type Token struct {
	// Name is the token without braces.
	Name string
	// Start and End are the byte offsets of the opening and the closing
	// brace: template[Start:End+1] == "{" + Name + "}".
	Start, End int
}

// Tokens returns every well-formed {name} token of template in order, known
// macros or not, or nil if there are none. See the package documentation
// for what is a token.
func Tokens(template string) []Token {
	var out []Token
	sc := newScanner(template, 0)
	for {
		start, end, ok := sc.next()
		if !ok {
			return out
		}
		out = append(out, Token{Name: template[start+1 : end-1], Start: start, End: end - 1})
	}
}

// part is the part of a URL a token lands in; it decides the escaping.
type part uint8

const (
	inPath     part = iota // before the first '?' or '#'
	inQuery                // after the first '?', before any '#'
	inFragment             // after the first '#'
)

// scanner finds the tokens of a template one by one and tells the URL part
// they land in.
type scanner struct {
	s     string
	pos   int // where the search for the next '{' starts
	query int // index of the first '?', or -1
	frag  int // index of the first '#', or -1
}

// newScanner returns a scanner for s that starts looking for tokens at pos.
func newScanner(s string, pos int) scanner {
	return scanner{s: s, pos: pos, query: strings.IndexByte(s, '?'), frag: strings.IndexByte(s, '#')}
}

// next finds the next token: s[start:end] is "{name}". ok is false when
// there are no more tokens.
func (sc *scanner) next() (start, end int, ok bool) {
	s := sc.s
	// A plain loop: tokens are close together in a postback URL, so it beats
	// a call to strings.IndexByte per token.
	for i := sc.pos; i < len(s); i++ {
		if s[i] != '{' {
			continue
		}
		j := i + 1
		for j < len(s) && class[s[j]]&nameChar != 0 {
			j++
		}
		if j == i+1 || j == len(s) || s[j] != '}' {
			continue // not a token; resume right after this '{'
		}
		sc.pos = j + 1
		return i, j + 1, true
	}
	sc.pos = len(s)
	return 0, 0, false
}

// partAt returns the URL part of a token starting at i. Tokens hold no '?'
// or '#', so the first of each in the template is the template's own text.
func (sc *scanner) partAt(i int) part {
	switch {
	case sc.frag >= 0 && sc.frag < i:
		return inFragment
	case sc.query >= 0 && sc.query < i:
		return inQuery
	}
	return inPath
}
