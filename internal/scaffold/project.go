package scaffold

import (
	"bytes"
	"cmp"
	"embed"
	"fmt"
	"net/url"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"text/template"

	"github.com/cbsim/cbsim/simulator"
	"github.com/cbsim/cbsim/simulator/lint"
	"github.com/cbsim/cbsim/steps"
)

// The files of a project, slash-separated and relative to its directory.
const (
	// FeaturesDir holds the project's .feature files.
	FeaturesDir = "features"
	// StarterFeature is the starter feature.
	StarterFeature = FeaturesDir + "/starter.feature"
	// IntegrationsFile is the ClickBank integrations (docs/catalog.md).
	IntegrationsFile = "integrations.json"
	// CatalogFile is the vendors, affiliates, products and funnel.
	CatalogFile = "catalog.json"
	// ConfigFile is the cbsim configuration the commands read.
	ConfigFile = "cbsim.yaml"
	// GitHubWorkflow is the GitHub Actions workflow.
	GitHubWorkflow = ".github/workflows/cbsim.yml"
	// GitLabCI is the GitLab CI configuration.
	GitLabCI = ".gitlab-ci.yml"
	// Readme says what each file is and how to run the suite.
	Readme = "README.md"
	// ReportFile is the JUnit report the CI recipes write and publish.
	ReportFile = "cbsim-report.xml"
)

// GoVersion is the Go release the CI recipes install cbsim with: the
// go directive of cbsim's module, major and minor.
const GoVersion = "1.26"

// referenceAddr is where the CI recipes start the reference tracker when
// no tracker under test is given; DefaultTracker is its URL.
const referenceAddr = "127.0.0.1:8800"

//go:embed template
var templates embed.FS

// Options say what Render makes. The zero Options are the guide's
// integrations for both roles, pointed at DefaultTracker, with CI recipes
// that install the latest cbsim.
type Options struct {
	// FromURL is the postback URL set up in ClickBank; integrations.json
	// then holds the integration it describes (see FromURL). "" means the
	// guide's integrations.
	FromURL string
	// Role is whose integration it is, affiliate or vendor. "" infers it
	// from FromURL, or means both roles without FromURL.
	Role simulator.Role
	// Tracker is the base URL of the tracker under test: cbsim.yaml's
	// tracker for `cbsim test`, and where the guide's integrations point.
	// "" leaves it to the environment ($CBSIM_TRACKER); without one the CI
	// recipes start the reference tracker.
	Tracker string
	// Version is the cbsim version the CI recipes install ("v1.2.0");
	// "" means latest.
	Version string
	// WorkDir is the project directory relative to the repository's root
	// (RepoDir), where the CI recipes run: "" or "." when the project is
	// the repository.
	WorkDir string
}

// File is one file of a project.
type File struct {
	Path string // slash-separated, relative to the project directory
	Data []byte
}

// Project is a rendered project, ready to be written.
type Project struct {
	// Files are the project's files in the order they are written.
	Files []File
	// Integrations are what IntegrationsFile holds.
	Integrations []simulator.Integration
	// Findings are `cbsim lint`'s findings on IntegrationsFile.
	Findings []lint.Finding
	// Notes say what the user should know about the generated files.
	Notes []string
}

// File returns the project's file at path, and false when it has none.
func (p *Project) File(path string) ([]byte, bool) {
	for _, f := range p.Files {
		if f.Path == path {
			return f.Data, true
		}
	}
	return nil, false
}

// view is what the templates see.
type view struct {
	Affiliate, Vendor bool
	Tracker           string // test tracker of cbsim.yaml; "" = none
	FromURL           string
	Version           string // of cbsim, for go install
	GoVersion         string
	Report            string
	ReferenceAddr     string // where CI starts the reference tracker
	ReferenceURL      string
	ConversionTypes   []string // the reference tracker's, the purchase's first
	EventIDParam      string   // the reference tracker's; "" = its default
	Files             map[string]string
	WorkDir           string // the project directory from the repository root; "" = the root
	ReportPath        string // Report from the repository root
}

// Render builds the project Options describe; nothing is written. A bad
// FromURL, Role or Tracker is an error saying what is allowed.
func Render(o Options) (*Project, error) {
	switch o.Role {
	case "", simulator.RoleAffiliate, simulator.RoleVendor:
	default:
		return nil, fmt.Errorf("unknown role %q (allowed: affiliate, vendor)", o.Role)
	}
	if o.Tracker != "" {
		if u, err := url.Parse(o.Tracker); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("tracker URL %q must be absolute http(s), like https://trk.example.com", o.Tracker)
		}
	}
	p := &Project{}
	base := cmp.Or(o.Tracker, DefaultTracker)
	switch {
	case o.FromURL != "":
		in, err := FromURL(o.FromURL, o.Role)
		if err != nil {
			return nil, err
		}
		p.Integrations = []simulator.Integration{in}
		p.Notes = fromURLNotes(in)
		if secret := SecretParams(o.FromURL); len(secret) > 0 {
			p.Notes = append(p.Notes, secretNote(secret))
		}
	case o.Role != "":
		p.Integrations = []simulator.Integration{guideIntegration(o.Role, base)}
	default:
		p.Integrations = []simulator.Integration{guideIntegration(simulator.RoleAffiliate, base), guideIntegration(simulator.RoleVendor, base)}
	}
	if wd := workDir(o.WorkDir); wd != "" {
		p.Notes = append(p.Notes, fmt.Sprintf("GitHub and GitLab read %s and %s only at the repository's root: move them there; they run the suite in %s",
			GitHubWorkflow, GitLabCI, wd))
	}
	ins := encodeIntegrations(p.Integrations)
	parsed, err := simulator.ParseIntegrations(IntegrationsFile, ins)
	if err != nil {
		return nil, fmt.Errorf("the integrations built do not parse: %w", err)
	}
	if p.Findings, err = lint.File(IntegrationsFile, ins); err != nil {
		return nil, err
	}
	opts := steps.Options{Integrations: parsed}
	names := opts.TypeNames()
	v := view{Tracker: o.Tracker, FromURL: strings.TrimSpace(o.FromURL), Version: cmp.Or(o.Version, "latest"), GoVersion: GoVersion,
		Report: ReportFile, ReferenceAddr: referenceAddr, ReferenceURL: DefaultTracker, EventIDParam: opts.EventIDParam(),
		WorkDir: workDir(o.WorkDir), ReportPath: path.Join(workDir(o.WorkDir), ReportFile),
		Files: map[string]string{"features": FeaturesDir, "starter": StarterFeature, "integrations": IntegrationsFile,
			"catalog": CatalogFile, "config": ConfigFile, "github": GitHubWorkflow, "gitlab": GitLabCI}}
	for _, n := range []string{names[1], names[0], names[2]} { // a postback without type= is the purchase
		if !slices.Contains(v.ConversionTypes, n) {
			v.ConversionTypes = append(v.ConversionTypes, n)
		}
	}
	for _, in := range parsed {
		v.Affiliate = v.Affiliate || in.Role == simulator.RoleAffiliate
		v.Vendor = v.Vendor || in.Role == simulator.RoleVendor
	}
	catalog, err := templates.ReadFile("template/catalog.json")
	if err != nil {
		return nil, err
	}
	if _, err := simulator.ParseCatalog(CatalogFile, catalog); err != nil {
		return nil, fmt.Errorf("the starter catalog does not parse: %w", err)
	}
	for _, f := range []struct{ path, tmpl string }{
		{StarterFeature, "starter.feature.tmpl"},
		{IntegrationsFile, ""},
		{CatalogFile, ""},
		{ConfigFile, "cbsim.yaml.tmpl"},
		{GitHubWorkflow, "github-workflow.yml.tmpl"},
		{GitLabCI, "gitlab-ci.yml.tmpl"},
		{Readme, "README.md.tmpl"},
	} {
		var data []byte
		switch f.path {
		case IntegrationsFile:
			data = ins
		case CatalogFile:
			data = catalog
		default:
			if data, err = render(f.tmpl, v); err != nil {
				return nil, err
			}
		}
		p.Files = append(p.Files, File{Path: f.path, Data: data})
	}
	return p, nil
}

// render executes the template file name of template/ with v. Templates
// use [[ ]] as delimiters: GitHub Actions' ${{ }} stays as written.
func render(name string, v view) ([]byte, error) {
	t, err := template.New(name).Delims("[[", "]]").Option("missingkey=error").Funcs(template.FuncMap{
		"yaml": yamlScalar, "yamlList": yamlList, "sh": shellWord,
	}).ParseFS(templates, "template/"+name)
	if err != nil {
		return nil, fmt.Errorf("template %s: %w", name, err)
	}
	var b bytes.Buffer
	if err := t.Execute(&b, v); err != nil {
		return nil, fmt.Errorf("template %s: %w", name, err)
	}
	return b.Bytes(), nil
}

// plainScalar is a YAML plain scalar that reads as the same string.
var plainScalar = regexp.MustCompile(`^[A-Za-z0-9_./-][A-Za-z0-9_./:-]*$`)

// yamlScalar returns s as a YAML scalar: plain when that reads as s,
// else double-quoted.
func yamlScalar(s string) string {
	if plainScalar.MatchString(s) && !strings.HasSuffix(s, ":") && !isYAMLKeyword(s) {
		return s
	}
	return strconv.Quote(s)
}

// isYAMLKeyword reports whether a plain s would read as something other
// than a string: a boolean, null or a number.
func isYAMLKeyword(s string) bool {
	switch strings.ToLower(s) {
	case "true", "false", "yes", "no", "on", "off", "null", "~", "y", "n":
		return true
	}
	_, err := strconv.ParseFloat(s, 64)
	return err == nil
}

// yamlList returns ss as a YAML flow sequence.
func yamlList(ss []string) string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = yamlScalar(s)
	}
	return "[" + strings.Join(out, ", ") + "]"
}

// shellWord returns s as one word of a POSIX shell command line.
func shellWord(s string) string {
	if s != "" && shellSafe.MatchString(s) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// shellSafe matches a word the shell reads as itself.
var shellSafe = regexp.MustCompile(`^[A-Za-z0-9_./:@%+=,-]+$`)

// fromURLNotes says what a user should know about the integration built
// from their URL: the per-event URLs derived from it, and what keeps the
// reference tracker from taking its postbacks.
func fromURLNotes(in simulator.Integration) []string {
	var notes []string
	tmpl := in.URL
	if in.PerEvent {
		tmpl = in.URLs[simulator.InitialPurchase]
		notes = append(notes, fmt.Sprintf("%s gives each event type its own URL, yours with type=OrderFormImpression, InitialPurchase and UpsellPurchase (the guide's): set up the same in ClickBank (Customize URL per event type)", IntegrationsFile))
	}
	var differ []string
	if p := urlPath(tmpl); p != "/postback" {
		differ = append(differ, "its path is "+cmp.Or(p, "/"))
	}
	for _, want := range []struct {
		name, what string
		macros     []string
	}{{"clickid", "click id", clickIDMacros}, {"sum", "sum", earningsMacros}} {
		if p := paramCarrying(tmpl, want.macros); p != "" && p != want.name {
			differ = append(differ, fmt.Sprintf("its %s parameter %s", want.what, p))
		}
	}
	if len(differ) > 0 {
		notes = append(notes, fmt.Sprintf("your URL is not what the reference tracker (in-process, or `cbsim tracker`) takes, clickid= and sum= at /postback: %s; run the starter against your own tracker (cbsim test --tracker URL)", strings.Join(differ, ", ")))
	}
	return notes
}

// workDir is a repository-relative project directory for the recipes:
// slash-separated, "" for the root.
func workDir(d string) string {
	d = path.Clean(filepath.ToSlash(d))
	if d == "." || d == "/" {
		return ""
	}
	return d
}

// secretNote says which secret parameters of the pasted URL were left out
// of the integrations and how to give them at run time.
func secretNote(names []string) string {
	var how []string
	for _, n := range names {
		if n == "ptoken" {
			how = append(how, "ptoken: $CBSIM_POSTBACK_TOKEN (cbsim test --postback-token)")
		} else {
			how = append(how, fmt.Sprintf("%s: $CBSIM_TEST_SET=%s=… (cbsim test --set %s=…)", n, n, n))
		}
	}
	return fmt.Sprintf("%s leaves out the secret parameter(s) %s of your URL, so the file can be committed; give them when the suite runs, from a CI secret: %s",
		IntegrationsFile, strings.Join(names, ", "), strings.Join(how, "; "))
}

// urlPath returns the path of an absolute URL template, "" when it has none.
func urlPath(tmpl string) string {
	_, rest, _ := strings.Cut(tmpl, "://")
	i := strings.IndexAny(rest, "/?#")
	if i < 0 || rest[i] != '/' {
		return ""
	}
	rest = rest[i:]
	if j := strings.IndexAny(rest, "?#"); j >= 0 {
		rest = rest[:j]
	}
	return rest
}

// paramCarrying returns the first query parameter of tmpl whose value is
// one of macros, "" when none is.
func paramCarrying(tmpl string, macros []string) string {
	tmpl, _, _ = strings.Cut(tmpl, "#")
	_, query, _ := strings.Cut(tmpl, "?")
	for part := range strings.SplitSeq(query, "&") {
		k, v, _ := strings.Cut(part, "=")
		for _, m := range macros {
			if v == "{"+m+"}" {
				return k
			}
		}
	}
	return ""
}

// TestCommand returns the command line that runs the features of a
// project written in dir against in-process reference trackers: the first
// thing to run after Write.
func TestCommand(dir string) string {
	in := func(p string) string { return shellWord(filepath.Join(dir, filepath.FromSlash(p))) }
	return "cbsim test --features " + in(FeaturesDir) + " --integrations " + in(IntegrationsFile) + " --catalog " + in(CatalogFile)
}
