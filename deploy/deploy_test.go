package deploy

import (
	"errors"
	"fmt"
	"os"
	"path"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/cbsim/cbsim/load"

	"go.yaml.in/yaml/v3"
)

// The files under test, relative to this package.
const (
	jobFile      = "k8s/load-job.yaml"
	workflowFile = "ci/github-actions-load.yml"
)

// In an Indexed Job each pod carries its completion index in this
// annotation, and the control plane exposes it as the environment variable
// JOB_COMPLETION_INDEX, unless the container already declares that name
// (https://kubernetes.io/docs/tasks/job/indexed-parallel-processing-static/).
const (
	indexEnv        = "JOB_COMPLETION_INDEX"
	indexAnnotation = "batch.kubernetes.io/job-completion-index"
)

// parseShard reads "i/n" as cbsim load --shard does (load.ParseShard).
func parseShard(s string) (i, n int, err error) {
	sh, err := load.ParseShard(s)
	return sh.Index, sh.Count, err
}

// expandK8s expands s the way Kubernetes expands a container's command,
// args and env values: $(NAME) becomes NAME's value when env has it and
// stays as written when it does not; $$ becomes a single $, so $$(NAME)
// is the literal text $(NAME); any other $ is kept
// (https://kubernetes.io/docs/tasks/inject-data-application/define-command-argument-container/
// and the Container API's description of command and args).
func expandK8s(s string, env map[string]string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '$' || i+1 == len(s) {
			b.WriteByte(s[i])
			continue
		}
		switch s[i+1] {
		case '$':
			b.WriteByte('$')
			i++
		case '(':
			end := strings.IndexByte(s[i+2:], ')')
			if end < 0 { // no closing parenthesis: not a reference
				b.WriteString("$(")
				i++
				continue
			}
			name := s[i+2 : i+2+end]
			if v, ok := env[name]; ok {
				b.WriteString(v)
			} else {
				b.WriteString("$(" + name + ")")
			}
			i += 2 + end
		default:
			b.WriteByte('$')
		}
	}
	return b.String()
}

// job is the part of a batch/v1 Job these tests read.
type job struct {
	APIVersion string `yaml:"apiVersion"`
	Kind       string `yaml:"kind"`
	Spec       struct {
		CompletionMode string `yaml:"completionMode"`
		Completions    *int   `yaml:"completions"`
		Parallelism    *int   `yaml:"parallelism"`
		Template       struct {
			Spec struct {
				RestartPolicy string      `yaml:"restartPolicy"`
				Containers    []container `yaml:"containers"`
			} `yaml:"spec"`
		} `yaml:"template"`
	} `yaml:"spec"`
}

type container struct {
	Name    string   `yaml:"name"`
	Command []string `yaml:"command"`
	Args    []string `yaml:"args"`
	Env     []envVar `yaml:"env"`
}

type envVar struct {
	Name      string     `yaml:"name"`
	Value     string     `yaml:"value"`
	ValueFrom *envSource `yaml:"valueFrom"`
}

type envSource struct {
	FieldRef *fieldRef `yaml:"fieldRef"`
}

type fieldRef struct {
	FieldPath string `yaml:"fieldPath"`
}

// podEnv is the environment of container c in the pod of completion index
// index, as the kubelet resolves it: the control plane's JOB_COMPLETION_INDEX
// added when c does not declare it, then each variable in order, a value
// expanded against the ones before it, a fieldRef read from the pod's
// annotations.
func podEnv(c container, index int) (map[string]string, error) {
	annotations := map[string]string{indexAnnotation: strconv.Itoa(index)}
	vars := c.Env
	declared := false
	for _, v := range vars {
		declared = declared || v.Name == indexEnv
	}
	if !declared {
		auto := envVar{Name: indexEnv, ValueFrom: &envSource{
			FieldRef: &fieldRef{FieldPath: "metadata.annotations['" + indexAnnotation + "']"},
		}}
		vars = append(vars[:len(vars):len(vars)], auto)
	}
	env := map[string]string{}
	for _, v := range vars {
		switch {
		case v.ValueFrom == nil:
			env[v.Name] = expandK8s(v.Value, env)
		case v.ValueFrom.FieldRef != nil:
			fp := v.ValueFrom.FieldRef.FieldPath
			key, ok := strings.CutPrefix(fp, "metadata.annotations['")
			key, ok2 := strings.CutSuffix(key, "']")
			if !ok || !ok2 {
				return nil, fmt.Errorf("env %s: fieldPath %q: these tests read metadata.annotations['...'] only", v.Name, fp)
			}
			val, ok := annotations[key]
			if !ok {
				return nil, fmt.Errorf("env %s: the pod has no annotation %q", v.Name, key)
			}
			env[v.Name] = val
		default:
			return nil, fmt.Errorf("env %s: valueFrom other than fieldRef", v.Name)
		}
	}
	return env, nil
}

// flagValue returns the value of --name in args, written as two arguments
// or as --name=value, and its position; it must occur exactly once.
func flagValue(args []string, name string) (string, int, error) {
	val, at, found := "", -1, 0
	for i, a := range args {
		switch {
		case a == "--"+name && i+1 < len(args):
			val, at = args[i+1], i+1
			found++
		case a == "--"+name:
			return "", -1, fmt.Errorf("--%s is the last argument, with no value", name)
		case strings.HasPrefix(a, "--"+name+"="):
			val, at = strings.TrimPrefix(a, "--"+name+"="), i
			found++
		}
	}
	if found != 1 {
		return "", -1, fmt.Errorf("--%s occurs %d times in %q, want once", name, found, args)
	}
	return val, at, nil
}

// jobShardArg is the --shard argument an Indexed Job must pass:
// the index variable, a slash, the shard count.
var jobShardArg = regexp.MustCompile(`^\$\(` + indexEnv + `\)/([0-9]+)$`)

// checkJob checks how the Job hands out shards: Indexed, completions ==
// parallelism == n, --shard exactly $(JOB_COMPLETION_INDEX)/n, and pods
// 0..n-1 expanding it to the shards 0/n..n-1/n, each once, with every other
// argument the same in each pod.
func checkJob(data []byte) error {
	var j job
	if err := yaml.Unmarshal(data, &j); err != nil {
		return fmt.Errorf("parse: %w", err)
	}
	if j.APIVersion != "batch/v1" || j.Kind != "Job" {
		return fmt.Errorf("apiVersion %q kind %q, want batch/v1 Job", j.APIVersion, j.Kind)
	}
	if j.Spec.CompletionMode != "Indexed" {
		return fmt.Errorf("completionMode %q, want Indexed", j.Spec.CompletionMode)
	}
	if j.Spec.Completions == nil || j.Spec.Parallelism == nil {
		return errors.New("completions and parallelism must both be set")
	}
	completions, parallelism := *j.Spec.Completions, *j.Spec.Parallelism
	// A Job's pods may restart Never or OnFailure; Never keeps a failed
	// shard's pod, and its log, apart from a retry's.
	if rp := j.Spec.Template.Spec.RestartPolicy; rp != "Never" {
		return fmt.Errorf("restartPolicy %q, want Never", rp)
	}
	if len(j.Spec.Template.Spec.Containers) != 1 {
		return fmt.Errorf("%d containers, want 1", len(j.Spec.Template.Spec.Containers))
	}
	c := j.Spec.Template.Spec.Containers[0]
	if len(c.Command) > 0 {
		return fmt.Errorf("container %s sets command %q: the image's entrypoint is cbsim, give args only", c.Name, c.Command)
	}
	if len(c.Args) == 0 || c.Args[0] != "load" {
		return fmt.Errorf("container %s args %q, want load first", c.Name, c.Args)
	}
	raw, at, err := flagValue(c.Args, "shard")
	if err != nil {
		return err
	}
	m := jobShardArg.FindStringSubmatch(raw)
	if m == nil {
		return fmt.Errorf("--shard %q, want $(%s)/n", raw, indexEnv)
	}
	n, err := strconv.Atoi(m[1])
	if err != nil {
		return fmt.Errorf("--shard %q: %w", raw, err)
	}
	if completions != n || parallelism != n {
		return fmt.Errorf("completions %d, parallelism %d and --shard %q: want all three n = %d", completions, parallelism, raw, n)
	}
	seen := make([]bool, n)
	var first []string
	for index := range completions {
		env, err := podEnv(c, index)
		if err != nil {
			return fmt.Errorf("pod %d: %w", index, err)
		}
		args := make([]string, len(c.Args))
		for k, a := range c.Args {
			args[k] = expandK8s(a, env)
		}
		i, sn, err := parseShard(args[at])
		if err != nil {
			return fmt.Errorf("pod %d: %w", index, err)
		}
		if sn != n || i != index {
			return fmt.Errorf("pod %d runs shard %d/%d, want %d/%d", index, i, sn, index, n)
		}
		if seen[i] {
			return fmt.Errorf("pod %d: shard %d/%d runs twice", index, i, n)
		}
		seen[i] = true
		if first == nil {
			first = args
			continue
		}
		for k := range args {
			if k != at && args[k] != first[k] {
				return fmt.Errorf("pod %d argument %d is %q, pod 0's %q: only --shard may differ", index, k, args[k], first[k])
			}
		}
	}
	for i, ok := range seen {
		if !ok {
			return fmt.Errorf("no pod runs shard %d/%d", i, n)
		}
	}
	return nil
}

// workflow is the part of a GitHub Actions workflow these tests read.
type workflow struct {
	Jobs map[string]wfJob `yaml:"jobs"`
}

type wfJob struct {
	Needs    yaml.Node `yaml:"needs"` // a job id or a list of them
	Strategy struct {
		Matrix map[string]yaml.Node `yaml:"matrix"`
	} `yaml:"strategy"`
	Steps []wfStep `yaml:"steps"`
}

type wfStep struct {
	Name string            `yaml:"name"`
	Uses string            `yaml:"uses"`
	Run  string            `yaml:"run"`
	With map[string]string `yaml:"with"`
}

// needs lists the job ids j waits for.
func (j wfJob) needs() ([]string, error) {
	switch j.Needs.Kind {
	case 0:
		return nil, nil
	case yaml.ScalarNode:
		return []string{j.Needs.Value}, nil
	}
	var ids []string
	if err := j.Needs.Decode(&ids); err != nil {
		return nil, fmt.Errorf("needs: %w", err)
	}
	return ids, nil
}

// matrixShard is the expression that stands for the shard in a matrix job.
var matrixShard = regexp.MustCompile(`\$\{\{\s*matrix\.shard\s*\}\}`)

// wfShardArg is the --shard argument a matrix job must pass.
var wfShardArg = regexp.MustCompile(`--shard[= ]"?` + matrixShard.String() + `/([0-9]+)"?(\s|$)`)

// checkWorkflow checks how the workflow hands out shards: one job with a
// matrix shard of 0..n-1 running --shard ${{ matrix.shard }}/n, which each
// matrix value expands to its own shard; each shard's report written to the
// file it uploads under a name of its own; and a merge job that needs the
// shard job, downloads every upload and runs cbsim load merge on them.
func checkWorkflow(data []byte) error {
	var w workflow
	if err := yaml.Unmarshal(data, &w); err != nil {
		return fmt.Errorf("parse: %w", err)
	}
	shardID := ""
	for id, j := range w.Jobs {
		if _, ok := j.Strategy.Matrix["shard"]; ok {
			if shardID != "" {
				return fmt.Errorf("jobs %s and %s both have a matrix shard, want one", shardID, id)
			}
			shardID = id
		}
	}
	if shardID == "" {
		return errors.New("no job has a matrix shard")
	}
	sj := w.Jobs[shardID]
	var values []int
	node := sj.Strategy.Matrix["shard"]
	if err := node.Decode(&values); err != nil {
		return fmt.Errorf("job %s: matrix shard: want a list of whole numbers: %w", shardID, err)
	}

	var run, name, file string
	for _, s := range sj.Steps {
		if strings.Contains(s.Run, "--shard") {
			if run != "" {
				return fmt.Errorf("job %s: two steps pass --shard", shardID)
			}
			run = s.Run
		}
		if strings.HasPrefix(s.Uses, "actions/upload-artifact@") {
			name, file = s.With["name"], s.With["path"]
		}
	}
	if strings.Count(run, "--shard") != 1 {
		return fmt.Errorf("job %s: want one step passing --shard once", shardID)
	}
	m := wfShardArg.FindStringSubmatch(run)
	if m == nil {
		return fmt.Errorf("job %s: --shard in %q, want ${{ matrix.shard }}/n", shardID, run)
	}
	n, err := strconv.Atoi(m[1])
	if err != nil {
		return fmt.Errorf("job %s: %w", shardID, err)
	}
	if len(values) != n {
		return fmt.Errorf("job %s: matrix shard %v has %d values, --shard says n = %d", shardID, values, len(values), n)
	}
	if name == "" || file == "" {
		return fmt.Errorf("job %s: no upload-artifact step with a name and a path", shardID)
	}
	seen := make([]bool, n)
	names := map[string]bool{}
	var uploads []string // "name file" for each shard
	for _, v := range values {
		expand := func(s string) string { return matrixShard.ReplaceAllLiteralString(s, strconv.Itoa(v)) }
		args := strings.Fields(expand(run))
		val, _, err := flagValue(args, "shard")
		if err != nil {
			return fmt.Errorf("matrix shard %d: %w", v, err)
		}
		i, sn, err := parseShard(strings.Trim(val, `"'`))
		if err != nil {
			return fmt.Errorf("matrix shard %d: %w", v, err)
		}
		if sn != n || i != v {
			return fmt.Errorf("matrix shard %d runs shard %d/%d, want %d/%d", v, i, sn, v, n)
		}
		if seen[i] {
			return fmt.Errorf("shard %d/%d runs twice", i, n)
		}
		seen[i] = true
		an, af := expand(name), expand(file)
		if names[an] {
			return fmt.Errorf("matrix shard %d uploads as %q, like another shard", v, an)
		}
		names[an] = true
		if !strings.Contains(expand(run), "> "+af) {
			return fmt.Errorf("matrix shard %d uploads %s, but its report goes elsewhere: %q", v, af, expand(run))
		}
		uploads = append(uploads, an+" "+af)
	}
	for i, ok := range seen {
		if !ok {
			return fmt.Errorf("no matrix value runs shard %d/%d", i, n)
		}
	}

	for id, j := range w.Jobs {
		ids, err := j.needs()
		if err != nil {
			return fmt.Errorf("job %s: %w", id, err)
		}
		mergeRun := ""
		for _, s := range j.Steps {
			if strings.Contains(s.Run, "cbsim load merge") {
				mergeRun = s.Run
			}
		}
		if mergeRun == "" {
			continue
		}
		needsShard := false
		for _, x := range ids {
			needsShard = needsShard || x == shardID
		}
		if !needsShard {
			return fmt.Errorf("job %s merges but needs %v, not the shard job %s", id, ids, shardID)
		}
		return checkDownloads(id, j, mergeRun, uploads)
	}
	return errors.New("no job runs cbsim load merge")
}

// checkDownloads checks that merge job id downloads every upload (name
// file) into one folder and that its merge command names each file there.
func checkDownloads(id string, j wfJob, mergeRun string, uploads []string) error {
	var pattern, dir string
	found := false
	for _, s := range j.Steps {
		if strings.HasPrefix(s.Uses, "actions/download-artifact@") {
			pattern, dir, found = s.With["pattern"], s.With["path"], true
			if s.With["merge-multiple"] != "true" {
				return fmt.Errorf("job %s: download-artifact without merge-multiple: true puts each report in a folder of its own", id)
			}
		}
	}
	if !found || pattern == "" || dir == "" {
		return fmt.Errorf("job %s: no download-artifact step with a pattern and a path", id)
	}
	_, after, _ := strings.Cut(mergeRun, "cbsim load merge")
	globs := strings.Fields(after)
	for _, u := range uploads {
		name, file, _ := strings.Cut(u, " ")
		if ok, err := path.Match(pattern, name); err != nil || !ok {
			return fmt.Errorf("job %s: pattern %q does not download %q", id, pattern, name)
		}
		got := path.Join(dir, path.Base(file))
		matched := false
		for _, g := range globs {
			ok, err := path.Match(g, got)
			matched = matched || (err == nil && ok)
		}
		if !matched {
			return fmt.Errorf("job %s: cbsim load merge%s does not read %s", id, after, got)
		}
	}
	return nil
}

func readFile(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestJob(t *testing.T) {
	if err := checkJob(readFile(t, jobFile)); err != nil {
		t.Errorf("%s: %v", jobFile, err)
	}
}

func TestWorkflow(t *testing.T) {
	if err := checkWorkflow(readFile(t, workflowFile)); err != nil {
		t.Errorf("%s: %v", workflowFile, err)
	}
}

// edit is one change to a shipped file that its check must refuse.
type edit struct {
	name     string
	old, new string
	want     string // a part of the error
}

// refuses applies each edit to file and checks that check fails with the
// expected error: a proof that the checks above can fail.
func refuses(t *testing.T, file string, check func([]byte) error, edits []edit) {
	t.Helper()
	orig := string(readFile(t, file))
	for _, e := range edits {
		t.Run(e.name, func(t *testing.T) {
			if c := strings.Count(orig, e.old); c != 1 {
				t.Fatalf("%s has %q %d times, want once", file, e.old, c)
			}
			err := check([]byte(strings.Replace(orig, e.old, e.new, 1)))
			if err == nil || !strings.Contains(err.Error(), e.want) {
				t.Errorf("got %v, want an error with %q", err, e.want)
			}
		})
	}
}

func TestJobRefuses(t *testing.T) {
	refuses(t, jobFile, checkJob, []edit{
		{"NonIndexed", "completionMode: Indexed", "completionMode: NonIndexed", "want Indexed"},
		{"RestartOnFailure", "restartPolicy: Never", "restartPolicy: OnFailure", "want Never"},
		{"CompletionsUnset", "completions: 4", "", "must both be set"},
		{"FewerCompletions", "completions: 4", "completions: 3", "want all three n = 4"},
		{"MoreParallelism", "parallelism: 4", "parallelism: 5", "want all three n = 4"},
		{"OtherCount", `- "$(JOB_COMPLETION_INDEX)/4"`, `- "$(JOB_COMPLETION_INDEX)/8"`, "want all three n = 8"},
		{"Escaped", `- "$(JOB_COMPLETION_INDEX)/4"`, `- "$$(JOB_COMPLETION_INDEX)/4"`, "want $(JOB_COMPLETION_INDEX)/n"},
		{"ShellSpelling", `- "$(JOB_COMPLETION_INDEX)/4"`, `- "$JOB_COMPLETION_INDEX/4"`, "want $(JOB_COMPLETION_INDEX)/n"},
		{"Fixed", `- "$(JOB_COMPLETION_INDEX)/4"`, `- "0/4"`, "want $(JOB_COMPLETION_INDEX)/n"},
		{"NoShard", "- --shard\n", "- --no-shard\n", "--shard occurs 0 times"},
		{"WrongAnnotation", "fieldPath: metadata.annotations['batch.kubernetes.io/job-completion-index']",
			"fieldPath: metadata.annotations['example.com/index']", "no annotation"},
		{"ConstantIndex", "valueFrom:\n                fieldRef:\n                  fieldPath: metadata.annotations['batch.kubernetes.io/job-completion-index']",
			`value: "0"`, "pod 1 runs shard 0/4"},
		{"SeedPerPod", `- "42"`, `- "$(JOB_COMPLETION_INDEX)"`, "only --shard may differ"},
		{"Command", "args:\n            - load", "command: [/cbsim]\n          args:\n            - load", "sets command"},
	})
}

func TestWorkflowRefuses(t *testing.T) {
	refuses(t, workflowFile, checkWorkflow, []edit{
		{"FewerValues", "shard: [0, 1, 2, 3]", "shard: [0, 1, 2]", "has 3 values"},
		{"Repeated", "shard: [0, 1, 2, 3]", "shard: [0, 1, 1, 3]", "runs twice"},
		{"OneBased", "shard: [0, 1, 2, 3]", "shard: [1, 2, 3, 4]", "outside 0..3"},
		{"OtherCount", "--shard ${{ matrix.shard }}/4", "--shard ${{ matrix.shard }}/5", "n = 5"},
		{"Fixed", "--shard ${{ matrix.shard }}/4", "--shard 0/4", "want ${{ matrix.shard }}/n"},
		{"NoNeeds", "    needs: shard\n", "", "not the shard job shard"},
		{"SharedName", "name: cbsim-load-shard-${{ matrix.shard }}", "name: cbsim-load-shard", "like another shard"},
		{"ReportElsewhere", "> shard-${{ matrix.shard }}.json", "> report.json", "its report goes elsewhere"},
		{"PatternMisses", "pattern: cbsim-load-shard-*", "pattern: shard-*", "does not download"},
		{"MergeMisses", "load merge shards/shard-*.json", "load merge shards/shard-0.json", "does not read shards/shard-1.json"},
		{"NoMerge", "run: bin/cbsim load merge", "run: bin/cbsim load", "no job runs cbsim load merge"},
	})
}

func TestExpandK8s(t *testing.T) {
	env := map[string]string{"I": "2", "EMPTY": ""}
	for _, tc := range []struct{ in, want string }{
		{"$(I)/4", "2/4"},
		{"$$(I)/4", "$(I)/4"},
		{"$$$(I)", "$2"},
		{"$$$$(I)", "$$(I)"},
		{"$(MISSING)/4", "$(MISSING)/4"},
		{"$(EMPTY)/4", "/4"},
		{"$I/4", "$I/4"},
		{"$(I", "$(I"},
		{"a$", "a$"},
		{"$$", "$"},
		{"$(I)$(I)", "22"},
		{"no reference", "no reference"},
	} {
		if got := expandK8s(tc.in, env); got != tc.want {
			t.Errorf("expandK8s(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestParseShard(t *testing.T) {
	for _, tc := range []struct {
		in   string
		i, n int
		ok   bool
	}{
		{"0/4", 0, 4, true},
		{"3/4", 3, 4, true},
		{"0/1", 0, 1, true},
		{"4/4", 0, 0, false},
		{"0/0", 0, 0, false},
		{"-1/4", 0, 0, false},
		{"+1/4", 0, 0, false},
		{"1", 0, 0, false},
		{"1/", 0, 0, false},
		{" 1/4", 0, 0, false},
		{"$(JOB_COMPLETION_INDEX)/4", 0, 0, false},
		{"99999999999999999999/4", 0, 0, false},
	} {
		i, n, err := parseShard(tc.in)
		if ok := err == nil; ok != tc.ok || i != tc.i || n != tc.n {
			t.Errorf("parseShard(%q) = %d, %d, %v; want %d, %d, ok %v", tc.in, i, n, err, tc.i, tc.n, tc.ok)
		}
	}
}

// TestJobAutoIndex: without its own env entry, the container still gets
// JOB_COMPLETION_INDEX from the control plane, and the Job still passes.
func TestJobAutoIndex(t *testing.T) {
	orig := string(readFile(t, jobFile))
	start := strings.Index(orig, "          env:\n")
	end := strings.Index(orig, "          # The image's ENTRYPOINT")
	if start < 0 || end < start {
		t.Fatalf("%s: no env block before the args comment", jobFile)
	}
	edited := orig[:start] + orig[end:]
	if strings.Contains(edited, "fieldPath") {
		t.Fatalf("the env block is still there:\n%s", edited)
	}
	if err := checkJob([]byte(edited)); err != nil {
		t.Errorf("%s without env: %v", jobFile, err)
	}
}
