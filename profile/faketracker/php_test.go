package faketracker

import (
	"encoding/json"
	"net/url"
	"testing"
)

func TestIsNumeric(t *testing.T) {
	cases := map[string]bool{
		"12": true, " 12": true, "12 ": true, "-1.5": true, "+3": true, ".5": true, "5.": true, "1e3": true, "1.2E-3": true,
		"": false, ".": false, "abc": false, "12abc": false, "0x1A": false, "1e": false, "1 2": false, "inf": false,
	}
	for in, want := range cases {
		if got := isNumeric(in); got != want {
			t.Errorf("isNumeric(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestPHPInt(t *testing.T) {
	cases := map[string]int64{"12": 12, "12abc": 12, "abc": 0, "": 0, " -7": -7, "1e3": 1000, "1.9": 1, "-1.9": -1}
	for in, want := range cases {
		if got := phpInt(in); got != want {
			t.Errorf("phpInt(%q) = %d, want %d", in, got, want)
		}
	}
}

func TestTruthyAndCoalesce(t *testing.T) {
	q, _ := url.ParseQuery("a=0&b=&c=0.0&d=%20&e=x&e=y")
	for k, want := range map[string]bool{"a": false, "b": false, "c": true, "d": true, "e": true, "z": false} {
		if got := truthy(q, k); got != want {
			t.Errorf("truthy(%s) = %v, want %v", k, got, want)
		}
	}
	if v, _ := param(q, "e"); v != "y" {
		t.Errorf("param(e) = %q, want the last value y", v)
	}
	if v, ok := coalesce(q, "z", "b", "e"); v != "" || !ok {
		t.Errorf("coalesce = %q, %v; want the empty b", v, ok)
	}
}

func TestURLEncoding(t *testing.T) {
	cases := []struct{ in, url, raw string }{
		{"a b", "a+b", "a%20b"},
		{"x/y?z=1&w~", "x%2Fy%3Fz%3D1%26w%7E", "x%2Fy%3Fz%3D1%26w~"},
		{"é", "%C3%A9", "%C3%A9"},
		{"A-_.9", "A-_.9", "A-_.9"},
	}
	for _, tc := range cases {
		if got := urlencode(tc.in); got != tc.url {
			t.Errorf("urlencode(%q) = %q, want %q", tc.in, got, tc.url)
		}
		if got := rawurlencode(tc.in); got != tc.raw {
			t.Errorf("rawurlencode(%q) = %q, want %q", tc.in, got, tc.raw)
		}
	}
}

func TestPHPJSON(t *testing.T) {
	floats := map[float64]string{10: "10.0", 2.5: "2.5", 0: "0.0", -3: "-3.0", 1e20: "1.0e+20", 0.00001: "1.0e-5", 33.79: "33.79"}
	for in, want := range floats {
		b, err := json.Marshal(phpFloat(in))
		if err != nil || string(b) != want {
			t.Errorf("phpFloat(%v) = %s (%v), want %s", in, b, err, want)
		}
	}
	if got := string(phpJSONEscape([]byte(`{"u":"https://x/é😀"}`))); got != `{"u":"https:\/\/x\/\u00e9\ud83d\ude00"}` {
		t.Errorf("phpJSONEscape = %s", got)
	}
}

func TestParseDecimal5(t *testing.T) {
	cases := []struct {
		in   string
		want string
		ok   bool
	}{
		{"33.79", "33.79000", true},
		{"1.234565", "1.23457", true},
		{"-1.234565", "-1.23457", true},
		{"1e2", "100.00000", true},
		{" 7 ", "7.00000", true},
		{"99999999", "999999.99999", true},
		{"abc", "0.00000", false},
	}
	for _, tc := range cases {
		d, ok := parseDecimal5(tc.in)
		if d.String() != tc.want || ok != tc.ok {
			t.Errorf("parseDecimal5(%q) = %s, %v; want %s, %v", tc.in, d, ok, tc.want, tc.ok)
		}
	}
}

func TestHTMLSpecialChars(t *testing.T) {
	if got := htmlspecialchars(`<a href="x">'&'</a>`); got != `&lt;a href=&quot;x&quot;&gt;&#039;&amp;&#039;&lt;/a&gt;` {
		t.Errorf("htmlspecialchars = %s", got)
	}
}

func TestAlterClickID(t *testing.T) {
	for in, want := range map[string]string{"ab-0": "ab-1", "x-f": "x-0", "x-9": "x-a"} {
		if got := alterClickID(in); got != want {
			t.Errorf("alterClickID(%q) = %q, want %q", in, got, want)
		}
	}
}
