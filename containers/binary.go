package containers

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"debug/elf"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
)

// ModulePath is the module whose ./cmd/cbsim BuildBinary builds.
const ModulePath = "github.com/cbsim/cbsim"

// builtBinary memoizes BuildBinary for the life of the process: linking
// cbsim takes seconds and every Run without WithBinary needs it. With
// imageBuilds it is the package's only package-level state: caches, like the
// go command's own, that change no result.
var builtBinary struct {
	mu   sync.Mutex // guards path
	path string     // the last binary built; "" until a build succeeded
}

// BuildBinary builds ./cmd/cbsim of this module as a static Linux binary
// (CGO_ENABLED=0, GOOS=linux, GOARCH of the host) for the images of this
// package and returns its path. The module source is found from this
// package's source directory or, failing that, from `go env GOMOD` in the
// working directory; the go command must be on PATH.
//
// The binary is written to the user cache directory under a name that is the
// hash of its content, and the result is memoized for the process: call it
// once in TestMain and pass the path with WithBinary, or let the Run
// functions call it.
func BuildBinary(ctx context.Context) (string, error) {
	builtBinary.mu.Lock()
	defer builtBinary.mu.Unlock()
	if builtBinary.path != "" {
		if _, err := os.Stat(builtBinary.path); err == nil {
			return builtBinary.path, nil
		}
	}
	p, err := buildBinary(ctx)
	if err != nil {
		return "", fmt.Errorf("build cbsim binary: %w", err)
	}
	builtBinary.path = p
	return p, nil
}

func buildBinary(ctx context.Context) (string, error) {
	root, err := moduleRoot(ctx)
	if err != nil {
		return "", err
	}
	dir, err := binaryCacheDir()
	if err != nil {
		return "", err
	}
	tmp, err := os.CreateTemp(dir, "cbsim-build-*")
	if err != nil {
		return "", err
	}
	tmp.Close()
	defer os.Remove(tmp.Name()) // a no-op once renamed

	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-buildvcs=false",
		"-ldflags=-s -w", "-o", tmp.Name(), "./cmd/cbsim")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+runtime.GOARCH)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("go build ./cmd/cbsim in %s: %w\n%s", root, err, strings.TrimSpace(out.String()))
	}
	sum, err := fileHash(tmp.Name())
	if err != nil {
		return "", err
	}
	// Content-addressed: concurrent builders rename identical bytes.
	final := filepath.Join(dir, "cbsim-linux-"+runtime.GOARCH+"-"+sum[:16])
	if err := os.Rename(tmp.Name(), final); err != nil {
		return "", err
	}
	return final, nil
}

// binaryCacheDir is where built binaries live: $XDG_CACHE_HOME/cbsim/bin or
// the like, else a directory under the system temp directory.
func binaryCacheDir() (string, error) {
	base, err := os.UserCacheDir()
	if err != nil {
		base = os.TempDir()
	}
	dir := filepath.Join(base, "cbsim", "bin")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("binary cache: %w", err)
	}
	return dir, nil
}

// moduleRoot finds the directory of this module's go.mod: first next to this
// source file (absent in -trimpath builds), then via `go env GOMOD` from the
// working directory.
func moduleRoot(ctx context.Context) (string, error) {
	if _, file, _, ok := runtime.Caller(0); ok && filepath.IsAbs(file) {
		root := filepath.Dir(filepath.Dir(file))
		if isModuleRoot(root) {
			return root, nil
		}
	}
	out, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("locate module %s: go env GOMOD: %w", ModulePath, err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod != "" && gomod != os.DevNull {
		if root := filepath.Dir(gomod); isModuleRoot(root) {
			return root, nil
		}
	}
	return "", fmt.Errorf("locate module %s: not found from the package source nor from the working directory (go.mod %q); pass a binary with WithBinary", ModulePath, gomod)
}

// isModuleRoot reports whether dir holds the go.mod of ModulePath.
func isModuleRoot(dir string) bool {
	f, err := os.Open(filepath.Join(dir, "go.mod"))
	if err != nil {
		return false
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if fields := strings.Fields(s.Text()); len(fields) == 2 && fields[0] == "module" {
			return strings.Trim(fields[1], `"`) == ModulePath
		}
	}
	return false
}

// checkStaticLinux returns an error unless path is a statically linked Linux
// ELF executable, the only kind that runs in a FROM scratch image.
func checkStaticLinux(path string) error {
	f, err := elf.Open(path)
	if err != nil {
		return fmt.Errorf("binary %s: not a Linux executable: %w", path, err)
	}
	defer f.Close()
	if f.Type != elf.ET_EXEC && f.Type != elf.ET_DYN {
		return fmt.Errorf("binary %s: ELF type %s, want an executable", path, f.Type)
	}
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			return fmt.Errorf("binary %s: dynamically linked (has an ELF interpreter); build it with CGO_ENABLED=0 GOOS=linux", path)
		}
	}
	return nil
}

// selfBinary returns the running executable if it can run in a FROM scratch
// image.
func selfBinary() (string, error) {
	p, err := os.Executable()
	if err != nil {
		return "", fmt.Errorf("self binary: %w", err)
	}
	if p, err = filepath.EvalSymlinks(p); err != nil {
		return "", fmt.Errorf("self binary: %w", err)
	}
	if err := checkStaticLinux(p); err != nil {
		return "", fmt.Errorf("self binary: %w", err)
	}
	return p, nil
}

// fileHash is the hex SHA-256 of a file's content.
func fileHash(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
