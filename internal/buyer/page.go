package buyer

import (
	"bytes"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strings"

	"golang.org/x/net/html"
)

// Page is an HTML page the buyer landed on: where (after redirects), the
// status, the body, and its links and forms as a browser sees them.
type Page struct {
	URL    *url.URL // the page's address after every redirect
	Status int
	Body   []byte
	Via    []*url.URL // the redirects followed to get here, in order (not URL itself)

	links map[string]string // a link's id → its href, resolved
	order []string          // the links' ids in page order
	forms []Form
	title string
}

// Form is an HTML form: where it goes, how, and what it sends as it stands.
type Form struct {
	ID      string
	Action  *url.URL // resolved against the page; the page itself when the form names none
	Method  string   // GET or POST
	Fields  url.Values
	Buttons map[string][2]string // a submit button's id → its name and value
}

// Title returns the page's <title>.
func (p *Page) Title() string { return p.title }

// Link returns the resolved href of the link (or any element with href)
// whose id is id.
func (p *Page) Link(id string) (*url.URL, error) {
	h, ok := p.links[id]
	if !ok {
		return nil, fmt.Errorf("page %s has no link id=%q (links: %s)", p.URL, id, strings.Join(slices.Sorted(maps.Keys(p.links)), ", "))
	}
	return url.Parse(h)
}

// Links returns the ids of the page's links, in page order.
func (p *Page) Links() []string { return append([]string(nil), p.order...) }

// Form returns the form whose id is id, or that holds a submit button
// whose id is id.
func (p *Page) Form(id string) (Form, error) {
	var ids []string
	for _, f := range p.forms {
		if f.ID == id {
			return f, nil
		}
		if _, ok := f.Buttons[id]; ok {
			return f, nil
		}
		ids = append(ids, "form#"+f.ID)
		for b := range f.Buttons {
			ids = append(ids, "button#"+b)
		}
	}
	return Form{}, fmt.Errorf("page %s has no form or button id=%q (has: %s)", p.URL, id, strings.Join(ids, ", "))
}

// Text returns the page's visible text, whitespace collapsed.
func (p *Page) Text() string {
	doc, err := html.Parse(bytes.NewReader(p.Body))
	if err != nil {
		return ""
	}
	var b strings.Builder
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && (n.Data == "script" || n.Data == "style" || n.Data == "head") {
			return
		}
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
			b.WriteByte(' ')
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return strings.Join(strings.Fields(b.String()), " ")
}

// parse reads the page's links and forms.
func (p *Page) parse() error {
	doc, err := html.Parse(bytes.NewReader(p.Body))
	if err != nil {
		return fmt.Errorf("parse %s: %w", p.URL, err)
	}
	p.links = map[string]string{}
	var form *Form
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			a := attrs(n)
			switch n.Data {
			case "title":
				if n.FirstChild != nil {
					p.title = strings.TrimSpace(n.FirstChild.Data)
				}
			case "a":
				if id, href := a["id"], a["href"]; id != "" && href != "" {
					if u, err := p.URL.Parse(href); err == nil {
						if _, dup := p.links[id]; !dup {
							p.order = append(p.order, id)
						}
						p.links[id] = u.String()
					}
				}
			case "form":
				f := Form{ID: a["id"], Method: strings.ToUpper(a["method"]), Fields: url.Values{}, Buttons: map[string][2]string{}}
				if f.Method == "" {
					f.Method = "GET"
				}
				f.Action = p.URL
				if act := a["action"]; act != "" {
					if u, err := p.URL.Parse(act); err == nil {
						f.Action = u
					}
				}
				p.forms = append(p.forms, f)
				form = &p.forms[len(p.forms)-1]
				for c := n.FirstChild; c != nil; c = c.NextSibling {
					walk(c)
				}
				form = nil
				return
			case "input":
				if form != nil {
					typ := strings.ToLower(a["type"])
					switch {
					case typ == "submit" || typ == "image":
						if a["id"] != "" {
							form.Buttons[a["id"]] = [2]string{a["name"], a["value"]}
						}
					case (typ == "checkbox" || typ == "radio") && !has(n, "checked"):
					case a["name"] != "":
						form.Fields.Add(a["name"], a["value"])
					}
				}
			case "button":
				if form != nil && a["id"] != "" && (a["type"] == "" || strings.EqualFold(a["type"], "submit")) {
					form.Buttons[a["id"]] = [2]string{a["name"], a["value"]}
				}
			case "select":
				if form != nil && a["name"] != "" {
					if v, ok := selected(n); ok {
						form.Fields.Add(a["name"], v)
					}
				}
			case "textarea":
				if form != nil && a["name"] != "" {
					v := ""
					if n.FirstChild != nil {
						v = n.FirstChild.Data
					}
					form.Fields.Add(a["name"], v)
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return nil
}

// selected returns a select's chosen option's value: the one marked
// selected, else the first.
func selected(n *html.Node) (string, bool) {
	var first *html.Node
	var found *html.Node
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "option" {
			if first == nil {
				first = n
			}
			if has(n, "selected") && found == nil {
				found = n
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	if found == nil {
		found = first
	}
	if found == nil {
		return "", false
	}
	if v, ok := attrs(found)["value"]; ok {
		return v, true
	}
	if found.FirstChild != nil {
		return strings.TrimSpace(found.FirstChild.Data), true
	}
	return "", true
}

func attrs(n *html.Node) map[string]string {
	m := make(map[string]string, len(n.Attr))
	for _, a := range n.Attr {
		m[strings.ToLower(a.Key)] = a.Val
	}
	return m
}

func has(n *html.Node, key string) bool {
	for _, a := range n.Attr {
		if strings.EqualFold(a.Key, key) {
			return true
		}
	}
	return false
}
