package scaffold

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// ExistsError is Project.Write's refusal to overwrite a file.
type ExistsError struct {
	Path string // the file, under the directory given to Write
}

func (e *ExistsError) Error() string { return e.Path + " already exists" }

// CheckDir checks that dir can hold a project: it is named, and it is a
// directory or does not exist yet (the nearest part of it that exists
// must be a directory).
func CheckDir(dir string) error {
	if dir == "" {
		return errors.New("the project directory is empty")
	}
	for d := filepath.Clean(dir); ; d = filepath.Dir(d) {
		// A part that cannot be read (missing, or under a file) leaves the
		// answer to its parent; Write reports any other failure.
		if st, err := os.Stat(d); err == nil {
			if !st.IsDir() {
				return fmt.Errorf("project directory %s: %s is not a directory", dir, d)
			}
			return nil
		}
		if filepath.Dir(d) == d {
			return nil
		}
	}
}

// Write writes the project's files under dir, creating dir and the
// folders they need, and returns their paths (dir joined with each file's
// Path) in order. Unless force, a file that exists already is an
// *ExistsError and nothing is written; with force it is overwritten. A
// directory in a file's place is an error either way.
func (p *Project) Write(dir string, force bool) ([]string, error) {
	if err := CheckDir(dir); err != nil {
		return nil, err
	}
	paths := make([]string, len(p.Files))
	for i, f := range p.Files {
		paths[i] = filepath.Join(dir, filepath.FromSlash(f.Path))
		st, err := os.Lstat(paths[i])
		switch {
		case err == nil && st.IsDir():
			return nil, fmt.Errorf("%s is a directory, where the project's file goes", paths[i])
		case err == nil && !force:
			return nil, &ExistsError{Path: paths[i]}
		case err != nil && !errors.Is(err, fs.ErrNotExist):
			return nil, err
		}
	}
	for i, f := range p.Files {
		if err := os.MkdirAll(filepath.Dir(paths[i]), 0o755); err != nil {
			return paths[:i], err
		}
		if err := os.WriteFile(paths[i], f.Data, 0o644); err != nil {
			return paths[:i], err
		}
	}
	return paths, nil
}

// RepoDir returns dir relative to the root of the git repository that
// holds it (the nearest parent with a .git), slash-separated; "" when dir
// is that root or no repository holds it (then the recipes run at the
// root, as written).
func RepoDir(dir string) string {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return ""
	}
	for d := abs; ; {
		if _, err := os.Stat(filepath.Join(d, ".git")); err == nil {
			rel, err := filepath.Rel(d, abs)
			if err != nil || rel == "." {
				return ""
			}
			return filepath.ToSlash(rel)
		}
		parent := filepath.Dir(d)
		if parent == d {
			return ""
		}
		d = parent
	}
}
