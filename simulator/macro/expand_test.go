package macro

import (
	"net/url"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

// expandCase is one expansion with the values tid=abc123,
// affiliate_earnings=45.75, aff_sub1="spring sale&more", state="".
type expandCase struct {
	name, template, want string
}

var expandCases = []expandCase{
	{name: "no tokens", template: "https://t.example/p?a=1", want: "https://t.example/p?a=1"},
	{name: "empty template", template: "", want: ""},
	{name: "seed affiliate template",
		template: "http://127.0.0.1:9/postback?clickid={tid}&sum={affiliate_earnings}&type=InitialPurchase",
		want:     "http://127.0.0.1:9/postback?clickid=abc123&sum=45.75&type=InitialPurchase"},
	{name: "query value is query-escaped", template: "?s={aff_sub1}", want: "?s=spring+sale%26more"},
	{name: "path value is path-escaped", template: "https://t.example/{aff_sub1}/x", want: "https://t.example/spring%20sale&more/x"},
	{name: "fragment is escaped like the query", template: "https://t.example/p#s={aff_sub1}", want: "https://t.example/p#s=spring+sale%26more"},
	{name: "'?' after '#' stays fragment", template: "https://t.example/p#a?s={aff_sub1}", want: "https://t.example/p#a?s=spring+sale%26more"},
	{name: "not a URL: path rules", template: "{aff_sub1}", want: "spring%20sale&more"},
	{name: "known macro without a value is empty", template: "?zip={postal_code}&x=1", want: "?zip=&x=1"},
	{name: "known macro with an empty value", template: "?st={state}", want: "?st="},
	{name: "unknown token stays literally", template: "?clickid={clickid}&t={tid}", want: "?clickid={clickid}&t=abc123"},
	{name: "a name outside the catalog stays", template: "?c={custom}&e={empty}|", want: "?c={custom}&e={empty}|"},
	{name: "double braces expand the inner token", template: "?c={{tid}}", want: "?c={abc123}"},
	{name: "empty braces", template: "?c={}", want: "?c={}"},
	{name: "upper case is not a token", template: "?c={Tid}&d={TID}", want: "?c={Tid}&d={TID}"},
	{name: "spaces are not a token", template: "?c={ tid }", want: "?c={ tid }"},
	{name: "unbalanced", template: "?c={tid&d=}{tid", want: "?c={tid&d=}{tid"},
	{name: "brace inside a name", template: "?c={ti{tid}d}", want: "?c={tiabc123d}"},
	{name: "non-ASCII is copied", template: "?é={tid}&ü={tïd}", want: "?é=abc123&ü={tïd}"},
	{name: "adjacent tokens", template: "{tid}{tid}{tid}", want: "abc123abc123abc123"},
	{name: "token at both ends", template: "{tid}?{tid}", want: "abc123?abc123"},
	{name: "only empty values", template: "{postal_code}{state}", want: ""},
	{name: "lone braces", template: "{", want: "{"},
	{name: "closing brace only", template: "}", want: "}"},
}

// valuesOf returns Values holding m; every name must be a catalog macro.
func valuesOf(t testing.TB, m map[string]string) *Values {
	t.Helper()
	var v Values
	for name, s := range m {
		if !v.Set(name, s) {
			t.Fatalf("%q is not a catalog macro", name)
		}
	}
	return &v
}

func TestExpand(t *testing.T) {
	vals := valuesOf(t, map[string]string{"tid": "abc123", "affiliate_earnings": "45.75", "aff_sub1": "spring sale&more", "state": ""})
	for _, tt := range expandCases {
		t.Run(tt.name, func(t *testing.T) {
			if got := Expand(tt.template, vals); got != tt.want {
				t.Errorf("Expand(%q) = %q; want %q", tt.template, got, tt.want)
			}
			if got := string(AppendExpand([]byte("x"), tt.template, vals)); got != "x"+tt.want {
				t.Errorf("AppendExpand(\"x\", %q) = %q; want %q", tt.template, got, "x"+tt.want)
			}
		})
	}
}

func TestExpandNilValues(t *testing.T) {
	if got, want := Expand("?c={tid}&x={nope}", nil), "?c=&x={nope}"; got != want {
		t.Errorf("Expand with nil values = %q; want %q", got, want)
	}
}

func TestExpandManyTokens(t *testing.T) {
	var tmpl, want strings.Builder
	tmpl.WriteString("https://t.example/{tid}/p?")
	want.WriteString("https://t.example/a%20b/p?")
	for range 50 {
		tmpl.WriteString("&k={tid}&u={unknown}&z={postal_code}")
		want.WriteString("&k=a+b&u={unknown}&z=")
	}
	if got := Expand(tmpl.String(), valuesOf(t, map[string]string{"tid": "a b"})); got != want.String() {
		t.Errorf("Expand(many) =\n%s\nwant\n%s", got, want.String())
	}
}

// trickyValues are values with every kind of character a tracker must get
// back exactly.
var trickyValues = []string{
	"", "abc", "a b", "a+b", "a&b=c", "100%", "%41", "a/b?c#d", "é ü 中文", "~-._",
	"$&+,/:;=?@", "!*'()", "\x00\x01\xff", "{tid}", "a\nb", `"quoted" <tag>`, "+++", " ",
}

// expandTID expands template with tid=v and parses the result.
func expandTID(t *testing.T, template, v string) (string, *url.URL) {
	t.Helper()
	got := Expand(template, valuesOf(t, map[string]string{"tid": v}))
	u, err := url.Parse(got)
	if err != nil {
		t.Fatalf("value %q: url.Parse(%q): %v", v, got, err)
	}
	return got, u
}

func TestExpandQueryRoundTrip(t *testing.T) {
	for _, v := range trickyValues {
		got, u := expandTID(t, "https://t.example/postback?clickid={tid}&type=InitialPurchase#f={tid}", v)
		if q := u.Query(); q.Get("clickid") != v || q.Get("type") != "InitialPurchase" {
			t.Errorf("value %q: %q reads back clickid=%q type=%q", v, got, q.Get("clickid"), q.Get("type"))
		}
		if want := "f=" + url.QueryEscape(v); u.EscapedFragment() != want && u.RawFragment != want {
			t.Errorf("value %q: fragment %q; want %q", v, u.EscapedFragment(), want)
		}
		if f, err := url.ParseQuery(u.RawFragment); u.RawFragment != "" && (err != nil || f.Get("f") != v) {
			t.Errorf("value %q: fragment %q reads back %q, %v", v, u.RawFragment, f.Get("f"), err)
		}
	}
}

func TestExpandPathRoundTrip(t *testing.T) {
	for _, v := range trickyValues {
		got, u := expandTID(t, "https://t.example/a/{tid}/b?x=1", v)
		if u.Path != "/a/"+v+"/b" || u.RawQuery != "x=1" {
			t.Errorf("value %q: %q reads back path %q query %q", v, got, u.Path, u.RawQuery)
		}
		if want := "https://t.example/a/" + url.PathEscape(v) + "/b?x=1"; got != want {
			t.Errorf("value %q: %q; want url.PathEscape's %q", v, got, want)
		}
	}
}

// TestEscapingMatchesNetURL compares every byte with net/url.
func TestEscapingMatchesNetURL(t *testing.T) {
	for c := 0; c < 256; c++ {
		v := "a" + string([]byte{byte(c)}) + "z"
		if got, want := Expand("?{tid}", valuesOf(t, map[string]string{"tid": v})), "?"+url.QueryEscape(v); got != want {
			t.Errorf("query, byte %#x: %q; want %q", c, got, want)
		}
		if got, want := Expand("/{tid}", valuesOf(t, map[string]string{"tid": v})), "/"+url.PathEscape(v); got != want {
			t.Errorf("path, byte %#x: %q; want %q", c, got, want)
		}
	}
}

func TestExpandAllocs(t *testing.T) {
	vals := benchValues(t)
	if n := testing.AllocsPerRun(100, func() { Expand(benchTemplate, vals) }); n > 1 {
		t.Errorf("Expand allocates %v times; want at most 1", n)
	}
	for _, tmpl := range []string{"https://t.example/p?a=1", "?c={nope}&d={}"} {
		if n := testing.AllocsPerRun(100, func() { Expand(tmpl, vals) }); n != 0 {
			t.Errorf("Expand(%q) allocates %v times; want 0 when nothing is replaced", tmpl, n)
		}
	}
}

// tokenRE is the token grammar, for the reference implementation.
var tokenRE = regexp.MustCompile(`\{[a-z0-9_]+\}`)

// referenceExpandIdx expands using match indexes so the URL part of each
// token can be computed from the template.
func referenceExpandIdx(template string, values *Values) string {
	q, h := strings.IndexByte(template, '?'), strings.IndexByte(template, '#')
	var b strings.Builder
	last := 0
	for _, m := range tokenRE.FindAllStringIndex(template, -1) {
		name := template[m[0]+1 : m[1]-1]
		if !Known(name) {
			continue
		}
		v := values.Get(name)
		b.WriteString(template[last:m[0]])
		if (h >= 0 && h < m[0]) || (q >= 0 && q < m[0]) {
			b.WriteString(url.QueryEscape(v))
		} else {
			b.WriteString(url.PathEscape(v))
		}
		last = m[1]
	}
	b.WriteString(template[last:])
	return b.String()
}

func FuzzExpand(f *testing.F) {
	f.Add(benchTemplate, "tid", "abc 123")
	f.Add("{{tid}}", "tid", "x")
	f.Add("/{a}/?{a}#{a}", "a", "a/b?c#d")
	f.Add("{", "", "")
	f.Add("{tid", "tid", "v")
	f.Add("é{tïd}{tid}\xff{", "tid", "\xff")
	f.Add("?{x_1}{unknown}{Tid}{}", "aff_sub1", "%%")
	f.Fuzz(func(t *testing.T, template, name, value string) {
		values := &Values{}
		values.Set("affiliate_earnings", "45.75")
		values.Set(name, value)
		got := Expand(template, values)
		if app := string(AppendExpand(nil, template, values)); app != got {
			t.Fatalf("AppendExpand(%q) = %q; Expand gives %q", template, app, got)
		}

		// A template without '{' comes back unchanged.
		if !strings.Contains(template, "{") && got != template {
			t.Fatalf("Expand(%q) = %q; want it unchanged", template, got)
		}
		// Same as the obvious implementation with net/url.
		if want := referenceExpandIdx(template, values); got != want {
			t.Fatalf("Expand(%q, %q=%q) = %q; reference %q", template, name, value, got, want)
		}
		// Values without special characters: same as a strings.Replacer
		// over every known macro and every value.
		plain := strings.Map(func(r rune) rune {
			if r < utf8.RuneSelf && class[r]&querySafe != 0 && class[r]&pathSafe != 0 {
				return r
			}
			return -1
		}, value)
		values.Set(name, plain)
		var pairs []string
		for _, m := range catalog {
			pairs = append(pairs, "{"+m.Name+"}", values.Get(m.Name))
		}
		if got, want := Expand(template, values), strings.NewReplacer(pairs...).Replace(template); got != want {
			t.Fatalf("Expand(%q, %q=%q) = %q; strings.Replacer gives %q", template, name, plain, got, want)
		}
		// A query value reads back exactly.
		u, err := url.Parse(Expand("https://t.example/p?v={tid}", valuesOf(t, map[string]string{"tid": value})))
		if err != nil || u.Query().Get("v") != value {
			t.Fatalf("value %q does not round-trip through the query: %v", value, err)
		}
		// Tokens agree with the grammar.
		toks := Tokens(template)
		idx := tokenRE.FindAllStringIndex(template, -1)
		if len(toks) != len(idx) {
			t.Fatalf("Tokens(%q) = %v; want %d tokens", template, toks, len(idx))
		}
		for i, tok := range toks {
			if tok.Start != idx[i][0] || tok.End != idx[i][1]-1 || template[tok.Start:tok.End+1] != "{"+tok.Name+"}" {
				t.Fatalf("Tokens(%q)[%d] = %+v; want %v", template, i, tok, idx[i])
			}
		}
	})
}

const benchTemplate = "https://trk.example.com/postback?clickid={tid}&sum={affiliate_earnings}&type=InitialPurchase&eventid={event_id}&zip={postal_code}&order={order_id}&cur={currency}&sub1={aff_sub1}&country={country}"

func benchValues(t testing.TB) *Values {
	return valuesOf(t, map[string]string{
		"tid":                "65a1f0c2e4b0a1b2c3d4e5f6",
		"affiliate_earnings": "45.75",
		"event_id":           "3f2b8c1e-7a4d-4e2b-9c1a-5d6e7f8a9b0c",
		"postal_code":        "10001",
		"order_id":           "K7QX2M9P",
		"currency":           "USD",
		"aff_sub1":           "spring sale",
		"country":            "US",
	})
}

func BenchmarkExpand(b *testing.B) {
	vals := benchValues(b)
	b.ReportAllocs()
	for b.Loop() {
		Expand(benchTemplate, vals)
	}
}

func BenchmarkAppendExpand(b *testing.B) {
	vals := benchValues(b)
	buf := make([]byte, 0, 512)
	b.ReportAllocs()
	for b.Loop() {
		buf = AppendExpand(buf[:0], benchTemplate, vals)
	}
}

// BenchmarkExpandNaive is the obvious implementation (url.QueryEscape per
// value, a strings.Replacer per call), for comparing figures taken on the
// same machine at the same time.
func BenchmarkExpandNaive(b *testing.B) {
	vals := benchValues(b).Map()
	b.ReportAllocs()
	for b.Loop() {
		pairs := make([]string, 0, 2*len(vals))
		for k, v := range vals {
			pairs = append(pairs, "{"+k+"}", url.QueryEscape(v))
		}
		_ = strings.NewReplacer(pairs...).Replace(benchTemplate)
	}
}
