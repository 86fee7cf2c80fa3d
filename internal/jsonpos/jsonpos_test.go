package jsonpos

import (
	"errors"
	"strings"
	"testing"
)

func TestDecodeStrictErrorsSayWhere(t *testing.T) {
	type item struct {
		Name  string `json:"name"`
		Price string `json:"price"`
	}
	type doc struct {
		Items []item `json:"items"`
	}
	cases := []struct {
		name, data, want string
	}{
		{"unknown field", "{\n \"items\": [\n  {\"name\": \"a\",\n   \"prize\": \"1\"}\n ]\n}", "f.json:4: unknown field \"prize\""},
		{"syntax", "{\n \"items\": [\n  {\"name\": \"a\",,}\n ]\n}", "f.json:3:"},
		{"type", "{\n \"items\": [\n  {\"name\": 5}\n ]\n}", "f.json:3: items.name: expected a JSON string, found number"},
		{"trailing", "{}\n{}", "f.json:2: unexpected data"},
		{"empty", "", "f.json: file is empty"},
		{"truncated", "{\n \"items\": [\n  {\"name\": \"a\",\n", "f.json:3: unexpected end of file"},
		{"truncated string", "{\n \"items\": [\n  {\"name\": \"a", "f.json:3: unexpected end of file"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var d doc
			err := DecodeStrict("f.json", []byte(c.data), &d)
			var fe *FileError
			if !errors.As(err, &fe) {
				t.Fatalf("error %v is not a *FileError", err)
			}
			if !strings.HasPrefix(err.Error(), c.want) {
				t.Fatalf("error %q, want prefix %q", err, c.want)
			}
		})
	}
}

func TestPathLine(t *testing.T) {
	data := []byte("{\n \"a\": 1,\n \"items\": [\n  {\"x\": 1},\n  {\n   \"x\": 2,\n   \"price\": \"bad\"\n  }\n ]\n}")
	if got := PathLine(data, "items", 1, "price"); got != 7 {
		t.Fatalf("PathLine(items[1].price) = %d, want 7", got)
	}
	if got := PathLine(data, "items", 5); got != 0 {
		t.Fatalf("PathLine(items[5]) = %d, want 0", got)
	}
	err := FieldError("f.json", data, errors.New("bad price"), "items", 1, "price")
	if err.Error() != "f.json:7: items[1].price: bad price" {
		t.Fatalf("fieldError = %q", err)
	}
}
