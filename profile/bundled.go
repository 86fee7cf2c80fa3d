package profile

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
)

// bundledFS holds the bundled profiles, one file per tracker.
//
//go:embed bundled/*.yaml
var bundledFS embed.FS

// DefaultName is the profile used when none is given.
const DefaultName = "redtrack"

// Bundled returns the profiles shipped with cbsim, sorted by name: parsed
// afresh on each call, so callers may not change each other's. A bundled
// profile that does not parse is a bug of this package (its tests parse
// every one), and panics.
func Bundled() []*Profile {
	names, err := fs.Glob(bundledFS, "bundled/*.yaml")
	if err != nil {
		panic(err)
	}
	var out []*Profile
	for _, n := range names {
		data, err := bundledFS.ReadFile(n)
		if err != nil {
			panic(err)
		}
		p, err := Parse(n, data)
		if err != nil {
			panic(fmt.Sprintf("bundled profile %s: %v", n, err))
		}
		if want := strings.TrimSuffix(path.Base(n), ".yaml"); p.Name != want {
			panic(fmt.Sprintf("bundled profile %s is named %q", n, p.Name))
		}
		out = append(out, p)
	}
	slices.SortFunc(out, func(a, b *Profile) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// BundledSource returns the text of the bundled profile called name, for
// a user to copy and adapt.
func BundledSource(name string) ([]byte, error) {
	data, err := bundledFS.ReadFile("bundled/" + name + ".yaml")
	if err != nil {
		return nil, fmt.Errorf("no bundled profile %q", name)
	}
	return data, nil
}
