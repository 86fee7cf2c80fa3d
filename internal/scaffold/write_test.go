package scaffold

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestWrite: a project is written under a new directory; written again
// it is refused with the first existing file named and nothing changed,
// unless forced.
func TestWrite(t *testing.T) {
	p := mustRender(t, Options{})
	dir := filepath.Join(t.TempDir(), "a", "qa")
	paths, err := p.Write(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) != len(p.Files) {
		t.Fatalf("wrote %d files, want %d", len(paths), len(p.Files))
	}
	for i, f := range p.Files {
		if b, err := os.ReadFile(paths[i]); err != nil || string(b) != string(f.Data) || paths[i] != filepath.Join(dir, filepath.FromSlash(f.Path)) {
			t.Fatalf("%s: %v, or not the project's %s", paths[i], err, f.Path)
		}
	}

	readme := filepath.Join(dir, Readme)
	if err := os.WriteFile(readme, []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(dir, filepath.FromSlash(StarterFeature))); err != nil {
		t.Fatal(err)
	}
	var exists *ExistsError
	if _, err := p.Write(dir, false); !errors.As(err, &exists) || exists.Path != filepath.Join(dir, IntegrationsFile) {
		t.Fatalf("second Write: %v; want an ExistsError naming %s", err, IntegrationsFile)
	}
	if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(StarterFeature))); err == nil {
		t.Fatal("a refused Write wrote the starter feature")
	}
	if _, err := p.Write(dir, true); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(readme); string(b) == "mine" {
		t.Fatal("a forced Write kept README.md")
	}
}

// TestWriteBadDir: no directory, a file as the directory or above it, a
// directory where a file goes.
func TestWriteBadDir(t *testing.T) {
	p := mustRender(t, Options{})
	tmp := t.TempDir()
	file := filepath.Join(tmp, "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	blocked := filepath.Join(tmp, "blocked")
	if err := os.MkdirAll(filepath.Join(blocked, Readme), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ dir, want string }{
		{"", "the project directory is empty"},
		{file, file + " is not a directory"},
		{filepath.Join(file, "x", "y"), file + " is not a directory"},
		{blocked, filepath.Join(blocked, Readme) + " is a directory"},
	} {
		for _, force := range []bool{false, true} {
			if _, err := p.Write(c.dir, force); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("Write(%q, %t): %v, want %q", c.dir, force, err, c.want)
			}
		}
	}
	if err := CheckDir(filepath.Join(tmp, "new", "qa")); err != nil {
		t.Errorf("CheckDir of a new directory: %v", err)
	}
}

// TestRepoDir: the project directory from the root of the repository
// that holds it; "" at the root or outside any repository.
func TestRepoDir(t *testing.T) {
	root := t.TempDir()
	if err := os.Mkdir(filepath.Join(root, ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ dir, want string }{
		{root, ""},
		{filepath.Join(root, "qa"), "qa"},
		{filepath.Join(root, "tests", "qa"), "tests/qa"},
	} {
		if got := RepoDir(c.dir); got != c.want {
			t.Errorf("RepoDir(%s) = %q, want %q", c.dir, got, c.want)
		}
	}
}

// TestRenderInSubdirectory: a project below the repository's root gets
// recipes that run there and publish the report from there, and a note
// to move them to the root, where CI reads them.
func TestRenderInSubdirectory(t *testing.T) {
	p, err := Render(Options{WorkDir: "tests/qa"})
	if err != nil {
		t.Fatal(err)
	}
	gh, _ := p.File(GitHubWorkflow)
	gl, _ := p.File(GitLabCI)
	for _, want := range []string{"working-directory: tests/qa", "path: tests/qa/" + ReportFile, "report_paths: tests/qa/" + ReportFile} {
		if !strings.Contains(string(gh), want) {
			t.Errorf("%s lacks %q:\n%s", GitHubWorkflow, want, gh)
		}
	}
	for _, want := range []string{"- cd tests/qa", "junit: tests/qa/" + ReportFile} {
		if !strings.Contains(string(gl), want) {
			t.Errorf("%s lacks %q:\n%s", GitLabCI, want, gl)
		}
	}
	if !slices.ContainsFunc(p.Notes, func(n string) bool { return strings.Contains(n, "repository's root") }) {
		t.Errorf("no note to move the recipes: %q", p.Notes)
	}
	root, err := Render(Options{})
	if err != nil {
		t.Fatal(err)
	}
	if gh, _ := root.File(GitHubWorkflow); strings.Contains(string(gh), "working-directory") {
		t.Errorf("a project at the root got a working-directory:\n%s", gh)
	}
}
