package macro

import (
	"strings"
)

// Values maps a macro name (without braces) to its raw, unescaped value.
type Values map[string]string

// Byte classes for scanning and escaping.
const (
	nameChar  = 1 << iota // [a-z0-9_]: may appear in a token name
	querySafe             // left as is by url.QueryEscape
	pathSafe              // left as is by url.PathEscape
)

// class holds the byte classes of every byte; built once, never modified.
var class = func() (c [256]uint8) {
	for b := 0; b < 256; b++ {
		switch {
		case 'a' <= b && b <= 'z', '0' <= b && b <= '9', b == '_':
			c[b] = nameChar | querySafe | pathSafe
		case 'A' <= b && b <= 'Z', b == '-', b == '.', b == '~':
			c[b] = querySafe | pathSafe
		case b == '$', b == '&', b == '+', b == ':', b == '=', b == '@':
			c[b] = pathSafe
		}
	}
	return c
}()

const upperhex = "0123456789ABCDEF"

// maxSlots is how many replacements Expand remembers between its sizing and
// its writing pass; a template with more is still expanded in one
// allocation, by resolving the tokens again.
const maxSlots = 16

// slot is one replacement found by the sizing pass.
type slot struct {
	start, end int    // template[start:end] is the token
	val        string // its raw value
	part       part   // the URL part it lands in
	verbatim   bool   // val needs no escaping in that part
}

// Expand replaces the {name} tokens of template with values: a name in
// values gives its value escaped for the URL part it lands in; a known macro
// without a value gives ""; an unknown token stays as it is. See the package
// documentation for the exact rules. Expand never panics; it returns template
// itself (no allocation) when nothing is replaced, otherwise a string built
// in one exact-size allocation.
func Expand(template string, values Values) string {
	first := strings.IndexByte(template, '{')
	if first < 0 {
		return template
	}
	var slots [maxSlots]slot // indexed, not appended: stays on the stack
	n := 0
	overflow := false
	size := len(template)
	sc := newScanner(template, first)
	for {
		start, end, ok := sc.next()
		if !ok {
			break
		}
		val, ok := resolve(values, template[start+1:end-1])
		if !ok {
			continue
		}
		p := sc.partAt(start)
		elen, verbatim := escapedLen(val, p)
		size += elen - (end - start)
		if n == maxSlots {
			overflow = true
			continue
		}
		slots[n] = slot{start: start, end: end, val: val, part: p, verbatim: verbatim}
		n++
	}
	if n == 0 {
		return template
	}

	var b strings.Builder
	b.Grow(size)
	if overflow {
		writeAll(&b, template, values)
		return b.String()
	}
	last := 0
	for i := range n {
		s := &slots[i]
		b.WriteString(template[last:s.start])
		if s.verbatim {
			b.WriteString(s.val)
		} else {
			writeEscaped(&b, s.val, s.part)
		}
		last = s.end
	}
	b.WriteString(template[last:])
	return b.String()
}

// resolve returns the replacement for the token called name, and false when
// the token is unknown and stays as it is.
func resolve(values Values, name string) (string, bool) {
	if v, ok := values[name]; ok {
		return v, true
	}
	return "", Known(name)
}

// writeAll is the writing pass without remembered slots: it resolves every
// token again.
func writeAll(b *strings.Builder, template string, values Values) {
	sc := newScanner(template, 0)
	last := 0
	for {
		start, end, ok := sc.next()
		if !ok {
			break
		}
		val, ok := resolve(values, template[start+1:end-1])
		if !ok {
			continue
		}
		b.WriteString(template[last:start])
		writeEscaped(b, val, sc.partAt(start))
		last = end
	}
	b.WriteString(template[last:])
}

// escapedLen returns the length of v escaped for p, and whether the escaped
// form is v itself.
func escapedLen(v string, p part) (n int, verbatim bool) {
	safe := uint8(querySafe)
	if p == inPath {
		safe = pathSafe
	}
	n = len(v)
	verbatim = true
	for i := 0; i < len(v); i++ {
		if class[v[i]]&safe != 0 {
			continue
		}
		verbatim = false
		if v[i] != ' ' || p == inPath {
			n += 2
		}
	}
	return n, verbatim
}

// writeEscaped writes v escaped for p: url.PathEscape's rules in the path,
// url.QueryEscape's in the query and the fragment.
func writeEscaped(b *strings.Builder, v string, p part) {
	safe := uint8(querySafe)
	if p == inPath {
		safe = pathSafe
	}
	last := 0
	for i := 0; i < len(v); i++ {
		c := v[i]
		if class[c]&safe != 0 {
			continue
		}
		b.WriteString(v[last:i])
		if c == ' ' && p != inPath {
			b.WriteByte('+')
		} else {
			b.WriteByte('%')
			b.WriteByte(upperhex[c>>4])
			b.WriteByte(upperhex[c&15])
		}
		last = i + 1
	}
	b.WriteString(v[last:])
}
