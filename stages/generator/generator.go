package generator

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/disco-build/disco/runtime/plan"
)

// Script is one generator scriptlet to run.
type Script struct {
	Path  string            // config-relative, as reached (plan.Scriptlet.Path)
	Level string            // "group" or "machine"
	Vars  map[string]string // the contract's variables for this level
}

// Scripts pairs plan scriptlets with the variables of their level, group
// scriptlets first, each level in the order given.
func Scripts(list []plan.Scriptlet, group, machine map[string]string) []Script {
	var out []Script
	for _, level := range []string{"group", "machine"} {
		vars := group
		if level == "machine" {
			vars = machine
		}
		for _, s := range list {
			if s.Level == level {
				out = append(out, Script{Path: s.Path, Level: level, Vars: vars})
			}
		}
	}
	return out
}

// Status values of an Outcome.
const (
	Ran    = "ran"
	Failed = "failed"
)

// Outcome is what running one generator scriptlet did.
type Outcome struct {
	Path     string  `json:"path"`
	Level    string  `json:"level"`
	Status   string  `json:"status"` // Ran or Failed
	ExitCode int     `json:"exitCode"`
	Seconds  float64 `json:"seconds"`
	Reason   string  `json:"reason,omitempty"`
}

// Runner runs generator scriptlets of one configuration tree.
type Runner struct {
	ConfigRoot string           // absolute host folder Script.Path is relative to
	Home       string           // HOME for scriptlets; "" means a fresh temporary folder per RunAll
	Epoch      int64            // SOURCE_DATE_EPOCH
	Log        io.Writer        // receives the scriptlets' output; nil discards it
	Clock      func() time.Time // measures Seconds; nil means time.Now
	Timeout    time.Duration    // per scriptlet; 0 means none
	Bash       string           // the host's bash; "" looks "bash" up on the host's PATH
}

// fixed are the variables every scriptlet gets; Vars may not redefine them.
var fixed = []string{"LC_ALL", "TZ", "PATH", "HOME", "SOURCE_DATE_EPOCH"}

// generatedVars name the overlay folders scriptlets write into; RunAll
// creates them, as discographer did, so that a scriptlet may write there
// without a mkdir.
var generatedVars = []string{"generatedMachineGroupRootOverlaysPath", "generatedMachineRootOverlaysPath"}

// RunAll runs the scripts in order and stops at the first failure, whose
// error names the scriptlet. The outcomes are those of the scripts run.
func (r *Runner) RunAll(ctx context.Context, scripts []Script) ([]Outcome, error) {
	rr := *r
	if rr.Home == "" {
		home, err := os.MkdirTemp("", "disco-generator-home")
		if err != nil {
			return nil, fmt.Errorf("generator: scratch HOME: %w", err)
		}
		defer os.RemoveAll(home)
		rr.Home = home
	}
	var outcomes []Outcome
	for _, s := range scripts {
		o, err := rr.Run(ctx, s)
		outcomes = append(outcomes, o)
		if err != nil {
			return outcomes, err
		}
	}
	return outcomes, nil
}

// Run runs one scriptlet. A failure is both a Failed Outcome and an error
// naming the scriptlet's path.
func (r *Runner) Run(ctx context.Context, s Script) (Outcome, error) {
	clock := r.Clock
	if clock == nil {
		clock = time.Now
	}
	start := clock()
	o := Outcome{Path: s.Path, Level: s.Level, Status: Ran}
	code, err := r.run(ctx, s)
	o.Seconds = clock().Sub(start).Seconds()
	if err != nil {
		o.Status, o.ExitCode, o.Reason = Failed, code, err.Error()
		return o, fmt.Errorf("generator scriptlet %s: %w", s.Path, err)
	}
	return o, nil
}

// run returns the exit code and, for any failure, an error.
func (r *Runner) run(ctx context.Context, s Script) (int, error) {
	env, err := r.env(s.Vars)
	if err != nil {
		return -1, err
	}
	if r.ConfigRoot == "" || !filepath.IsAbs(r.ConfigRoot) || r.Home == "" {
		return -1, errors.New("the runner needs an absolute ConfigRoot and a Home")
	}
	file := filepath.Join(r.ConfigRoot, filepath.FromSlash(s.Path))
	if fi, err := os.Stat(file); err != nil {
		return -1, err
	} else if !fi.Mode().IsRegular() {
		return -1, errors.New("not a regular file")
	}
	for _, name := range generatedVars {
		if dir := s.Vars[name]; dir != "" {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return -1, fmt.Errorf("create %s: %w", name, err)
			}
		}
	}
	return r.bash(ctx, file, env)
}

// source is bash's program: it sources its argument inside a function,
// with no positional parameters left over.
const source = `__disco_source() { local __disco_file="$1"; shift; . "$__disco_file"; }; __disco_source "$1"`

func (r *Runner) bash(ctx context.Context, file string, env []string) (int, error) {
	bash := r.Bash
	if bash == "" {
		p, err := exec.LookPath("bash")
		if err != nil {
			return -1, fmt.Errorf("the host has no bash: %w", err)
		}
		bash = p
	}
	if r.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, r.Timeout)
		defer cancel()
	}
	// "./NAME" from the scriptlet's folder: bash's messages name the file
	// the same way wherever the configuration is checked out.
	cmd := exec.CommandContext(ctx, bash, "--noprofile", "--norc", "-c", source, "bash", "./"+filepath.Base(file))
	cmd.Dir = filepath.Dir(file)
	cmd.Env = env
	out := r.Log
	if out == nil {
		out = io.Discard
	}
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return 0, nil
	case ctx.Err() != nil && r.Timeout > 0 && errors.Is(ctx.Err(), context.DeadlineExceeded):
		return -1, fmt.Errorf("timed out after %s", r.Timeout)
	case ctx.Err() != nil:
		return -1, ctx.Err()
	case errors.As(err, &ee) && ee.ExitCode() >= 0:
		return ee.ExitCode(), fmt.Errorf("exit status %d", ee.ExitCode())
	}
	return -1, err
}

// env is the scriptlet's whole environment: the fixed variables, then
// vars in byte order of name.
func (r *Runner) env(vars map[string]string) ([]string, error) {
	env := []string{"LC_ALL=C", "TZ=UTC", "PATH=/usr/sbin:/usr/bin:/sbin:/bin", "HOME=" + r.Home,
		"SOURCE_DATE_EPOCH=" + strconv.FormatInt(r.Epoch, 10)}
	names := make([]string, 0, len(vars))
	for n := range vars {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if n == "" || strings.ContainsAny(n, "=\x00") || strings.ContainsRune(vars[n], 0) {
			return nil, fmt.Errorf("variable %q cannot be passed in the environment", n)
		}
		for _, f := range fixed {
			if n == f {
				return nil, fmt.Errorf("variable %s would replace the fixed one", n)
			}
		}
		env = append(env, n+"="+vars[n])
	}
	return env, nil
}
