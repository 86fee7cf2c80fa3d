package profile

import (
	"errors"
	"strings"
	"testing"
)

// withINS is minimal with an ins: section whose secret setting is s.
func withINS(setting string) string {
	return minimal + "settings:\n" + setting + "ins:\n  url: \"{tracker}/ins\"\n  secret_setting: ins_secret\n"
}

// TestINS: a profile's ins: section gives the INS URL and the secret the
// user set; without either the tracker takes no INS, saying what is
// missing (ErrNotSupported).
func TestINS(t *testing.T) {
	secret := "  ins_secret: {doc: the INS secret key, secret: true, default: \"\"}\n"
	tests := []struct {
		name       string
		data       string
		set        map[string]string
		url, key   string
		errSays    []string // nil: no error
		unsupports bool
	}{
		{"OK", withINS(secret), map[string]string{"ins_secret": "ABC123"}, "http://127.0.0.1:9/ins", "ABC123", nil, false},
		{"ErrNoSecret", withINS(secret), nil, "", "", []string{"profile mini names an INS URL (http://127.0.0.1:9/ins) but its secret key is not given (--set ins_secret=KEY: the INS secret key)"}, true},
		{"ErrNoSection", minimal, nil, "", "", []string{"profile mini names no INS URL (no ins: section)"}, true},
		{"ErrRequiredSecretMissing", withINS("  ins_secret: {doc: the INS secret key, secret: true}\n"), nil, "", "", []string{"secret key is not given"}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := mustParse(t, tc.data)
			tr := mustBind(t, p, Config{TrackerURL: "http://127.0.0.1:9", Campaigns: map[string]string{RoleAffiliate: "a", RoleVendor: "v"}, Set: tc.set})
			u, key, err := tr.INS()
			if tc.errSays == nil {
				if err != nil || u != tc.url || key != tc.key {
					t.Fatalf("INS() = %q, %q, %v; want %q, %q, nil", u, key, err, tc.url, tc.key)
				}
				if !p.HasINS() {
					t.Error("HasINS() = false")
				}
				return
			}
			if err == nil {
				t.Fatalf("INS() = %q, %q, nil; want an error", u, key)
			}
			for _, s := range tc.errSays {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("INS() error %q does not say %q", err, s)
				}
			}
			if errors.Is(err, ErrNotSupported) != tc.unsupports {
				t.Errorf("errors.Is(%v, ErrNotSupported) = %v", err, !tc.unsupports)
			}
		})
	}
}

// TestINSParseErrors: ins: names a declared secret setting and a URL.
func TestINSParseErrors(t *testing.T) {
	tests := []struct{ name, data, says string }{
		{"undeclared setting", minimal + "ins:\n  url: \"{tracker}/ins\"\n  secret_setting: ins_secret\n",
			`ins.secret_setting: no setting "ins_secret" is declared; declare it under settings: with secret: true`},
		{"setting not secret", withINS("  ins_secret: {doc: the key, default: \"\"}\n"),
			`ins.secret_setting: setting "ins_secret" holds the INS secret key: mark it secret: true`},
		{"no url", minimal + "settings:\n  ins_secret: {doc: k, secret: true}\nins:\n  secret_setting: ins_secret\n", "ins: missing key url"},
		{"unknown key", withINS("  ins_secret: {doc: k, secret: true}\n") + "  cipher: aes-128-cbc\n", "cipher"},
		{"url placeholder", minimal + "settings:\n  ins_secret: {doc: k, secret: true}\nins:\n  url: \"{tracker}/ins/{campaign}\"\n  secret_setting: ins_secret\n", "ins.url"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("p.yaml", []byte(tc.data))
			if err == nil || !strings.Contains(err.Error(), tc.says) {
				t.Fatalf("Parse error = %v, want one saying %q", err, tc.says)
			}
		})
	}
}

// TestBundledINS: the cbsim profile names the reference tracker's /ins;
// no other bundled profile names an INS endpoint.
func TestBundledINS(t *testing.T) {
	for _, p := range Bundled() {
		if got, want := p.HasINS(), p.Name == "cbsim"; got != want {
			t.Errorf("profile %s: HasINS() = %v, want %v", p.Name, got, want)
		}
	}
	p, err := Load("cbsim")
	if err != nil {
		t.Fatal(err)
	}
	tr := mustBind(t, p, Config{TrackerURL: "http://127.0.0.1:9/", Set: map[string]string{"ins_secret": "K1"}})
	if u, key, err := tr.INS(); err != nil || u != "http://127.0.0.1:9/ins" || key != "K1" {
		t.Fatalf("cbsim INS() = %q, %q, %v", u, key, err)
	}
	if red := tr.Redact("secret K1"); strings.Contains(red, "K1") {
		t.Errorf("Redact does not hide the INS secret: %q", red)
	}
}
