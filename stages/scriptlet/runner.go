package scriptlet

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"
)

// DefaultOutputLimit is how many bytes of a scriptlet's output an Outcome
// keeps when Runner.OutputLimit is zero.
const DefaultOutputLimit = 64 << 10

// Runner runs scriptlets in a root tree. Its zero value works, but
// SOURCE_DATE_EPOCH is then 0.
type Runner struct {
	Epoch       int64            // SOURCE_DATE_EPOCH given to scriptlets
	Timeout     time.Duration    // per scriptlet; 0 means none
	OutputLimit int              // bytes of output kept; 0 means DefaultOutputLimit
	Clock       func() time.Time // measures Seconds; nil means time.Now
	// noIDMap makes a root helper skip the id-mapped mode, as on a kernel
	// or file system without id-mapped mounts (tests of that mode).
	noIDMap bool
}

// request is what the parent sends the helper on its stdin.
type request struct {
	Root    string   `json:"root"`
	Package string   `json:"package"`
	Name    string   `json:"name"`
	Argv    []string `json:"argv"` // Prog then $1 [$2]; the script file goes after Prog
	Body    string   `json:"body"`
	Lua     bool     `json:"lua"`
	Env     []string `json:"env"`
	TmpName string   `json:"tmpName"` // base name of the script file under /var/tmp
	NProg   int      `json:"nProg"`
	Files   []string `json:"files,omitempty"`
	NoIDMap bool     `json:"noIdmap,omitempty"`
	// RootDev and RootIno identify the pivoted root; the helper sets them
	// for the sandbox process.
	RootDev uint64 `json:"rootDev,omitempty"`
	RootIno uint64 `json:"rootIno,omitempty"`
}

// status is what the helper reports on fd 3.
type status struct {
	Exit   int    `json:"exit"`
	Reason string `json:"reason,omitempty"`
	Failed bool   `json:"failed"`
	// Isolation is the helper's mode (Isolation* constants).
	Isolation string `json:"isolation,omitempty"`
}

// Run runs s jailed in root (an absolute host folder) and reports what
// happened. A scriptlet that cannot start (no interpreter in the image, no
// namespaces) is a failed Outcome with a Reason, not an error: the caller
// decides what a failure means.
func (r *Runner) Run(ctx context.Context, root string, s Script) Outcome {
	clock := r.Clock
	if clock == nil {
		clock = time.Now
	}
	start := clock()
	o := r.run(ctx, root, s)
	o.Package, o.Name = s.Package, s.Name
	o.Seconds = clock().Sub(start).Seconds()
	return o
}

func (r *Runner) run(ctx context.Context, root string, s Script) Outcome {
	fail := func(format string, args ...any) Outcome {
		return Outcome{Status: Failed, ExitCode: -1,
			Reason: fmt.Sprintf("package %s: %%%s: ", s.Package, s.Name) + fmt.Sprintf(format, args...)}
	}
	if len(s.Prog) == 0 || s.Prog[0] == "" {
		return fail("no interpreter or program")
	}
	if !s.IsLua() && !filepath.IsAbs(s.Prog[0]) {
		return fail("interpreter %s is not an absolute path", s.Prog[0])
	}
	if fi, err := os.Stat(root); err != nil || !fi.IsDir() || !filepath.IsAbs(root) {
		return fail("root %s is not an absolute path to a folder", root)
	}
	req := request{Root: root, Package: s.Package, Name: s.Name, Body: s.Body, Lua: s.IsLua(),
		Env: Env(r.Epoch, s.Prefixes), TmpName: tmpName(s), NProg: len(s.Prog), Files: s.Files, NoIDMap: r.noIDMap}
	req.Argv = append(append([]string{}, s.Prog...), s.args()...)
	if s.IsLua() {
		req.Argv = append([]string{LuaProg}, s.args()...)
	}
	out := &capped{limit: r.OutputLimit}
	if out.limit == 0 {
		out.limit = DefaultOutputLimit
	}
	before := leftoverCheck(root)
	st, err := r.spawn(ctx, req, out)
	before.clean(req.TmpName)
	o := Outcome{Output: out.String(), Isolation: st.Isolation}
	switch {
	case err != nil:
		f := fail("%v", err)
		f.Output = o.Output
		return f
	case st.Failed:
		o.Status, o.ExitCode, o.Reason = Failed, st.Exit, fmt.Sprintf("package %s: %%%s: %s", s.Package, s.Name, st.Reason)
	default:
		o.Status = Ran
	}
	return o
}

// spawn starts the helper in its namespaces and waits for its status.
func (r *Runner) spawn(ctx context.Context, req request, out io.Writer) (status, error) {
	if r.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, r.Timeout)
		defer cancel()
	}
	in, err := json.Marshal(req)
	if err != nil {
		return status{}, err
	}
	sr, sw, err := os.Pipe()
	if err != nil {
		return status{}, err
	}
	defer sr.Close()
	cmd := exec.CommandContext(ctx, "/proc/self/exe")
	cmd.Args = []string{helperArg0}
	cmd.Env = []string{helperEnv + "=1"}
	cmd.Stdin = bytesReader(in)
	cmd.Stdout, cmd.Stderr = out, out
	cmd.ExtraFiles = []*os.File{sw}
	cmd.SysProcAttr = namespaces()
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Start(); err != nil {
		sw.Close()
		return status{}, fmt.Errorf("start the namespace helper: %w", err)
	}
	sw.Close()
	data, _ := io.ReadAll(sr)
	werr := cmd.Wait()
	if ctx.Err() != nil {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) && r.Timeout > 0 {
			return status{Failed: true, Exit: -1, Reason: fmt.Sprintf("timed out after %s", r.Timeout)}, nil
		}
		return status{}, ctx.Err()
	}
	var st status
	if err := json.Unmarshal(data, &st); err != nil {
		return status{}, fmt.Errorf("namespace helper gave no status (%v): %w", werr, err)
	}
	return st, nil
}

// namespaces are the helper's: private mounts, PIDs, network (none),
// host name and IPC, plus a user namespace mapping the caller to root when
// the caller is not root. As root, the helper needs the host's privileges
// to make the jail (an id-mapped mount); the scriptlet never has them.
func namespaces() *syscall.SysProcAttr {
	a := &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL, Cloneflags: syscall.CLONE_NEWNS | syscall.CLONE_NEWPID |
		syscall.CLONE_NEWNET | syscall.CLONE_NEWUTS | syscall.CLONE_NEWIPC}
	if os.Geteuid() != 0 {
		a.Cloneflags |= syscall.CLONE_NEWUSER
		a.UidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Geteuid(), Size: 1}}
		a.GidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getegid(), Size: 1}}
		a.GidMappingsEnableSetgroups = false
	}
	return a
}
