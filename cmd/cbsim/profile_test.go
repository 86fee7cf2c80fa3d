package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/cbsim/cbsim/profile"
	"github.com/cbsim/cbsim/profile/faketracker"
)

// Secrets of the fakes: none may show in what cbsim prints.
const (
	p202Key   = "p202-secret-key"
	orbPBKey  = "orbpbsecret"
	orbAPIKey = "orb-api-secret"
	wrongP202 = "wrong-secret-key"
	hopAff    = "https://affiliate.hop.clickbank.net/?vendor=sleepguide&tid="
	// hopAffExt is the hop link of a tracker whose click ids ClickBank's
	// TID would drop (Orbitra's UUIDs): the click id rides in extclid.
	hopAffExt  = "https://affiliate.hop.clickbank.net/?vendor=sleepguide&extclid="
	payLinkVen = "https://sleepguide.pay.clickbank.net/?cbitems=1&vtid="
)

// fakeProsper202 starts a fake Prosper202 (broken as b) with the
// affiliate's campaign at t202id 11 and the vendor's at 12.
func fakeProsper202(t *testing.T, b faketracker.Broken) *faketracker.Prosper202 {
	t.Helper()
	p, err := faketracker.NewProsper202(faketracker.Prosper202Options{APIKey: p202Key, Broken: b,
		Campaigns: []faketracker.Prosper202Campaign{
			{TrackerID: 11, Name: "Sleep Guide (affiliate)", OfferURL: hopAff + "[[subid]]"},
			{TrackerID: 12, Name: "Sleep Guide (vendor)", OfferURL: payLinkVen + "[[subid]]"},
		}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	return p
}

// fakeOrbitra starts a fake Orbitra with the campaigns sleep-aff and
// sleep-ven; it returns its URL and its database's read-only DSN.
func fakeOrbitra(t *testing.T) (string, string) {
	t.Helper()
	o, err := faketracker.NewOrbitra(faketracker.OrbitraOptions{PostbackKey: orbPBKey, APIKey: orbAPIKey,
		Campaigns: []faketracker.OrbitraCampaign{
			{Alias: "sleep-aff", Name: "Sleep Guide (affiliate)", OfferURL: hopAffExt + "{clickid}"},
			{Alias: "sleep-ven", Name: "Sleep Guide (vendor)", OfferURL: payLinkVen + "{clickid}"},
		}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(o.Close)
	return o.URL, "file:" + o.DBPath() + "?mode=ro"
}

// TestProfilesLists: cbsim profiles lists every bundled profile with what
// it needs and its sources; --json says the same as data; --source prints
// a profile's file.
func TestProfilesLists(t *testing.T) {
	names := []string{"binom", "cbsim", "everflow", "keitaro", "orbitra", "prosper202", "redtrack", "voluum"}
	code, out, errs := cli(t, "profiles")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, n := range names {
		if !strings.Contains(out, "\n"+n+" — ") && !strings.HasPrefix(out, n+" — ") {
			t.Errorf("cbsim profiles does not list %s:\n%s", n, out)
		}
	}
	for _, want := range []string{
		"verified   no: not checked against a real deployment",
		"reader     http (default): --api-key KEY",
		"sql (--reader sql): --set dsn=VALUE",
		"reader     sql (default): --set database=VALUE --set postback_key=VALUE",
		"--campaign affiliate=ID --campaign vendor=ID",
		"--set postback_key=VALUE (secret, never printed)",
		"sources    tracking202/prosper202@0286f4def4be219adefed3dae629f96e801f77e2 tracking202/redirect/dl.php",
		"reader     none: nothing is read back",
		"payout_per_click=last",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("cbsim profiles lacks %q:\n%s", want, out)
		}
	}

	code, out, errs = cli(t, "profiles", "--json")
	if code != 0 {
		t.Fatalf("--json: exit %d: %s", code, errs)
	}
	var ps []profileJSON
	if err := json.Unmarshal([]byte(out), &ps); err != nil {
		t.Fatalf("--json: %v\n%s", err, out)
	}
	if len(ps) != len(names) {
		t.Fatalf("--json lists %d profiles, want %d", len(ps), len(names))
	}
	for i, p := range ps {
		if p.Name != names[i] || p.Title == "" || len(p.Sources) == 0 && p.Name != "cbsim" {
			t.Errorf("--json profile %d = %+v", i, p)
		}
		if p.Name == "prosper202" && (p.Verified || len(p.Readers) != 2 || p.Readers[0].Kind != "http" || !p.Readers[0].Default ||
			p.Readers[1].Kind != "sql" || strings.Join(p.Readers[1].Settings, ",") != "dsn" || len(p.Campaigns.Required) != 2 ||
			p.Features.PayoutPerClick != profile.PayoutMany) {
			t.Errorf("--json prosper202 = %+v", p)
		}
	}

	code, out, _ = cli(t, "profiles", "--source", "orbitra")
	if code != 0 || !strings.HasPrefix(out, "# Orbitra") || !strings.Contains(out, "\nname: orbitra\n") {
		t.Errorf("--source orbitra: exit %d\n%s", code, out)
	}
	code, out, _ = cli(t, "profiles", "prosper202")
	if code != 0 || !strings.Contains(out, "  setup:\n    Set each ClickBank offer URL") || strings.Contains(out, "orbitra") {
		t.Errorf("profiles prosper202: exit %d\n%s", code, out)
	}
	for _, args := range [][]string{{"profiles", "nosuch"}, {"profiles", "--source"}, {"profiles", "a", "b"}} {
		if code, _, errs := cli(t, args...); code != 2 || errs == "" {
			t.Errorf("%v: exit %d (%q), want 2 with a message", args, code, errs)
		}
	}
}

// TestProfileCheck: cbsim profile check against the Prosper202 and
// Orbitra fakes passes with the right settings, and with a wrong campaign
// or API key fails naming the part and the fix; no secret is printed.
func TestProfileCheck(t *testing.T) {
	p202 := fakeProsper202(t, faketracker.NotBroken).URL
	p202Args := func(campaign, key string) []string {
		return []string{"profile", "check", "--profile", "prosper202", "--tracker", p202, "--api-key", key,
			"--campaign", "affiliate=" + campaign, "--campaign", "vendor=12", "--wait", "3s"}
	}
	// A fake Orbitra per run: it keeps no second click from one address
	// within 2 s, and two runs may start from the same visitor.
	orbArgs := func(campaign string, more ...string) []string {
		orb, orbDB := fakeOrbitra(t)
		return append([]string{"profile", "check", "--profile", "orbitra", "--tracker", orb, "--set", "postback_key=" + orbPBKey,
			"--set", "database=" + orbDB, "--campaign", "affiliate=" + campaign, "--campaign", "vendor=sleep-ven", "--wait", "3s"}, more...)
	}
	cases := []struct {
		name   string
		args   []string
		code   int
		want   []string // in stdout
		failed []string // parts that must fail
	}{
		{"Prosper202", p202Args("11", p202Key), 0,
			[]string{"ok      click", "ok      postback", "ok      read      found the probe conversion", "ok      refusal", "every part works"}, nil},
		{"Prosper202WrongCampaign", p202Args("99", p202Key), 1,
			[]string{"FAILED  click", "fix: check the campaign id (--campaign ROLE=ID)"}, []string{"click", "postback"}},
		{"Prosper202WrongAPIKey", p202Args("11", wrongP202), 1,
			[]string{"ok      click", "ok      postback", "FAILED  read", "fix: "}, []string{"read"}},
		{"OrbitraSQL", orbArgs("sleep-aff"), 0,
			[]string{"ok      click", "ok      postback", "ok      read      found the probe conversion", "every part works"}, nil},
		{"OrbitraWrongCampaign", orbArgs("nosuch"), 1, []string{"FAILED  click", "fix: "}, []string{"click"}},
		{"OrbitraHTTP", orbArgs("sleep-aff", "--reader", "http", "--api-key", orbAPIKey), 0,
			[]string{"ok      read      found the probe conversion"}, nil},
		{"OrbitraHTTPWrongAPIKey", orbArgs("sleep-aff", "--reader", "http", "--api-key", "orb-wrong-secret"), 1,
			[]string{"ok      postback", "FAILED  read", "fix: "}, []string{"read"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, errs := cli(t, c.args...)
			if code != c.code {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, c.code, out, errs)
			}
			for _, w := range c.want {
				if !strings.Contains(out, w) {
					t.Errorf("stdout lacks %q:\n%s", w, out)
				}
			}
			for _, part := range c.failed {
				if !strings.Contains(out, "FAILED  "+part) {
					t.Errorf("part %s did not fail:\n%s", part, out)
				}
			}
			for _, secret := range []string{p202Key, wrongP202, orbPBKey, orbAPIKey, "orb-wrong-secret"} {
				if strings.Contains(out+errs, secret) {
					t.Errorf("the secret %q is printed:\n%s\n%s", secret, out, errs)
				}
			}
		})
	}

	// --json: the same parts as data.
	code, out, errs := cli(t, append(p202Args("99", p202Key), "--json")...)
	var res struct {
		Profile string
		OK      bool
		Parts   []struct {
			Part, Detail, Fix string
			OK                bool
		}
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil || code != 1 || res.OK || res.Profile != "prosper202" ||
		len(res.Parts) != 4 || res.Parts[0].Part != profile.PartClick || res.Parts[0].OK || res.Parts[0].Fix == "" {
		t.Errorf("--json: exit %d, %v, %+v\n%s\n%s", code, err, res, out, errs)
	}
}

// TestProfileCheckUsage: bad flags exit 2 and say which flag gives what is
// missing.
func TestProfileCheckUsage(t *testing.T) {
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"NoSubcommand", []string{"profile"}, "want a subcommand: check"},
		{"UnknownSubcommand", []string{"profile", "probe"}, `unknown subcommand "probe"`},
		{"NoProfile", []string{"profile", "check", "--tracker", "http://127.0.0.1:9"}, "--profile is required"},
		{"NoTracker", []string{"profile", "check", "--profile", "prosper202"}, "--tracker is required"},
		{"UnknownProfile", []string{"profile", "check", "--profile", "nosuch", "--tracker", "http://127.0.0.1:9"}, `no bundled profile "nosuch"`},
		{"MissingKey", []string{"profile", "check", "--profile", "prosper202", "--tracker", "http://127.0.0.1:9",
			"--campaign", "affiliate=1", "--campaign", "vendor=2"}, "missing setting api_key"},
		{"MissingCampaign", []string{"profile", "check", "--profile", "prosper202", "--tracker", "http://127.0.0.1:9", "--api-key", "k",
			"--campaign", "affiliate=1"}, "(give --campaign vendor=ID)"},
		{"UnknownSetting", []string{"profile", "check", "--profile", "orbitra", "--tracker", "http://127.0.0.1:9",
			"--campaign", "a", "--campaign", "vendor=b", "--set", "postback_key=sekrit-pb", "--set", "databse=x"}, "unknown setting databse"},
		{"FlagsBeforeSubcommand", []string{"profile", "--wait", "0s", "check", "--profile", "prosper202", "--tracker", "http://127.0.0.1:9"},
			"--wait must be a positive duration"},
		{"BadReader", []string{"profile", "check", "--profile", "orbitra", "--tracker", "http://127.0.0.1:9", "--reader", "ftp"}, "--reader ftp: want http or sql"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, _, errs := cli(t, c.args...)
			if code != 2 || !strings.Contains(errs, c.want) {
				t.Fatalf("exit %d, stderr %q; want 2 saying %q", code, errs, c.want)
			}
			if strings.Contains(errs, "sekrit-pb") {
				t.Errorf("a secret setting is printed: %s", errs)
			}
		})
	}
}

// TestTestWithProfile: cbsim test --profile runs a mapping scenario
// against the Prosper202 fake through its profile, and fails against the
// fake's broken twin that records a wrong sum.
func TestTestWithProfile(t *testing.T) {
	run := func(t *testing.T, tracker string, more ...string) (int, string, string) {
		t.Helper()
		args := append([]string{"test", "--profile", "prosper202", "--tracker", tracker, "--api-key", p202Key,
			"--campaign", "affiliate=11", "--campaign", "vendor=12", "--features", "testdata/profile-features",
			"--format", "progress", "--wait", "2s"}, more...)
		return cli(t, args...)
	}
	// --set dsn=… is the profile's setting (a secret); --set src=… is
	// added to every postback, as without a profile.
	t.Run("Faithful", func(t *testing.T) {
		fake := fakeProsper202(t, faketracker.NotBroken)
		code, out, errs := run(t, fake.URL, "--set", "src=cbsim", "--set", "dsn=u:dsn-secret@tcp(127.0.0.1:1)/p202")
		if code != 0 || !strings.Contains(out, "1 scenarios (1 passed)") {
			t.Fatalf("exit %d\n%s\n%s", code, out, errs)
		}
		for _, secret := range []string{p202Key, "dsn-secret"} {
			if strings.Contains(out+errs, secret) {
				t.Errorf("the secret %q is printed:\n%s\n%s", secret, out, errs)
			}
		}
		if !strings.Contains(errs, "--set src is not a setting of profile prosper202") || strings.Contains(errs, "--set dsn is not") {
			t.Errorf("want a note that --set src goes to the postbacks, and none for the setting dsn:\n%s", errs)
		}
		postbacks := 0
		for _, r := range fake.Requests() {
			if r.Path != "/tracking202/static/gpb.php" {
				continue
			}
			postbacks++
			if !strings.Contains("&"+r.RawQuery, "&src=cbsim") || strings.Contains(r.RawQuery, "dsn") {
				t.Errorf("postback %s: want src=cbsim and no dsn", r.RawQuery)
			}
		}
		if postbacks == 0 {
			t.Error("the fake received no postback")
		}
	})
	// The broken twins: a wrong sum, a conversion under another click id.
	for _, c := range []struct {
		broken faketracker.Broken
		want   string
	}{
		{faketracker.BrokenSum, `but the tracker recorded ["1.00" "46.75"]`},
		{faketracker.BrokenClickID, "but the tracker recorded []"},
	} {
		t.Run("Broken_"+string(c.broken), func(t *testing.T) {
			code, out, errs := run(t, fakeProsper202(t, c.broken).URL, "--wait", "1s")
			if code != 1 || !strings.Contains(out, "1 failed") || !strings.Contains(out, c.want) {
				t.Fatalf("exit %d, want 1 with the scenario failed saying %q\n%s\n%s", code, c.want, out, errs)
			}
		})
	}
	t.Run("WrongAPIKey", func(t *testing.T) {
		code, out, errs := run(t, fakeProsper202(t, faketracker.NotBroken).URL, "--api-key", wrongP202)
		if code != 1 || !strings.Contains(errs, "cbsim profile check") || strings.Contains(out+errs, wrongP202) {
			t.Fatalf("exit %d, want 1 before the suite, the key hidden\n%s\n%s", code, out, errs)
		}
	})
}

// TestTestWithProfileUsage: --profile needs --tracker, and a profile's
// missing setting is a usage error naming its flag.
func TestTestWithProfileUsage(t *testing.T) {
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"NoTracker", []string{"test", "--profile", "prosper202"}, "--profile drives a running tracker: give its URL with --tracker"},
		{"Container", []string{"test", "--profile", "prosper202", "--tracker-image", "x"}, "give its URL with --tracker"},
		{"ReaderWithoutProfile", []string{"test", "--tracker", "http://127.0.0.1:9", "--reader", "sql"}, "--reader picks a profile's reader"},
		{"MissingKey", []string{"test", "--profile", "prosper202", "--tracker", "http://127.0.0.1:9", "--campaign", "affiliate=1",
			"--campaign", "vendor=2"}, "missing setting api_key: a Prosper202 API v3 key (202_api_keys), sent as Authorization Bearer (give --api-key KEY)"},
		{"MissingSetting", []string{"test", "--profile", "orbitra", "--tracker", "http://127.0.0.1:9", "--campaign", "affiliate=1",
			"--campaign", "vendor=2", "--set", "database=file:x.db"}, "(give --set postback_key=VALUE)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, _, errs := cli(t, c.args...)
			if code != 2 || !strings.Contains(errs, c.want) {
				t.Fatalf("exit %d, stderr %q; want 2 saying %q", code, errs, c.want)
			}
		})
	}
}
