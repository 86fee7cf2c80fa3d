package lint

import (
	"bytes"
	"io/fs"
	"reflect"
	"testing"

	"github.com/cbsim/cbsim/fixtures"
	"github.com/cbsim/cbsim/simulator"
)

// FuzzFile: File lints exactly what Lint finds in the parsed integrations,
// each finding naming the file, a line of it (or 0), a loaded integration
// and a message; it fails only where ParseIntegrations does.
func FuzzFile(f *testing.F) {
	good, err := fs.ReadFile(fixtures.FS, fixtures.Integrations)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	for _, s := range []string{``, `{}`, `{"integrations":[]}`,
		`{"integrations":[{"name":"a","role":"affiliate","events":["initial_purchase"],"url":"http://t/p?sum={vendor_earnings}&x={nope}"}]}`,
		"{\"integrations\":[\n{\"name\":\"a\",\"role\":\"vendor\",\"events\":[\"initial_purchase\",\"upsell_purchase\"],\"per_event\":true,\n\"urls\":{\"initial_purchase\":\"http://t/p?c={vtid}\",\n\"upsell_purchase\":\"http://t/p?c={vtid}\"}}]}",
		`{"integrations":[{"name":"a","role":"vendor","events":["initial_purchase"],"url":"http://t/{tid}?a={{vtid}}#{"}]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		const file = "my/integrations.json"
		got, err := File(file, data)
		ins, perr := simulator.ParseIntegrations(file, data)
		if (err == nil) != (perr == nil) {
			t.Fatalf("File: %v; ParseIntegrations: %v", err, perr)
		}
		if err != nil {
			return
		}
		want := Lint(ins)
		if len(got) != len(want) {
			t.Fatalf("File found %d, Lint %d", len(got), len(want))
		}
		lines := bytes.Count(data, []byte{'\n'}) + 1
		names := map[string]bool{}
		for _, in := range ins {
			names[in.Name] = true
		}
		for i, fd := range got {
			if fd.File != file || fd.Line < 0 || fd.Line > lines || !names[fd.Integration] || fd.Message == "" {
				t.Fatalf("finding %+v: want file %s, a line in 0..%d, a loaded integration and a message", fd, file, lines)
			}
			fd.File, fd.Line = "", 0
			if !reflect.DeepEqual(fd, want[i]) {
				t.Fatalf("File's finding %+v differs from Lint's %+v", fd, want[i])
			}
		}
	})
}
