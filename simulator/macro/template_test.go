package macro

import (
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

func TestCatalogFitsRecord(t *testing.T) {
	if len(catalog) > maxMacros {
		t.Fatalf("the catalog has %d macros; a Record holds at most maxMacros = %d", len(catalog), maxMacros)
	}
	// IDs are positions in the catalog sorted by name (Catalog's order).
	for i, m := range Catalog() {
		id, ok := IDOf(m.Name)
		if !ok || int(id) != i || id.Name() != m.Name {
			t.Errorf("IDOf(%q) = %d, %v (Name %q); want %d", m.Name, id, ok, id.Name(), i)
		}
	}
}

func TestIDOf(t *testing.T) {
	for _, name := range []string{"", "nope", "Tid", "{tid}", "tid "} {
		if id, ok := IDOf(name); ok {
			t.Errorf("IDOf(%q) = %d, true; want false", name, id)
		}
	}
	if got := ID(len(catalog)).Name(); got != "" {
		t.Errorf("ID(len(catalog)).Name() = %q; want \"\"", got)
	}
	if got := ID(255).Name(); got != "" {
		t.Errorf("ID(255).Name() = %q; want \"\"", got)
	}
}

func TestRecord(t *testing.T) {
	var r Record
	if v, ok := r.Get("tid"); ok || v != "" {
		t.Errorf("zero Record: Get(tid) = %q, %v; want unset", v, ok)
	}
	if r.Set("nope", "x") {
		t.Error("Set(nope) = true; want false for a name outside the catalog")
	}
	if !r.Set("tid", "abc") || !r.Set("state", "") {
		t.Fatal("Set of a catalog macro returned false")
	}
	if v, ok := r.Get("tid"); !ok || v != "abc" {
		t.Errorf("Get(tid) = %q, %v; want abc, true", v, ok)
	}
	if v, ok := r.Get("state"); !ok || v != "" {
		t.Errorf("Get(state) = %q, %v; want \"\", true (set to empty)", v, ok)
	}
	if _, ok := r.Get("postal_code"); ok {
		t.Error("Get(postal_code): set; want unset")
	}
	if _, ok := r.Get("nope"); ok {
		t.Error("Get(nope): set; want unset")
	}
	id, _ := IDOf("vtid")
	r.SetID(id, "v1")
	r.SetID(ID(len(catalog)), "ignored")
	r.SetID(255, "ignored")
	if v, ok := r.GetID(id); !ok || v != "v1" {
		t.Errorf("GetID(vtid) = %q, %v; want v1, true", v, ok)
	}
	if _, ok := r.GetID(ID(len(catalog))); ok {
		t.Error("GetID(len(catalog)): set; want unset")
	}
	want := Values{"tid": "abc", "state": "", "vtid": "v1"}
	if got := r.Values(); !maps.Equal(got, want) {
		t.Errorf("Values() = %v; want %v", got, want)
	}
	r.Reset()
	if got := r.Values(); len(got) != 0 {
		t.Errorf("after Reset, Values() = %v; want empty", got)
	}
	if n := testing.AllocsPerRun(100, func() {
		var r Record
		r.Set("tid", "abc")
		r.SetID(id, "x")
		r.Reset()
	}); n != 0 {
		t.Errorf("a Record allocates %v times; want 0", n)
	}
}

func TestTemplateExpand(t *testing.T) {
	var r Record
	for name, v := range expandCaseValues {
		r.Set(name, v)
	}
	tests := expandCases
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := tt.want
			if tt.compiled != "" {
				want = tt.compiled
			}
			tmpl := Compile(tt.template)
			if got := tmpl.Expand(&r); got != want {
				t.Errorf("Compile(%q).Expand = %q; want %q", tt.template, got, want)
			}
			if got, want := tmpl.Expand(&r), Expand(tt.template, r.Values()); got != want {
				t.Errorf("Compile(%q).Expand = %q; Expand gives %q", tt.template, got, want)
			}
			if got := tmpl.String(); got != tt.template {
				t.Errorf("String() = %q; want %q", got, tt.template)
			}
			if got, want := tmpl.Tokens(), Tokens(tt.template); !slices.Equal(got, want) {
				t.Errorf("Tokens() = %v; want %v", got, want)
			}
		})
	}
}

func TestRecordOverwrite(t *testing.T) {
	// The escaping a value needs is noted when it is set: overwriting must
	// update it both ways.
	tmpl := Compile("/{tid}?a={tid}")
	var r Record
	for _, tt := range []struct{ v, want string }{
		{"a b", "/a%20b?a=a+b"},
		{"ab", "/ab?a=ab"},
		{"a:b", "/a:b?a=a%3Ab"},
		{"a/b", "/a%2Fb?a=a%2Fb"},
		{"", "/?a="},
	} {
		r.Set("tid", tt.v)
		if got := tmpl.Expand(&r); got != tt.want {
			t.Errorf("tid=%q: %q; want %q", tt.v, got, tt.want)
		}
	}
}

func TestTemplateNil(t *testing.T) {
	if got, want := Compile("?c={tid}&x={nope}").Expand(nil), "?c=&x={nope}"; got != want {
		t.Errorf("Expand(nil) = %q; want %q", got, want)
	}
	tmpl := Compile("?c={tid}")
	if n := testing.AllocsPerRun(100, func() { tmpl.Expand(nil) }); n > 1 {
		t.Errorf("Expand(nil) allocates %v times; want at most 1", n)
	}
	var nilT *Template
	if got := nilT.Expand(&Record{}); got != "" {
		t.Errorf("nil Template: Expand = %q; want \"\"", got)
	}
	if nilT.String() != "" || nilT.Tokens() != nil {
		t.Error("nil Template: String or Tokens not empty")
	}
	var zero Template
	if got := zero.Expand(nil); got != "" {
		t.Errorf("zero Template: Expand = %q; want \"\"", got)
	}
}

func TestTemplateTokensIsACopy(t *testing.T) {
	tmpl := Compile("?a={tid}")
	tmpl.Tokens()[0].Name = "changed"
	if got := tmpl.Tokens()[0].Name; got != "tid" {
		t.Errorf("Tokens()[0].Name = %q after changing a returned slice; want tid", got)
	}
}

func TestTemplateManyTokens(t *testing.T) {
	// More replacements than the 64 the sizing pass remembers.
	var src strings.Builder
	src.WriteString("https://t.example/{tid}/p?")
	for range 3 * 64 {
		src.WriteString("&k={tid}&u={unknown}&z={postal_code}&s={aff_sub1}")
	}
	var r Record
	r.Set("tid", "a b")
	r.Set("aff_sub1", "plain")
	tmpl := Compile(src.String())
	if got, want := tmpl.Expand(&r), Expand(src.String(), r.Values()); got != want {
		t.Errorf("Expand(many) =\n%s\nwant\n%s", got, want)
	}
	if n := testing.AllocsPerRun(100, func() { tmpl.Expand(&r) }); n > 1 {
		t.Errorf("Expand(many) allocates %v times; want at most 1", n)
	}
}

func TestTemplateEscapingMatchesExpand(t *testing.T) {
	var r Record
	for c := 0; c < 256; c++ {
		r.Set("tid", "a"+string([]byte{byte(c)})+"z")
		for _, src := range []string{"?{tid}", "/{tid}", "#{tid}"} {
			if got, want := Compile(src).Expand(&r), Expand(src, r.Values()); got != want {
				t.Errorf("%q, byte %#x: %q; want %q", src, c, got, want)
			}
		}
	}
	for _, v := range trickyValues {
		r.Set("tid", v)
		for _, src := range []string{
			"https://t.example/postback?clickid={tid}&type=InitialPurchase#f={tid}",
			"https://t.example/a/{tid}/b?x=1",
		} {
			if got, want := Compile(src).Expand(&r), referenceExpandIdx(src, r.Values()); got != want {
				t.Errorf("%q, tid=%q: %q; reference %q", src, v, got, want)
			}
		}
	}
}

func TestTemplateAllocs(t *testing.T) {
	r := benchRecord()
	tmpl := Compile(benchTemplate)
	if n := testing.AllocsPerRun(100, func() { tmpl.Expand(&r) }); n > 1 {
		t.Errorf("Template.Expand allocates %v times; want at most 1", n)
	}
	var empty Record
	for _, src := range []string{"https://t.example/p?a=1", "?c={nope}&d={}", "{state}{postal_code}", ""} {
		tmpl := Compile(src)
		if n := testing.AllocsPerRun(100, func() { tmpl.Expand(&empty) }); n != 0 {
			t.Errorf("Compile(%q).Expand allocates %v times; want 0 when nothing is replaced", src, n)
		}
	}
}

// templatePieces are the fragments random templates are made of.
var templatePieces = []string{
	"{", "}", "?", "#", "/", "&", "=", "{}", "{{", "}}", "x", "é", "\xff", " ",
	"{Tid}", "{nope}", "{tid", "tid}", "https://t.example/p",
}

// randomTemplate builds a template of catalog tokens and tricky text.
func randomTemplate(rng *rand.Rand) string {
	var b strings.Builder
	for range rng.IntN(16) {
		if rng.IntN(2) == 0 {
			b.WriteString("{" + catalog[rng.IntN(len(catalog))].Name + "}")
		} else {
			b.WriteString(templatePieces[rng.IntN(len(templatePieces))])
		}
	}
	return b.String()
}

// TestTemplateRandom compares Compile(t).Expand(r) with Expand(t,
// r.Values()) on random templates and records.
func TestTemplateRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	values := append(slices.Clone(trickyValues), "45.75", "65a1f0c2e4b0a1b2c3d4e5f6", strings.Repeat("long value ", 60))
	for i := range 20000 {
		src := randomTemplate(rng)
		var r Record
		for range rng.IntN(2 * len(catalog)) {
			r.SetID(ID(rng.IntN(len(catalog))), values[rng.IntN(len(values))])
		}
		if got, want := Compile(src).Expand(&r), Expand(src, r.Values()); got != want {
			t.Fatalf("case %d: Compile(%q).Expand = %q; Expand gives %q (values %v)", i, src, got, want, r.Values())
		}
	}
}

func FuzzTemplate(f *testing.F) {
	f.Add(benchTemplate, []byte{1, 2, 3}, "abc 123", "é/?#&=+%")
	f.Add("{{tid}}", []byte{0}, "x", "")
	f.Add("/{tid}/?{aff_sub1}#{vtid}", []byte{5, 9, 200}, "a/b?c#d", "中文 ")
	f.Add("{", []byte{}, "", "")
	f.Add("{tid", []byte{7}, "v", "w")
	f.Add("é{tïd}{tid}\xff{", []byte{255, 0}, "\xff", "\x00")
	f.Add("?{x_1}{unknown}{Tid}{}{state}{postal_code}", []byte{3}, "%%", "")
	f.Fuzz(func(t *testing.T, src string, picks []byte, v1, v2 string) {
		// Each token of the template is unset, v1, v2 or "" according to
		// picks; each pick also sets some other macro.
		var r Record
		choose := func(p byte) string {
			switch p % 3 {
			case 0:
				return v1
			case 1:
				return v2
			}
			return ""
		}
		for i, tok := range Tokens(src) {
			if len(picks) == 0 {
				r.Set(tok.Name, v1)
				continue
			}
			if p := picks[i%len(picks)]; p%4 != 3 {
				r.Set(tok.Name, choose(p))
			}
		}
		for _, p := range picks {
			r.SetID(ID(int(p)%len(catalog)), choose(p/64))
		}

		tmpl := Compile(src)
		got := tmpl.Expand(&r)
		if want := Expand(src, r.Values()); got != want {
			t.Fatalf("Compile(%q).Expand = %q; Expand gives %q (values %v)", src, got, want, r.Values())
		}
		if tmpl.String() != src {
			t.Fatalf("String() = %q; want %q", tmpl.String(), src)
		}
		if got, want := tmpl.Tokens(), Tokens(src); !slices.Equal(got, want) {
			t.Fatalf("Tokens() = %v; Tokens(%q) = %v", got, src, want)
		}
		// A Record rebuilt from its Values is the same Record.
		var back Record
		for name, v := range r.Values() {
			if !back.Set(name, v) {
				t.Fatalf("Set(%q) = false for a name from Values", name)
			}
		}
		if back != r {
			t.Fatalf("Record rebuilt from Values() differs: %v vs %v", back.Values(), r.Values())
		}
	})
}

// benchRecord is benchValues as a Record.
func benchRecord() Record {
	var r Record
	for name, v := range benchValues() {
		if !r.Set(name, v) {
			panic("benchValues: " + name + " is not a catalog macro")
		}
	}
	return r
}

func BenchmarkTemplateExpand(b *testing.B) {
	tmpl := Compile(benchTemplate)
	r := benchRecord()
	b.ReportAllocs()
	for b.Loop() {
		tmpl.Expand(&r)
	}
}

// BenchmarkTemplateExpandFreshRecord fills the Record in the loop too, by
// IDs resolved beforehand: the cost per event when each event expands one
// template (the escaping checks move from Expand to SetID).
func BenchmarkTemplateExpandFreshRecord(b *testing.B) {
	tmpl := Compile(benchTemplate)
	type kv struct {
		id ID
		v  string
	}
	var kvs []kv
	for name, v := range benchValues() {
		id, _ := IDOf(name)
		kvs = append(kvs, kv{id, v})
	}
	b.ReportAllocs()
	for b.Loop() {
		var r Record
		for _, p := range kvs {
			r.SetID(p.id, p.v)
		}
		tmpl.Expand(&r)
	}
}

// BenchmarkCompile is the one-off cost Template.Expand saves per call.
func BenchmarkCompile(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		Compile(benchTemplate)
	}
}
