package profile

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// TestBindErrors: Bind names every missing or unknown value and how to
// give it.
func TestBindErrors(t *testing.T) {
	prosper, err := Load("prosper202")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		p    *Profile
		cfg  Config
		want []string
	}{
		{"nothing given", prosper, Config{}, []string{
			"profile prosper202:", "the tracker's base URL (--tracker URL) is missing",
			"missing setting api_key: a Prosper202 API v3 key (202_api_keys), sent as Authorization Bearer (give --api-key KEY)",
			"missing the affiliate campaign (give --campaign affiliate=ID)", "missing the vendor campaign (give --campaign vendor=ID)"}},
		{"sql reader needs the DSN, not the key", prosper, Config{TrackerURL: "https://p.example", Reader: "sql",
			Campaigns: map[string]string{"affiliate": "1", "vendor": "2"}}, []string{"missing setting dsn", "(give --set dsn=VALUE)"}},
		{"unknown setting and role", prosper, Config{TrackerURL: "https://p.example", APIKey: "k", Set: map[string]string{"apikey": "x"},
			Campaigns: map[string]string{"affiliate": "1", "vendor": "2", "buyer": "3"}}, []string{
			"unknown setting apikey (--set apikey=…); its settings: api_key, dsn", `unknown role "buyer"`}},
		{"bad tracker URL", prosper, Config{TrackerURL: "p.example", APIKey: "k", Campaigns: map[string]string{"affiliate": "1", "vendor": "2"}},
			[]string{`"p.example" is not an absolute http(s) URL`}},
		{"bad reader", prosper, Config{TrackerURL: "https://p.example", APIKey: "k", Reader: "ftp", Campaigns: map[string]string{"affiliate": "1", "vendor": "2"}},
			[]string{`reader "ftp": want http or sql`}},
		{"reader the profile lacks", mustParse(t, testProfile), Config{TrackerURL: "https://p.example", Reader: "sql", Set: map[string]string{"key": "k"},
			Campaigns: map[string]string{"affiliate": "1", "vendor": "2"}}, []string{"reader sql was asked for, but the profile's read.conversions has no sql reader"}},
		{"api key for a profile without one", mustParse(t, minimal), Config{TrackerURL: "https://p.example", APIKey: "k",
			Campaigns: map[string]string{"affiliate": "1", "vendor": "2"}}, []string{"profile mini has no api_key setting"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr, err := tt.p.Bind(tt.cfg)
			if err == nil {
				tr.Close()
				t.Fatal("Bind accepted it")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
		})
	}
}

// TestBindEveryBundled: every bundled profile binds once given what its
// error asks for, with each reader it has.
func TestBindEveryBundled(t *testing.T) {
	for _, p := range Bundled() {
		for _, reader := range []string{"", "http", "sql"} {
			r := p.read.conversions
			if reader == "http" && (r == nil || r.http == nil) || reader == "sql" && (r == nil || r.sql == nil) {
				continue
			}
			cfg := Config{TrackerURL: "https://trk.example", APIURL: "https://api.example", Reader: reader, Set: map[string]string{},
				Campaigns: map[string]string{RoleAffiliate: "1", RoleVendor: "2"}}
			for _, s := range p.Settings() {
				if s.Name == "api_key" {
					cfg.APIKey = "key"
				} else if s.Name == "database" {
					cfg.Set[s.Name] = "file:" + t.TempDir() + "/o.db"
				} else {
					cfg.Set[s.Name] = "v"
				}
			}
			if reader == "sql" && r.sql.driver != "sqlite" {
				cfg.Set["dsn"] = "user:pass@tcp(127.0.0.1:1)/db" // opened lazily: no connection is made
				if r.sql.driver == "postgres" {
					cfg.Set["dsn"] = "postgres://u:p@127.0.0.1:1/db"
				}
			}
			tr, err := p.Bind(cfg)
			if err != nil {
				t.Errorf("%s (reader %q): %v", p.Name, reader, err)
				continue
			}
			if tr.PostbackBase() == "" || !strings.HasPrefix(tr.PostbackBase(), "https://trk.example") {
				t.Errorf("%s: postback base %q", p.Name, tr.PostbackBase())
			}
			tr.Close()
		}
	}
}

// TestRedact: secret settings never show.
func TestRedact(t *testing.T) {
	tr := mustBind(t, mustParse(t, testProfile), Config{TrackerURL: "http://x", Set: map[string]string{"key": "p@ss word"},
		Campaigns: map[string]string{RoleAffiliate: "a", RoleVendor: "v"}})
	if got := tr.Redact("a p@ss word b p%40ss+word c"); got != "a *** b *** c" {
		t.Errorf("Redact = %q", got)
	}
}

// TestBindPostbackOnly: bound for postbacks only, a profile wants only what
// its postback URL needs — no API token, no campaign — and refuses to
// click or read.
func TestBindPostbackOnly(t *testing.T) {
	p, err := Load("voluum")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Bind(Config{TrackerURL: "http://127.0.0.1:9"}); err == nil || !strings.Contains(err.Error(), "api_token") {
		t.Fatalf("a full bind without the API token: err = %v, want it to name api_token", err)
	}
	tr, err := p.Bind(Config{TrackerURL: "http://127.0.0.1:9", PostbackOnly: true})
	if err != nil {
		t.Fatalf("a postback-only bind: %v", err)
	}
	defer tr.Close()
	if got := tr.PostbackBase(); got != "http://127.0.0.1:9/postback" {
		t.Fatalf("PostbackBase = %q", got)
	}
	if _, err := tr.Click(context.Background(), RoleAffiliate); err == nil || !strings.Contains(err.Error(), "postbacks only") {
		t.Fatalf("Click on a postback-only bind: err = %v", err)
	}
	if _, err := tr.Conversions(context.Background(), "x"); !errors.Is(err, ErrNotSupported) {
		t.Fatalf("Conversions on a postback-only bind: err = %v, want ErrNotSupported", err)
	}
	if _, err := p.Bind(Config{PostbackOnly: true}); err == nil || !strings.Contains(err.Error(), "--tracker") {
		t.Fatalf("a postback-only bind without the tracker: err = %v", err)
	}
}
