// Package buildinfo says which cbsim is running: its version, the commit it
// was built from and when, read from the Go build info that `go build` and
// `go install` embed, or stamped at link time by `make dist`.
package buildinfo

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
)

// Link-time stamps, set by `make dist` with
// -ldflags "-X github.com/cbsim/cbsim/internal/buildinfo.version=v1.2.3 …".
// They are constants in spirit: nothing assigns them at run time. Empty
// means "read the Go build info".
var (
	version string // a release version such as v0.1.0
	commit  string // the full commit hash
	date    string // the build time, RFC 3339 in UTC
	dirty   string // "true" when the checkout had uncommitted changes
)

// Devel is the version of a build that is not a release: `go run`, `go
// build` or `go install` from a checkout.
const Devel = "devel"

// Info describes one build of cbsim.
type Info struct {
	// Version is the release version (v0.1.0) when the module was installed
	// as `go install …/cmd/cbsim@v0.1.0`; what `git describe` said when
	// `make dist` ran (devel without a tag); Go's pseudo-version
	// (v0.0.0-DATE-HASH, +dirty with local changes) for `go build` or `go
	// install` in a git checkout; else Devel.
	Version string `json:"version"`
	// Commit is the VCS revision the binary was built from; "" when the
	// build had no VCS information (`go run`, or a build outside a
	// checkout).
	Commit string `json:"commit,omitempty"`
	// Modified is true when the checkout had uncommitted changes.
	Modified bool `json:"modified,omitempty"`
	// Date is the build time stamped by `make dist`, else the commit's
	// time from the VCS information (RFC 3339, UTC); "" when neither is
	// known.
	Date string `json:"date,omitempty"`
	// Go is the Go version that built the binary, Platform its GOOS/GOARCH.
	Go       string `json:"go"`
	Platform string `json:"platform"`
}

// Read returns the running binary's build information.
func Read() Info {
	bi, _ := debug.ReadBuildInfo()
	in := From(bi, version, commit, date)
	if dirty == "true" {
		in.Modified = true
	}
	return in
}

// From builds an Info from Go build info (nil when the binary has none)
// and link-time stamps (empty when not stamped); a stamp wins over the
// build info.
func From(bi *debug.BuildInfo, stampVersion, stampCommit, stampDate string) Info {
	in := Info{Version: Devel, Go: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	if bi != nil {
		if v := bi.Main.Version; v != "" && v != "(devel)" {
			in.Version = v
		}
		if bi.GoVersion != "" {
			in.Go = bi.GoVersion
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				in.Commit = s.Value
			case "vcs.time":
				in.Date = s.Value
			case "vcs.modified":
				in.Modified = s.Value == "true"
			}
		}
	}
	if stampVersion != "" {
		in.Version = stampVersion
	}
	if stampCommit != "" {
		in.Commit = stampCommit
	}
	if stampDate != "" {
		in.Date = stampDate
	}
	return in
}

// String is the one line `cbsim version` prints:
//
//	cbsim v0.1.0 (commit 26c4bf6c0ffe, 2026-12-03T11:02:41Z, go1.26.8 linux/amd64)
func (in Info) String() string {
	parts := []string{}
	if in.Commit != "" {
		c := in.Commit
		if len(c) > 12 {
			c = c[:12]
		}
		if in.Modified {
			c += "+modified"
		}
		parts = append(parts, "commit "+c)
	}
	if in.Date != "" {
		parts = append(parts, in.Date)
	}
	parts = append(parts, in.Go+" "+in.Platform)
	return fmt.Sprintf("cbsim %s (%s)", in.Version, strings.Join(parts, ", "))
}

// Properties are the build's facts as name/value pairs, for reports
// (JUnit properties, cucumber tags): cbsim.version, cbsim.commit,
// cbsim.date, cbsim.go, cbsim.platform; empty ones are left out.
func (in Info) Properties() [][2]string {
	commit := in.Commit
	if commit != "" && in.Modified {
		commit += "+modified"
	}
	var out [][2]string
	for _, p := range [][2]string{
		{"cbsim.version", in.Version}, {"cbsim.commit", commit}, {"cbsim.date", in.Date},
		{"cbsim.go", in.Go}, {"cbsim.platform", in.Platform},
	} {
		if p[1] != "" {
			out = append(out, p)
		}
	}
	return out
}
