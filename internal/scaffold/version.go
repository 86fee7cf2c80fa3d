package scaffold

import (
	"regexp"

	"github.com/cbsim/cbsim/internal/buildinfo"
)

// releaseVersion is a module version `go install …@VERSION` can fetch
// from any machine: a tag, not a pseudo-version of a local commit and not
// a build of a modified tree.
var releaseVersion = regexp.MustCompile(`^v\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$`)

// pseudoVersion matches the commit part of a Go pseudo-version.
var pseudoVersion = regexp.MustCompile(`\d{14}-[0-9a-f]{12}$`)

// InstallVersion returns the version of the running cbsim for the CI
// recipes to install, the one that wrote them; "" (latest) when it was
// not installed from a release.
func InstallVersion() string {
	in := buildinfo.Read()
	if in.Modified {
		return ""
	}
	return installable(in.Version)
}

// installable returns v when it is a release version, else "".
func installable(v string) string {
	if !releaseVersion.MatchString(v) || pseudoVersion.MatchString(v) {
		return ""
	}
	return v
}
