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
	for pos := 0; ; {
		start, end, ok := nextToken(template, pos)
		if !ok {
			return out
		}
		out = append(out, Token{Name: template[start+1 : end-1], Start: start, End: end - 1})
		pos = end
	}
}

// nextToken finds the first token of s at or after pos: s[start:end] is
// "{name}". ok is false when there is none.
func nextToken(s string, pos int) (start, end int, ok bool) {
	for pos < len(s) {
		i := strings.IndexByte(s[pos:], '{')
		if i < 0 {
			break
		}
		start = pos + i
		end = start + 1
		for end < len(s) && class[s[end]]&nameChar != 0 {
			end++
		}
		if end > start+1 && end < len(s) && s[end] == '}' {
			return start, end + 1, true
		}
		// Not a token; the name bytes skipped hold no '{'.
		pos = end
	}
	return 0, 0, false
}

// queryStart returns the index of the first '?' or '#' of s, where the path
// ends and query escaping starts, or len(s) if there is neither. Tokens hold
// no '?' or '#', so in a template it is found in the template's own text.
func queryStart(s string) int {
	if i := strings.IndexAny(s, "?#"); i >= 0 {
		return i
	}
	return len(s)
}
