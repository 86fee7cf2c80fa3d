package steps

// The cucumber JSON report, in the shape godog's cucumber formatter writes.

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// cukeNode is what a feature and a scenario both carry.
type cukeNode struct {
	ID          string    `json:"id"`
	Keyword     string    `json:"keyword"`
	Name        string    `json:"name"`
	Description string    `json:"description"`
	Line        int       `json:"line"`
	Tags        []cukeTag `json:"tags,omitempty"`
}

type cukeFeature struct {
	URI string `json:"uri"`
	cukeNode
	Metadata []Property    `json:"metadata,omitempty"`
	Elements []cukeElement `json:"elements,omitempty"`
}

type cukeTag struct {
	Name string `json:"name"`
	Line int    `json:"line"`
}

type cukeElement struct {
	cukeNode
	Type  string     `json:"type"`
	Steps []cukeStep `json:"steps,omitempty"`
}

type cukeStep struct {
	Keyword   string         `json:"keyword"`
	Name      string         `json:"name"`
	Line      int            `json:"line"`
	DocString *cukeDocString `json:"doc_string,omitempty"`
	Match     cukeMatch      `json:"match"`
	Result    cukeResult     `json:"result"`
	Rows      []cukeRow      `json:"rows,omitempty"`
}

type cukeDocString struct {
	Value       string `json:"value"`
	ContentType string `json:"content_type"`
}

type cukeMatch struct {
	Location string `json:"location"`
}

type cukeResult struct {
	Status   string `json:"status"`
	Error    string `json:"error_message,omitempty"`
	Duration *int64 `json:"duration,omitempty"` // nanoseconds
}

type cukeRow struct {
	Cells []string `json:"cells"`
}

func cukeID(name string) string { return strings.ReplaceAll(strings.ToLower(name), " ", "-") }

// writeCucumber writes the run as cucumber JSON, features and scenarios in
// the order of the files. A step skipped because the tracker under test
// cannot run it carries the reason as its error_message; a step that did
// not run (the scenario stopped before it) is "skipped" without one.
func writeCucumber(w io.Writer, r *record) error {
	var out []cukeFeature
	var cur *cukeFeature
	var feature *featureDoc
	for _, s := range r.all {
		if feature != s.f {
			if cur != nil {
				out = append(out, *cur)
			}
			feature = s.f
			cur = &cukeFeature{URI: s.f.uri, cukeNode: cukeNode{ID: cukeID(s.f.name), Keyword: cmp.Or(s.f.keyword, "Feature"), Name: s.f.name,
				Description: s.f.description, Line: s.f.line}, Metadata: r.props}
			for _, t := range s.f.tags {
				cur.Tags = append(cur.Tags, cukeTag{Name: t.name, Line: t.line})
			}
		}
		cur.Elements = append(cur.Elements, cukeElementOf(cur.ID, s))
	}
	if cur != nil {
		out = append(out, *cur)
	}
	b, err := json.MarshalIndent(out, "", "    ")
	if err != nil {
		return fmt.Errorf("write the cucumber report: %w", err)
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

func cukeElementOf(featureID string, s *scenarioRun) cukeElement {
	sc := s.f.scenario(s.p)
	e := cukeElement{cukeNode: cukeNode{ID: featureID + ";" + cukeID(s.p.Name), Keyword: sc.keyword, Name: s.p.Name, Description: sc.description,
		Line: s.f.pickleLine(s.p)}, Type: "scenario"}
	if len(s.p.AstNodeIds) > 1 {
		if row, ok := s.f.rows[s.p.AstNodeIds[1]]; ok {
			e.ID += fmt.Sprintf(";%s;%d", cukeID(row.examples), row.index)
		}
	}
	for _, t := range s.p.Tags {
		e.Tags = append(e.Tags, cukeTag{Name: t.Name, Line: s.f.tagLines[t.AstNodeId]})
	}
	prev := s.start
	for i, st := range s.p.Steps {
		doc := s.f.step(st)
		cs := cukeStep{Keyword: doc.keyword, Name: st.Text, Line: doc.line, Match: cukeMatch{Location: location(st.Text)}}
		if arg := st.Argument; arg != nil {
			if arg.DocString != nil {
				cs.DocString = &cukeDocString{Value: arg.DocString.Content, ContentType: arg.DocString.MediaType}
			}
			if arg.DataTable != nil {
				for _, row := range arg.DataTable.Rows {
					var cells []string
					for _, c := range row.Cells {
						cells = append(cells, c.Value)
					}
					cs.Rows = append(cs.Rows, cukeRow{Cells: cells})
				}
			}
		}
		if i >= s.done {
			cs.Result.Status = skipped.String()
			if i == s.done {
				cs.Result = cukeResult{Status: failed.String(), Error: "did not run: the run ended first"}
			}
			e.Steps = append(e.Steps, cs)
			continue
		}
		res := s.steps[i]
		cs.Result.Status = res.status.String()
		var se *SkipError
		switch {
		case errors.As(res.err, &se):
			cs.Result.Error = se.Reason
		case res.err != nil && res.status != skipped:
			cs.Result.Error = res.err.Error()
		}
		if res.status == passed || res.status == failed {
			d := max(res.end.Sub(prev), 0).Nanoseconds()
			cs.Result.Duration = &d
		}
		prev = res.end
		e.Steps = append(e.Steps, cs)
	}
	return e
}
