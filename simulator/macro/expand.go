package macro

import "unsafe"

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

// Expand replaces the {name} tokens of template: a catalog macro gives its
// value in values ("" when it has none; values may be nil), escaped for the
// URL part it lands in; any other token stays as it is. See the package
// documentation for the exact rules. Expand never panics; it returns
// template itself when nothing is replaced.
func Expand(template string, values *Values) string {
	if !hasMacro(template) {
		return template
	}
	b := AppendExpand(make([]byte, 0, len(template)+64), template, values)
	return unsafe.String(unsafe.SliceData(b), len(b)) // b is not used again, as strings.Builder does
}

// hasMacro reports whether template has a token of a catalog macro.
func hasMacro(template string) bool {
	for pos := 0; ; {
		start, end, ok := nextToken(template, pos)
		if !ok {
			return false
		}
		if _, known := find(template[start+1 : end-1]); known {
			return true
		}
		pos = end
	}
}

// AppendExpand appends to dst what Expand(template, values) returns and
// returns the extended slice; it allocates only to grow dst.
func AppendExpand(dst []byte, template string, values *Values) []byte {
	query := queryStart(template)
	last := 0 // template[last:] is not appended yet
	for pos := 0; ; {
		start, end, ok := nextToken(template, pos)
		if !ok {
			break
		}
		pos = end
		i, known := find(template[start+1 : end-1])
		if !known {
			continue // sent literally, as in Expand
		}
		dst = append(dst, template[last:start]...)
		safe := uint8(pathSafe)
		if start > query {
			safe = querySafe
		}
		if values != nil {
			dst = appendEscaped(dst, values.val[i], safe)
		}
		last = end
	}
	return append(dst, template[last:]...)
}

// appendEscaped appends v escaped as url.PathEscape does (safe == pathSafe)
// or as url.QueryEscape does (safe == querySafe, a space becomes '+').
func appendEscaped(dst []byte, v string, safe uint8) []byte {
	last := 0
	for i := 0; i < len(v); i++ {
		c := v[i]
		if class[c]&safe != 0 {
			continue
		}
		dst = append(dst, v[last:i]...)
		if c == ' ' && safe == querySafe {
			dst = append(dst, '+')
		} else {
			dst = append(dst, '%', upperhex[c>>4], upperhex[c&15])
		}
		last = i + 1
	}
	return append(dst, v[last:]...)
}
