// Package features embeds cbsim's bundled Gherkin features, so that the
// binary can run them against any tracker (`cbsim test`).
package features

import "embed"

// FS holds the bundled .feature files.
//
//go:embed *.feature
var FS embed.FS
