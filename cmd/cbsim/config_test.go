package main

import (
	"bytes"
	"flag"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// configFlags are the flags of a command "test" in the config tests: one of
// each kind of flag value the commands use.
type configFlags struct {
	fs          *flag.FlagSet
	tracker     *string
	concurrency *int
	wait        *time.Duration
	failOnSkip  *bool
	apiKey      *string
	set         keyValues
	campaigns   campaignIDs
	types       []string
}

func newConfigFlags() *configFlags {
	c := &configFlags{fs: newFlags("test", "[flags]", &bytes.Buffer{}), set: keyValues{}, campaigns: campaignIDs{keyValues{}}}
	c.tracker = c.fs.String("tracker", "", "")
	c.concurrency = c.fs.Int("concurrency", 1, "")
	c.wait = c.fs.Duration("wait", 5*time.Second, "")
	c.failOnSkip = c.fs.Bool("fail-on-skip", false, "")
	c.apiKey = secretFlag(c.fs, "api-key", "")
	c.fs.Var(c.set, "set", "")
	c.fs.Var(c.campaigns, "campaign", "")
	c.fs.Var(&listFlag{add: func(s string) error { c.types = append(c.types, s); return nil }}, "conversion-type", "")
	return c
}

// got is what a case checks: every flag's value as text.
func (c *configFlags) got() map[string]string {
	return map[string]string{
		"tracker": *c.tracker, "concurrency": strings.TrimSpace(flagText(c.fs, "concurrency")), "wait": c.wait.String(),
		"fail-on-skip": flagText(c.fs, "fail-on-skip"), "api-key": *c.apiKey, "set": c.set.String(),
		"campaign": c.campaigns.String(), "conversion-type": strings.Join(c.types, "|"),
	}
}

func flagText(fs *flag.FlagSet, name string) string { return fs.Lookup(name).Value.String() }

// TestConfigure: a flag given wins, then $CBSIM_<COMMAND>_<FLAG>, then
// $CBSIM_<FLAG>, then the file, then the default; repeatable flags take
// lists; errors say where the bad value came from.
func TestConfigure(t *testing.T) {
	cases := []struct {
		name    string
		args    []string
		env     map[string]string
		file    string // cbsim.yaml in the working directory
		want    map[string]string
		wantErr string
	}{
		{name: "Defaults", want: map[string]string{"concurrency": "1", "wait": "5s", "fail-on-skip": "false", "tracker": ""}},
		{name: "FlagWins", args: []string{"--concurrency", "3"}, env: map[string]string{"CBSIM_TEST_CONCURRENCY": "4", "CBSIM_CONCURRENCY": "6"},
			file: "test:\n  concurrency: 5\n", want: map[string]string{"concurrency": "3"}},
		{name: "CommandEnvBeforeGenericEnv", env: map[string]string{"CBSIM_TEST_CONCURRENCY": "4", "CBSIM_CONCURRENCY": "6"},
			file: "test:\n  concurrency: 5\n", want: map[string]string{"concurrency": "4"}},
		{name: "GenericEnvBeforeFile", env: map[string]string{"CBSIM_CONCURRENCY": "6"},
			file: "test:\n  concurrency: 5\n", want: map[string]string{"concurrency": "6"}},
		{name: "EmptyEnvIsUnset", env: map[string]string{"CBSIM_TEST_CONCURRENCY": "", "CBSIM_CONCURRENCY": ""},
			file: "test:\n  concurrency: 5\n", want: map[string]string{"concurrency": "5"}},
		{name: "OtherCommandsEnvIgnored", env: map[string]string{"CBSIM_SERVE_TRACKER": "http://serve"}, want: map[string]string{"tracker": ""}},
		{name: "DashesAsUnderscores", env: map[string]string{"CBSIM_TEST_FAIL_ON_SKIP": "true", "CBSIM_API_KEY": "k"},
			want: map[string]string{"fail-on-skip": "true", "api-key": "k"}},
		{name: "FileScalars", file: "# cbsim.yaml\ntest:\n  tracker: http://127.0.0.1:8800\n  wait: 2s\n  fail-on-skip: true\n  api-key: k\n",
			want: map[string]string{"tracker": "http://127.0.0.1:8800", "wait": "2s", "fail-on-skip": "true", "api-key": "k"}},
		{name: "FileNullIsUnset", file: "test:\n  concurrency:\n  tracker: ~\n", want: map[string]string{"concurrency": "1", "tracker": ""}},
		{name: "FileOtherSectionsIgnored", file: "serve:\n  addr: 127.0.0.1:8080\n  no-such-flag: 1\ntracker:\n", want: map[string]string{"concurrency": "1"}},
		{name: "EnvListOnCommas", env: map[string]string{"CBSIM_TEST_SET": "a=1, b=2,", "CBSIM_TEST_CONVERSION_TYPE": "A,B:ignore"},
			want: map[string]string{"set": "a=1,b=2", "conversion-type": "A|B:ignore"}},
		{name: "EnvListOnNewlines", env: map[string]string{"CBSIM_TEST_SET": "a=1,2\nb=3\n"}, want: map[string]string{"set": "a=1,2,b=3"}},
		{name: "EnvBareCampaign", env: map[string]string{"CBSIM_TEST_CAMPAIGN": "123,vendor=456"}, want: map[string]string{"campaign": "affiliate=123,vendor=456"}},
		{name: "EnvScalarKeepsCommas", env: map[string]string{"CBSIM_TEST_TRACKER": "a,b"}, want: map[string]string{"tracker": "a,b"}},
		{name: "FileMapping", file: "test:\n  campaign:\n    affiliate: \"123\"\n    vendor: 456\n  set: {ptoken: s3cret}\n",
			want: map[string]string{"campaign": "affiliate=123,vendor=456", "set": "ptoken=s3cret"}},
		{name: "FileList", file: "test:\n  conversion-type: [OrderFormImpression, 'Sale:ignore']\n  campaign: [\"123\"]\n  set:\n    - a=1\n",
			want: map[string]string{"conversion-type": "OrderFormImpression|Sale:ignore", "campaign": "affiliate=123", "set": "a=1"}},
		{name: "FileAlias", file: "test:\n  tracker: &t http://a\n  api-key: *t\n", want: map[string]string{"tracker": "http://a", "api-key": "http://a"}},

		{name: "EnvBadValue", env: map[string]string{"CBSIM_TEST_CONCURRENCY": "x"}, wantErr: `$CBSIM_TEST_CONCURRENCY: invalid value "x" for --concurrency`},
		{name: "EnvBadListEntry", env: map[string]string{"CBSIM_SET": "a=1,b"}, wantErr: `$CBSIM_SET: entry 2 of 2 of --set is not NAME=VALUE`},
		{name: "FileBadValue", file: "test:\n  tracker: x\n\n  concurrency: many\n", wantErr: `cbsim.yaml:4: invalid value "many" for --concurrency`},
		{name: "FileBadListEntry", file: "test:\n  set:\n    - a=1\n    - b\n", wantErr: `cbsim.yaml:4: entry 2 of 2 of --set is not NAME=VALUE`},
		{name: "FileUnknownFlag", file: "test:\n  tracker: x\n  trackr: y\n", wantErr: `cbsim.yaml:3: test has no flag "trackr" (did you mean "tracker"?)`},
		{name: "FileUnknownSection", file: "tset:\n  tracker: x\n", wantErr: `cbsim.yaml:1: "tset" is not a command: the sections are buy, demo, fire, `},
		{name: "FileListForScalar", file: "test:\n  tracker: [a, b]\n", wantErr: `cbsim.yaml:2: --tracker takes a single value, not a list or a mapping`},
		{name: "FileMappingForList", file: "test:\n  conversion-type: {a: b}\n", wantErr: `cbsim.yaml:2: --conversion-type takes a value or a list of values`},
		{name: "FileNestedListEntry", file: "test:\n  set:\n    - [a=1]\n", wantErr: `cbsim.yaml:3: --set: each entry of the list must be a single value`},
		{name: "FileConfigKey", file: "test:\n  config: other.yaml\n", wantErr: `cbsim.yaml:2: test: the config file cannot name another config file`},
		{name: "FileTwice", file: "test:\n  tracker: a\n  tracker: b\n", wantErr: `cbsim.yaml:3: test: flag "tracker" given twice`},
		{name: "FileNotMapping", file: "- test\n", wantErr: `cbsim.yaml:1: want a mapping of command names`},
		{name: "FileSectionNotMapping", file: "test: [a]\n", wantErr: `cbsim.yaml:1: section test: want a mapping`},
		{name: "FileSyntax", file: "test:\n  tracker: [\n", wantErr: `cbsim.yaml: yaml:`},
		{name: "MissingConfigFlagFile", args: []string{"--config", "nope.yaml"}, wantErr: "config file: open nope.yaml"},
		{name: "MissingConfigEnvFile", env: map[string]string{"CBSIM_CONFIG": "nope.yaml"}, wantErr: "config file: open nope.yaml"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Chdir(t.TempDir())
			if c.file != "" {
				if err := os.WriteFile(configFile, []byte(c.file), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			f := newConfigFlags()
			if err := f.fs.Parse(c.args); err != nil {
				t.Fatal(err)
			}
			err := configure(f.fs, func(k string) (string, bool) { v, ok := c.env[k]; return v, ok }, configSections())
			switch {
			case c.wantErr != "" && (err == nil || !strings.Contains(err.Error(), c.wantErr)):
				t.Fatalf("error %v, want one saying %q", err, c.wantErr)
			case c.wantErr == "" && err != nil:
				t.Fatalf("error %v", err)
			}
			got := f.got()
			for k, want := range c.want {
				if got[k] != want {
					t.Errorf("--%s = %q, want %q", k, got[k], want)
				}
			}
		})
	}
}

// TestConfigFileNamed: --config and $CBSIM_CONFIG name a file anywhere,
// which is read instead of ./cbsim.yaml.
func TestConfigFileNamed(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	os.WriteFile(configFile, []byte("test:\n  tracker: from-cwd\n"), 0o644)
	other := filepath.Join(dir, "other.yaml")
	os.WriteFile(other, []byte("test:\n  tracker: from-other\n"), 0o644)
	for _, c := range []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{"WorkingDirectory", nil, nil, "from-cwd"},
		{"Flag", []string{"--config", other}, map[string]string{"CBSIM_CONFIG": configFile}, "from-other"},
		{"Env", nil, map[string]string{"CBSIM_CONFIG": other}, "from-other"},
		{"CommandEnv", nil, map[string]string{"CBSIM_TEST_CONFIG": other, "CBSIM_CONFIG": configFile}, "from-other"},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newConfigFlags()
			f.fs.Parse(c.args)
			if err := configure(f.fs, func(k string) (string, bool) { v, ok := c.env[k]; return v, ok }, configSections()); err != nil {
				t.Fatal(err)
			}
			if *f.tracker != c.want {
				t.Fatalf("--tracker = %q, want %q", *f.tracker, c.want)
			}
		})
	}
}

// TestSecretsOf: the secret flags, and the values of NAME=VALUE entries
// whose names look secret, are the secrets to mask.
func TestSecretsOf(t *testing.T) {
	f := newConfigFlags()
	f.fs.Parse([]string{"--api-key", "k1", "--set", "ptoken=t1", "--set", "DB_PASSWORD=p1", "--set", "Api-Key=k2",
		"--set", "x_secret=s1", "--set", "sub1=visible", "--campaign", "vendor=9"})
	var got []string
	for _, s := range secretsOf(f.fs) {
		got = append(got, s.holder+"="+s.value)
	}
	slices.Sort(got)
	if want := []string{"--api-key=k1", "--set Api-Key=k2", "--set DB_PASSWORD=p1", "--set ptoken=t1", "--set x_secret=s1"}; !slices.Equal(got, want) {
		t.Fatalf("secrets %q, want %q", got, want)
	}
}

// TestEveryCommandIsConfigurable: every command with flags worth
// configuring takes them from the environment — each case sets one
// through $CBSIM_<COMMAND>_<FLAG> and sees its effect — and from the
// config file, whose section for the command is checked (a bad key is an
// error). version, steps and macros read neither: a broken ./cbsim.yaml
// and their variables change nothing.
func TestEveryCommandIsConfigurable(t *testing.T) {
	clearEnv(t)
	cases := map[string]struct {
		env  string
		args []string
		want string // in stderr, exit 2; or, with code 0, in stdout
		code int
	}{
		"demo":    {env: "CBSIM_DEMO_TRACKER=http://127.0.0.1:1", want: "127.0.0.1:1", code: 1},
		"fire":    {env: "CBSIM_FIRE_DRY_RUN=true", args: []string{"--event", "initial_purchase", "--role", "affiliate", "--url", "http://127.0.0.1:1/p?c={tid}"}, want: "dry-run", code: 0},
		"init":    {env: "CBSIM_INIT_ROLE=buyer", args: []string{filepath.Join(t.TempDir(), "qa")}, want: `--role: unknown role "buyer"`, code: 2},
		"load":    {env: "CBSIM_LOAD_CONNECTIONS=0", args: []string{"--tracker", "http://127.0.0.1:1"}, want: "--connections must be at least 1", code: 2},
		"lint":    {env: "CBSIM_LINT_CONFIG=" + filepath.Join(t.TempDir(), "missing.yaml"), args: []string{"x.json"}, want: "config file: open", code: 2},
		"buy":     {env: "CBSIM_BUY_ACCEPT=maybe", args: []string{"http://127.0.0.1:1/"}, want: `--accept: answer 1 is "maybe"`, code: 2},
		"serve":   {env: "CBSIM_SERVE_JOURNAL_CAPACITY=0", want: "--journal-capacity must be at least 1", code: 2},
		"test":    {env: "CBSIM_TEST_CONCURRENCY=0", want: "--concurrency must be at least 1", code: 2},
		"tracker": {env: "CBSIM_TRACKER_MAX_CONNS=-1", args: []string{"--api-key", "k"}, want: "--max-conns must be positive", code: 2},
		"profile": {env: "CBSIM_PROFILE_WAIT=0s", args: []string{"check", "--profile", "prosper202", "--tracker", "http://127.0.0.1:1"}, want: "--wait must be a positive duration", code: 2},
	}
	plain := map[string][]string{"version": {"CBSIM_VERSION_JSON=true"}, "steps": {"CBSIM_STEPS_MARKDOWN=true"}, "macros": {"CBSIM_MACROS_JSON=true"}, "profiles": {"CBSIM_PROFILES_JSON=true"}, "ins": {"CBSIM_INS_SECRET=MYSECRETKEY42"}}
	for _, name := range slices.Sorted(maps.Keys(commands())) {
		t.Run(name, func(t *testing.T) {
			c, configurable := cases[name]
			_, isPlain := plain[name]
			if configurable == isPlain {
				t.Fatalf("cbsim %s is in neither or both tables of this test: say whether it is configurable", name)
			}
			_, _, help := cli(t, name, "-h")
			if configurable != strings.Contains(help, "-config") {
				t.Errorf("cbsim %s -h: --config shown %v, want %v:\n%s", name, !configurable, configurable, help)
			}
			if !configurable {
				t.Chdir(t.TempDir())
				os.WriteFile(configFile, []byte(name+":\n  no-such-flag: 1\nload:\n  rate: 5\n"), 0o644)
				_, before, _ := cli(t, name)
				for _, kv := range plain[name] {
					k, v, _ := strings.Cut(kv, "=")
					t.Setenv(k, v)
				}
				code, out, errs := cli(t, name)
				if code != 0 || out != before {
					t.Errorf("cbsim %s with a broken %s and %v: exit %d, output changed: %v\n%s", name, configFile, plain[name], code, out != before, errs)
				}
				return
			}
			k, v, _ := strings.Cut(c.env, "=")
			t.Setenv(k, v)
			run := cliStopped // a command that wrongly starts serving stops at once
			if name == "demo" {
				run = cli // it reports the tracker it cannot reach, not the cancelled context
			}
			code, out, errs := run(t, append([]string{name}, c.args...)...)
			got := errs
			if c.code == 0 {
				got = out + errs
			}
			if code != c.code || !strings.Contains(got, c.want) {
				t.Errorf("%s cbsim %s %v: exit %d; want %d and %q\n%s\n%s", c.env, name, c.args, code, c.code, c.want, out, errs)
			}
			last := help[strings.LastIndex(strings.TrimRight(help, "\n"), "\n")+1:]
			if want := "$CBSIM_" + strings.ToUpper(name) + "_<FLAG> or $CBSIM_<FLAG>, or under " + name + ": in cbsim.yaml"; !strings.Contains(last, want) {
				t.Errorf("cbsim %s -h ends with %q, want it to say %q", name, last, want)
			}
			t.Setenv(k, "")
			file := filepath.Join(t.TempDir(), "c.yaml")
			os.WriteFile(file, []byte(name+":\n  no-such-flag: 1\n"), 0o644)
			code, _, errs = cliStopped(t, append([]string{name, "--config", file}, c.args...)...)
			if want := file + `:2: ` + name + ` has no flag "no-such-flag"`; code != 2 || !strings.Contains(errs, want) {
				t.Errorf("cbsim %s with a bad key in its section: exit %d, %q; want 2 and %q", name, code, errs, want)
			}
		})
	}
}

// TestInitIsConfigured: cbsim init takes its flags from the environment
// and the config file like every command, DIR staying positional.
func TestInitIsConfigured(t *testing.T) {
	clearEnv(t)
	t.Setenv("CBSIM_INIT_ROLE", "vendor")
	dir := initProject(t)
	data, err := os.ReadFile(filepath.Join(dir, "integrations.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), `"role": "vendor"`) || strings.Contains(string(data), `"role": "affiliate"`) {
		t.Fatalf("CBSIM_INIT_ROLE=vendor: integrations.json is not the vendor's:\n%s", data)
	}
	t.Setenv("CBSIM_INIT_ROLE", "")
	file := filepath.Join(t.TempDir(), "c.yaml")
	os.WriteFile(file, []byte("init:\n  force: true\n"), 0o644)
	if code, _, errs := cli(t, "init", dir, "--config", file); code != 0 {
		t.Fatalf("init again with force: true in the file: exit %d, %s", code, errs)
	}
}

// TestConflictsNameTheSource: an error about a flag's presence says where
// its value came from when it was not the command line, and suggests the
// command's own variable when a variable every command reads caused it.
func TestConflictsNameTheSource(t *testing.T) {
	clearEnv(t)
	fire := []string{"fire", "--event", "initial_purchase", "--role", "affiliate", "--url", "http://127.0.0.1:1/p?c={tid}", "--dry-run"}
	cases := []struct {
		name string
		env  map[string]string
		file string // cbsim.yaml in the working directory
		args []string
		want []string
		not  []string
	}{
		{name: "GenericEnv", env: map[string]string{"CBSIM_TRACKER": "http://x"}, args: fire,
			want: []string{"--tracker (from $CBSIM_TRACKER) rebases an --integration file", "$CBSIM_<COMMAND>_TRACKER"}},
		{name: "CommandEnv", env: map[string]string{"CBSIM_FIRE_TRACKER": "http://x"}, args: fire,
			want: []string{"--tracker (from $CBSIM_FIRE_TRACKER) rebases"}, not: []string{"<COMMAND>"}},
		{name: "GenericBool", env: map[string]string{"CBSIM_TESTCONTAINERS_LOCAL": "true"}, args: []string{"test", "--tracker", "http://127.0.0.1:1"},
			want: []string{"--testcontainers-local (from $CBSIM_TESTCONTAINERS_LOCAL) configures a tracker container", "$CBSIM_<COMMAND>_TESTCONTAINERS_LOCAL"}},
		{name: "File", file: "test:\n  # the tracker under test\n  tracker: http://127.0.0.1:1\n", args: []string{"test", "--tracker-image", "x"},
			want: []string{"--tracker (from cbsim.yaml:3) points at a running tracker, --tracker-image starts one"}},
		{name: "CommandLine", args: []string{"test", "--tracker", "http://127.0.0.1:1", "--tracker-image", "x"},
			want: []string{"--tracker points at a running tracker, --tracker-image starts one"}, not: []string{"(from"}},
		{name: "Both", env: map[string]string{"CBSIM_TEST_TRACKER_DOCKERFILE": "Dockerfile"}, args: []string{"test", "--tracker-image", "x"},
			want: []string{"--tracker-image and --tracker-dockerfile (from $CBSIM_TEST_TRACKER_DOCKERFILE) are mutually exclusive"}},
		{name: "NeedsTracker", env: map[string]string{"CBSIM_OBSERVE_ONLY": "1"}, args: []string{"test"},
			want: []string{"--observe-only (from $CBSIM_OBSERVE_ONLY) needs --tracker"}},
		{name: "EmptyVendor", file: "fire:\n  vendor: ''\n", args: fire, want: []string{"--vendor (from cbsim.yaml:2) is empty"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Chdir(t.TempDir())
			if c.file != "" {
				os.WriteFile(configFile, []byte(c.file), 0o644)
			}
			for k, v := range c.env {
				t.Setenv(k, v)
			}
			code, _, errs := cli(t, c.args...)
			if code != 2 {
				t.Errorf("exit %d, want 2: %s", code, errs)
			}
			for _, w := range c.want {
				if !strings.Contains(errs, w) {
					t.Errorf("stderr %q lacks %q", errs, w)
				}
			}
			for _, n := range c.not {
				if strings.Contains(errs, n) {
					t.Errorf("stderr %q has %q", errs, n)
				}
			}
		})
	}
}

// TestValueErrorsSayWhatIsAllowed: a bad boolean or duration, from the
// command line, the environment or the file, says what would do.
func TestValueErrorsSayWhatIsAllowed(t *testing.T) {
	clearEnv(t)
	const boolWant, durWant = "want true or false (or 1/0)", "want a duration such as 5s, 250ms, 1m30s"
	file := filepath.Join(t.TempDir(), "c.yaml")
	os.WriteFile(file, []byte("test:\n  wait: soon\n"), 0o644)
	for _, c := range []struct {
		env  map[string]string
		args []string
		want string
	}{
		{nil, []string{"test", "--wait", "soon"}, `invalid value "soon" for flag -wait: ` + durWant},
		{nil, []string{"test", "--fail-on-skip=yes"}, `invalid boolean value "yes" for -fail-on-skip: ` + boolWant},
		{map[string]string{"CBSIM_TEST_FAIL_ON_SKIP": "yes"}, []string{"test"}, `$CBSIM_TEST_FAIL_ON_SKIP: invalid value "yes" for --fail-on-skip: ` + boolWant},
		{map[string]string{"CBSIM_TRACKER_IDLE_TIMEOUT": "60"}, []string{"tracker"}, `$CBSIM_TRACKER_IDLE_TIMEOUT: invalid value "60" for --idle-timeout: ` + durWant},
		{nil, []string{"test", "--config", file}, file + `:2: invalid value "soon" for --wait: ` + durWant},
		{map[string]string{"CBSIM_TEST_SEED": "-1"}, []string{"test"}, `$CBSIM_TEST_SEED: invalid value "-1" for --seed: want a whole number, 0 or more`},
	} {
		for k, v := range c.env {
			t.Setenv(k, v)
		}
		code, _, errs := cliStopped(t, c.args...)
		if code != 2 || !strings.Contains(errs, c.want) || strings.Contains(errs, "parse error") {
			t.Errorf("%v cbsim %v: exit %d, %q; want 2 and %q", c.env, c.args, code, errs, c.want)
		}
		for k := range c.env {
			t.Setenv(k, "")
		}
	}
}

// TestConfigErrorsExit2: a bad value from the environment or the file
// stops the command with exit 2 and says where it came from.
func TestConfigErrorsExit2(t *testing.T) {
	t.Setenv("CBSIM_SERVE_JOURNAL_CAPACITY", "lots")
	if code, _, errs := cliStopped(t, "serve", "--addr", "127.0.0.1:0"); code != 2 || !strings.Contains(errs, `cbsim serve: $CBSIM_SERVE_JOURNAL_CAPACITY: invalid value "lots" for --journal-capacity`) {
		t.Fatalf("exit %d, %q", code, errs)
	}
	t.Setenv("CBSIM_SERVE_JOURNAL_CAPACITY", "")
	file := filepath.Join(t.TempDir(), "c.yaml")
	os.WriteFile(file, []byte("tracker:\n  max-conns: none\n"), 0o644)
	if code, _, errs := cliStopped(t, "tracker", "--config", file, "--api-key", "k"); code != 2 || !strings.Contains(errs, file+`:2: invalid value "none" for --max-conns`) {
		t.Fatalf("exit %d, %q", code, errs)
	}
	if code, _, errs := cliStopped(t, "lint", "--config", filepath.Join(t.TempDir(), "missing.yaml"), "x.json"); code != 2 || !strings.Contains(errs, "cbsim lint: config file: open") {
		t.Fatalf("exit %d, %q", code, errs)
	}
}
