package steps

// What the reports need of a parsed feature file.

import (
	"strings"

	"github.com/cucumber/godog"
	messages "github.com/cucumber/messages/go/v34"
)

// featureDoc is a feature file as the reports show it: its header, and its
// scenarios, steps, example rows and tags by their AST ids.
type featureDoc struct {
	uri, keyword, name, description string
	line                            int
	tags                            []tagDoc
	steps                           map[string]stepDoc     // AST step id →
	scenarios                       map[string]scenarioDoc // AST scenario id →
	rows                            map[string]rowDoc      // AST example row id →
	tagLines                        map[string]int         // AST tag id → line
}

type stepDoc struct {
	keyword string // "Given ", "And ", as written
	line    int
}

type scenarioDoc struct {
	keyword, name, description string
	line                       int
}

type rowDoc struct {
	line     int
	examples string // the name of its Examples
	index    int    // its place in the Examples, the header being 1
}

type tagDoc struct {
	name string
	line int
}

// newFeatureDoc indexes a parsed feature file.
func newFeatureDoc(doc *messages.GherkinDocument) *featureDoc {
	f := &featureDoc{uri: doc.Uri, steps: map[string]stepDoc{}, scenarios: map[string]scenarioDoc{},
		rows: map[string]rowDoc{}, tagLines: map[string]int{}}
	ft := doc.Feature
	if ft == nil {
		return f
	}
	f.keyword, f.name, f.description, f.line = ft.Keyword, ft.Name, ft.Description, line(ft.Location)
	f.tags = f.addTags(ft.Tags)
	addSteps := func(steps []*messages.Step) {
		for _, s := range steps {
			f.steps[s.Id] = stepDoc{keyword: s.Keyword, line: line(s.Location)}
		}
	}
	addScenario := func(sc *messages.Scenario) {
		f.scenarios[sc.Id] = scenarioDoc{keyword: sc.Keyword, name: sc.Name, description: sc.Description, line: line(sc.Location)}
		f.addTags(sc.Tags)
		addSteps(sc.Steps)
		for _, ex := range sc.Examples {
			f.addTags(ex.Tags)
			for i, row := range ex.TableBody {
				f.rows[row.Id] = rowDoc{line: line(row.Location), examples: ex.Name, index: i + 2}
			}
		}
	}
	for _, c := range ft.Children {
		switch {
		case c.Background != nil:
			addSteps(c.Background.Steps)
		case c.Scenario != nil:
			addScenario(c.Scenario)
		case c.Rule != nil:
			f.addTags(c.Rule.Tags)
			for _, rc := range c.Rule.Children {
				if rc.Background != nil {
					addSteps(rc.Background.Steps)
				}
				if rc.Scenario != nil {
					addScenario(rc.Scenario)
				}
			}
		}
	}
	return f
}

func (f *featureDoc) addTags(tags []*messages.Tag) []tagDoc {
	var out []tagDoc
	for _, t := range tags {
		f.tagLines[t.Id] = line(t.Location)
		out = append(out, tagDoc{name: t.Name, line: line(t.Location)})
	}
	return out
}

func line(l *messages.Location) int {
	if l == nil {
		return 0
	}
	return int(l.Line)
}

// scenario returns the AST scenario of a pickle.
func (f *featureDoc) scenario(p *godog.Scenario) scenarioDoc {
	if len(p.AstNodeIds) > 0 {
		if sc, ok := f.scenarios[p.AstNodeIds[0]]; ok {
			return sc
		}
	}
	return scenarioDoc{keyword: "Scenario", name: p.Name}
}

// pickleLine is the line of a pickle: its scenario's, or its example row's.
func (f *featureDoc) pickleLine(p *godog.Scenario) int {
	if p.Location != nil {
		return int(p.Location.Line)
	}
	if len(p.AstNodeIds) > 1 {
		return f.rows[p.AstNodeIds[1]].line
	}
	return f.scenario(p).line
}

// step returns the AST step of a pickle step; a step the file does not
// hold gets a keyword from its type.
func (f *featureDoc) step(st *godog.Step) stepDoc {
	if len(st.AstNodeIds) > 0 {
		if s, ok := f.steps[st.AstNodeIds[0]]; ok {
			return s
		}
	}
	switch st.Type {
	case messages.PickleStepType_ACTION:
		return stepDoc{keyword: "When "}
	case messages.PickleStepType_OUTCOME:
		return stepDoc{keyword: "Then "}
	}
	return stepDoc{keyword: "Given "}
}

// descriptionLines returns a description's lines without their indentation.
func descriptionLines(d string) []string {
	var out []string
	for _, l := range strings.Split(strings.TrimSpace(d), "\n") {
		if l = strings.TrimSpace(l); l != "" || len(out) > 0 {
			out = append(out, l)
		}
	}
	return out
}
