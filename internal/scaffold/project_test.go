package scaffold

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/cbsim/cbsim/simulator"
)

// mustRender renders o or fails the test.
func mustRender(t *testing.T, o Options) *Project {
	t.Helper()
	p, err := Render(o)
	if err != nil {
		t.Fatalf("Render(%+v): %v", o, err)
	}
	return p
}

// file returns the project's file at path or fails the test.
func file(t *testing.T, p *Project, path string) string {
	t.Helper()
	b, ok := p.File(path)
	if !ok {
		t.Fatalf("no %s", path)
	}
	return string(b)
}

// TestRenderProject: every variant renders the same files; the
// integrations parse and belong to the catalog's accounts; the starter has
// the scenarios of the roles the integrations have; cbsim.yaml carries the
// tracker and the reference tracker's types; the recipes install the
// version asked for.
func TestRenderProject(t *testing.T) {
	for _, c := range []struct {
		name      string
		o         Options
		roles     []simulator.Role
		scenarios int
		types     string
	}{
		{"guide", Options{}, []simulator.Role{simulator.RoleAffiliate, simulator.RoleVendor}, 5, "[InitialPurchase, OrderFormImpression, UpsellPurchase]"},
		{"vendor", Options{Role: simulator.RoleVendor, Tracker: "https://trk.example.com/rt/", Version: "v1.2.3"}, []simulator.Role{simulator.RoleVendor}, 2, "[InitialPurchase, OrderFormImpression, UpsellPurchase]"},
		{"pasted affiliate", Options{FromURL: "https://t.example/postback?clickid={tid}&sum={affiliate_earnings}&evt={event_id}&type=InitialPurchase"}, []simulator.Role{simulator.RoleAffiliate}, 3, "[InitialPurchase, OrderFormImpression, UpsellPurchase]"},
		{"pasted, one type", Options{FromURL: "https://t.example/postback?clickid={vtid}&sum={vendor_earnings}&type=Sale"}, []simulator.Role{simulator.RoleVendor}, 2, "[Sale]"},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := mustRender(t, c.o)
			var paths []string
			for _, f := range p.Files {
				paths = append(paths, f.Path)
			}
			if want := []string{StarterFeature, IntegrationsFile, CatalogFile, ConfigFile, GitHubWorkflow, GitLabCI, Readme}; !slices.Equal(paths, want) {
				t.Fatalf("files %q, want %q", paths, want)
			}
			ins, err := simulator.ParseIntegrations(IntegrationsFile, []byte(file(t, p, IntegrationsFile)))
			if err != nil {
				t.Fatal(err)
			}
			cat, err := simulator.ParseCatalog(CatalogFile, []byte(file(t, p, CatalogFile)))
			if err != nil {
				t.Fatal(err)
			}
			var roles []simulator.Role
			for _, in := range ins {
				roles = append(roles, in.Role)
				_, aff := cat.Affiliates[in.Account]
				_, ven := cat.Vendors[in.Account]
				if !aff && !ven {
					t.Errorf("integration %q belongs to %q, not an account of the catalog", in.Name, in.Account)
				}
				if c.o.Tracker != "" && c.o.FromURL == "" && !strings.HasPrefix(in.URLs[simulator.InitialPurchase], "https://trk.example.com/rt/postback?") {
					t.Errorf("integration %q does not point at the tracker: %q", in.Name, in.URLs[simulator.InitialPurchase])
				}
			}
			if !slices.Equal(roles, c.roles) || len(p.Integrations) != len(ins) {
				t.Fatalf("roles %v, want %v", roles, c.roles)
			}
			if fn := cat.Funnels["main"]; len(fn.Upsells) < 2 {
				t.Errorf("the starter funnel has %d upsells; the bundled features need two", len(fn.Upsells))
			}

			starter := file(t, p, StarterFeature)
			if n := strings.Count(starter, "\n  Scenario: "); n != c.scenarios {
				t.Errorf("starter has %d scenarios, want %d:\n%s", n, c.scenarios, starter)
			}
			for _, r := range []simulator.Role{simulator.RoleAffiliate, simulator.RoleVendor} {
				has := strings.Contains(starter, "\n    Given a"+map[simulator.Role]string{simulator.RoleAffiliate: "n affiliate", simulator.RoleVendor: " vendor"}[r]+" integration")
				if has != slices.Contains(c.roles, r) {
					t.Errorf("starter has %s scenarios: %t, want %t", r, has, !has)
				}
			}

			config := file(t, p, ConfigFile)
			if !strings.Contains(config, "  conversion-type: "+c.types+"\n") {
				t.Errorf("cbsim.yaml lacks conversion-type: %s:\n%s", c.types, config)
			}
			if tracker := "\n  tracker: " + c.o.Tracker + "\n"; (c.o.Tracker != "") != strings.Contains(config, tracker) {
				t.Errorf("cbsim.yaml and tracker %q:\n%s", c.o.Tracker, config)
			}
			if c.o.FromURL != "" && strings.Contains(c.o.FromURL, "evt=") != strings.Contains(config, "event-id-param: evt\n") {
				t.Errorf("cbsim.yaml and the event id parameter of %s:\n%s", c.o.FromURL, config)
			}
			version := c.o.Version
			if version == "" {
				version = "latest"
			}
			for _, f := range []string{GitHubWorkflow, GitLabCI} {
				if s := file(t, p, f); !strings.Contains(s, "CBSIM_VERSION: "+version+" ") || !strings.Contains(s, `cmd/cbsim@${CBSIM_VERSION}"`) {
					t.Errorf("%s does not install cbsim %s", f, version)
				}
			}
			if s := file(t, p, Readme); !strings.Contains(s, "cmd/cbsim@"+version+"\n") {
				t.Errorf("README does not install cbsim %s", version)
			}
		})
	}
}

// TestRenderYAML: the YAML files parse, and the recipes do what the issue
// asks: install cbsim with setup-go, run cbsim test with the config and a
// JUnit report, upload and publish it (GitHub), report it as
// artifacts:reports:junit (GitLab), with secrets from CI variables.
func TestRenderYAML(t *testing.T) {
	for _, o := range []Options{{}, {Tracker: "https://trk.example.com"}} {
		p := mustRender(t, o)
		var config map[string]map[string]any
		if err := yaml.Unmarshal([]byte(file(t, p, ConfigFile)), &config); err != nil {
			t.Fatalf("%s: %v", ConfigFile, err)
		}
		if got := config["test"]["integrations"]; got != IntegrationsFile {
			t.Errorf("cbsim.yaml test.integrations = %v", got)
		}
		if _, ok := config["test"]["api-key"]; ok {
			t.Error("cbsim.yaml holds an api key")
		}
		if got, _ := config["tracker"]["conversion-type"].([]any); len(got) != 3 {
			t.Errorf("cbsim.yaml tracker.conversion-type = %v", config["tracker"]["conversion-type"])
		}
		if o.Tracker != "" && config["test"]["tracker"] != o.Tracker {
			t.Errorf("cbsim.yaml test.tracker = %v, want %s", config["test"]["tracker"], o.Tracker)
		}

		var gh struct {
			On   map[string]any `yaml:"on"`
			Jobs map[string]struct {
				Env   map[string]string
				Steps []struct {
					Name, Uses, Run, If string
					With                map[string]any
				}
			}
		}
		if err := yaml.Unmarshal([]byte(file(t, p, GitHubWorkflow)), &gh); err != nil {
			t.Fatalf("%s: %v", GitHubWorkflow, err)
		}
		job, ok := gh.Jobs["cbsim"]
		if !ok || len(gh.On) == 0 {
			t.Fatalf("%s: no cbsim job or no trigger", GitHubWorkflow)
		}
		for k, v := range map[string]string{"CBSIM_API_KEY": "${{ secrets.CBSIM_API_KEY }}", "CBSIM_POSTBACK_TOKEN": "${{ secrets.CBSIM_POSTBACK_TOKEN }}"} {
			if job.Env[k] != v {
				t.Errorf("%s: env %s = %q, want %q", GitHubWorkflow, k, job.Env[k], v)
			}
		}
		var uses, runs []string
		for _, s := range job.Steps {
			uses = append(uses, strings.Split(s.Uses, "@")[0])
			runs = append(runs, s.Run)
			if s.Uses != "" && strings.Contains(s.Uses, "junit") && s.With["report_paths"] != ReportFile ||
				strings.HasPrefix(s.Uses, "actions/upload-artifact") && (s.With["path"] != ReportFile || s.If == "") {
				t.Errorf("%s: step %s does not take %s whatever the run's outcome", GitHubWorkflow, s.Uses, ReportFile)
			}
		}
		for _, u := range []string{"actions/checkout", "actions/setup-go", "actions/upload-artifact", "mikepenz/action-junit-report"} {
			if !slices.Contains(uses, u) {
				t.Errorf("%s uses no %s", GitHubWorkflow, u)
			}
		}
		script := strings.Join(runs, "\n")
		checkScript(t, GitHubWorkflow, script, o)

		var gl map[string]struct {
			Image     string
			Script    []string
			Artifacts struct {
				When    string
				Paths   []string
				Reports map[string]string
			}
		}
		if err := yaml.Unmarshal([]byte(file(t, p, GitLabCI)), &gl); err != nil {
			t.Fatalf("%s: %v", GitLabCI, err)
		}
		j := gl["cbsim"]
		if j.Artifacts.Reports["junit"] != ReportFile || j.Artifacts.When != "always" || !slices.Contains(j.Artifacts.Paths, ReportFile) {
			t.Errorf("%s: artifacts %+v, want %s as the junit report, always", GitLabCI, j.Artifacts, ReportFile)
		}
		if !strings.HasPrefix(j.Image, "golang:"+GoVersion) {
			t.Errorf("%s: image %q", GitLabCI, j.Image)
		}
		checkScript(t, GitLabCI, strings.Join(j.Script, "\n"), o)
	}
}

// checkScript checks a recipe's script: it installs cbsim, starts the
// reference tracker only when no tracker is configured, and runs the
// suite with the config file and the JUnit report.
func checkScript(t *testing.T, file, script string, o Options) {
	t.Helper()
	if !strings.Contains(script, "go install \"github.com/cbsim/cbsim/cmd/cbsim@${CBSIM_VERSION}\"") {
		t.Errorf("%s does not install cbsim:\n%s", file, script)
	}
	if !strings.Contains(script, "cbsim test --config "+ConfigFile+" --format pretty,junit:"+ReportFile) {
		t.Errorf("%s does not run the suite with the JUnit report:\n%s", file, script)
	}
	if starts := strings.Contains(script, "cbsim tracker --config "+ConfigFile); starts != (o.Tracker == "") {
		t.Errorf("%s starts the reference tracker: %t, with tracker %q:\n%s", file, starts, o.Tracker, script)
	}
}

// TestRenderNotes: a pasted URL is linted, and the notes say what was
// derived from it and what keeps the reference tracker from taking it.
func TestRenderNotes(t *testing.T) {
	for _, c := range []struct {
		name, url string
		rules     []string
		notes     []string
	}{
		{"guide URL", "https://t.example/postback?clickid={tid}&sum={affiliate_earnings}&type=InitialPurchase", nil, []string{"its own URL"}},
		{"one URL", "https://t.example/postback?clickid={tid}&sum={affiliate_earnings}", []string{"shared-endpoint"}, nil},
		{"other names", "https://t.example/s2s/cb?subid={tid}&payout={affiliate_earnings}&type=InitialPurchase", nil,
			[]string{"its own URL", "its path is /s2s/cb, its click id parameter subid, its sum parameter payout"}},
		{"no path", "https://t.example?clickid={tid}&sum={affiliate_earnings}", []string{"shared-endpoint"}, []string{"its path is /;"}},
		{"vendor's click id", "https://t.example/postback?clickid={tid}&sum={vendor_earnings}&type=InitialPurchase", []string{"role-macro"}, []string{"its own URL"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := mustRender(t, Options{FromURL: c.url, Role: simulator.RoleVendor})
			if c.name != "vendor's click id" {
				p = mustRender(t, Options{FromURL: c.url})
			}
			var rules []string
			for _, f := range p.Findings {
				if f.File != IntegrationsFile || f.Line == 0 {
					t.Errorf("finding without its place: %s", f)
				}
				if !slices.Contains(rules, string(f.Rule)) {
					rules = append(rules, string(f.Rule))
				}
			}
			if !slices.Equal(rules, c.rules) {
				t.Errorf("findings %v, want rules %v", p.Findings, c.rules)
			}
			if len(p.Notes) != len(c.notes) {
				t.Fatalf("notes %q, want %d", p.Notes, len(c.notes))
			}
			for i, n := range c.notes {
				if !strings.Contains(p.Notes[i], n) {
					t.Errorf("note %q lacks %q", p.Notes[i], n)
				}
			}
		})
	}
}

// TestRenderErrors: bad options are refused saying what is allowed.
func TestRenderErrors(t *testing.T) {
	for _, c := range []struct {
		name string
		o    Options
		want string
	}{
		{"role", Options{Role: "buyer"}, `unknown role "buyer" (allowed: affiliate, vendor)`},
		{"relative tracker", Options{Tracker: "trk.example.com"}, "must be absolute http(s)"},
		{"ftp tracker", Options{Tracker: "ftp://trk.example.com"}, "must be absolute http(s)"},
		{"URL", Options{FromURL: "https://t.example/p?sum={affiliate_earnings}"}, "no click id macro"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if _, err := Render(c.o); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want %q", err, c.want)
			}
		})
	}
}

// TestGoVersion: the recipes install cbsim with the Go release its module
// asks for.
func TestGoVersion(t *testing.T) {
	b, err := os.ReadFile("../../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^go (\d+\.\d+)`).FindSubmatch(b)
	if m == nil || string(m[1]) != GoVersion {
		t.Fatalf("go.mod's go directive is %q, GoVersion %q", m, GoVersion)
	}
}

// TestInstallable: only a release can be installed by version elsewhere.
func TestInstallable(t *testing.T) {
	for v, want := range map[string]string{
		"v1.2.3": "v1.2.3", "v1.2.3-rc.1": "v1.2.3-rc.1", "(devel)": "", "": "",
		"v0.0.0-20260115093000-abcdef123456": "", "v1.2.4-0.20260115093000-abcdef123456": "",
		"v1.2.3+dirty": "", "v1.2.3-0.20260115093000-abcdef123456+dirty": "",
	} {
		if got := installable(v); got != want {
			t.Errorf("installable(%q) = %q, want %q", v, got, want)
		}
	}
	if v := InstallVersion(); v != "" && installable(v) != v {
		t.Errorf("InstallVersion() = %q", v)
	}
}

// TestYAMLScalar: values land in cbsim.yaml as the strings they are.
func TestYAMLScalar(t *testing.T) {
	for _, s := range []string{"InitialPurchase", "https://trk.example.com:8443/rt", "evt", "yes", "on", "123", "1.5", "a: b", "#x", "x #y",
		"a'b", `a"b`, "", "- x", "[x]", "{x}", "~", "null", "colon:", "ünï"} {
		var got map[string]string
		if err := yaml.Unmarshal([]byte("k: "+yamlScalar(s)+"\n"), &got); err != nil || got["k"] != s {
			t.Errorf("k: %s reads as %q (%v), want %q", yamlScalar(s), got["k"], err, s)
		}
	}
	var got map[string][]string
	if err := yaml.Unmarshal([]byte("k: "+yamlList([]string{"A", "b c", "no"})+"\n"), &got); err != nil || !slices.Equal(got["k"], []string{"A", "b c", "no"}) {
		t.Errorf("yamlList reads as %q (%v)", got["k"], err)
	}
}

// TestTestCommand: the next command quotes what the shell would split.
func TestTestCommand(t *testing.T) {
	for dir, want := range map[string]string{
		"qa":         "cbsim test --features qa/features --integrations qa/integrations.json --catalog qa/catalog.json",
		"my qa":      "cbsim test --features 'my qa/features' --integrations 'my qa/integrations.json' --catalog 'my qa/catalog.json'",
		"it's":       `cbsim test --features 'it'\''s/features' --integrations 'it'\''s/integrations.json' --catalog 'it'\''s/catalog.json'`,
		"/tmp/a$b/.": "cbsim test --features '/tmp/a$b/features' --integrations '/tmp/a$b/integrations.json' --catalog '/tmp/a$b/catalog.json'",
	} {
		if got := TestCommand(dir); got != want {
			t.Errorf("TestCommand(%q) = %s, want %s", dir, got, want)
		}
	}
}
