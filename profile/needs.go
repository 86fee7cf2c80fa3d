package profile

// What a profile needs from its user, for `cbsim profiles` to list.

import (
	"maps"
	"slices"
)

// Reader kinds, as Config.Reader and read.prefer name them.
const (
	ReaderHTTP = "http"
	ReaderSQL  = "sql"
)

// Needs is what a user must give to bind a profile with one reader of
// conversions, as Bind checks it (given only the tracker's URL).
type Needs struct {
	// Reader is the reader of conversions: ReaderHTTP, ReaderSQL, or ""
	// when the profile reads nothing back (an observe-only tracker).
	Reader string
	// Default: Reader is the one used when the user names none.
	Default bool
	// Campaigns are the roles whose campaign must be given with
	// --campaign ROLE=ID: the click URL has {campaign} and the profile
	// cannot find or create one. Empty when it needs none or finds them.
	Campaigns []string
	// FindsCampaigns: a campaign the user does not give is found by its
	// title or created through the tracker's API (campaigns:).
	FindsCampaigns bool
	// Settings are the settings without a default that the click, the
	// postback and this reader use, sorted: each must be given
	// (--set NAME=VALUE; api_key also with --api-key).
	Settings []string
}

// Needs returns what binding p needs, once per reader of conversions it
// has, the default reader first; a profile that reads nothing has one
// Needs with Reader "".
func (p *Profile) Needs() []Needs {
	var kinds []string
	if c := p.read.conversions; c != nil {
		for _, k := range []string{p.read.prefer, ReaderHTTP, ReaderSQL} {
			if (k == ReaderHTTP && c.http != nil || k == ReaderSQL && c.sql != nil) && !slices.Contains(kinds, k) {
				kinds = append(kinds, k)
			}
		}
	}
	if len(kinds) == 0 {
		kinds = []string{""}
	}
	out := make([]Needs, 0, len(kinds))
	for i, k := range kinds {
		out = append(out, p.needs(k, i == 0))
	}
	return out
}

// needs is Needs for the reader of kind ("" = none), mirroring what Bind
// checks: the templates in use decide which settings are needed.
func (p *Profile) needs(kind string, isDefault bool) Needs {
	n := Needs{Reader: kind, Default: isDefault && kind != "", FindsCampaigns: p.campaigns != nil}
	used := []*template{p.click.url, p.postback.url}
	for _, w := range slices.Sorted(maps.Keys(p.postback.extra)) {
		used = append(used, p.postback.extra[w])
	}
	if c := p.campaigns; c != nil {
		used = append(used, c.title, c.findURL, c.createURL, c.createBody)
	}
	if kind != "" {
		conv, _ := p.read.conversions.pick(kind, true)
		clicks, _ := p.read.clicks.pick(kind, true)
		for _, r := range []*chosenReader{conv, clicks} {
			if r != nil {
				used = append(used, r.templates(false)...)
			}
		}
	}
	names := map[string]bool{}
	for _, tp := range used {
		for _, name := range tp.names() {
			names[name] = true
		}
	}
	for _, name := range slices.Sorted(maps.Keys(p.settings)) {
		if names[name] && !p.settings[name].HasDefault {
			n.Settings = append(n.Settings, name)
		}
	}
	if names[phCampaign] && p.campaigns == nil {
		n.Campaigns = roles()
	}
	return n
}
