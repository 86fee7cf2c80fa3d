package macro

import (
	"math/bits"
	"slices"
	"strings"
)

// maxMacros bounds the size of the catalog: a Record holds one value per
// catalog macro in a fixed array and their presence in a uint64. A test
// checks that the catalog fits.
const maxMacros = 64

// ID is a catalog macro's index: its position in the catalog sorted by
// name. IDs are only meaningful within one build of the package; resolve
// them with IDOf rather than storing them.
type ID uint8

// IDOf returns the ID of the catalog macro called name (without braces),
// and false if name is not a catalog macro.
func IDOf(name string) (ID, bool) {
	i, ok := index[name]
	if !ok || i >= maxMacros {
		return 0, false
	}
	return ID(i), true
}

// Name returns the name of the macro id stands for, or "" for a value that
// is not a catalog macro's ID.
func (id ID) Name() string {
	if int(id) >= len(catalog) {
		return ""
	}
	return catalog[id].Name
}

// Record holds one raw, unescaped value per catalog macro, indexed by ID,
// and whether each is set. It is the compiled counterpart of [Values] for
// [Template.Expand]: a fixed-size value (about 1 KiB) that needs no
// allocation, and that notes when a value is set whether it needs escaping
// in the path and in the query, so that expanding it into several
// templates scans each value once. The zero Record has no value set. A
// Record cannot hold a name that is not a catalog macro.
type Record struct {
	vals [maxMacros]string
	set  uint64 // bit id: vals[id] is set
	// Bit id: vals[id] has a byte that url.PathEscape, respectively
	// url.QueryEscape, changes.
	pathEsc, queryEsc uint64
}

// Set sets the value of the catalog macro called name and reports whether
// name is one; a name that is not is ignored.
func (r *Record) Set(name, value string) bool {
	id, ok := IDOf(name)
	if ok {
		r.SetID(id, value)
	}
	return ok
}

// SetID sets the value of macro id. An id that is not a catalog macro's
// (see IDOf) is ignored.
func (r *Record) SetID(id ID, value string) {
	if int(id) >= len(catalog) {
		return
	}
	bit := uint64(1) << id
	r.vals[id] = value
	r.set |= bit
	r.pathEsc &^= bit
	r.queryEsc &^= bit
	// Every query-safe byte is path-safe.
	if !allClass(value, querySafe) {
		r.queryEsc |= bit
		if !allClass(value, pathSafe) {
			r.pathEsc |= bit
		}
	}
}

// Get returns the value of the catalog macro called name and whether it is
// set. A value set to "" is set.
func (r *Record) Get(name string) (string, bool) {
	id, ok := IDOf(name)
	if !ok {
		return "", false
	}
	return r.GetID(id)
}

// GetID returns the value of macro id and whether it is set.
func (r *Record) GetID(id ID) (string, bool) {
	if int(id) >= len(catalog) || r.set&(1<<id) == 0 {
		return "", false
	}
	return r.vals[id], true
}

// Values returns the set values as a fresh Values map, for [Expand] and
// for journals.
func (r *Record) Values() Values {
	v := make(Values, bits.OnesCount64(r.set))
	for set := r.set; set != 0; set &= set - 1 {
		id := ID(bits.TrailingZeros64(set))
		v[catalog[id].Name] = r.vals[id]
	}
	return v
}

// Reset unsets every value.
func (r *Record) Reset() {
	*r = Record{}
}

// Template is a compiled template: its tokens found once, the catalog
// macros among them resolved to IDs, and the URL part each lands in
// decided. Expanding it with a [Record] neither scans the template nor
// hashes a name. A Template is immutable and safe for concurrent use.
type Template struct {
	src    string
	tokens []Token // every token, known or not, as Tokens returns them
	parts  []part  // the catalog macros among tokens, in order
	tail   string  // the text after the last part
	fixed  int     // the length of the text: every part's lit, and tail
	// Bit id: macro id has a token in the path, respectively in the query
	// or the fragment.
	pathIDs, queryIDs uint64
}

// part is one catalog-macro token of a Template and the text before it:
// lit, then the value of id escaped with safe (pathSafe or querySafe, see
// safeFor).
type part struct {
	lit  string
	id   ID
	safe uint8
}

// Compile scans template once, with the token grammar of [Tokens] and
// [Expand]. It never fails and never panics: any string is a template.
func Compile(template string) *Template {
	t := &Template{src: template, tail: template, fixed: len(template)}
	first := strings.IndexByte(template, '{')
	if first < 0 {
		return t
	}
	query := queryStart(template)
	sc := scanner{s: template, pos: first}
	last := 0 // template[last:] is not in a part yet
	for {
		start, end, ok := sc.next()
		if !ok {
			break
		}
		name := template[start+1 : end-1]
		t.tokens = append(t.tokens, Token{Name: name, Start: start, End: end - 1})
		id, ok := IDOf(name)
		if !ok {
			continue // stays in the text
		}
		safe := safeFor(start, query)
		if safe == pathSafe {
			t.pathIDs |= 1 << id
		} else {
			t.queryIDs |= 1 << id
		}
		t.parts = append(t.parts, part{lit: template[last:start], id: id, safe: safe})
		t.fixed -= end - start
		last = end
	}
	t.tail = template[last:]
	return t
}

// String returns the template's source.
func (t *Template) String() string {
	if t == nil {
		return ""
	}
	return t.src
}

// Tokens returns every token of the template, catalog macros or not, as
// [Tokens] does for its source: a fresh slice, or nil if there are none.
func (t *Template) Tokens() []Token {
	if t == nil {
		return nil
	}
	return slices.Clone(t.tokens)
}

// Expand replaces the tokens of the template with the values of r: a
// catalog macro gives its value escaped for the URL part it lands in, ""
// when r does not set it (a nil r sets nothing); any other token stays as
// it is. The result is Expand(t.String(), r.Values()) — the one difference
// from [Expand] with an arbitrary Values map is that a name outside the
// catalog can have no value, since a Record cannot hold it.
//
// Expand returns the source itself (no allocation) when it has no catalog
// macro, and otherwise builds the result in one exact-size allocation
// (none if it is empty).
func (t *Template) Expand(r *Record) string {
	if t == nil {
		return ""
	}
	if len(t.parts) == 0 {
		return t.src
	}
	if r == nil {
		r = &Record{}
	}

	// Sizing pass. Values that need escaping are known from the Record;
	// only those are scanned.
	size := t.fixed
	for i := range t.parts {
		size += len(r.vals[t.parts[i].id])
	}
	escape := r.pathEsc&t.pathIDs != 0 || r.queryEsc&t.queryIDs != 0
	if escape {
		for i := range t.parts {
			p := &t.parts[i]
			if r.needsEscape(p.id, p.safe) {
				size += escapedExtra(r.vals[p.id], p.safe)
			}
		}
	}
	if size == 0 {
		return ""
	}
	// strings.Builder: Grow is the one allocation, of the exact size, and
	// String returns it without a copy.
	var b strings.Builder
	b.Grow(size)
	for i := range t.parts {
		p := &t.parts[i]
		b.WriteString(p.lit)
		if escape && r.needsEscape(p.id, p.safe) {
			writeEscaped(&b, r.vals[p.id], p.safe)
		} else {
			b.WriteString(r.vals[p.id])
		}
	}
	b.WriteString(t.tail)
	return b.String()
}

// needsEscape reports whether the value of id has a byte that escaping
// with safe (pathSafe or querySafe) changes.
func (r *Record) needsEscape(id ID, safe uint8) bool {
	esc := r.queryEsc
	if safe == pathSafe {
		esc = r.pathEsc
	}
	return esc&(1<<id) != 0
}
