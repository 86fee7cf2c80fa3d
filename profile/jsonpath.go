package profile

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// A path names a value inside a JSON reply: keys joined by dots
// ("pagination.total", "cbsim.params"); a key that is a number indexes an
// array ("rows.0.id"); "" is the reply itself.

// lookup returns the value at path in v, and whether it is there.
func lookup(v any, path string) (any, bool) {
	if path == "" {
		return v, true
	}
	for key := range strings.SplitSeq(path, ".") {
		switch x := v.(type) {
		case map[string]any:
			next, ok := x[key]
			if !ok {
				return nil, false
			}
			v = next
		case []any:
			i, err := strconv.Atoi(key)
			if err != nil || i < 0 || i >= len(x) {
				return nil, false
			}
			v = x[i]
		default:
			return nil, false
		}
	}
	return v, true
}

// text prints a decoded JSON value (numbers as json.Number): strings as
// they are, numbers as written, booleans as true/false, null as "",
// objects and arrays as compact JSON.
func text(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case json.Number:
		return x.String()
	case bool:
		return strconv.FormatBool(x)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// decodeJSON decodes a reply keeping numbers as written.
func decodeJSON(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, fmt.Errorf("data after the JSON value")
	}
	return v, nil
}

// jsonRow is a row that is a JSON object.
type jsonRow map[string]any

func (r jsonRow) get(path string) (string, bool) {
	v, ok := lookup(map[string]any(r), path)
	if !ok {
		return "", false
	}
	return text(v), true
}

func (r jsonRow) object(path string) (map[string]string, bool) {
	v, ok := lookup(map[string]any(r), path)
	obj, isObj := v.(map[string]any)
	if !ok || !isObj {
		return nil, false
	}
	out := make(map[string]string, len(obj))
	for k, x := range obj {
		out[k] = text(x)
	}
	return out, true
}

func (r jsonRow) raw() map[string]string {
	out := make(map[string]string, len(r))
	for k, v := range r {
		out[k] = text(v)
	}
	return out
}
