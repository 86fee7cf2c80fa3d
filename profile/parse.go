package profile

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/netip"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// ParseError is one problem of a profile file, with its place.
type ParseError struct {
	File string // the file's name as given
	Line int    // 1-based; 0 when the problem is the whole file
	Path string // the key at fault, dotted: "postback.fields.sum"; "" for the file
	Msg  string // what is wrong and what is allowed
}

// Error reads "file:line: path: message".
func (e *ParseError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	b.WriteString(": ")
	if e.Path != "" {
		b.WriteString(e.Path + ": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// maxErrors bounds the problems one Parse reports.
const maxErrors = 20

// maxFileBytes bounds a profile file.
const maxFileBytes = 1 << 20

// namePattern is what a profile's or a setting's name looks like.
var namePattern = regexp.MustCompile(`^[a-z][a-z0-9_-]{0,63}$`)

// headerPattern is an HTTP header name (RFC 9110 token).
var headerPattern = regexp.MustCompile("^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")

// yamlLine finds the line in a yaml.v3 error message.
var yamlLine = regexp.MustCompile(`line (\d+)`)

// Parse reads a profile from data; file names it in errors. Every problem
// is a *ParseError with file, line and key (errors.Join of up to 20):
// unknown keys, missing required ones, values of the wrong kind or outside
// their set, templates with unknown placeholders, duplicate keys, YAML
// anchors and aliases (not supported, to keep files plain).
func Parse(file string, data []byte) (*Profile, error) {
	p := &parser{file: file}
	prof := p.parse(data)
	if len(p.errs) > 0 {
		return nil, errors.Join(p.errs...)
	}
	prof.File = file
	return prof, nil
}

// parser collects the problems of one file.
type parser struct {
	file string
	errs []error
	used map[string]bool // placeholders the templates use
	last int             // the file's last line: yaml.v3 may place an implicit null just past it
}

// errorf records a problem at n (nil: the whole file).
func (p *parser) errorf(n *yaml.Node, path, format string, args ...any) {
	if len(p.errs) >= maxErrors {
		return
	}
	line := 0
	if n != nil {
		line = min(n.Line, p.last)
	}
	p.errs = append(p.errs, &ParseError{File: p.file, Line: line, Path: path, Msg: fmt.Sprintf(format, args...)})
}

// parse decodes the document and walks it.
func (p *parser) parse(data []byte) *Profile {
	if len(data) > maxFileBytes {
		p.errorf(nil, "", "the file is larger than %d bytes", maxFileBytes)
		return nil
	}
	p.last = 1
	for _, sep := range []string{"\n", "\r", "\u0085", "\u2028", "\u2029"} {
		p.last += bytes.Count(data, []byte(sep))
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			p.errorf(nil, "", "the file is empty; a profile needs at least name, title, click and postback")
			return nil
		}
		p.yamlError(err)
		return nil
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		if err != nil {
			p.yamlError(err)
		} else {
			p.errorf(&extra, "", "a second YAML document; a profile file holds one")
		}
		return nil
	}
	if !p.plain(&doc) {
		return nil
	}
	root := &doc
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = root.Content[0]
	}
	if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
		p.errorf(nil, "", "the file is empty; a profile needs at least name, title, click and postback")
		return nil
	}
	m := p.mapping(root, "", true, keysOf("")...)
	if m == nil {
		return nil
	}
	prof := &Profile{settings: map[string]*Setting{}}
	prof.Name = p.name(m.need("name"), "name")
	prof.Title = p.str(m.need("title"), "title")
	if n := m.get("verified"); n != nil {
		prof.Verified = p.boolean(n, "verified")
	}
	if n := m.get("doc"); n != nil {
		prof.Doc = p.str(n, "doc")
	}
	if n := m.get("sources"); n != nil {
		prof.Sources = p.strList(n, "sources")
	}
	if n := m.get("settings"); n != nil {
		p.settings(n, prof.settings)
	}
	p.click(m.need("click"), prof)
	if n := m.get("campaigns"); n != nil {
		prof.campaigns = p.campaigns(n, prof.settings)
	}
	prof.visitors = p.visitors(m.get("visitors"))
	p.postback(m.need("postback"), prof)
	if n := m.get("ins"); n != nil {
		prof.ins = p.ins(n, prof.settings)
	}
	if n := m.get("read"); n != nil {
		prof.read = p.read(n, prof.settings)
	}
	if n := m.get("features"); n != nil {
		prof.features = p.features(n)
	} else {
		prof.features = Features{Dedup: DedupNone, PayoutPerClick: PayoutMany}
	}
	if sn := m.get("settings"); sn != nil && sn.Kind == yaml.MappingNode {
		for _, name := range slices.Sorted(maps.Keys(prof.settings)) {
			if !p.used[name] {
				p.errorf(keyNode(sn, name), join("settings", name), "no template uses {%s}; remove it or use it", name)
			}
		}
	}
	return prof
}

// yamlError turns a yaml.v3 error into ParseErrors with the line it names.
func (p *parser) yamlError(err error) {
	var te *yaml.TypeError
	msgs := []string{err.Error()}
	if errors.As(err, &te) {
		msgs = te.Errors
	}
	for _, msg := range msgs {
		line := 0
		if m := yamlLine.FindStringSubmatch(msg); m != nil {
			line, _ = strconv.Atoi(m[1])
		}
		msg = strings.TrimPrefix(msg, "yaml: ")
		if line > 0 {
			msg = strings.TrimPrefix(yamlLine.ReplaceAllString(msg, ""), ": ")
		}
		if len(p.errs) < maxErrors {
			p.errs = append(p.errs, &ParseError{File: p.file, Line: line, Msg: "not valid YAML: " + strings.TrimSpace(msg)})
		}
	}
}

// plain refuses anchors, aliases and merge keys anywhere in the tree.
func (p *parser) plain(n *yaml.Node) bool {
	ok := true
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		if n.Kind == yaml.AliasNode || n.Anchor != "" {
			p.errorf(n, "", "YAML anchors and aliases are not supported in a profile; write the value out")
			ok = false
			return
		}
		if n.Tag == "!!merge" {
			p.errorf(n, "", "YAML merge keys (<<) are not supported in a profile")
			ok = false
			return
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(n)
	return ok
}

// mapping is a YAML mapping whose keys were checked.
type mapping struct {
	node *yaml.Node
	path string
	vals map[string]*yaml.Node
	keys []string // in file order
	p    *parser
}

// get returns the value of key, or nil.
func (m *mapping) get(key string) *yaml.Node {
	if m == nil {
		return nil
	}
	return m.vals[key]
}

// need returns the value of key, reporting it missing.
func (m *mapping) need(key string) *yaml.Node {
	if m == nil {
		return nil
	}
	n := m.vals[key]
	if n == nil {
		m.p.errorf(m.node, m.path, "missing key %s", key)
	}
	return n
}

// join makes a child path.
func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// mapping checks that n is a mapping whose keys are among allowed (any key
// when allowed is empty and fixed is false); it reports unknown and
// duplicate keys and returns nil when n is not a mapping.
func (p *parser) mapping(n *yaml.Node, path string, fixed bool, allowed ...string) *mapping {
	if n == nil {
		return nil
	}
	if n.Kind != yaml.MappingNode {
		if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
			return &mapping{node: n, path: path, vals: map[string]*yaml.Node{}, p: p}
		}
		what := "a mapping (key: value lines)"
		if path == "" {
			what = "a YAML mapping at the top (name:, title:, click:, postback: …)"
		}
		p.errorf(n, path, "want %s, not %s", what, kind(n))
		return nil
	}
	m := &mapping{node: n, path: path, vals: map[string]*yaml.Node{}, p: p}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			p.errorf(k, path, "a key must be a plain name, not %s", kind(k))
			continue
		}
		key := k.Value
		if prev, dup := m.vals[key]; dup {
			p.errorf(k, join(path, key), "given twice (first on line %d)", prevKeyLine(n, prev))
			continue
		}
		if fixed && !slices.Contains(allowed, key) {
			p.errorf(k, join(path, key), "unknown key; allowed here: %s", strings.Join(allowed, ", "))
			continue
		}
		m.vals[key] = v
		m.keys = append(m.keys, key)
	}
	return m
}

// prevKeyLine finds the line of the key whose value is v.
func prevKeyLine(n, v *yaml.Node) int {
	for i := 1; i < len(n.Content); i += 2 {
		if n.Content[i] == v {
			return n.Content[i-1].Line
		}
	}
	return v.Line
}

// kind names a node's kind for errors.
func kind(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return "nothing (null)"
		}
		return fmt.Sprintf("the value %q", n.Value)
	}
	return "something else"
}

// str returns a scalar's text; numbers and booleans count as their text.
func (p *parser) str(n *yaml.Node, path string) string {
	if n == nil {
		return ""
	}
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		p.errorf(n, path, "want a text, not %s", kind(n))
		return ""
	}
	switch n.Tag {
	case "!!str", "!!int", "!!float", "!!bool", "!!timestamp", "":
	default:
		p.errorf(n, path, "YAML tag %s is not supported", n.Tag)
		return ""
	}
	return n.Value
}

// nonEmpty is str that refuses "".
func (p *parser) nonEmpty(n *yaml.Node, path string) string {
	s := p.str(n, path)
	if n != nil && s == "" && n.Kind == yaml.ScalarNode && n.Tag != "!!null" {
		p.errorf(n, path, "must not be empty")
	}
	return s
}

// name returns a scalar that must look like a name.
func (p *parser) name(n *yaml.Node, path string) string {
	s := p.str(n, path)
	if n != nil && s != "" && !namePattern.MatchString(s) {
		p.errorf(n, path, "%q is not a name: lowercase letters, digits, _ and -, starting with a letter, at most 64", s)
	}
	return s
}

// boolean returns a YAML boolean.
func (p *parser) boolean(n *yaml.Node, path string) bool {
	if n.Kind != yaml.ScalarNode || n.Tag != "!!bool" {
		p.errorf(n, path, "want true or false, not %s", kind(n))
		return false
	}
	return n.Value == "true" || n.Value == "True" || n.Value == "TRUE"
}

// integer returns an integer in [lo, hi].
func (p *parser) integer(n *yaml.Node, path string, lo, hi int) int {
	if n.Kind != yaml.ScalarNode || n.Tag != "!!int" {
		p.errorf(n, path, "want a whole number from %d to %d, not %s", lo, hi, kind(n))
		return lo
	}
	v, err := strconv.Atoi(n.Value)
	if err != nil || v < lo || v > hi {
		p.errorf(n, path, "want a whole number from %d to %d, not %s", lo, hi, n.Value)
		return lo
	}
	return v
}

// enum returns a scalar that must be one of allowed.
func (p *parser) enum(n *yaml.Node, path string, allowed ...string) string {
	s := p.str(n, path)
	if n != nil && !slices.Contains(allowed, s) && n.Kind == yaml.ScalarNode && n.Tag != "!!null" {
		p.errorf(n, path, "%q is not allowed; allowed: %s", s, strings.Join(allowed, ", "))
		return allowed[0]
	}
	return s
}

// strList returns a list of texts; a single text counts as a list of one.
func (p *parser) strList(n *yaml.Node, path string) []string {
	if n.Kind == yaml.ScalarNode && n.Tag != "!!null" {
		return []string{p.str(n, path)}
	}
	if n.Kind != yaml.SequenceNode {
		p.errorf(n, path, "want a list of texts, not %s", kind(n))
		return nil
	}
	out := make([]string, 0, len(n.Content))
	for i, c := range n.Content {
		out = append(out, p.str(c, fmt.Sprintf("%s[%d]", path, i)))
	}
	return out
}

// strMap returns a mapping of texts; keys are checked by key (nil: any).
func (p *parser) strMap(n *yaml.Node, path string, key func(k string) error) (map[string]string, map[string]*yaml.Node) {
	m := p.mapping(n, path, false)
	if m == nil {
		return nil, nil
	}
	out := map[string]string{}
	nodes := map[string]*yaml.Node{}
	for _, k := range m.keys {
		v := m.vals[k]
		if key != nil {
			if err := key(k); err != nil {
				p.errorf(keyNode(m.node, k), join(path, k), "%v", err)
				continue
			}
		}
		out[k] = p.str(v, join(path, k))
		nodes[k] = v
	}
	return out, nodes
}

// keyNode finds the key node named k in mapping n.
func keyNode(n *yaml.Node, k string) *yaml.Node {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == k {
			return n.Content[i]
		}
	}
	return n
}

// tpl parses a template at n.
func (p *parser) tpl(n *yaml.Node, path string, esc escaping, allowed []string, settings map[string]*Setting) *template {
	if n == nil {
		return nil
	}
	s := p.str(n, path)
	t, err := parseTemplate(s, esc, allowed, settings)
	if err != nil {
		p.errorf(n, path, "%v", err)
		return nil
	}
	if p.used == nil {
		p.used = map[string]bool{}
	}
	for _, name := range t.names() {
		p.used[name] = true
	}
	return t
}

// settings parses settings:.
func (p *parser) settings(n *yaml.Node, out map[string]*Setting) {
	m := p.mapping(n, "settings", false)
	if m == nil {
		return
	}
	for _, name := range m.keys {
		path := join("settings", name)
		kn := keyNode(m.node, name)
		if !namePattern.MatchString(name) || strings.Contains(name, "-") {
			p.errorf(kn, path, "%q is not a setting name: lowercase letters, digits and _, starting with a letter", name)
			continue
		}
		if slices.Contains(builtins(), name) {
			p.errorf(kn, path, "{%s} is built in (%s); choose another name", name, strings.Join(builtins(), ", "))
			continue
		}
		s := &Setting{Name: name}
		sm := p.mapping(m.vals[name], path, true, keysOf("settings.*")...)
		if sm == nil {
			continue
		}
		s.Doc = p.nonEmpty(sm.need("doc"), join(path, "doc"))
		if v := sm.get("secret"); v != nil {
			s.Secret = p.boolean(v, join(path, "secret"))
		}
		if v := sm.get("default"); v != nil {
			s.Default, s.HasDefault = p.str(v, join(path, "default")), true
		}
		out[name] = s
	}
}

// click parses click:.
func (p *parser) click(n *yaml.Node, prof *Profile) {
	m := p.mapping(n, "click", true, keysOf("click")...)
	if m == nil {
		return
	}
	c := &prof.click
	c.url = p.tpl(m.need("url"), "click.url", escURL, []string{phTracker, phAPI, phCampaign, phRole}, prof.settings)
	c.idFrom = IDFromLocation
	if v := m.get("id_from"); v != nil {
		c.idFrom = p.enum(v, "click.id_from", IDFromLocation, IDFromJSON)
	}
	c.clickbank = map[string]string{RoleAffiliate: "tid", RoleVendor: "vtid"}
	if v := m.get("clickbank"); v != nil {
		if cm := p.mapping(v, "click.clickbank", true, keysOf("click.clickbank")...); cm != nil {
			for _, r := range roles() {
				rv := cm.get(r)
				switch {
				case rv == nil:
				case r == RoleVendor && p.str(rv, join("click.clickbank", r)) != "vtid":
					p.errorf(rv, join("click.clickbank", r), "%q is not allowed: a vendor's click id comes back only as vtid, the one pay-link parameter ClickBank returns in a vendor's postback", p.str(rv, ""))
				default:
					c.clickbank[r] = p.enum(rv, join("click.clickbank", r), clickBankCarriers(r)...)
				}
			}
		}
	}
	// The offer URL is ClickBank's link: unless the profile says otherwise,
	// the tracker fills the parameter that carries the click id at ClickBank.
	c.param = maps.Clone(c.clickbank)
	if v := m.get("param"); v != nil {
		if v.Kind == yaml.ScalarNode {
			s := p.nonEmpty(v, "click.param")
			c.param = map[string]string{RoleAffiliate: s, RoleVendor: s}
		} else if pm := p.mapping(v, "click.param", true, keysOf("click.param")...); pm != nil {
			for _, r := range roles() {
				c.param[r] = p.nonEmpty(pm.need(r), join("click.param", r))
			}
		}
	}
	if v := m.get("json"); v != nil {
		jm := p.mapping(v, "click.json", true, keysOf("click.json")...)
		if jm != nil {
			c.jsonID = p.nonEmpty(jm.need("id"), "click.json.id")
			if l := jm.get("landing"); l != nil {
				c.jsonLand = p.nonEmpty(l, "click.json.landing")
			}
		}
		if c.idFrom != IDFromJSON {
			p.errorf(v, "click.json", "only with id_from: json")
		}
	} else if c.idFrom == IDFromJSON {
		p.errorf(m.node, "click", "id_from: json needs json: {id: PATH} (where the click id is in the reply)")
	}
	if v := m.get("offer_url_macro"); v != nil {
		c.offerMacro = p.nonEmpty(v, "click.offer_url_macro")
	}
	if v := m.get("not_kept"); v != nil {
		c.notKept = p.str(v, "click.not_kept")
	}
}

// campaigns parses campaigns:.
func (p *parser) campaigns(n *yaml.Node, settings map[string]*Setting) *campaignSpec {
	m := p.mapping(n, "campaigns", true, keysOf("campaigns")...)
	if m == nil {
		return nil
	}
	c := &campaignSpec{}
	if v := m.get("title"); v != nil {
		c.title = p.tpl(v, "campaigns.title", escRaw, []string{phRole}, settings)
	} else {
		c.title, _ = parseTemplate("cbsim-{role}", escRaw, []string{phRole}, nil)
	}
	urlPH := []string{phTracker, phAPI, phRole, phTitle}
	if v := m.get("find"); v != nil {
		fm := p.mapping(v, "campaigns.find", true, keysOf("campaigns.find")...)
		if fm != nil {
			c.findURL = p.tpl(fm.need("url"), "campaigns.find.url", escURL, urlPH, settings)
			c.findList = p.optStr(fm, "list", "campaigns.find", "")
			c.findTitle = p.optStr(fm, "title_field", "campaigns.find", "title")
			c.findID = p.optStr(fm, "id_field", "campaigns.find", "id")
		}
	}
	if v := m.get("create"); v != nil {
		cm := p.mapping(v, "campaigns.create", true, keysOf("campaigns.create")...)
		if cm != nil {
			c.createURL = p.tpl(cm.need("url"), "campaigns.create.url", escURL, urlPH, settings)
			c.createBody = p.tpl(cm.need("body"), "campaigns.create.body", escJSON, []string{phRole, phTitle, phOfferURL}, settings)
			c.createID = p.optStr(cm, "id_field", "campaigns.create", "id")
		}
	}
	if m.get("find") == nil && m.get("create") == nil {
		p.errorf(m.node, "campaigns", "needs find:, create: or both")
	}
	return c
}

// optStr returns m's non-empty text at key, or def.
func (p *parser) optStr(m *mapping, key, path, def string) string {
	if v := m.get(key); v != nil {
		return p.nonEmpty(v, join(path, key))
	}
	return def
}

// DefaultIPRanges are the RFC 5737 documentation ranges visitors' addresses
// come from unless a profile says: TEST-NET-2 and TEST-NET-3, then
// TEST-NET-1 (762 addresses, each handed out once before any repeats).
func DefaultIPRanges() []netip.Prefix {
	return []netip.Prefix{netip.MustParsePrefix("198.51.100.0/24"), netip.MustParsePrefix("203.0.113.0/24"), netip.MustParsePrefix("192.0.2.0/24")}
}

// DefaultIPHeader is the header a visitor's address goes in.
const DefaultIPHeader = "X-Forwarded-For"

// visitors parses visitors: (n may be nil: the defaults).
func (p *parser) visitors(n *yaml.Node) visitorSpec {
	v := visitorSpec{ipHeader: DefaultIPHeader, ranges: DefaultIPRanges(), userAgents: UserAgents()}
	m := p.mapping(n, "visitors", true, keysOf("visitors")...)
	if m == nil {
		return v
	}
	if h := m.get("ip_header"); h != nil {
		s := p.nonEmpty(h, "visitors.ip_header")
		switch {
		case s == "none":
			v.ipHeader = ""
		case s != "" && !headerPattern.MatchString(s):
			p.errorf(h, "visitors.ip_header", "%q is not a header name (or none)", s)
		default:
			v.ipHeader = s
		}
	}
	if r := m.get("ip_ranges"); r != nil {
		v.ranges = nil
		for i, s := range p.strList(r, "visitors.ip_ranges") {
			pr, err := netip.ParsePrefix(s)
			if err != nil || pr != pr.Masked() {
				p.errorf(r, fmt.Sprintf("visitors.ip_ranges[%d]", i), "%q is not an address range in CIDR form (198.51.100.0/24)", s)
				continue
			}
			v.ranges = append(v.ranges, pr)
		}
		if len(v.ranges) == 0 {
			p.errorf(r, "visitors.ip_ranges", "needs at least one range")
		}
	}
	if u := m.get("user_agents"); u != nil {
		if u.Kind == yaml.ScalarNode {
			switch p.enum(u, "visitors.user_agents", "rotate", "none") {
			case "none":
				v.userAgents = nil
			default:
				v.userAgents = UserAgents()
			}
		} else {
			v.userAgents = p.strList(u, "visitors.user_agents")
			if len(v.userAgents) == 0 {
				p.errorf(u, "visitors.user_agents", "an empty list; say none to send none")
			}
		}
	}
	return v
}

// postback parses postback:.
func (p *parser) postback(n *yaml.Node, prof *Profile) {
	m := p.mapping(n, "postback", true, keysOf("postback")...)
	if m == nil {
		return
	}
	pb := &prof.postback
	pb.url = p.tpl(m.need("url"), "postback.url", escURL, []string{phTracker, phAPI}, prof.settings)
	fields, nodes := p.strMap(m.need("fields"), "postback.fields", func(k string) error {
		if !slices.Contains(postbackFields(), k) {
			return fmt.Errorf("not a postback field; allowed: %s", strings.Join(postbackFields(), ", "))
		}
		return nil
	})
	wire := map[string]string{}
	for _, k := range slices.Sorted(maps.Keys(fields)) {
		w := fields[k]
		if w == "" {
			p.errorf(nodes[k], join("postback.fields", k), "empty; leave the field out when the tracker has none")
			continue
		}
		if other, dup := wire[w]; dup {
			p.errorf(nodes[k], join("postback.fields", k), "%q is also %s's name; each wire name carries one field", w, other)
			continue
		}
		wire[w] = k
	}
	if fields != nil && fields[FieldClickID] == "" {
		p.errorf(m.get("fields"), "postback.fields", "needs click_id (the parameter that carries the click id)")
	}
	pb.fields = fields
	pb.extra = map[string]*template{}
	if v := m.get("extra"); v != nil {
		em := p.mapping(v, "postback.extra", false)
		if em != nil {
			for _, k := range em.keys {
				if k == "" {
					p.errorf(keyNode(em.node, k), "postback.extra", "an empty parameter name")
					continue
				}
				if t := p.tpl(em.vals[k], join("postback.extra", k), escRaw, []string{phTracker, phAPI}, prof.settings); t != nil {
					pb.extra[k] = t
				}
			}
		}
	}
	if v := m.get("refused"); v != nil {
		rm := p.mapping(v, "postback.refused", true, keysOf("postback.refused")...)
		if rm != nil {
			if s := rm.get("status"); s != nil {
				pb.refused.status = p.statusList(s, "postback.refused.status")
			}
			if b := rm.get("body_contains"); b != nil {
				for i, s := range p.strList(b, "postback.refused.body_contains") {
					if s == "" {
						p.errorf(b, fmt.Sprintf("postback.refused.body_contains[%d]", i), "an empty text matches every body")
					}
					pb.refused.body = append(pb.refused.body, s)
				}
			}
		}
	}
}

// ins parses ins:, the tracker's INS endpoint (docs/clickbank.md §6).
func (p *parser) ins(n *yaml.Node, settings map[string]*Setting) *insSpec {
	m := p.mapping(n, "ins", true, keysOf("ins")...)
	if m == nil {
		return nil
	}
	spec := &insSpec{url: p.tpl(m.need("url"), "ins.url", escURL, []string{phTracker, phAPI}, settings)}
	sn := m.need("secret_setting")
	if sn == nil {
		return spec
	}
	name := p.str(sn, "ins.secret_setting")
	switch s := settings[name]; {
	case name == "":
		p.errorf(sn, "ins.secret_setting", "empty; name the setting that holds the INS secret key")
	case s == nil:
		p.errorf(sn, "ins.secret_setting", "no setting %q is declared; declare it under settings: with secret: true", name)
	case !s.Secret:
		p.errorf(sn, "ins.secret_setting", "setting %q holds the INS secret key: mark it secret: true", name)
	default:
		spec.secret = name
		if p.used == nil {
			p.used = map[string]bool{}
		}
		p.used[name] = true
	}
	return spec
}

// statusList parses a list of HTTP statuses.
func (p *parser) statusList(n *yaml.Node, path string) []int {
	items := []*yaml.Node{n}
	if n.Kind == yaml.SequenceNode {
		items = n.Content
	}
	var out []int
	for i, c := range items {
		out = append(out, p.integer(c, fmt.Sprintf("%s[%d]", path, i), 100, 599))
	}
	if len(out) == 0 {
		p.errorf(n, path, "an empty list; leave status out for any status of 400 or more")
	}
	return out
}

// readPlaceholders are what a reader's templates may use.
func readPlaceholders() []string {
	return []string{phTracker, phAPI, phClickID, phDateFrom, phDateTo, phTimeFrom, phTimeTo}
}

// read parses read:.
func (p *parser) read(n *yaml.Node, settings map[string]*Setting) readSpec {
	r := readSpec{prefer: "http"}
	m := p.mapping(n, "read", true, keysOf("read")...)
	if m == nil {
		return r
	}
	if v := m.get("prefer"); v != nil {
		r.prefer = p.enum(v, "read.prefer", "http", "sql")
	}
	r.conversions = p.reader(m.need("conversions"), "read.conversions", settings)
	if v := m.get("clicks"); v != nil {
		r.clicks = p.reader(v, "read.clicks", settings)
	}
	return r
}

// reader parses one reader (http:, sql: or both).
func (p *parser) reader(n *yaml.Node, path string, settings map[string]*Setting) *readerSpec {
	m := p.mapping(n, path, true, keysOf("read.*")...)
	if m == nil {
		return nil
	}
	r := &readerSpec{}
	if v := m.get("http"); v != nil {
		r.http = p.httpReader(v, join(path, "http"), settings)
	}
	if v := m.get("sql"); v != nil {
		r.sql = p.sqlReader(v, join(path, "sql"), settings)
	}
	if m.get("http") == nil && m.get("sql") == nil {
		p.errorf(m.node, path, "needs http:, sql: or both")
	}
	return r
}

// keysOf returns the keys a section of the file allows, in the order
// errors list them; "" is the top, "*" stands for any name or kind
// (settings.*, read.* for conversions and clicks). Sections whose keys
// are free (settings, postback.fields, postback.extra, read.*.http.query,
// …) are not listed.
func keysOf(section string) []string {
	row := []string{"fields", "values", "params", "money", "rounding"}
	return map[string][]string{
		"":                   {"name", "title", "verified", "doc", "sources", "settings", "click", "campaigns", "visitors", "postback", "ins", "read", "features"},
		"ins":                {"url", "secret_setting"},
		"settings.*":         {"doc", "secret", "default"},
		"click":              {"url", "id_from", "param", "clickbank", "json", "offer_url_macro", "not_kept"},
		"click.param":        roles(),
		"click.clickbank":    roles(),
		"click.json":         {"id", "landing"},
		"campaigns":          {"title", "find", "create"},
		"campaigns.find":     {"url", "list", "title_field", "id_field"},
		"campaigns.create":   {"url", "body", "id_field"},
		"visitors":           {"ip_header", "ip_ranges", "user_agents"},
		"postback":           {"url", "fields", "extra", "refused"},
		"postback.refused":   {"status", "body_contains"},
		"read":               {"prefer", "conversions", "clicks"},
		"read.*":             {"http", "sql"},
		"read.*.http":        append([]string{"url", "method", "body", "auth", "query", "paging", "list", "total", "params_from"}, row...),
		"read.*.http.auth":   {"header", "query", "value"},
		"read.*.http.paging": {"style", "page_param", "offset_param", "size_param", "page_size", "first_page", "max_pages"},
		"read.*.sql":         append([]string{"driver", "dsn", "query"}, row...),
		"features":           {"conversion_types", "statuses", "dedup", "payout_per_click", "restart", "postback_token"},
	}[section]
}

// sections lists the sections keysOf knows.
func sections() []string {
	return []string{"", "settings.*", "ins", "click", "click.param", "click.clickbank", "click.json", "campaigns", "campaigns.find", "campaigns.create", "visitors",
		"postback", "postback.refused", "read", "read.*", "read.*.http", "read.*.http.auth", "read.*.http.paging", "read.*.sql", "features"}
}

// httpReader parses an HTTP reader.
func (p *parser) httpReader(n *yaml.Node, path string, settings map[string]*Setting) *httpSpec {
	m := p.mapping(n, path, true, keysOf("read.*.http")...)
	if m == nil {
		return nil
	}
	ph := readPlaceholders()
	h := &httpSpec{method: "GET", query: map[string]*template{}}
	h.url = p.tpl(m.need("url"), join(path, "url"), escURL, ph, settings)
	if v := m.get("method"); v != nil {
		h.method = p.enum(v, join(path, "method"), "GET", "POST")
	}
	if v := m.get("body"); v != nil {
		h.body = p.tpl(v, join(path, "body"), escJSON, ph, settings)
		if h.method != "POST" {
			p.errorf(v, join(path, "body"), "a body needs method: POST")
		}
	}
	if v := m.get("auth"); v != nil {
		am := p.mapping(v, join(path, "auth"), true, keysOf("read.*.http.auth")...)
		if am != nil {
			hdr, q := am.get("header"), am.get("query")
			switch {
			case hdr != nil && q != nil:
				p.errorf(am.node, join(path, "auth"), "give header: or query:, not both")
			case hdr != nil:
				h.authHdr = p.nonEmpty(hdr, join(path, "auth.header"))
				if h.authHdr != "" && !headerPattern.MatchString(h.authHdr) {
					p.errorf(hdr, join(path, "auth.header"), "%q is not a header name", h.authHdr)
				}
			case q != nil:
				h.authQuery = p.nonEmpty(q, join(path, "auth.query"))
			default:
				p.errorf(am.node, join(path, "auth"), "needs header: NAME or query: NAME")
			}
			h.authValue = p.tpl(am.need("value"), join(path, "auth.value"), escRaw, ph, settings)
		}
	}
	if v := m.get("query"); v != nil {
		qm := p.mapping(v, join(path, "query"), false)
		if qm != nil {
			for _, k := range qm.keys {
				if t := p.tpl(qm.vals[k], join(path, "query."+k), escRaw, ph, settings); t != nil {
					h.query[k] = t
				}
			}
		}
	}
	h.paging = p.paging(m.get("paging"), join(path, "paging"))
	if v := m.get("list"); v != nil {
		h.list = p.nonEmpty(v, join(path, "list"))
	}
	if v := m.get("total"); v != nil {
		h.total = p.nonEmpty(v, join(path, "total"))
	}
	h.rows = p.rows(m, path)
	if v := m.get("params_from"); v != nil {
		h.rows.paramsFrom = p.nonEmpty(v, join(path, "params_from"))
	}
	return h
}

// paging parses paging: (n may be nil: none).
func (p *parser) paging(n *yaml.Node, path string) pagingSpec {
	pg := pagingSpec{style: PagingNone, size: DefaultPageSize, first: 1, maxPages: DefaultMaxPages}
	m := p.mapping(n, path, true, keysOf("read.*.http.paging")...)
	if m == nil {
		return pg
	}
	pg.style = p.enum(m.need("style"), join(path, "style"), PagingNone, PagingPage, PagingOffset)
	pg.pageParam = p.optStr(m, "page_param", path, "")
	pg.offParam = p.optStr(m, "offset_param", path, "")
	pg.sizeParam = p.optStr(m, "size_param", path, "")
	if v := m.get("page_size"); v != nil {
		pg.size = p.integer(v, join(path, "page_size"), 1, 100_000)
	}
	if v := m.get("first_page"); v != nil {
		pg.first = p.integer(v, join(path, "first_page"), 0, 1)
	}
	if v := m.get("max_pages"); v != nil {
		pg.maxPages = p.integer(v, join(path, "max_pages"), 1, HardMaxPages)
	}
	switch pg.style {
	case PagingPage:
		if pg.pageParam == "" {
			p.errorf(m.node, path, "style: page needs page_param")
		}
		if m.get("offset_param") != nil {
			p.errorf(m.get("offset_param"), join(path, "offset_param"), "only with style: offset")
		}
	case PagingOffset:
		if pg.offParam == "" {
			p.errorf(m.node, path, "style: offset needs offset_param")
		}
		if m.get("page_param") != nil || m.get("first_page") != nil {
			p.errorf(m.node, path, "page_param and first_page are only for style: page")
		}
	case PagingNone:
		for _, k := range []string{"page_param", "offset_param", "size_param", "page_size", "first_page", "max_pages"} {
			if v := m.get(k); v != nil {
				p.errorf(v, join(path, k), "not with style: none")
			}
		}
	}
	return pg
}

// rows parses the keys shared by both readers.
func (p *parser) rows(m *mapping, path string) rowSpec {
	r := rowSpec{money: MoneyDecimal, rounding: RoundExact}
	fields, nodes := p.strMap(m.need("fields"), join(path, "fields"), func(k string) error {
		if !slices.Contains(readFields(), k) {
			return fmt.Errorf("not a field a reader maps; allowed: %s", strings.Join(readFields(), ", "))
		}
		return nil
	})
	for k, v := range fields {
		if v == "" {
			p.errorf(nodes[k], join(path, "fields."+k), "empty; leave the field out when the tracker has none")
		}
	}
	if fields != nil && fields[FieldClickID] == "" {
		p.errorf(m.get("fields"), join(path, "fields"), "needs click_id (where a row's click id is)")
	}
	r.fields = fields
	if v := m.get("values"); v != nil {
		vm := p.mapping(v, join(path, "values"), false)
		if vm != nil {
			r.values = map[string]map[string]string{}
			for _, k := range vm.keys {
				if _, ok := fields[k]; !ok {
					p.errorf(keyNode(vm.node, k), join(path, "values."+k), "maps values of a field that fields: does not give")
					continue
				}
				vals, _ := p.strMap(vm.vals[k], join(path, "values."+k), nil)
				r.values[k] = vals
			}
		}
	}
	if v := m.get("params"); v != nil {
		r.params, _ = p.strMap(v, join(path, "params"), nil)
	}
	if v := m.get("money"); v != nil {
		r.money = p.enum(v, join(path, "money"), MoneyDecimal, MoneyCents)
	}
	if v := m.get("rounding"); v != nil {
		r.rounding = p.enum(v, join(path, "rounding"), RoundExact, RoundHalfUp)
	}
	return r
}

// sqlReader parses a SQL reader.
func (p *parser) sqlReader(n *yaml.Node, path string, settings map[string]*Setting) *sqlSpec {
	m := p.mapping(n, path, true, keysOf("read.*.sql")...)
	if m == nil {
		return nil
	}
	s := &sqlSpec{}
	s.driver = p.enum(m.need("driver"), join(path, "driver"), "sqlite", "mysql", "postgres")
	s.dsn = p.tpl(m.need("dsn"), join(path, "dsn"), escRaw, nil, settings)
	qn := m.need("query")
	s.query = p.nonEmpty(qn, join(path, "query"))
	if s.query != "" && s.driver != "" {
		if err := checkPlaceholders(s.driver, s.query); err != nil {
			p.errorf(qn, join(path, "query"), "%v", err)
		}
	}
	s.rows = p.rows(m, path)
	return s
}

// checkPlaceholders checks that query takes the click id as its one
// parameter in the driver's syntax: ? for sqlite and mysql, $1 for
// postgres. String literals, quoted names and comments are skipped.
func checkPlaceholders(driver, query string) error {
	q, dollar := 0, map[string]int{}
	for i := 0; i < len(query); i++ {
		c := query[i]
		switch {
		case c == '\'' || c == '"' || c == '`':
			j := strings.IndexByte(query[i+1:], c)
			if j < 0 {
				return fmt.Errorf("an unclosed %c", c)
			}
			i += j + 1
		case c == '-' && i+1 < len(query) && query[i+1] == '-':
			j := strings.IndexByte(query[i:], '\n')
			if j < 0 {
				i = len(query)
			} else {
				i += j
			}
		case c == '/' && i+1 < len(query) && query[i+1] == '*':
			j := strings.Index(query[i+2:], "*/")
			if j < 0 {
				return fmt.Errorf("an unclosed /* comment")
			}
			i += j + 3
		case c == '?':
			q++
		case c == '$' && i+1 < len(query) && query[i+1] >= '0' && query[i+1] <= '9':
			j := i + 1
			for j < len(query) && query[j] >= '0' && query[j] <= '9' {
				j++
			}
			dollar[query[i:j]]++
			i = j - 1
		}
	}
	if driver == "postgres" {
		if q > 0 {
			return fmt.Errorf("postgres takes $1, not ?, for the click id")
		}
		for k := range dollar {
			if k != "$1" {
				return fmt.Errorf("the query takes one parameter, the click id ($1); it has %s", k)
			}
		}
		if dollar["$1"] == 0 {
			return fmt.Errorf("the query must take the click id as $1 (WHERE click_id = $1)")
		}
		return nil
	}
	if len(dollar) > 0 {
		return fmt.Errorf("%s takes ?, not $N, for the click id", driver)
	}
	if q != 1 {
		return fmt.Errorf("the query must take the click id as its one parameter, ? (WHERE click_id = ?); it has %d", q)
	}
	return nil
}

// features parses features:.
func (p *parser) features(n *yaml.Node) Features {
	f := Features{Dedup: DedupNone, PayoutPerClick: PayoutMany}
	m := p.mapping(n, "features", true, keysOf("features")...)
	if m == nil {
		return f
	}
	if v := m.get("conversion_types"); v != nil {
		f.ConversionTypes = p.boolean(v, "features.conversion_types")
	}
	if v := m.get("statuses"); v != nil {
		f.Statuses = p.boolean(v, "features.statuses")
	}
	if v := m.get("dedup"); v != nil {
		f.Dedup = p.enum(v, "features.dedup", DedupNone, DedupTransactionID, DedupEventID, DedupClick, DedupConfigurable)
	}
	if v := m.get("payout_per_click"); v != nil {
		f.PayoutPerClick = p.enum(v, "features.payout_per_click", PayoutMany, PayoutLast, PayoutFirst)
	}
	if v := m.get("restart"); v != nil {
		f.Restart = p.boolean(v, "features.restart")
	}
	if v := m.get("postback_token"); v != nil {
		f.PostbackToken = p.boolean(v, "features.postback_token")
	}
	return f
}
