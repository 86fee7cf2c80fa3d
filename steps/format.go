package steps

// The report formats a suite writes.

import (
	"fmt"
	"slices"
	"strings"
)

// formatNames are the formats Run writes, in the order the usage lists them.
var formatNames = []string{"pretty", "progress", "junit", "cucumber"}

// formatUsage says what a format list may hold.
const formatUsage = "use pretty, progress, junit or cucumber, comma-separated, each optionally followed by :FILE to write it to a file (junit:out.xml)"

// format is one report of a run: its name, and the file it goes to ("" =
// SuiteOptions.Output).
type format struct {
	name, path string
}

// parseFormats reads a format list such as "pretty,junit:out.xml".
func parseFormats(s string) ([]format, error) {
	var out []format
	for _, part := range strings.Split(s, ",") {
		name, path, hasPath := strings.Cut(strings.TrimSpace(part), ":")
		switch {
		case !slices.Contains(formatNames, name):
			return nil, fmt.Errorf("unknown format %q: %s", name, formatUsage)
		case hasPath && path == "":
			return nil, fmt.Errorf("format %q names no file: %s", part, formatUsage)
		}
		out = append(out, format{name: name, path: path})
	}
	return out, nil
}

// CheckFormat reports whether format is a list of formats Run writes:
// pretty, progress, junit and cucumber, each optionally followed by :FILE,
// comma-separated. Its error says what is allowed.
func CheckFormat(format string) error {
	_, err := parseFormats(format)
	return err
}
