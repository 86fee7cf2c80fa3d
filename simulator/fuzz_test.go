package simulator

import (
	"bytes"
	"encoding/json"
	"errors"
	"io/fs"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/cbsim/cbsim/fixtures"
	"github.com/cbsim/cbsim/internal/jsonpos"
	"github.com/cbsim/cbsim/simulator/ids"
	"github.com/cbsim/cbsim/simulator/macro"
	"github.com/cbsim/cbsim/simulator/money"
)

// checkFileError fails unless err is a *jsonpos.FileError naming file and
// a line of data (0 when unknown).
func checkFileError(t *testing.T, err error, file string, data []byte) {
	t.Helper()
	fe, ok := errors.AsType[*jsonpos.FileError](err)
	if !ok {
		t.Fatalf("error %v (%T) is not a *jsonpos.FileError", err, err)
	}
	if fe.File != file {
		t.Fatalf("error %v names file %q, want %q", err, fe.File, file)
	}
	if lines := bytes.Count(data, []byte{'\n'}) + 1; fe.Line < 0 || fe.Line > lines {
		t.Fatalf("error %v names line %d of a %d-line file", err, fe.Line, lines)
	}
}

// encodeCatalog writes c in the catalog file's JSON shape.
func encodeCatalog(t *testing.T, c *Catalog) []byte {
	t.Helper()
	type account struct {
		Nickname   string `json:"nickname"`
		Name       string `json:"name"`
		Commission string `json:"commission"`
	}
	type upsell struct {
		Item   string `json:"item"`
		Accept bool   `json:"accept"`
	}
	type funnel struct {
		Name    string   `json:"name"`
		Vendor  string   `json:"vendor"`
		Front   string   `json:"front"`
		Upsells []upsell `json:"upsells"`
	}
	out := struct {
		Rates      map[string]string   `json:"rates"`
		Vendors    []account           `json:"vendors"`
		Affiliates []account           `json:"affiliates"`
		Products   []map[string]string `json:"products"`
		Funnels    []funnel            `json:"funnels"`
	}{Rates: map[string]string{}}
	for code, r := range c.Rates {
		out.Rates[code] = r.String()
	}
	for _, v := range c.Vendors {
		out.Vendors = append(out.Vendors, account{v.Nickname, v.Name, v.Commission.String()})
	}
	for _, a := range c.Affiliates {
		out.Affiliates = append(out.Affiliates, account{a.Nickname, a.Name, a.Commission.String()})
	}
	for _, p := range c.Products {
		out.Products = append(out.Products, map[string]string{"item": p.Item, "vendor": p.Vendor, "title": p.Title,
			"price": p.Price.String(), "currency": p.Currency, "commission": p.Commission.String()})
	}
	for _, f := range c.Funnels {
		fu := funnel{Name: f.Name, Vendor: f.Vendor, Front: f.Front}
		for _, u := range f.Upsells {
			fu.Upsells = append(fu.Upsells, upsell(u))
		}
		out.Funnels = append(out.Funnels, fu)
	}
	b, err := json.Marshal(out)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func fixture(f *testing.F, name string) []byte {
	b, err := fs.ReadFile(fixtures.FS, name)
	if err != nil {
		f.Fatal(err)
	}
	return b
}

// FuzzParseCatalog: a catalog file either loads into a catalog whose every
// product, funnel and rate obeys the catalog's rules, and that written
// back reads back the same, or fails with a *jsonpos.FileError that names
// the file and a line of it.
func FuzzParseCatalog(f *testing.F) {
	f.Add(fixture(f, fixtures.Catalog))
	for _, s := range []string{
		``, `{}`, `[]`, `null`, `{"vendors":[{"nickname":"ven01"}]}`, `{"vendors":[{"nickname":"ven01"}]} {}`,
		`{"rates":{"EUR":"1.08"},"vendors":[{"nickname":"VEN01","commission":"50"}],"products":[{"item":"A-1","vendor":"ven01","title":"t","price":"3.00","currency":"EUR","commission":"7.25"}],"funnels":[{"name":"f","vendor":"ven01","front":"A-1","upsells":[{"item":"A-1","accept":true}]}]}`,
		`{"rates":{"eur":"1"}}`, `{"rates":{"EUR":"0"}}`, `{"vendors":[{"nickname":"ven01"},{"nickname":"VEN01"}]}`,
		"{\"vendors\":\n[{\"nickname\":\"v!\"}]}", `{"vendors":[{"nickname":"ven01","colour":1}]}`, `{"products":[{"item":"A"}]}`,
		`{"funnels":[{"name":""}]}`, `{"vendors":[{"nickname":"ven01"}],"products":[{"item":"A","vendor":"ven01","title":"t","price":"1.50"}]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		const file = "fixtures/my catalog.json"
		c, err := ParseCatalog(file, data)
		if err != nil {
			checkFileError(t, err, file, data)
			return
		}
		if err := c.Rates.Validate(); err != nil {
			t.Fatalf("catalog loaded with rates that do not validate: %v", err)
		}
		for item, p := range c.Products {
			if err := c.CheckProduct(p); err != nil || p.Item != item {
				t.Fatalf("product %q loaded but breaks the rules: %v", item, err)
			}
			if _, ok := c.Vendors[p.Vendor]; !ok {
				t.Fatalf("product %q of unknown vendor %q", item, p.Vendor)
			}
			if p.Commission < 0 || p.Commission > money.MaxPercent {
				t.Fatalf("product %q has commission %d", item, p.Commission)
			}
		}
		for nick, v := range c.Vendors {
			if got, err := ids.ValidateNickname(nick); err != nil || got != nick || v.Nickname != nick {
				t.Fatalf("vendor %q loaded under key %q: %v", v.Nickname, nick, err)
			}
		}
		for name, fu := range c.Funnels {
			for _, item := range append([]string{fu.Front}, func() (s []string) {
				for _, u := range fu.Upsells {
					s = append(s, u.Item)
				}
				return
			}()...) {
				if p, ok := c.Products[item]; !ok || p.Vendor != fu.Vendor {
					t.Fatalf("funnel %q offers item %q, which is not one of its vendor's", name, item)
				}
			}
		}
		again := encodeCatalog(t, c)
		c2, err := ParseCatalog(file, again)
		if err != nil {
			t.Fatalf("catalog written back does not load: %v\n%s", err, again)
		}
		if !reflect.DeepEqual(c, c2) {
			t.Fatalf("catalog written back loads differently:\n%+v\n%+v", c, c2)
		}
	})
}

// encodeIntegrations writes ins in the integrations file's JSON shape.
func encodeIntegrations(t *testing.T, ins []Integration) []byte {
	t.Helper()
	type rawIn struct {
		Name     string            `json:"name"`
		Role     string            `json:"role"`
		Account  string            `json:"account,omitempty"`
		Active   bool              `json:"active"`
		Events   []EventType       `json:"events"`
		URL      string            `json:"url,omitempty"`
		PerEvent bool              `json:"per_event"`
		URLs     map[string]string `json:"urls,omitempty"`
	}
	var out struct {
		Integrations []rawIn `json:"integrations"`
	}
	for _, in := range ins {
		r := rawIn{Name: in.Name, Role: string(in.Role), Account: in.Account, Active: in.Active, Events: in.Events, URL: in.URL, PerEvent: in.PerEvent}
		if in.URLs != nil {
			r.URLs = map[string]string{}
			for k, u := range in.URLs {
				r.URLs[string(k)] = u
			}
		}
		out.Integrations = append(out.Integrations, r)
	}
	b, err := json.Marshal(out)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// FuzzParseIntegrations: an integrations file either loads into
// integrations with a name, a role, known events and an http(s) URL for
// each selected event, the same on every parse, and that written back read
// back the same; or fails with a *jsonpos.FileError naming the file and a
// line of it.
func FuzzParseIntegrations(f *testing.F) {
	f.Add(fixture(f, fixtures.Integrations))
	for _, s := range []string{
		``, `{}`, `{"integrations":null}`, `{"integrations":[{}]}`,
		`{"integrations":[{"name":"a","role":"Affiliate","events":["Initial Purchase"],"url":"https://t.example/p?c={tid}"}]}`,
		`{"integrations":[{"name":"a","role":"vendor","active":false,"events":["initial_purchase"],"per_event":true,"urls":{"initial_purchase":"http://x/?a={vtid}","Initial Purchase":"http://y/"}}]}`,
		`{"integrations":[{"name":"a","role":"vendor","events":["initial_purchase"],"per_event":true,"url":"http://x/"}]}`,
		`{"integrations":[{"name":"a","role":"vendor","events":["refund"],"url":"ftp://x/"}]}`,
		"{\"integrations\":[\n{\"name\":\"a\",\n\"role\":\"x\"}]}",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		const file = "my integrations.json"
		ins, err := ParseIntegrations(file, data)
		if err != nil {
			checkFileError(t, err, file, data)
			return
		}
		for _, in := range ins {
			if in.Name == "" || (in.Role != RoleAffiliate && in.Role != RoleVendor) || len(in.Events) == 0 {
				t.Fatalf("integration loaded without a name, a role or an event: %+v", in)
			}
			for _, e := range in.Events {
				u, ok := in.URLFor(e)
				if !e.Valid() || !ok || (!strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://")) {
					t.Fatalf("integration %q: event %q loaded without an http(s) URL (%q)", in.Name, e, u)
				}
			}
		}
		for range 3 {
			if again, err := ParseIntegrations(file, data); err != nil || !reflect.DeepEqual(again, ins) {
				t.Fatalf("a second parse of the same file differs: %v\n%+v\n%+v", err, ins, again)
			}
		}
		again := encodeIntegrations(t, ins)
		ins2, err := ParseIntegrations(file, again)
		if err != nil {
			t.Fatalf("integrations written back do not load: %v\n%s", err, again)
		}
		if !reflect.DeepEqual(ins, ins2) {
			t.Fatalf("integrations written back load differently:\n%+v\n%+v", ins, ins2)
		}
	})
}

// FuzzParseRetry: an accepted retry schedule has one non-negative wait per
// comma-separated part, and written back with Duration.String reads back
// the same.
func FuzzParseRetry(f *testing.F) {
	for _, s := range []string{"", "none", "100ms,1s,5s", "1s", " 1s , 2s ", "1s,,2s", "-1s", "1", "1h2m3.5s", "9223372036854775807ns",
		"9223372036854775808ns", "1e3s", "none,1s", "0", "0s", "1µs,1us"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ds, err := ParseRetry(s)
		if err != nil {
			return
		}
		if s == "" || s == "none" {
			if ds != nil {
				t.Fatalf("ParseRetry(%q) = %v; want nil, one attempt", s, ds)
			}
			return
		}
		if len(ds) != strings.Count(s, ",")+1 {
			t.Fatalf("ParseRetry(%q) = %v; want one wait per comma-separated part", s, ds)
		}
		parts := make([]string, len(ds))
		for i, d := range ds {
			if d < 0 {
				t.Fatalf("ParseRetry(%q) = %v; a negative wait", s, ds)
			}
			parts[i] = d.String()
		}
		back, err := ParseRetry(strings.Join(parts, ","))
		if err != nil || !slicesEqual(back, ds) {
			t.Fatalf("ParseRetry(%q) = %v; written back as %q it reads %v, %v", s, ds, strings.Join(parts, ","), back, err)
		}
	})
}

func slicesEqual(a, b []time.Duration) bool { return reflect.DeepEqual(a, b) }

// FuzzValidateTracking: accepted tracking parameters are known tracking
// macros whose values have the documented charset and length
// (docs/clickbank.md §3).
func FuzzValidateTracking(f *testing.F) {
	f.Add("aff_sub1", "spring_sale", "tid", "abc")
	f.Add("traffic_source", "facebook ads", "gclid", "Cj0KCQjw8e")
	f.Add("tid", "a", "nope", "x")
	f.Add("aff_sub1", "a&b", "campaign", strings.Repeat("x", 200))
	f.Fuzz(func(t *testing.T, n1, v1, n2, v2 string) {
		params := map[string]string{n1: v1, n2: v2}
		if ValidateTracking(params) != nil {
			return
		}
		for name, v := range params {
			m, ok := macro.Lookup(name)
			if !ok || m.Tracking == 0 {
				t.Fatalf("ValidateTracking accepted %q, not a tracking parameter", name)
			}
			if len(v) > m.Tracking {
				t.Fatalf("ValidateTracking accepted %s of %d characters, more than %d", name, len(v), m.Tracking)
			}
			for i := 0; i < len(v); i++ {
				c := v[i]
				if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte(" _-+", c) >= 0) {
					t.Fatalf("ValidateTracking accepted %s=%q with %q", name, v, c)
				}
			}
		}
	})
}
