// Package redact masks secrets — API keys, tokens, passwords — in text and
// in streams of text, so that what cbsim prints, reports and logs never
// shows them.
//
// A Redactor holds the secrets; they may be added at any time (cbsim adds
// them once its flags are parsed). String masks a string; Writer wraps an
// io.Writer and masks what passes through it, also when a secret is split
// across Write calls.
//
// # Forms
//
// A secret is masked in each form it is likely to be printed in: as given,
// query-escaped (url.QueryEscape, as in a postback URL), path-escaped
// (url.PathEscape), inside a JSON string (with and without HTML escaping),
// in XML text (encoding/xml) and inside a Go quoted string (%q). Each
// occurrence becomes Mask.
//
// # Short secrets
//
// A secret shorter than MinLen (4) characters is not masked at all: a
// token such as "1" or "abc" occurs in too much ordinary text (versions,
// seeds, words) for masking it to do anything but corrupt reports. Add
// ignores it; TooShort tells the caller, which should warn that the
// secret is shown (cbsim names the flag that holds it, not the value).
//
// # Token boundaries
//
// A form is masked only where it is not part of a longer run of ASCII
// letters and digits: a form whose first byte is a letter or a digit is not
// masked right after a letter or digit, and one whose last byte is a letter
// or digit is not masked right before one. So the secret "abcd" is masked
// in "api_key=abcd&x", "abcd" and "(abcd)", but not in "abcdef" or
// "xabcd": a secret does not garble the words that hold it. The price is
// that a secret glued to letters or digits is shown; cbsim prints secrets
// only as parameter values, between delimiters.
// Where two forms could match at one place, the longer wins.
package redact

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"io"
	"net/url"
	"slices"
	"strconv"
	"sync"
	"unicode/utf8"
)

// Mask is what every secret is replaced by.
const Mask = "***"

// MinLen is the length, in characters, of the shortest secret masked.
// A shorter one would garble what is printed — the secret "1" would mask
// the version in <?xml version="1.0"?> and every seed 1 — so Add ignores
// it; cbsim warns that such a secret is shown as given.
const MinLen = 4

// Redactor masks a set of secrets. It is safe for concurrent use; a nil
// *Redactor masks nothing.
type Redactor struct {
	mu      sync.RWMutex    // guards what follows
	secrets map[string]bool // every secret added
	forms   [][]byte        // every form of every secret, longest first
}

// New returns a Redactor of secrets; empty ones are ignored.
func New(secrets ...string) *Redactor {
	r := &Redactor{}
	r.Add(secrets...)
	return r
}

// Add adds secrets; empty ones, those shorter than MinLen (TooShort) and
// those already known are ignored. Text already written through a Writer
// is not masked again.
func (r *Redactor) Add(secrets ...string) {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.secrets == nil {
		r.secrets = map[string]bool{}
	}
	// Copy on write: String and Writer scan a snapshot of r.forms without
	// the lock, so the slice they hold is never changed in place.
	forms := slices.Clone(r.forms)
	for _, s := range secrets {
		if s == "" || TooShort(s) || r.secrets[s] {
			continue
		}
		r.secrets[s] = true
		for _, f := range formsOf(s) {
			if !slices.ContainsFunc(forms, func(g []byte) bool { return bytes.Equal(f, g) }) {
				forms = append(forms, f)
			}
		}
	}
	slices.SortStableFunc(forms, func(a, b []byte) int { return len(b) - len(a) })
	r.forms = forms
}

// TooShort reports whether s is a secret too short to mask: not empty,
// and shorter than MinLen characters.
func TooShort(s string) bool {
	return s != "" && utf8.RuneCountInString(s) < MinLen
}

// Secrets returns how many secrets r masks.
func (r *Redactor) Secrets() int {
	if r == nil {
		return 0
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	return len(r.secrets)
}

// snapshot returns the current forms; the slice is never modified in
// place (Add replaces it), so it may be read without the lock.
func (r *Redactor) snapshot() [][]byte {
	if r == nil {
		return nil
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.forms
}

// String returns s with every form of every secret replaced by Mask.
func (r *Redactor) String(s string) string {
	forms := r.snapshot()
	if len(forms) == 0 {
		return s
	}
	out, _ := scan(nil, []byte(s), 0, true, forms)
	return string(out)
}

// formsOf lists the forms secret s is printed in (see the package doc).
func formsOf(s string) [][]byte {
	forms := [][]byte{[]byte(s), []byte(url.QueryEscape(s)), []byte(url.PathEscape(s))}
	for _, html := range []bool{false, true} {
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(html)
		if enc.Encode(s) == nil {
			forms = append(forms, bytes.TrimSuffix(bytes.TrimPrefix(bytes.TrimSpace(b.Bytes()), []byte(`"`)), []byte(`"`)))
		}
	}
	var x bytes.Buffer
	if xml.EscapeText(&x, []byte(s)) == nil {
		forms = append(forms, x.Bytes())
	}
	q := strconv.Quote(s)
	forms = append(forms, []byte(q[1:len(q)-1]))
	return forms
}

// alnum reports whether c is an ASCII letter or digit.
func alnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// scan appends b to out with the forms masked, as far as it can decide:
// prev is the byte before b (0 at the start of the text), and final says
// that nothing follows b. It returns out and how many bytes of b it
// consumed; without final, the rest (shorter than the longest form) waits
// for more text, because a form may begin there. Every decision it makes
// is the one it would make with the whole text, so writing a text in
// pieces masks it exactly as String does.
func scan(out, b []byte, prev byte, final bool, forms [][]byte) ([]byte, int) {
	i, plain := 0, 0 // plain: start of the bytes not yet appended
next:
	for i < len(b) {
		before := prev
		if i > 0 {
			before = b[i-1]
		}
		for _, f := range forms {
			if alnum(f[0]) && alnum(before) {
				continue
			}
			rest := b[i:]
			if len(rest) < len(f) {
				if !final && bytes.HasPrefix(f, rest) {
					return append(out, b[plain:i]...), i // f may begin here
				}
				continue
			}
			if !bytes.HasPrefix(rest, f) {
				continue
			}
			if end := i + len(f); alnum(f[len(f)-1]) {
				if end == len(b) && !final {
					return append(out, b[plain:i]...), i // the next byte decides
				}
				if end < len(b) && alnum(b[end]) {
					continue
				}
			}
			out = append(append(out, b[plain:i]...), Mask...)
			i += len(f)
			plain = i
			continue next
		}
		i++
	}
	return append(out, b[plain:]...), len(b)
}

// Writer masks the secrets of its Redactor in what is written through it
// before passing it on. A secret split across writes is masked too: the
// end of a write that may be the start of a secret is held back until the
// next write, Flush or Close. It is safe for concurrent use.
type Writer struct {
	r *Redactor
	w io.Writer

	mu      sync.Mutex // guards what follows and serializes writes to w
	pending []byte     // held back: it may begin a secret
	prev    byte       // the last byte consumed, for the token boundary
}

// Writer returns a Writer that masks r's secrets, current and future, in
// what it passes on to w.
func (r *Redactor) Writer(w io.Writer) *Writer { return &Writer{r: r, w: w} }

// Of returns the Redactor of w when w is a *Writer, else nil (a nil
// *Redactor ignores Add).
func Of(w io.Writer) *Redactor {
	if rw, ok := w.(*Writer); ok {
		return rw.r
	}
	return nil
}

// Unwrap returns the writer w passes on to (a terminal's file, for a
// caller that asks whether it writes to one).
func (w *Writer) Unwrap() io.Writer { return w.w }

// Write masks p and passes on what it can; it reports len(p) unless the
// underlying writer fails.
func (w *Writer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := w.pass(p, false); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Flush passes on what is held back, as the end of the text: a secret
// begun before Flush and finished after it is not masked.
func (w *Writer) Flush() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.pass(nil, true)
}

// Close flushes w; it does not close the underlying writer.
func (w *Writer) Close() error { return w.Flush() }

// pass scans the held-back bytes and p, writes what is decided and holds
// back the rest; w.mu is held.
func (w *Writer) pass(p []byte, final bool) error {
	forms := w.r.snapshot()
	if len(forms) == 0 && len(w.pending) == 0 {
		if len(p) == 0 {
			return nil
		}
		w.prev = p[len(p)-1]
		_, err := w.w.Write(p)
		return err
	}
	w.pending = append(w.pending, p...)
	out, n := scan(nil, w.pending, w.prev, final, forms)
	if n > 0 {
		w.prev = w.pending[n-1]
		w.pending = append(w.pending[:0], w.pending[n:]...)
	}
	if len(out) == 0 {
		return nil
	}
	_, err := w.w.Write(out)
	return err
}
