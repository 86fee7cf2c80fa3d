package profile

import (
	"errors"
	"strings"
	"testing"
)

// minimal is the smallest valid profile; tests add to it or break it.
const minimal = `name: mini
title: Mini tracker
click:
  url: "{tracker}/c/{campaign}"
postback:
  url: "{tracker}/pb"
  fields: {click_id: cid}
`

// TestParseGood: valid files parse, with the defaults the package doc
// promises.
func TestParseGood(t *testing.T) {
	tests := []struct {
		name  string
		data  string
		check func(t *testing.T, p *Profile)
	}{
		{"minimal defaults", minimal, func(t *testing.T, p *Profile) {
			if p.Name != "mini" || p.click.idFrom != IDFromLocation || p.click.param[RoleVendor] != "vtid" || p.click.param[RoleAffiliate] != "tid" ||
				p.ClickBankParam(RoleAffiliate) != "tid" || p.ClickBankParam(RoleVendor) != "vtid" {
				t.Errorf("click = %+v", p.click)
			}
			if p.visitors.ipHeader != DefaultIPHeader || len(p.visitors.ranges) != 3 || len(p.visitors.userAgents) < 10 {
				t.Errorf("visitors = %+v", p.visitors)
			}
			if p.features.Dedup != DedupNone || p.features.PayoutPerClick != PayoutMany || p.read.conversions != nil {
				t.Errorf("features %+v, read %+v", p.features, p.read)
			}
		}},
		{"an affiliate's click id in extclid, read from extclid", strings.Replace(minimal, "  url: \"{tracker}/c/{campaign}\"", "  url: \"{tracker}/c/{campaign}\"\n  clickbank: {affiliate: extclid}", 1),
			func(t *testing.T, p *Profile) {
				if p.ClickBankParam(RoleAffiliate) != "extclid" || p.ClickParam(RoleAffiliate) != "extclid" ||
					p.ClickBankParam(RoleVendor) != "vtid" || p.ClickParam(RoleVendor) != "vtid" {
					t.Errorf("click = %+v", p.click)
				}
			}},
		{"click.param apart from click.clickbank", strings.Replace(minimal, "  url: \"{tracker}/c/{campaign}\"", "  url: \"{tracker}/c/{campaign}\"\n  clickbank: {affiliate: unique_aff_sub1}\n  param: sub", 1),
			func(t *testing.T, p *Profile) {
				if p.ClickBankParam(RoleAffiliate) != "unique_aff_sub1" || p.ClickParam(RoleAffiliate) != "sub" || p.ClickParam(RoleVendor) != "sub" {
					t.Errorf("click = %+v", p.click)
				}
			}},
		{"json is yaml", `{"name":"j","title":"J","click":{"url":"{tracker}/{campaign}?format=json","id_from":"json","json":{"id":"clickid"}},
"postback":{"url":"{tracker}/postback","fields":{"click_id":"clickid","sum":"sum"}}}`, func(t *testing.T, p *Profile) {
			if p.click.idFrom != IDFromJSON || p.click.jsonID != "clickid" || p.postback.fields[FieldSum] != "sum" {
				t.Errorf("profile = %+v", p)
			}
		}},
		{"one param for both roles, visitors off", minimal + "  extra: {status: sale, nid: \"{net}\"}\nsettings:\n  net: {doc: network id, default: \"7\"}\nvisitors: {ip_header: none, user_agents: none}\n",
			func(t *testing.T, p *Profile) {
				if p.visitors.ipHeader != "" || p.visitors.userAgents != nil || p.postback.extra["nid"] == nil || !p.settings["net"].HasDefault {
					t.Errorf("profile = %+v", p)
				}
			}},
		{"braces that open no name are literal", minimal + "read:\n  conversions:\n    http:\n      url: \"{api}/r\"\n      method: POST\n      body: '{\"q\":{\"id\":\"{click_id}\"},\"x\":{}}'\n      fields: {click_id: id}\n",
			func(t *testing.T, p *Profile) {
				got, err := p.read.conversions.http.body.expand(map[string]string{phClickID: `a"b`})
				if err != nil || got != `{"q":{"id":"a\"b"},"x":{}}` {
					t.Errorf("body = %s, %v", got, err)
				}
			}},
		{"sql postgres takes $1", minimal + "settings:\n  dsn: {doc: d}\nread:\n  conversions:\n    sql:\n      driver: postgres\n      dsn: \"{dsn}\"\n      query: \"SELECT a FROM t WHERE a = $1 AND b <> '?'\"\n      fields: {click_id: a}\n",
			func(t *testing.T, p *Profile) {
				if p.read.conversions.sql == nil || p.read.prefer != "http" {
					t.Errorf("read = %+v", p.read)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Parse("test.yaml", []byte(tt.data))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			tt.check(t, p)
		})
	}
}

// TestParseBad: each broken file is refused with the file, the line and
// words of the reason.
func TestParseBad(t *testing.T) {
	tests := []struct {
		name string
		data string
		line int
		want string // in the first error
	}{
		{"empty", "", 0, "the file is empty"},
		{"not yaml", "name: [x\n", 1, "not valid YAML"},
		{"top is a list", "- a\n", 1, "want a YAML mapping at the top"},
		{"unknown top key", minimal + "colour: red\n", 8, "colour: unknown key; allowed here: name, title"},
		{"unknown nested key", strings.Replace(minimal, "  url: \"{tracker}/pb\"", "  url: \"{tracker}/pb\"\n  methd: GET", 1), 7, "postback.methd: unknown key"},
		{"missing click", "name: a\ntitle: A\npostback:\n  url: x\n  fields: {click_id: c}\n", 1, "missing key click"},
		{"missing name", strings.Replace(minimal, "name: mini\n", "", 1), 1, "missing key name"},
		{"bad name", strings.Replace(minimal, "name: mini", "name: Mini Tracker", 1), 1, "is not a name"},
		{"unknown placeholder", strings.Replace(minimal, "{campaign}", "{campain}", 1), 4, "unknown placeholder {campain}; allowed here: {tracker}, {api}, {campaign}, {role}"},
		{"placeholder not allowed here", strings.Replace(minimal, "{tracker}/pb", "{tracker}/pb/{campaign}", 1), 6, "unknown placeholder {campaign}"},
		{"undeclared setting", strings.Replace(minimal, "{tracker}/pb", "{tracker}/{key}/pb", 1), 6, "unknown placeholder {key}"},
		{"unused setting", minimal + "settings:\n  key: {doc: a key}\n", 9, "no template uses {key}"},
		{"setting named like a builtin", minimal + "settings:\n  campaign: {doc: c}\n", 9, "{campaign} is built in"},
		{"setting without doc", minimal + "settings:\n  key: {secret: true}\n", 9, "missing key doc"},
		{"duplicate key", minimal + "title: again\n", 8, "given twice (first on line 2)"},
		{"bad id_from", strings.Replace(minimal, "  url: \"{tracker}/c/{campaign}\"", "  url: \"{tracker}/c/{campaign}\"\n  id_from: cookie", 1), 5, `"cookie" is not allowed; allowed: location, json`},
		{"json without id_from json", strings.Replace(minimal, "  url: \"{tracker}/c/{campaign}\"", "  url: \"{tracker}/c/{campaign}\"\n  json: {id: x}", 1), 5, "only with id_from: json"},
		{"id_from json without json", strings.Replace(minimal, "  url: \"{tracker}/c/{campaign}\"", "  url: \"{tracker}/c/{campaign}\"\n  id_from: json", 1), 4, "needs json:"},
		{"affiliate carrier ClickBank does not return", strings.Replace(minimal, "  url: \"{tracker}/c/{campaign}\"", "  url: \"{tracker}/c/{campaign}\"\n  clickbank: {affiliate: sub1}", 1), 5, `"sub1" is not allowed; allowed: tid, extclid`},
		{"vendor carrier other than vtid", strings.Replace(minimal, "  url: \"{tracker}/c/{campaign}\"", "  url: \"{tracker}/c/{campaign}\"\n  clickbank: {vendor: extclid}", 1), 5, "a vendor's click id comes back only as vtid"},
		{"unknown postback field", strings.Replace(minimal, "{click_id: cid}", "{click_id: cid, amount: sum}", 1), 7, "postback.fields.amount: not a postback field; allowed: click_id, sum"},
		{"no click_id field", strings.Replace(minimal, "{click_id: cid}", "{sum: s}", 1), 7, "needs click_id"},
		{"two fields one wire name", strings.Replace(minimal, "{click_id: cid}", "{click_id: cid, sum: cid}", 1), 7, "each wire name carries one field"},
		{"verified not a bool", minimal + "verified: yes please\n", 8, "want true or false"},
		{"status out of range", minimal + "  refused: {status: [404, 1000]}\n", 8, "want a whole number from 100 to 599, not 1000"},
		{"bad ip range", minimal + "visitors: {ip_ranges: [198.51.100.7/24]}\n", 8, "not an address range in CIDR form"},
		{"bad header", minimal + "visitors: {ip_header: \"X Forwarded\"}\n", 8, "is not a header name"},
		{"anchor", minimal + "features: &f {restart: true}\n", 8, "anchors and aliases are not supported"},
		{"two documents", minimal + "---\nname: b\n", 8, "a second YAML document"},
		{"read without reader", minimal + "read:\n  conversions: {}\n", 9, "needs http:, sql: or both"},
		{"reader without click_id field", minimal + "read:\n  conversions:\n    http: {url: \"{api}/c\", fields: {sum: p}}\n", 10, "needs click_id"},
		{"unknown read field", minimal + "read:\n  conversions:\n    http: {url: \"{api}/c\", fields: {click_id: c, payout: p}}\n", 10, "not a field a reader maps"},
		{"bad money", minimal + "read:\n  conversions:\n    http: {url: \"{api}/c\", fields: {click_id: c}, money: float}\n", 10, `"float" is not allowed; allowed: decimal, cents`},
		{"paging without param", minimal + "read:\n  conversions:\n    http:\n      url: \"{api}/c\"\n      fields: {click_id: c}\n      paging: {style: page}\n", 13, "style: page needs page_param"},
		{"too many pages", minimal + "read:\n  conversions:\n    http:\n      url: \"{api}/c\"\n      fields: {click_id: c}\n      paging: {style: page, page_param: p, max_pages: 20000}\n", 13, "from 1 to 10000"},
		{"body on GET", minimal + "read:\n  conversions:\n    http:\n      url: \"{api}/c\"\n      body: '{}'\n      fields: {click_id: c}\n", 12, "a body needs method: POST"},
		{"auth header and query", minimal + "read:\n  conversions:\n    http:\n      url: \"{api}/c\"\n      fields: {click_id: c}\n      auth: {header: X-Key, query: key, value: v}\n", 13, "give header: or query:, not both"},
		{"sql ? for postgres", minimal + "read:\n  conversions:\n    sql: {driver: postgres, dsn: x, query: \"SELECT a FROM t WHERE a = ?\", fields: {click_id: a}}\n", 10, "postgres takes $1, not ?"},
		{"sql two parameters", minimal + "read:\n  conversions:\n    sql: {driver: sqlite, dsn: x, query: \"SELECT a FROM t WHERE a = ? OR b = ?\", fields: {click_id: a}}\n", 10, "it has 2"},
		{"sql unknown driver", minimal + "read:\n  conversions:\n    sql: {driver: oracle, dsn: x, query: \"SELECT 1 WHERE ? = 1\", fields: {click_id: a}}\n", 10, "allowed: sqlite, mysql, postgres"},
		{"values of an unmapped field", minimal + "read:\n  conversions:\n    http: {url: \"{api}/c\", fields: {click_id: c}, values: {status: {\"1\": ok}}}\n", 10, "maps values of a field that fields: does not give"},
		{"bad dedup", minimal + "features: {dedup: always}\n", 8, "allowed: none, transaction_id, event_id, click, configurable"},
		{"campaigns without find or create", minimal + "campaigns: {title: \"x-{role}\"}\n", 8, "needs find:, create: or both"},
		{"campaign body placeholder", minimal + "campaigns:\n  create: {url: \"{api}/c\", body: '{\"n\":\"{click_id}\"}'}\n", 9, "unknown placeholder {click_id}; allowed here: {role}, {title}, {offer_url}"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Parse("dir/bad.yaml", []byte(tt.data))
			if err == nil {
				t.Fatalf("Parse accepted it: %+v", p)
			}
			pe, ok := errors.AsType[*ParseError](err)
			if !ok {
				t.Fatalf("error %v (%T) is no *ParseError", err, err)
			}
			if pe.File != "dir/bad.yaml" || pe.Line != tt.line || !strings.Contains(pe.Error(), tt.want) {
				t.Errorf("first error = %q (line %d)\nwant line %d and %q\nall: %v", pe.Error(), pe.Line, tt.line, tt.want, err)
			}
			if tt.line > 0 && !strings.HasPrefix(pe.Error(), "dir/bad.yaml:") {
				t.Errorf("error %q does not start with file:line", pe.Error())
			}
		})
	}
}

// TestParseReportsEveryProblem: one Parse names every problem, up to the
// cap, not just the first.
func TestParseReportsEveryProblem(t *testing.T) {
	data := strings.Replace(minimal, "{campaign}", "{a}", 1) + "colour: red\nverified: maybe\n"
	_, err := Parse("f.yaml", []byte(data))
	if err == nil {
		t.Fatal("accepted")
	}
	for _, want := range []string{"f.yaml:4: click.url: unknown placeholder {a}", "f.yaml:8: colour: unknown key", "f.yaml:9: verified: want true or false"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("errors lack %q:\n%v", want, err)
		}
	}
	var many strings.Builder
	many.WriteString(minimal)
	for i := range 50 {
		many.WriteString("k" + strings.Repeat("x", i) + ": 1\n")
	}
	_, err = Parse("f.yaml", []byte(many.String()))
	if n := strings.Count(err.Error(), "\n") + 1; n != maxErrors {
		t.Errorf("%d errors reported, want the cap %d", n, maxErrors)
	}
}

// TestLoad: a bundled name, a file path, and errors for both.
func TestLoad(t *testing.T) {
	dir := t.TempDir()
	path := dir + "/mine.yaml"
	if err := writeFile(path, minimal); err != nil {
		t.Fatal(err)
	}
	if p, err := Load(path); err != nil || p.Name != "mini" || p.File != path {
		t.Errorf("Load(file) = %+v, %v", p, err)
	}
	if _, err := Load("nosuch"); err == nil || !strings.Contains(err.Error(), "bundled: binom, cbsim") {
		t.Errorf("Load(nosuch) = %v", err)
	}
	if _, err := Load(dir + "/none.yaml"); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("Load(missing file) = %v", err)
	}
	if err := writeFile(path, minimal+"oops: 1\n"); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(path); err == nil || !strings.Contains(err.Error(), path+":8: oops: unknown key") {
		t.Errorf("Load(bad file) = %v", err)
	}
}
