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

// maxSlots is how many replacements expandLarge remembers between its
// sizing and its writing pass; a template with more is still expanded in one
// allocation, by resolving the tokens again.
const maxSlots = 16

// slot is one replacement found by expandLarge's sizing pass.
type slot struct {
	start, end int    // template[start:end] is the token
	val        string // its raw value
	safe       uint8  // the class bit of the bytes val keeps as they are
	verbatim   bool   // val needs no escaping
}

// stackBuf is the size of the stack buffer Expand builds a result in before
// copying it to the heap in one exact-size allocation; a longer result is
// built by expandLarge.
const stackBuf = 512

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
	query := queryStart(template)

	// One pass into a stack buffer, resolving each token once; string(out)
	// is then the only allocation, of the exact size. A result that may not
	// fit is left to expandLarge, which starts over.
	var buf [stackBuf]byte
	out := buf[:0]
	replaced := false
	last := 0 // template[last:] is not written yet
	sc := scanner{s: template, pos: first}
	for {
		start, end, ok := sc.next()
		if !ok {
			break
		}
		val, ok := resolve(values, template[start+1:end-1])
		if !ok {
			continue
		}
		// An escaped value is at most three times as long.
		if len(out)+(start-last)+3*len(val) > len(buf) {
			return expandLarge(template, values, first, query)
		}
		out = append(out, template[last:start]...)
		out = appendValue(out, val, safeFor(start, query))
		last = end
		replaced = true
	}
	if !replaced {
		return template
	}
	if len(out)+len(template)-last > len(buf) {
		return expandLarge(template, values, first, query)
	}
	out = append(out, template[last:]...)
	return string(out)
}

// expandLarge is Expand for a result too long for its stack buffer: a
// sizing pass that resolves the tokens and remembers up to maxSlots
// replacements, then a writing pass into one exact-size allocation.
func expandLarge(template string, values Values, first, query int) string {
	var slots [maxSlots]slot // indexed, not appended: stays on the stack
	n := 0
	size := len(template)
	sc := scanner{s: template, pos: first}
	for {
		start, end, ok := sc.next()
		if !ok {
			break
		}
		val, ok := resolve(values, template[start+1:end-1])
		if !ok {
			continue
		}
		safe := safeFor(start, query)
		elen, verbatim := escapedLen(val, safe)
		size += elen - (end - start)
		if n < maxSlots {
			slots[n] = slot{start: start, end: end, val: val, safe: safe, verbatim: verbatim}
		}
		n++
	}

	var b strings.Builder
	b.Grow(size)
	if n > maxSlots {
		writeAll(&b, template, values, first, query)
		return b.String()
	}
	last := 0
	for i := range slots[:n] {
		s := &slots[i]
		b.WriteString(template[last:s.start])
		if s.verbatim {
			b.WriteString(s.val)
		} else {
			writeEscaped(&b, s.val, s.safe)
		}
		last = s.end
	}
	b.WriteString(template[last:])
	return b.String()
}

// appendValue appends v escaped with safe (see safeFor) to out.
func appendValue(out []byte, v string, safe uint8) []byte {
	// Most values (ids, amounts, codes) need no escaping.
	if allClass(v, safe) {
		return append(out, v...)
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case class[c]&safe != 0:
			out = append(out, c)
		case c == ' ' && safe == querySafe:
			out = append(out, '+')
		default:
			out = append(out, '%', upperhex[c>>4], upperhex[c&15])
		}
	}
	return out
}

// allClass reports whether every byte of v has the class bit bit. It tests
// four or eight bytes a step — the AND of their classes has the bit only if
// every one has it —, the last step overlapping the one before rather than
// finishing byte by byte.
func allClass(v string, bit uint8) bool {
	n := len(v)
	switch {
	case n >= 8:
		for i := 0; i < n-8; i += 8 {
			if class8(v[i:])&bit == 0 {
				return false
			}
		}
		return class8(v[n-8:])&bit != 0
	case n >= 4:
		return class4(v)&class4(v[n-4:])&bit != 0
	}
	for i := 0; i < n; i++ {
		if class[v[i]]&bit == 0 {
			return false
		}
	}
	return true
}

// class4 returns the AND of the classes of the first four bytes of s.
func class4(s string) uint8 {
	_ = s[3]
	return class[s[0]] & class[s[1]] & class[s[2]] & class[s[3]]
}

// class8 returns the AND of the classes of the first eight bytes of s.
func class8(s string) uint8 {
	_ = s[7]
	return class4(s) & class[s[4]] & class[s[5]] & class[s[6]] & class[s[7]]
}

// safeFor returns the class bit of the bytes a value keeps as they are when
// its token starts at i, given the index where the query starts (see
// queryStart): pathSafe in the path, querySafe in the query and the
// fragment.
func safeFor(i, query int) uint8 {
	if i < query {
		return pathSafe
	}
	return querySafe
}

// resolve returns the replacement for the token called name, and false when
// the token is unknown and stays as it is. Known is only consulted for a
// name that values lacks.
func resolve(values Values, name string) (string, bool) {
	if v, ok := values[name]; ok {
		return v, true
	}
	return "", Known(name)
}

// writeAll is the writing pass without remembered slots: it resolves every
// token again, starting at first, the index of the first '{'.
func writeAll(b *strings.Builder, template string, values Values, first, query int) {
	sc := scanner{s: template, pos: first}
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
		writeEscaped(b, val, safeFor(start, query))
		last = end
	}
	b.WriteString(template[last:])
}

// escapedLen returns the length of v escaped with safe (pathSafe or
// querySafe, see safeFor), and whether the escaped form is v itself.
func escapedLen(v string, safe uint8) (n int, verbatim bool) {
	if allClass(v, safe) {
		return len(v), true
	}
	return len(v) + escapedExtra(v, safe), false
}

// escapedExtra returns how many bytes escaping v with safe adds: two per
// %XX. A space in the query becomes '+', one byte as well.
func escapedExtra(v string, safe uint8) int {
	n := 0
	for i := 0; i < len(v); i++ {
		c := v[i]
		if class[c]&safe == 0 && (c != ' ' || safe == pathSafe) {
			n += 2
		}
	}
	return n
}

// writeEscaped writes v escaped with safe (see safeFor): url.PathEscape's
// rules in the path, url.QueryEscape's in the query and the fragment.
func writeEscaped(b *strings.Builder, v string, safe uint8) {
	last := 0
	for i := 0; i < len(v); i++ {
		c := v[i]
		if class[c]&safe != 0 {
			continue
		}
		b.WriteString(v[last:i])
		if c == ' ' && safe == querySafe {
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
