package profile

import (
	"os"
	"regexp"
	"slices"
	"testing"

	"go.yaml.in/yaml/v3"
)

// TestDocsCoverEveryKey: the full example of docs/profiles.md parses and
// uses every key the parser allows, and the package doc names every key,
// so neither document describes a key that is not there or misses one
// that is.
func TestDocsCoverEveryKey(t *testing.T) {
	md, err := os.ReadFile("../docs/profiles.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := regexp.MustCompile("(?s)```yaml\n(.*?)```").FindAllSubmatch(md, -1)
	if len(blocks) != 1 {
		t.Fatalf("%d yaml blocks in docs/profiles.md, want the one full example", len(blocks))
	}
	example := blocks[0][1]
	if _, err := Parse("docs/profiles.md", example); err != nil {
		t.Fatalf("the example does not parse:\n%v", err)
	}
	var root yaml.Node
	if err := yaml.Unmarshal(example, &root); err != nil {
		t.Fatal(err)
	}
	used := map[string]bool{}
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		if n.Kind == yaml.MappingNode {
			for i := 0; i+1 < len(n.Content); i += 2 {
				used[n.Content[i].Value] = true
			}
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(&root)
	// Commented-out alternatives in the example count too (json:, style: offset …).
	for _, c := range regexp.MustCompile(`#.*`).FindAll(example, -1) {
		for _, m := range regexp.MustCompile(`([a-z_]+):`).FindAllSubmatch(c, -1) {
			used[string(m[1])] = true
		}
	}
	doc, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range sections() {
		for _, k := range keysOf(s) {
			if !used[k] {
				t.Errorf("the example in docs/profiles.md does not use %s.%s", s, k)
			}
			if !regexp.MustCompile(`\b` + regexp.QuoteMeta(k) + `\b`).Match(doc) {
				t.Errorf("doc.go does not document %s.%s", s, k)
			}
		}
	}
	for _, f := range append(postbackFields(), readFields()...) {
		if !slices.Contains([]string{FieldToken}, f) && !used[f] {
			t.Errorf("the example maps no %s", f)
		}
	}
}
