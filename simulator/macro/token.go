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
	sc := scanner{s: template}
	for {
		start, end, ok := sc.next()
		if !ok {
			return out
		}
		out = append(out, Token{Name: template[start+1 : end-1], Start: start, End: end - 1})
	}
}

// queryStart returns the index of the first '?' or '#' of s, where the path
// ends and query escaping starts, or len(s) if there is neither. Tokens hold
// no '?' or '#', so in a template it is found in the template's own text.
// The query and the fragment are escaped alike, so which of the two comes
// first does not matter.
func queryStart(s string) int {
	q := strings.IndexByte(s, '?')
	if q < 0 {
		q = len(s)
	}
	if h := strings.IndexByte(s[:q], '#'); h >= 0 {
		return h
	}
	return q
}

// scanner finds the tokens of a template one by one.
type scanner struct {
	s   string
	pos int // where the search for the next '{' starts
}

// next finds the next token: s[start:end] is "{name}". ok is false when
// there are no more tokens.
func (sc *scanner) next() (start, end int, ok bool) {
	s := sc.s
	for pos := sc.pos; pos < len(s); {
		// strings.IndexByte is vectorised: the text between tokens is
		// skipped many bytes at a time.
		i := strings.IndexByte(s[pos:], '{')
		if i < 0 {
			break
		}
		i += pos
		k := i + 1 + nameLen(s[i+1:])
		if k > i+1 && k < len(s) && s[k] == '}' {
			sc.pos = k + 1
			return i, k + 1, true
		}
		// Not a token. s[i+1:k] are name bytes, none of them a '{', so
		// resuming at k is the same as resuming right after this '{'.
		pos = k
	}
	sc.pos = len(s)
	return 0, 0, false
}

// nameLen returns the length of the longest prefix of s made of name bytes
// [a-z0-9_].
func nameLen(s string) int {
	// Four bytes a step while they are all name bytes: the AND of their
	// classes has the nameChar bit only if every one has it.
	r := s
	for len(r) >= 4 && class[r[0]]&class[r[1]]&class[r[2]]&class[r[3]]&nameChar != 0 {
		r = r[4:]
	}
	n := len(s) - len(r)
	for n < len(s) && class[s[n]]&nameChar != 0 {
		n++
	}
	return n
}
