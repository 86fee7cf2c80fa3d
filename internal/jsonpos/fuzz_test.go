package jsonpos

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"testing"
)

// FuzzDecodeStrict: every error is a *FileError naming the file and a line
// of the data; a document that decodes re-encodes to one that decodes to
// the same value; for a decoded object, PathLine finds each top-level key
// on a line of the data and FieldError agrees with it.
func FuzzDecodeStrict(f *testing.F) {
	for _, s := range []string{``, `{}`, `{"a":1}`, "{\n\"a\": 1,\n\"b\": [1, {\"c\": \"x\"}]\n}", `{"a":1} {}`, `{"a":1}x`, `{"a":`,
		"{\n\"unknown\": 2}", `{"a":"str"}`, `[1,2]`, `null`, `{"b":[{"c":null}]}`, "{\"a\":1}\n\n", `{"c":{"b":{"a":[[]]}}}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		const file = "dir/fixture.json"
		lines := bytes.Count(data, []byte{'\n'}) + 1
		var v struct {
			A int `json:"a"`
			B []struct {
				C *string `json:"c"`
			} `json:"b"`
			C map[string]any `json:"c"`
		}
		err := DecodeStrict(file, data, &v)
		if err != nil {
			fe, ok := errors.AsType[*FileError](err)
			if !ok || fe.File != file || fe.Line < 0 || fe.Line > lines || fe.Err == nil {
				t.Fatalf("DecodeStrict(%q) = %v (%T); want a *FileError on %s with a line in 0..%d", data, err, err, file, lines)
			}
			return
		}
		again, err := json.Marshal(v)
		if err != nil {
			t.Fatalf("re-encode: %v", err)
		}
		w := reflect.New(reflect.TypeOf(v))
		if err := DecodeStrict(file, again, w.Interface()); err != nil {
			t.Fatalf("re-encoded %s does not decode: %v", again, err)
		}
		if !reflect.DeepEqual(w.Elem().Interface(), v) {
			t.Fatalf("re-encoded %s decodes to %+v, not %+v", again, w.Elem().Interface(), v)
		}
		var obj map[string]json.RawMessage
		if json.Unmarshal(data, &obj) != nil {
			return
		}
		for k := range obj {
			l := PathLine(data, k)
			if l < 1 || l > lines {
				t.Fatalf("PathLine(%q, %q) = %d; want a line in 1..%d", data, k, l, lines)
			}
			fe, ok := errors.AsType[*FileError](FieldError(file, data, errors.New("bad"), k, 0))
			if !ok || fe.File != file || fe.Line < 0 || fe.Line > lines {
				t.Fatalf("FieldError(%q, %q) = %v", data, k, fe)
			}
		}
	})
}

// FuzzPathLine: PathLine never panics and answers 0 or a line of the data,
// whatever the data and the path.
func FuzzPathLine(f *testing.F) {
	f.Add([]byte("{\n\"a\": [\n1, {\"b\": 2}]}"), "a", 1, "b")
	f.Add([]byte(`[[[`), "", -1, "")
	f.Add([]byte(`{"a":{"a":{"a":1}}}`), "a", 0, "a")
	f.Fuzz(func(t *testing.T, data []byte, k1 string, i int, k2 string) {
		lines := bytes.Count(data, []byte{'\n'}) + 1
		for _, path := range [][]any{{k1}, {k1, i}, {k1, i, k2}, {i}, {i, k2}, {}} {
			if l := PathLine(data, path...); l < 0 || l > lines {
				t.Fatalf("PathLine(%q, %v) = %d; want 0..%d", data, path, l, lines)
			}
		}
	})
}
