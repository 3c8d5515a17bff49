package stages

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/disco-build/disco/runtime/legacy"
	"github.com/disco-build/disco/runtime/plan"
	"github.com/disco-build/disco/stages/generator"
	"github.com/disco-build/disco/stages/scriptlet"
)

// NewScriptRunner runs package scriptlets jailed in the tree with the
// image's own interpreters (package scriptlet), SOURCE_DATE_EPOCH epoch.
func NewScriptRunner(epoch int64, timeout time.Duration) ScriptRunner {
	return &scriptletAdapter{r: &scriptlet.Runner{Epoch: epoch, Timeout: timeout}}
}

type scriptletAdapter struct{ r *scriptlet.Runner }

func (a *scriptletAdapter) Run(ctx context.Context, root string, s Script) Outcome {
	o := a.r.Run(ctx, root, scriptlet.Script{Package: s.Package, Name: s.Name, Prog: s.Prog, Body: s.Body, Arg1: s.Arg1, Arg2: s.Arg2})
	out := Outcome{Package: o.Package, Name: o.Name, Status: o.Status, ExitCode: o.ExitCode, Seconds: o.Seconds,
		Reason: o.Reason, Isolation: o.Isolation}
	if o.Status == scriptlet.Failed && o.Output != "" {
		out.Reason += "; output: " + tail(o.Output, 400)
	}
	return out
}

// tail keeps the last n bytes of s.
func tail(s string, n int) string {
	s = strings.TrimSpace(s)
	if len(s) > n {
		return "..." + s[len(s)-n:]
	}
	return s
}

// NewGeneratorRunner runs legacy generator scriptlets with the host's bash
// (package generator); their output goes to log.
func NewGeneratorRunner(log io.Writer) GeneratorRunner { return &generatorAdapter{log: log} }

type generatorAdapter struct{ log io.Writer }

// Run empties the machine's and the group's generated overlay folders,
// then runs the group's scriptlets and the machine's, in plan order.
func (a *generatorAdapter) Run(ctx context.Context, m *plan.Machine, root, cache, treeDir string, epoch int64) ([]Outcome, error) {
	vars := legacy.Variables(root, cache, m)
	for _, dir := range []string{vars["generatedMachineRootOverlaysPath"], vars["generatedMachineGroupRootOverlaysPath"]} {
		if err := os.RemoveAll(dir); err != nil {
			return nil, fmt.Errorf("generated overlay %s: %w", dir, err)
		}
	}
	if vars["cacheMachineRpmInstallRootPath"] != treeDir {
		return nil, fmt.Errorf("tree %s is not where scriptlets expect it (%s)", treeDir, vars["cacheMachineRpmInstallRootPath"])
	}
	mdir := MachineDir(cache, m.Group, m.Name)
	// HOME is scratch: it does not outlive the run.
	home := filepath.Join(mdir, "home")
	if err := os.RemoveAll(home); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(home, 0o755); err != nil {
		return nil, err
	}
	defer os.RemoveAll(home)
	logFile, err := createLog(mdir, GeneratorLog)
	if err != nil {
		return nil, err
	}
	defer logFile.Close()
	out := io.Writer(logFile)
	if a.log != nil {
		out = io.MultiWriter(logFile, a.log)
	}
	scripts := generator.Scripts(m.Scriptlets, legacy.GroupVariables(root, cache, m), vars)
	r := &generator.Runner{ConfigRoot: root, Home: home, Epoch: epoch, Log: out}
	outs, err := r.RunAll(ctx, scripts)
	if err != nil {
		err = fmt.Errorf("%w\n%s", err, logTail(logFile.Name(), 20))
	}
	var res []Outcome
	for _, o := range outs {
		res = append(res, Outcome{Package: "generator-scriptlet", Name: o.Path, Status: o.Status, ExitCode: o.ExitCode, Seconds: o.Seconds, Reason: o.Reason})
	}
	return res, err
}

// GeneratorLog is where a machine's generator scriptlets' output is kept,
// under its folder: the output of the last build's run.
const GeneratorLog = "logs/generator.log"

// createLog truncates the log file name under dir.
func createLog(dir, name string) (*os.File, error) {
	path := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, err
	}
	return os.Create(path)
}

// logTail says where a log is and shows its last n lines.
func logTail(path string, n int) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return "(no output: " + err.Error() + ")"
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(b) == 0 {
		return "(no output; log " + path + ")"
	}
	head := fmt.Sprintf("output (%s):", path)
	if len(lines) > n {
		head = fmt.Sprintf("last %d lines of output (all in %s):", n, path)
		lines = lines[len(lines)-n:]
	}
	return head + "\n  " + strings.Join(lines, "\n  ")
}
