// Package jsonpos decodes JSON files strictly and says where a problem is:
// every error is a *FileError with the file's name, the line and the JSON
// path (products[2].price), so a fixture error points at its place.
package jsonpos

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// FileError is an error in a fixture file, with the place it was found.
type FileError struct {
	File string // the file's name as given
	Line int    // 1-based line, 0 when unknown
	Path string // JSON path such as products[2].price, "" when unknown
	Err  error
}

// Error returns "file:line: path: reason".
func (e *FileError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	if e.Path != "" {
		fmt.Fprintf(&b, ": %s", e.Path)
	}
	fmt.Fprintf(&b, ": %v", e.Err)
	return b.String()
}

// Unwrap returns the reason.
func (e *FileError) Unwrap() error { return e.Err }

// DecodeStrict decodes one JSON document into v. Unknown fields and trailing
// data are errors; every error carries the file name and line.
func DecodeStrict(file string, data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil {
		if _, terr := dec.Token(); terr != io.EOF {
			return &FileError{File: file, Line: lineAt(data, int(dec.InputOffset())), Err: errors.New("unexpected data after the JSON document")}
		}
		return nil
	}
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return &FileError{File: file, Line: lineAt(data, int(syn.Offset)), Err: err}
	case errors.As(err, &typ):
		return &FileError{File: file, Line: lineAt(data, int(typ.Offset)), Path: typ.Field, Err: fmt.Errorf("expected a JSON %s, found %s", typ.Type, typ.Value)}
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return &FileError{File: file, Line: keyLine(data, field), Err: fmt.Errorf("unknown field %q", field)}
	case errors.Is(err, io.EOF):
		return &FileError{File: file, Err: errors.New("file is empty, expected a JSON object")}
	case errors.Is(err, io.ErrUnexpectedEOF):
		return &FileError{File: file, Line: lineAt(data, len(bytes.TrimRight(data, " \t\r\n"))), Err: errors.New("unexpected end of file: the JSON document is cut short (an unclosed object, array or string)")}
	}
	return &FileError{File: file, Err: err}
}

// lineAt returns the 1-based line of byte offset off in data.
func lineAt(data []byte, off int) int {
	if off > len(data) {
		off = len(data)
	}
	if off < 0 {
		off = 0
	}
	return bytes.Count(data[:off], []byte{'\n'}) + 1
}

// keyLine returns the line of the first object key named key, 0 if none.
func keyLine(data []byte, key string) int {
	dec := json.NewDecoder(bytes.NewReader(data))
	var stack []bool // true for an object expecting a key
	for {
		off := dec.InputOffset()
		tok, err := dec.Token()
		if err != nil {
			return 0
		}
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{':
				stack = append(stack, true)
				continue
			case '[':
				stack = append(stack, false)
				continue
			default:
				stack = stack[:len(stack)-1]
			}
		case string:
			if len(stack) > 0 && stack[len(stack)-1] && dec.More() {
				// an object key: the value follows
				if t == key {
					return lineAt(data, int(off)+1+bytes.IndexByte(data[off:], '"'))
				}
				tok2, err := dec.Token()
				if err != nil {
					return 0
				}
				if d, ok := tok2.(json.Delim); ok {
					stack = append(stack, d == '{')
				}
				continue
			}
		}
	}
}

// PathLine returns the line where the value at path starts (path elements are
// object keys as strings and array indexes as ints), 0 if not found.
func PathLine(data []byte, path ...any) int {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var walk func(depth int) (int, bool)
	// walk expects the decoder positioned before a value that matched path[:depth].
	walk = func(depth int) (int, bool) {
		off := int(dec.InputOffset())
		if depth == len(path) {
			rest := data[off:]
			skip := len(rest) - len(bytes.TrimLeft(rest, " \t\r\n:,"))
			return lineAt(data, off+skip), true
		}
		tok, err := dec.Token()
		if err != nil {
			return 0, false
		}
		d, ok := tok.(json.Delim)
		if !ok {
			return 0, false
		}
		switch want := path[depth].(type) {
		case string:
			if d != '{' {
				return 0, false
			}
			for dec.More() {
				k, err := dec.Token()
				if err != nil {
					return 0, false
				}
				if k == want {
					return walk(depth + 1)
				}
				var skip json.RawMessage
				if dec.Decode(&skip) != nil {
					return 0, false
				}
			}
		case int:
			if d != '[' {
				return 0, false
			}
			for i := 0; dec.More(); i++ {
				if i == want {
					return walk(depth + 1)
				}
				var skip json.RawMessage
				if dec.Decode(&skip) != nil {
					return 0, false
				}
			}
		}
		return 0, false
	}
	line, _ := walk(0)
	return line
}

// FieldError builds a *FileError for a value that decoded but is not
// allowed: path elements are object keys (strings) and array indexes (ints).
func FieldError(file string, data []byte, err error, path ...any) error {
	var b strings.Builder
	for i, p := range path {
		switch p := p.(type) {
		case int:
			fmt.Fprintf(&b, "[%d]", p)
		default:
			if i > 0 {
				b.WriteByte('.')
			}
			fmt.Fprint(&b, p)
		}
	}
	return &FileError{File: file, Line: PathLine(data, path...), Path: b.String(), Err: err}
}
