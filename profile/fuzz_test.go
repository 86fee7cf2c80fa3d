package profile

import (
	"errors"
	"strings"
	"testing"
)

// FuzzParse: Parse never panics; every error is a *ParseError naming the
// file and a line of the data (or 0 for the whole file); a profile it
// accepts has a name, a click URL, a postback URL with a click id field,
// and binds or says what is missing.
func FuzzParse(f *testing.F) {
	f.Add([]byte(minimal))
	f.Add([]byte(testProfile))
	f.Add([]byte(orbitraLike))
	for _, p := range Bundled() {
		src, _ := BundledSource(p.Name)
		f.Add(src)
	}
	for _, s := range []string{"", "{}", "name: [", "- a", "a: &x 1\nb: *x\n", "name: x\n---\n", "click: {url: '{'}", "{\"name\":1}"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		const file = "fuzz.yaml"
		lines := 1 // YAML breaks lines at \n, \r and (1.1) NEL, LS, PS; count each as one, an upper bound
		for _, sep := range []string{"\n", "\r", "\u0085", "\u2028", "\u2029"} {
			lines += strings.Count(string(data), sep)
		}
		p, err := Parse(file, data)
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v (%T) is no *ParseError", err, err)
			}
			for _, e := range unjoin(err) {
				pe, ok := errors.AsType[*ParseError](e)
				if !ok || pe.File != file || pe.Line < 0 || pe.Line > lines || pe.Msg == "" {
					t.Fatalf("error %q: want %s with a line in 0..%d", e, file, lines)
				}
			}
			return
		}
		if p.Name == "" || p.click.url == nil || p.postback.url == nil || p.postback.fields[FieldClickID] == "" {
			t.Fatalf("accepted an incomplete profile: %+v", p)
		}
		tr, err := p.Bind(Config{TrackerURL: "http://127.0.0.1:1", Campaigns: map[string]string{RoleAffiliate: "a", RoleVendor: "v"}})
		if err == nil {
			tr.Close()
		}
	})
}

// unjoin splits an errors.Join.
func unjoin(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}
