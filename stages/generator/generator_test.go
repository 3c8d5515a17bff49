package generator

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/disco-build/disco/internal/testtool"
	"github.com/disco-build/disco/runtime/legacy"
	"github.com/disco-build/disco/runtime/plan"
)

func fakeClock(step time.Duration) func() time.Time {
	now := time.Unix(1700000000, 0)
	return func() time.Time { now = now.Add(step); return now }
}

func write(t *testing.T, root, rel, content string) {
	t.Helper()
	p := filepath.Join(root, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func read(t *testing.T, p string) string {
	t.Helper()
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// machine is a plan machine as legacy.Read makes it for group g, machine
// web, with scriptlets at the given config-relative paths.
func machine(paths map[string]string) *plan.Machine {
	m := &plan.Machine{Group: "g", Name: "web", Pos: plan.Pos{File: "g/machines/web"}}
	for _, p := range []string{"g/generator-scriptlets/00-group", "g/machines/web/generator-scriptlets/10-host",
		"g/machines/web/generator-scriptlets/20-env", "g/machines/web/generator-scriptlets/30-fail",
		"g/machines/web/generator-scriptlets/40-never"} {
		if _, ok := paths[p]; !ok {
			continue
		}
		level := "machine"
		if strings.HasPrefix(p, "g/generator-scriptlets/") {
			level = "group"
		}
		m.Scriptlets = append(m.Scriptlets, plan.Scriptlet{Path: p, Level: level, Name: filepath.Base(p)})
	}
	return m
}

func TestRunAll(t *testing.T) {
	testtool.Need(t, "bash")
	t.Setenv("FOO", "from-the-host")
	cfg, cache, home := t.TempDir(), t.TempDir(), t.TempDir()
	files := map[string]string{
		"g/generator-scriptlets/00-group": `local banner="$generatedMachineGroupRootOverlaysPath/etc/banner"
mkdir -p "${banner%/*}"
printf 'group %s\n' "$machineGroupName" > "$banner"
echo group-out; echo group-err >&2
`,
		"g/machines/web/generator-scriptlets/10-host": `local etc="$generatedMachineRootOverlaysPath/etc"
mkdir -p "$etc"
printf '%s\n' "$machineName" > "$etc/hostname"
pwd > "$generatedMachineRootOverlaysPath/pwd"
echo "$#" > "$generatedMachineRootOverlaysPath/argc"
`,
		"g/machines/web/generator-scriptlets/20-env": `tr '\0' '\n' < /proc/$$/environ > "$HOME/env"
`,
	}
	for p, c := range files {
		write(t, cfg, p, c)
	}
	m := machine(files)
	machineVars, groupVars := legacy.Variables(cfg, cache, m), legacy.GroupVariables(cfg, cache, m)
	var log bytes.Buffer
	r := &Runner{ConfigRoot: cfg, Home: home, Epoch: 1234567890, Log: &log, Clock: fakeClock(time.Second)}
	outcomes, err := r.RunAll(context.Background(), Scripts(m.Scriptlets, groupVars, machineVars))
	if err != nil {
		t.Fatalf("RunAll: %v\nlog:\n%s", err, log.String())
	}
	gen := machineVars["generatedMachineRootOverlaysPath"]
	if got := read(t, filepath.Join(gen, "etc/hostname")); got != "web\n" {
		t.Errorf("hostname %q", got)
	}
	if got := read(t, filepath.Join(groupVars["generatedMachineGroupRootOverlaysPath"], "etc/banner")); got != "group g\n" {
		t.Errorf("banner %q", got)
	}
	if got, want := read(t, filepath.Join(gen, "pwd")), filepath.Join(cfg, "g/machines/web/generator-scriptlets")+"\n"; got != want {
		t.Errorf("working directory %q, want %q", got, want)
	}
	if got := read(t, filepath.Join(gen, "argc")); got != "0\n" {
		t.Errorf("positional parameters: %q", got)
	}
	if log.String() != "group-out\ngroup-err\n" {
		t.Errorf("log %q", log.String())
	}
	checkEnv(t, read(t, filepath.Join(home, "env")), machineVars, home)
	data, _ := json.Marshal(outcomes)
	want := `[{"path":"g/generator-scriptlets/00-group","level":"group","status":"ran","exitCode":0,"seconds":1},` +
		`{"path":"g/machines/web/generator-scriptlets/10-host","level":"machine","status":"ran","exitCode":0,"seconds":1},` +
		`{"path":"g/machines/web/generator-scriptlets/20-env","level":"machine","status":"ran","exitCode":0,"seconds":1}]`
	if string(data) != want {
		t.Errorf("outcomes\n got %s\nwant %s", data, want)
	}
}

// checkEnv asserts the environment is exactly the fixed variables and the
// contract's, with nothing from the host (FOO is set in this process).
func checkEnv(t *testing.T, got string, vars map[string]string, home string) {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(got, "\n"), "\n")
	want := []string{"LC_ALL=C", "TZ=UTC", "PATH=/usr/sbin:/usr/bin:/sbin:/bin", "HOME=" + home, "SOURCE_DATE_EPOCH=1234567890"}
	for n, v := range vars {
		want = append(want, n+"="+v)
	}
	sort.Strings(lines)
	sort.Strings(want)
	if !reflect.DeepEqual(lines, want) {
		t.Errorf("environment\n got %q\nwant %q", lines, want)
	}
	if strings.Contains(got, "FOO=") {
		t.Errorf("the host's FOO reached the scriptlet")
	}
	if len(vars) != 25 {
		t.Errorf("%d contract variables, want 25", len(vars))
	}
}

func TestFailure(t *testing.T) {
	testtool.Need(t, "bash")
	cfg, cache := t.TempDir(), t.TempDir()
	files := map[string]string{
		"g/machines/web/generator-scriptlets/10-host":  "true\n",
		"g/machines/web/generator-scriptlets/30-fail":  "echo about to fail\nundefined_command_xyz\nreturn 3\n",
		"g/machines/web/generator-scriptlets/40-never": "touch \"$HOME/ran\"\n",
	}
	for p, c := range files {
		write(t, cfg, p, c)
	}
	m := machine(files)
	home := t.TempDir()
	var log bytes.Buffer
	r := &Runner{ConfigRoot: cfg, Home: home, Log: &log, Clock: fakeClock(time.Second)}
	outcomes, err := r.RunAll(context.Background(), Scripts(m.Scriptlets, nil, legacy.Variables(cfg, cache, m)))
	if err == nil || err.Error() != "generator scriptlet g/machines/web/generator-scriptlets/30-fail: exit status 3" {
		t.Fatalf("error %v", err)
	}
	if len(outcomes) != 2 || outcomes[1].Status != Failed || outcomes[1].ExitCode != 3 {
		t.Errorf("outcomes %+v", outcomes)
	}
	if _, err := os.Stat(filepath.Join(home, "ran")); err == nil {
		t.Errorf("a scriptlet after the failing one ran")
	}
	if !strings.Contains(log.String(), "about to fail\n./30-fail: line 2: undefined_command_xyz: command not found\n") {
		t.Errorf("log %q", log.String())
	}
}

func TestErrors(t *testing.T) {
	testtool.Need(t, "bash")
	cfg := t.TempDir()
	write(t, cfg, "s/slow", "sleep 5\n")
	ctx := context.Background()
	r := &Runner{ConfigRoot: cfg, Home: t.TempDir(), Timeout: 200 * time.Millisecond}
	for _, c := range []struct {
		s    Script
		want string
	}{
		{Script{Path: "s/missing"}, "generator scriptlet s/missing: stat "},
		{Script{Path: "s"}, "generator scriptlet s: not a regular file"},
		{Script{Path: "s/slow", Vars: map[string]string{"PATH": "/x"}}, "generator scriptlet s/slow: variable PATH would replace the fixed one"},
		{Script{Path: "s/slow"}, "generator scriptlet s/slow: timed out after 200ms"},
	} {
		start := time.Now()
		o, err := r.Run(ctx, c.s)
		if err == nil || !strings.HasPrefix(err.Error(), c.want) || o.Status != Failed {
			t.Errorf("%s: %v, %+v; want %q", c.s.Path, err, o, c.want)
		}
		if time.Since(start) > 3*time.Second {
			t.Errorf("%s took %v", c.s.Path, time.Since(start))
		}
	}
}

// TestExampleTree runs the committed example's scriptlets for prod/web,
// read by the legacy reader, as a build would.
func TestExampleTree(t *testing.T) {
	testtool.Need(t, "bash")
	cfg, err := filepath.Abs("../../examples/legacy")
	if err != nil {
		t.Fatal(err)
	}
	cache := t.TempDir()
	ms, err := legacy.Read(context.Background(), cfg, legacy.Options{Cache: cache,
		Select: func(g, n string) bool { return g == "prod" && n == "web" }})
	if err != nil || len(ms) != 1 {
		t.Fatalf("legacy.Read: %v, %d machines", err, len(ms))
	}
	m := ms[0]
	r := &Runner{ConfigRoot: cfg}
	outcomes, err := r.RunAll(context.Background(), Scripts(m.Scriptlets, legacy.GroupVariables(cfg, cache, m), legacy.Variables(cfg, cache, m)))
	if err != nil {
		t.Fatal(err)
	}
	if len(outcomes) != len(m.Scriptlets) || outcomes[0].Level != "group" {
		t.Errorf("outcomes %+v", outcomes)
	}
	if got := read(t, filepath.Join(cache, "prod/web/generated/etc/hostname")); got != "web\n" {
		t.Errorf("hostname %q", got)
	}
	if got := read(t, filepath.Join(cache, "prod/generated/etc/banner")); got != "group prod\n" {
		t.Errorf("banner %q", got)
	}
}

func TestScriptsOrder(t *testing.T) {
	list := []plan.Scriptlet{{Path: "m/1", Level: "machine"}, {Path: "g/1", Level: "group"},
		{Path: "m/2", Level: "machine"}, {Path: "g/2", Level: "group"}}
	group, machine := map[string]string{"v": "group"}, map[string]string{"v": "machine"}
	var got []string
	for _, s := range Scripts(list, group, machine) {
		got = append(got, s.Path+"="+s.Vars["v"])
	}
	if want := []string{"g/1=group", "g/2=group", "m/1=machine", "m/2=machine"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Scripts %q, want %q", got, want)
	}
}
