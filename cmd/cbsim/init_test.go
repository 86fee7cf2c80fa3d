package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/cbsim/cbsim/internal/scaffold"
)

const (
	affiliateURL = "https://trk.example.com/postback?clickid={tid}&sum={affiliate_earnings}&type=InitialPurchase"
	vendorURL    = "https://trk.example.com/postback?clickid={vtid}&sum={vendor_earnings}&eventid={event_id}&type=InitialPurchase"
)

// initProject runs `cbsim init ARGS... DIR` into a fresh directory and
// returns the directory.
func initProject(t *testing.T, args ...string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "qa")
	code, out, errs := cli(t, append(append([]string{"init"}, args...), dir)...)
	if code != 0 {
		t.Fatalf("cbsim init %v: exit %d\n%s\n%s", args, code, out, errs)
	}
	return dir
}

// TestInitProjectPasses is the acceptance run: what `cbsim init`
// writes, from the guide or from a pasted postback URL, passes `cbsim test
// --features DIR/features` against the in-process tracker set up from its
// integrations, with a JUnit report of every scenario. A pasted URL with
// the other role's mapping fails it: the starter checks the mapping.
func TestInitProjectPasses(t *testing.T) {
	for _, c := range []struct {
		name      string
		args      []string
		scenarios int
		exit      int
	}{
		{"both roles", nil, 5, 0},
		{"vendor only", []string{"--role", "vendor"}, 2, 0},
		{"tracker given", []string{"--tracker", "https://trk.example.com"}, 5, 0},
		{"affiliate URL", []string{"--from-url", affiliateURL}, 3, 0},
		{"vendor URL", []string{"--from-url", vendorURL}, 2, 0},
		{"one URL without type", []string{"--from-url", "https://trk.example.com/postback?clickid={tid}&sum={affiliate_earnings}"}, 3, 0},
		{"click_id with the vendor's sum", []string{"--from-url", "http://127.0.0.1:9/postback?clickid={click_id}&sum={vendor_earnings}&type=UpsellPurchase"}, 2, 0},
		{"vendor URL named affiliate", []string{"--role", "affiliate", "--from-url", vendorURL}, 3, 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := initProject(t, c.args...)
			junit := filepath.Join(t.TempDir(), "report.xml")
			code, out, errs := cli(t, "test", "--features", filepath.Join(dir, "features"), "--integrations", filepath.Join(dir, "integrations.json"),
				"--catalog", filepath.Join(dir, "catalog.json"), "--format", "progress,junit:"+junit)
			if code != c.exit {
				t.Fatalf("cbsim test: exit %d, want %d\n%s\n%s", code, c.exit, out, errs)
			}
			if c.exit != 0 {
				return
			}
			if want := fmt.Sprintf("%d scenarios (%d passed)", c.scenarios, c.scenarios); !strings.Contains(out, want) {
				t.Fatalf("want %q:\n%s", want, out)
			}
			if passed, skipped, failed := junitCounts(t, junit); passed != c.scenarios || skipped+failed != 0 {
				t.Fatalf("JUnit report: %d passed, %d skipped, %d failed; want %d passed", passed, skipped, failed, c.scenarios)
			}
		})
	}
}

// TestInitOutput: init prints the files it wrote, the lint findings on the
// integrations built from a pasted URL (which do not stop it) and the next
// command, which names the project's files.
func TestInitOutput(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "qa")
	code, out, errs := cli(t, "init", "--from-url", "https://trk.example.com/postback?clickid={tid}&sum={affiliate_earnings}", dir)
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errs)
	}
	for _, f := range []string{"features/starter.feature", "integrations.json", "catalog.json", "cbsim.yaml", ".github/workflows/cbsim.yml", ".gitlab-ci.yml", "README.md"} {
		path := filepath.Join(dir, filepath.FromSlash(f))
		if !strings.Contains(out, "wrote "+path+"\n") {
			t.Errorf("output does not list %s:\n%s", path, out)
		}
		if _, err := os.Stat(path); err != nil {
			t.Error(err)
		}
	}
	if want := "lint: " + filepath.Join(dir, "integrations.json") + ":10: "; !strings.Contains(errs, want) || !strings.Contains(errs, "[shared-endpoint]") {
		t.Errorf("stderr lacks the shared-endpoint finding on %s:\n%s", want, errs)
	}
	next := "next: cbsim test --features " + filepath.Join(dir, "features")
	if !strings.Contains(out, next) {
		t.Errorf("output lacks %q:\n%s", next, out)
	}
}

// TestInitRefuses: init refuses to overwrite a file unless --force (and
// names it), a missing, doubled or unusable DIR, and bad flag values, each
// with exit 2 and a message saying what is wrong.
func TestInitRefuses(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		args []string // DIR is appended when it has none
		want string
	}{
		{"no DIR", []string{"init"}, "name the project directory"},
		{"two DIRs", []string{"init", "a", "b"}, `one project directory, got 2: ["a" "b"]`},
		{"DIR is a file", []string{"init", file}, "is not a directory"},
		{"DIR under a file", []string{"init", filepath.Join(file, "qa")}, file + " is not a directory"},
		{"ftp URL", []string{"init", "--from-url", "ftp://trk.example.com/postback?clickid={tid}&sum={affiliate_earnings}"}, "must start with http:// or https://"},
		{"no scheme", []string{"init", "--from-url", "trk.example.com/postback?clickid={tid}&sum={affiliate_earnings}"}, "must start with http:// or https://"},
		{"no host", []string{"init", "--from-url", "https:///postback?clickid={tid}&sum={affiliate_earnings}"}, "has no host"},
		{"no click id", []string{"init", "--from-url", "https://trk.example.com/postback?sum={affiliate_earnings}&type=InitialPurchase"}, "has no click id macro"},
		{"no earnings", []string{"init", "--from-url", "https://trk.example.com/postback?clickid={tid}"}, "has no earnings macro"},
		{"empty URL", []string{"init", "--from-url", " "}, "--from-url is empty"},
		{"ambiguous role", []string{"init", "--from-url", "https://trk.example.com/postback?clickid={tid}&sum={vendor_earnings}"}, "give --role affiliate or --role vendor"},
		{"role of either", []string{"init", "--from-url", "https://trk.example.com/postback?clickid={click_id}&a={affiliate_earnings}&v={vendor_earnings}"}, "give --role"},
		{"bad role", []string{"init", "--role", "buyer"}, `--role: unknown role "buyer" (allowed: affiliate, vendor)`},
		{"bad tracker", []string{"init", "--tracker", "trk.example.com"}, "must be absolute http(s)"},
		{"unknown flag", []string{"init", "--from", "x"}, "flag provided but not defined: -from"},
	} {
		t.Run(c.name, func(t *testing.T) {
			args := c.args
			if c.name != "no DIR" && c.name != "two DIRs" && !strings.Contains(c.name, "DIR") {
				args = append(slices.Clone(args), filepath.Join(t.TempDir(), "qa"))
			}
			code, out, errs := cli(t, args...)
			if code != 2 || !strings.Contains(errs, c.want) {
				t.Fatalf("cbsim %v: exit %d, stderr %q; want exit 2 saying %q", args, code, errs, c.want)
			}
			if strings.Contains(out, "wrote") {
				t.Fatalf("wrote files: %s", out)
			}
		})
	}

	t.Run("existing file", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "qa")
		yml := filepath.Join(dir, "cbsim.yaml")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(yml, []byte("mine\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		code, out, errs := cli(t, "init", dir)
		if code != 2 || !strings.Contains(errs, yml+" already exists: give --force to overwrite it") || out != "" {
			t.Fatalf("exit %d, stdout %q, stderr %q; want exit 2 naming %s, nothing written", code, out, errs, yml)
		}
		if _, err := os.Stat(filepath.Join(dir, "README.md")); err == nil {
			t.Fatal("README.md was written though init refused")
		}
		// Flags may follow DIR.
		if code, out, errs := cli(t, "init", dir, "--force", "--role", "vendor"); code != 0 {
			t.Fatalf("--force: exit %d\n%s\n%s", code, out, errs)
		}
		if b, _ := os.ReadFile(yml); string(b) == "mine\n" {
			t.Fatal("--force did not overwrite cbsim.yaml")
		}
		if b, _ := os.ReadFile(filepath.Join(dir, "integrations.json")); strings.Contains(string(b), `"affiliate"`) {
			t.Fatalf("--role vendor after DIR was not applied:\n%s", b)
		}
	})
}

// commandFlags returns the flags of each cbsim command, read from its -h
// usage ("  -name type" lines of flag.PrintDefaults), plus h and help.
func commandFlags(t *testing.T) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	flagLine := regexp.MustCompile(`(?m)^  -([A-Za-z0-9][A-Za-z0-9_-]*)`)
	for name := range commands() {
		var stdout, stderr strings.Builder
		if code := run(context.Background(), []string{name, "-h"}, &stdout, &stderr); code != 0 {
			t.Fatalf("cbsim %s -h: exit %d: %s", name, code, stderr.String())
		}
		flags := []string{"h", "help"}
		for _, m := range flagLine.FindAllStringSubmatch(stderr.String(), -1) {
			flags = append(flags, m[1])
		}
		out[name] = flags
	}
	return out
}

// invocation is one `cbsim COMMAND ...` command line of a text.
type invocation struct {
	line    string // the command line, continuations joined
	command string
	flags   []string // the flags' names, without dashes or values
}

// cbsimAt finds where `cbsim` starts a command: at the start of a line or
// after a space, backtick, quote, ( $ | ; or &, followed by blanks and a
// word on the same line. cbsim.yaml, github.com/cbsim/cbsim and
// cbsim@latest are not commands.
var cbsimAt = regexp.MustCompile("(?m)(?:^|[\\s`\"'($|;&])cbsim[ \\t]+(\\S)")

// invocations returns every cbsim command line of text: in shell scripts,
// YAML, Markdown code and prose alike. A line continued with a backslash
// is one line; a command ends at a backtick (the end of inline code), a
// comment, or a shell operator.
func invocations(text string) []invocation {
	text = regexp.MustCompile(`\\\r?\n[ \t]*(?:#[ \t]*)?`).ReplaceAllString(text, " ")
	var out []invocation
	for _, line := range strings.Split(text, "\n") {
		for _, m := range cbsimAt.FindAllStringSubmatchIndex(line, -1) {
			rest := line[m[2]:]
			if i := strings.IndexByte(rest, '`'); i >= 0 {
				rest = rest[:i]
			}
			fields := strings.Fields(rest)
			inv := invocation{line: strings.TrimSpace(line), command: strings.Trim(fields[0], `"'[]()`)}
			for _, f := range fields[1:] {
				if slices.Contains([]string{"&&", "||", "|", ";", "&", "--"}, f) || strings.HasPrefix(f, "#") || strings.HasPrefix(f, ">") {
					break
				}
				f = strings.Trim(f, `"'[]()`)
				if name, ok := strings.CutPrefix(strings.TrimPrefix(f, "-"), "-"); ok || strings.HasPrefix(f, "-") {
					if !ok {
						name = strings.TrimPrefix(f, "-")
					}
					name, _, _ = strings.Cut(name, "=")
					if name != "" {
						inv.flags = append(inv.flags, name)
					}
				}
			}
			out = append(out, inv)
		}
	}
	return out
}

// unknownFlags returns what the cbsim command lines of text name that the
// CLI does not have: a command, or a flag of the command.
func unknownFlags(text string, flags map[string][]string) []string {
	var bad []string
	for _, inv := range invocations(text) {
		known, ok := flags[inv.command]
		if strings.HasPrefix(inv.command, "-") {
			// cbsim's own flags, before any command (main.go's run).
			if !slices.Contains([]string{"--version", "-version", "-h", "--help"}, inv.command) {
				bad = append(bad, fmt.Sprintf("cbsim has no flag %s (in %q)", inv.command, inv.line))
			}
			continue
		}
		if !ok {
			bad = append(bad, fmt.Sprintf("unknown command %q in %q", inv.command, inv.line))
			continue
		}
		for _, f := range inv.flags {
			if !slices.Contains(known, f) {
				bad = append(bad, fmt.Sprintf("cbsim %s has no flag --%s (in %q)", inv.command, f, inv.line))
			}
		}
	}
	return bad
}

// TestInvocationsChecker: the check below finds made-up flags and commands
// wherever a recipe or README puts them, and lets through what is not a
// cbsim command line.
func TestInvocationsChecker(t *testing.T) {
	flags := commandFlags(t)
	for _, c := range []struct {
		name, text string
		bad        int
	}{
		{"known flags", "cbsim test --features f --integrations=i.json --format pretty,junit:r.xml", 0},
		{"--config on every command", "run: cbsim tracker --config cbsim.yaml &", 0},
		{"made-up flag", "cbsim test --config cbsim.yaml --junit-report r.xml", 1},
		{"single-dash made-up flag", "  - cbsim test -made-up", 1},
		{"another command's flag", "cbsim tracker --features f", 1},
		{"unknown command", "cbsim frobnicate --x", 1},
		{"continued line", "run: |\n  cbsim test \\\n    --integrations i.json \\\n    --bogus 1\n", 1},
		{"inline code", "run `cbsim test --nope` first, then `cbsim steps --markdown`", 1},
		{"bracketed usage", "cbsim init [--from-url URL] [--role affiliate|vendor] [--bogus] DIR", 1},
		{"comment after", "cbsim test    # --not-a-flag of anything", 0},
		{"operators", "cbsim tracker --addr :0 > log 2>&1 & cbsim test --tracker x && cbsim lint f.json", 0},
		{"second command bad", "cbsim tracker --addr :0 & cbsim test --nope", 1},
		{"cbsim's own flag", "cbsim --version", 0},
		{"cbsim's own made-up flag", "cbsim --verbose", 1},
		{"not commands", "cbsim.yaml; github.com/cbsim/cbsim/cmd/cbsim@latest; [cbsim](https://x); name: cbsim\n", 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := unknownFlags(c.text, flags); len(got) != c.bad {
				t.Fatalf("%d problems, want %d: %q", len(got), c.bad, got)
			}
		})
	}
}

// TestInitRecipesNameKnownFlags is the check that the CI recipes
// (and every other text file init writes) name only commands and flags the
// CLI has, and that cbsim.yaml's sections are commands and its keys their
// flags.
func TestInitRecipesNameKnownFlags(t *testing.T) {
	flags := commandFlags(t)
	for _, args := range [][]string{nil, {"--tracker", "https://trk.example.com"}, {"--from-url", vendorURL}} {
		dir := initProject(t, args...)
		seen := 0
		for _, f := range []string{".github/workflows/cbsim.yml", ".gitlab-ci.yml", "README.md", "cbsim.yaml", "features/starter.feature"} {
			b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(f)))
			if err != nil {
				t.Fatal(err)
			}
			for _, bad := range unknownFlags(string(b), flags) {
				t.Errorf("init %v: %s: %s", args, f, bad)
			}
			seen += len(invocations(string(b)))
			if strings.HasSuffix(f, ".yml") && !slices.ContainsFunc(invocations(string(b)), func(inv invocation) bool {
				return inv.command == "test" && slices.Contains(inv.flags, "format")
			}) {
				t.Errorf("init %v: %s runs no cbsim test --format", args, f)
			}
		}
		if seen < 10 {
			t.Errorf("init %v: only %d cbsim command lines found in the files", args, seen)
		}

		var config map[string]map[string]any
		b, err := os.ReadFile(filepath.Join(dir, "cbsim.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		if err := yaml.Unmarshal(b, &config); err != nil {
			t.Fatalf("cbsim.yaml: %v", err)
		}
		for section, keys := range config {
			known, ok := flags[section]
			if !ok {
				t.Errorf("cbsim.yaml: section %q is not a command", section)
			}
			for k := range keys {
				if !slices.Contains(known, k) {
					t.Errorf("cbsim.yaml: cbsim %s has no flag %q", section, k)
				}
			}
		}
		if _, ok := config["test"]["integrations"]; !ok {
			t.Errorf("cbsim.yaml has no test integrations:\n%s", b)
		}
	}
}

// TestInitNextCommandRuns: the command init prints last names known flags
// and runs the starter.
func TestInitNextCommandRuns(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "my qa") // a space: the command quotes it
	code, out, errs := cli(t, "init", dir)
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errs)
	}
	_, next, ok := strings.Cut(out, "next: ")
	if !ok {
		t.Fatalf("no next command:\n%s", out)
	}
	if bad := unknownFlags(next, commandFlags(t)); len(bad) > 0 {
		t.Fatal(bad)
	}
	want := scaffold.TestCommand(dir)
	if strings.TrimSpace(next) != want || !strings.Contains(want, "'"+filepath.Join(dir, "features")+"'") {
		t.Fatalf("next = %q, want %q with the directory quoted", next, want)
	}
	code, out, errs = cli(t, "test", "--features", filepath.Join(dir, "features"), "--integrations", filepath.Join(dir, "integrations.json"),
		"--catalog", filepath.Join(dir, "catalog.json"), "--format", "progress")
	if code != 0 {
		t.Fatalf("the next command: exit %d\n%s\n%s", code, out, errs)
	}
}

// TestReadmeNamesKnownFlags: the command lines of README.md's shell
// examples (`cbsim init` among them) name only commands and flags the CLI
// has. docker lines are left out: `--network cbsim -p` is docker's.
func TestReadmeNamesKnownFlags(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	flags := commandFlags(t)
	blocks := regexp.MustCompile("(?s)```sh\n(.*?)```").FindAllStringSubmatch(string(b), -1)
	seen := map[string]bool{}
	for _, blk := range blocks {
		var lines []string
		for _, l := range strings.Split(blk[1], "\n") {
			if strings.HasPrefix(strings.TrimSpace(l), "docker ") {
				continue
			}
			// A shell comment shows output ("# cbsim v0.1.0 (commit …)"), not a command.
			if i := regexp.MustCompile(`(^|\s)#`).FindStringIndex(l); i != nil {
				l = l[:i[0]]
			}
			lines = append(lines, l)
		}
		text := strings.Join(lines, "\n")
		for _, bad := range unknownFlags(text, flags) {
			t.Errorf("README.md: %s", bad)
		}
		for _, inv := range invocations(text) {
			seen[inv.command] = true
		}
	}
	if !seen["init"] || !seen["test"] {
		t.Errorf("README.md's examples run %v; want init and test among them", seen)
	}
}
