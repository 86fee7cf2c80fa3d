package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/cbsim/cbsim/profile"
)

// runProfiles is `cbsim profiles`: the bundled tracker profiles, what each
// needs and where its facts came from; --source prints one's file.
func runProfiles(_ context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newPlainFlags("profiles", "[--json] [NAME] | --source NAME", stderr)
	asJSON := fs.Bool("json", false, "print the profiles as a JSON array")
	source := fs.Bool("source", false, "print the bundled profile NAME's file, to copy and adapt for your own tracker")
	if code := parseArgs(fs, args); code >= 0 {
		return code
	}
	if fs.NArg() > 1 {
		return usageError(fs, "want at most one profile name, got %q", fs.Args())
	}
	name := fs.Arg(0)
	if *source {
		if name == "" || *asJSON {
			return usageError(fs, "--source prints one bundled profile's file: give its NAME (and no --json)")
		}
		data, err := profile.BundledSource(name)
		if err != nil {
			return usageError(fs, "%v; bundled: %s", err, strings.Join(bundledNames(), ", "))
		}
		_, err = stdout.Write(data)
		return exitOfWrite(stderr, err)
	}
	ps := profile.Bundled()
	if name != "" {
		p, err := profile.Load(name)
		if err != nil {
			return usageError(fs, "%v", err)
		}
		ps = []*profile.Profile{p}
	}
	if *asJSON {
		out := make([]profileJSON, len(ps))
		for i, p := range ps {
			out[i] = describeJSON(p)
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return exitOfWrite(stderr, enc.Encode(out))
	}
	var b strings.Builder
	for i, p := range ps {
		if i > 0 {
			b.WriteString("\n")
		}
		describeText(&b, p, name != "")
	}
	if name == "" {
		b.WriteString("\nRun `cbsim profiles NAME` for a profile's setup notes, `cbsim profiles --source NAME` for its file.\n")
	}
	_, err := io.WriteString(stdout, b.String())
	return exitOfWrite(stderr, err)
}

// exitOfWrite reports a failed write of the output: exit 1, else 0.
func exitOfWrite(stderr io.Writer, err error) int {
	if err != nil {
		fmt.Fprintf(stderr, "cbsim profiles: %v\n", err)
		return 1
	}
	return 0
}

// bundledNames lists the bundled profiles' names.
func bundledNames() []string {
	var out []string
	for _, p := range profile.Bundled() {
		out = append(out, p.Name)
	}
	return out
}

// describeText writes one profile for people: verified or not, what it
// needs, its readers, settings and features, and its sources; withDoc
// adds its setup notes.
func describeText(b *strings.Builder, p *profile.Profile, withDoc bool) {
	needs := p.Needs()
	fmt.Fprintf(b, "%s — %s\n", p.Name, p.Title)
	row := func(label, text string) { fmt.Fprintf(b, "  %-10s %s\n", label, text) }
	more := func(text string) { fmt.Fprintf(b, "  %-10s %s\n", "", text) }
	if p.Verified {
		row("verified", "yes: checked against a real deployment")
	} else {
		row("verified", "no: not checked against a real deployment")
	}
	row("needs", "--tracker URL")
	more(campaignsText(needs[0]))
	for i, n := range needs {
		text := readerText(n)
		if i == 0 {
			row("reader", text)
		} else {
			more(text)
		}
	}
	for i, s := range p.Settings() {
		text := settingFlag(s.Name)
		if s.Secret {
			text += " (secret, never printed)"
		}
		if s.HasDefault && !s.Secret {
			text += fmt.Sprintf(" (default %q)", s.Default)
		} else if s.HasDefault {
			text += " (has a default, not shown)"
		}
		text += ": " + s.Doc
		if i == 0 {
			row("settings", text)
		} else {
			more(text)
		}
	}
	row("features", p.Features().String())
	if len(p.Sources) == 0 {
		row("sources", "none listed")
	}
	for i, s := range p.Sources {
		if i == 0 {
			row("sources", s)
		} else {
			more(s)
		}
	}
	row("file", p.File)
	if withDoc && p.Doc != "" {
		fmt.Fprintf(b, "  setup:\n")
		for _, l := range strings.Split(strings.TrimRight(p.Doc, "\n"), "\n") {
			fmt.Fprintf(b, "    %s\n", l)
		}
	}
}

// campaignsText says how the campaigns are given.
func campaignsText(n profile.Needs) string {
	switch {
	case len(n.Campaigns) > 0:
		return campaignFlags(n.Campaigns)
	case n.FindsCampaigns:
		return "--campaign ROLE=ID optional: a campaign not given is found by title or created through the API"
	}
	return "no campaign"
}

// readerText says what one reader of conversions needs.
func readerText(n profile.Needs) string {
	if n.Reader == "" {
		return "none: nothing is read back, only what was sent is asserted"
	}
	text := n.Reader
	if n.Default {
		text += " (default)"
	} else {
		text += " (--reader " + n.Reader + ")"
	}
	if len(n.Settings) == 0 {
		return text + ": no setting"
	}
	flags := make([]string, len(n.Settings))
	for i, s := range n.Settings {
		flags[i] = settingFlag(s)
	}
	return text + ": " + strings.Join(flags, " ")
}

// profileJSON is one profile in `cbsim profiles --json`.
type profileJSON struct {
	Name      string        `json:"name"`
	Title     string        `json:"title"`
	Verified  bool          `json:"verified"`
	File      string        `json:"file"`
	Doc       string        `json:"doc"`
	Campaigns campaignsJSON `json:"campaigns"`
	Readers   []readerJSON  `json:"readers"`
	Settings  []settingJSON `json:"settings"`
	Features  featuresJSON  `json:"features"`
	Sources   []string      `json:"sources"`
}

type campaignsJSON struct {
	Required       []string `json:"required"`         // roles whose --campaign must be given
	FoundOrCreated bool     `json:"found_or_created"` // a campaign not given is found or created
}

type readerJSON struct {
	Kind     string   `json:"kind"` // http or sql
	Default  bool     `json:"default"`
	Settings []string `json:"settings"` // settings to give when this reader is used (click and postback included)
}

type settingJSON struct {
	Name    string  `json:"name"`
	Flag    string  `json:"flag"`
	Doc     string  `json:"doc"`
	Secret  bool    `json:"secret"`
	Default *string `json:"default,omitempty"`
}

type featuresJSON struct {
	ConversionTypes bool   `json:"conversion_types"`
	Statuses        bool   `json:"statuses"`
	Dedup           string `json:"dedup"`
	PayoutPerClick  string `json:"payout_per_click"`
	Restart         bool   `json:"restart"`
	PostbackToken   bool   `json:"postback_token"`
}

// describeJSON is p as `cbsim profiles --json` prints it.
func describeJSON(p *profile.Profile) profileJSON {
	needs := p.Needs()
	f := p.Features()
	out := profileJSON{Name: p.Name, Title: p.Title, Verified: p.Verified, File: p.File, Doc: p.Doc,
		Campaigns: campaignsJSON{Required: append([]string{}, needs[0].Campaigns...), FoundOrCreated: needs[0].FindsCampaigns},
		Readers:   []readerJSON{}, Settings: []settingJSON{}, Sources: append([]string{}, p.Sources...),
		Features: featuresJSON{ConversionTypes: f.ConversionTypes, Statuses: f.Statuses, Dedup: f.Dedup,
			PayoutPerClick: f.PayoutPerClick, Restart: f.Restart, PostbackToken: f.PostbackToken}}
	for _, n := range needs {
		if n.Reader != "" {
			out.Readers = append(out.Readers, readerJSON{Kind: n.Reader, Default: n.Default, Settings: append([]string{}, n.Settings...)})
		}
	}
	for _, s := range p.Settings() {
		sj := settingJSON{Name: s.Name, Flag: settingFlag(s.Name), Doc: s.Doc, Secret: s.Secret}
		if s.HasDefault && !s.Secret { // a secret's default is never printed
			sj.Default = &s.Default
		}
		out.Settings = append(out.Settings, sj)
	}
	return out
}
