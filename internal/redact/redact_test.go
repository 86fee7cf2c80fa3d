package redact

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func TestString(t *testing.T) {
	cases := []struct {
		name    string
		secrets []string
		in      string
		want    string
	}{
		{"none", nil, "api_key=abcd", "api_key=abcd"},
		{"query value", []string{"abcd"}, "GET /c?api_key=abcd&x=1", "GET /c?api_key=***&x=1"},
		{"alone", []string{"abcd"}, "abcd", "***"},
		{"every occurrence", []string{"abcd"}, "abcd (abcd) abcd", "*** (***) ***"},
		{"inside a word", []string{"abcd"}, "abcdef xabcd", "abcdef xabcd"},
		{"underscore is a boundary", []string{"abcd"}, "x_abcd_y", "x_***_y"},
		{"secret keeps words", []string{"Key1"}, "OKey1, Key1s Key1.", "OKey1, Key1s ***."},
		{"query escaped", []string{"a b&c"}, "ptoken=a+b%26c", "ptoken=***"},
		{"path escaped", []string{"a b/c"}, "/p/a%20b%2Fc/x", "/p/***/x"},
		{"json escaped", []string{`p"w<`}, `{"e":"p\"w\u003c"}`, `{"e":"***"}`},
		{"json without html escaping", []string{`p"w<`}, `{"e":"p\"w<"}`, `{"e":"***"}`},
		{"xml escaped", []string{`a&b&`}, `<failure message="a&amp;b&amp;"/>`, `<failure message="***"/>`},
		{"go quoted", []string{"a\tbc"}, `has "a\tbc"`, `has "***"`},
		{"punctuation edges need no boundary", []string{"-xy-"}, "a-xy-b", "a***b"},
		{"longer secret wins", []string{"abcd", "abcdef"}, "k=abcdef k=abcd", "k=*** k=***"},
		{"two secrets", []string{"key1", "tok2"}, "api_key=key1&ptoken=tok2", "api_key=***&ptoken=***"},
		{"empty secret ignored", []string{""}, "a b", "a b"},
		{"unicode next to it", []string{"abcd"}, "éabcdé", "é***é"},
		{"short secrets are not masked", []string{"1", "abc", "K"}, `<?xml version="1.0"?> seed 1, abc K`, `<?xml version="1.0"?> seed 1, abc K`},
		{"four characters are masked", []string{"1234"}, "seed 1234", "seed ***"},
		{"characters, not bytes", []string{"äöü"}, "k=äöü", "k=äöü"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := New(c.secrets...).String(c.in); got != c.want {
				t.Errorf("String(%q) with %q = %q, want %q", c.in, c.secrets, got, c.want)
			}
		})
	}
}

// TestTooShort: the secrets Add ignores are those TooShort reports.
func TestTooShort(t *testing.T) {
	for s, want := range map[string]bool{"": false, "1": true, "abc": true, "äöü": true, "abcd": false, "äöüß": false} {
		if got := TooShort(s); got != want {
			t.Errorf("TooShort(%q) = %v, want %v", s, got, want)
		}
		if r := New(s); r.Secrets() != 0 && want {
			t.Errorf("New(%q) masks it", s)
		}
	}
}

func TestNilRedactor(t *testing.T) {
	var r *Redactor
	r.Add("xyzw")
	if got := r.String("xyzw"); got != "xyzw" {
		t.Fatalf("nil Redactor: %q", got)
	}
	if Of(&bytes.Buffer{}) != nil {
		t.Fatal("Of(a plain writer) is not nil")
	}
}

// TestWriterSplit: a secret cut by Write calls at any place is masked, and
// the output equals String of the whole text.
func TestWriterSplit(t *testing.T) {
	const text = "GET /conversions?api_key=s3cr3t-key&clickid=1 ptoken=tok%2Fen tok/en s3cr3t-keyX\n"
	r := New("s3cr3t-key", "tok/en")
	want := r.String(text)
	if strings.Contains(want, "s3cr3t-key&") || strings.Contains(want, "tok/en") || strings.Contains(want, "tok%2Fen") || !strings.Contains(want, "s3cr3t-keyX") {
		t.Fatalf("String = %q", want)
	}
	for i := 0; i <= len(text); i++ {
		for j := i; j <= len(text); j++ {
			var out bytes.Buffer
			w := r.Writer(&out)
			for _, part := range []string{text[:i], text[i:j], text[j:]} {
				if n, err := w.Write([]byte(part)); n != len(part) || err != nil {
					t.Fatalf("Write = %d, %v", n, err)
				}
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			if out.String() != want {
				t.Fatalf("split at %d, %d: %q, want %q", i, j, out.String(), want)
			}
		}
	}
}

// TestWriterHoldsBackOnlyWhatMayBeASecret: a line that cannot start a
// secret is passed on at once (cbsim serve's ready line must not wait).
func TestWriterHoldsBackOnlyWhatMayBeASecret(t *testing.T) {
	cases := []struct {
		write, passed string
	}{
		{"ready http://127.0.0.1:8080\n", "ready http://127.0.0.1:8080\n"},
		{"token s3", "token "},             // "s3" may begin the secret
		{"token s3cret", "token "},         // the next byte decides the boundary
		{"token s3cret ", "token *** "},    // decided
		{"token xs3cret", "token xs3cret"}, // not at a boundary
		{"token s3cre!", "token s3cre!"},   // cannot be the secret
		{"key=s3cret%", "key="},            // may be an escaped form
		{"s3cret and s3", "*** and "},      // the second may still be one
		{"nothing here at all", "nothing here at all"},
	}
	for _, c := range cases {
		var out bytes.Buffer
		w := New("s3cret", "s3cret%").Writer(&out)
		w.Write([]byte(c.write))
		if out.String() != c.passed {
			t.Errorf("Write(%q) passed on %q, want %q", c.write, out.String(), c.passed)
		}
	}
}

// TestWriterLateSecret: a secret added after the Writer was made is masked
// from then on, with the byte before it still counting as its boundary.
func TestWriterLateSecret(t *testing.T) {
	var out bytes.Buffer
	r := New()
	w := r.Writer(&out)
	w.Write([]byte("start x"))
	if Of(w) != r {
		t.Fatal("Of(w) is not its Redactor")
	}
	Of(w).Add("key9")
	w.Write([]byte("key9 key9\n"))
	w.Close()
	if got, want := out.String(), "start xkey9 ***\n"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWriterError(t *testing.T) {
	w := New("k3y9").Writer(failWriter{})
	if _, err := w.Write([]byte("a k3y9 b\n")); err == nil {
		t.Fatal("the underlying writer's error was lost")
	}
}

// FuzzWriter: however a text is cut into writes, the Writer passes on
// exactly String of the whole text.
func FuzzWriter(f *testing.F) {
	f.Add("api_key=KEY9&ptoken=a+b+c", "KEY9", "a b c", uint8(3), uint8(9))
	f.Add("xabcdx abcd", "abcd", "", uint8(1), uint8(4))
	f.Add("%2F%2F%2F%2F", "////", "///", uint8(2), uint8(2))
	f.Fuzz(func(t *testing.T, text, s1, s2 string, cut1, cut2 uint8) {
		r := New(s1, s2)
		i, j := int(cut1)%(len(text)+1), int(cut2)%(len(text)+1)
		if i > j {
			i, j = j, i
		}
		var out bytes.Buffer
		w := r.Writer(&out)
		for _, part := range []string{text[:i], text[i:j], text[j:]} {
			w.Write([]byte(part))
		}
		w.Flush()
		if want := r.String(text); out.String() != want {
			t.Fatalf("writes %q|%q|%q gave %q, String gives %q", text[:i], text[i:j], text[j:], out.String(), want)
		}
	})
}
