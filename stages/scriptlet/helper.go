package scriptlet

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"syscall"

	"golang.org/x/sys/unix"
)

// helperEnv, set to "1", makes a binary linking this package start as the
// namespace helper or the sandbox instead of running its main.
const helperEnv = "DISCO_SCRIPTLET_HELPER"

// Hostname is the host name scriptlets see, the same on every build.
const Hostname = "localhost"

// helperArg0 and sandboxArg0 are the argv[0] of the helper and of the
// sandbox process; with helperEnv they tell them apart from a user who
// happens to have the variable set.
const (
	helperArg0  = "disco-scriptlet"
	sandboxArg0 = "disco-scriptlet-sandbox"
)

// The id range a scriptlet's ids map to on the host in the id-mapped
// mode: its uid and gid 0 to idCount-1 are idBase to idBase+idCount-1 on
// the host (0x7fff0000 to 0x7fffffff), ids no host user is expected to
// have. Files in the tree keep the ids the scriptlet sees.
const (
	idBase  = 0x7fff0000
	idCount = 65536
)

func init() {
	if os.Getenv(helperEnv) != "1" || len(os.Args) != 1 {
		return
	}
	switch os.Args[0] {
	case helperArg0:
		os.Exit(helperMain())
	case sandboxArg0:
		os.Exit(sandboxMain())
	}
}

// helperMain runs in the new namespaces; it reports on fd 3.
func helperMain() int {
	unix.Umask(0o022)
	st := helper()
	if err := json.NewEncoder(os.NewFile(3, "status")).Encode(st); err != nil {
		return 1
	}
	return 0
}

// helper builds the jail and runs the sandbox process in it: it is PID 1
// of the namespaces and keeps its privileges, the sandbox process (and
// the scriptlet it runs) get none of them.
func helper() status {
	if err := closeInherited(); err != nil {
		return failed("%v", err)
	}
	if err := dropTerminal(); err != nil {
		return failed("%v", err)
	}
	if err := unix.Prctl(unix.PR_SET_DUMPABLE, 0, 0, 0, 0); err != nil {
		return failed("prctl(PR_SET_DUMPABLE): %v", err)
	}
	var req request
	if err := json.NewDecoder(os.Stdin).Decode(&req); err != nil {
		return failed("read the request: %v", err)
	}
	if err := unix.Sethostname([]byte(Hostname)); err != nil {
		return failed("set the host name: %v", err)
	}
	sb, err := enter(req)
	if err != nil {
		if sb != nil {
			sb.kill()
		}
		return failed("prepare the root: %v", err)
	}
	ctx, stop := onTerm()
	defer stop()
	st := sb.run(ctx, req)
	killOthers()
	st.Isolation = sb.mode
	return st
}

// dropTerminal gives up the controlling terminal the helper inherited
// (disco run from a shell), for itself and all it starts: /dev/tty then
// opens nothing the scriptlet could write to or push input into (TIOCSTI).
// Unlike setsid, TIOCNOTTY leaves the helper in the builder's session and
// its scheduling group (a new session is a new autogroup, which made runs
// slower on a loaded host).
func dropTerminal() error {
	fd, err := unix.Open("/dev/tty", unix.O_RDWR|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil // no controlling terminal (ENXIO), or none this process may open
	}
	defer unix.Close(fd)
	if err := unix.IoctlSetInt(fd, unix.TIOCNOTTY, 0); err != nil {
		return fmt.Errorf("give up the controlling terminal: %w", err)
	}
	return nil
}

func failed(format string, args ...any) status {
	return status{Failed: true, Exit: -1, Reason: fmt.Sprintf(format, args...)}
}

// enter makes the jail: private mounts, the sandbox process started (in
// a user namespace of its own when the tree can be id-mapped), the tree
// mounted nodev and nosuid, /dev and /proc mounted in it, and the tree
// pivoted to be the namespace's root.
func enter(req request) (*sandbox, error) {
	root := req.Root
	if err := unix.Chdir("/"); err != nil {
		return nil, err
	}
	if err := unix.Mount("", "/", "", unix.MS_REC|unix.MS_PRIVATE, ""); err != nil {
		return nil, fmt.Errorf("make mounts private: %w", err)
	}
	if err := mountPoints(root); err != nil {
		return nil, err
	}
	sb, why := idMapped(req)
	owner := idBase
	if sb == nil {
		var err error
		if sb, err = startSandbox(false); err != nil {
			return nil, err
		}
		sb.mode, owner = IsolationRoot, 0
		if os.Geteuid() != 0 || hostUID() != 0 {
			sb.mode = IsolationRootless
		} else if why != "" {
			sb.mode += " (" + why + ")"
		}
		if err := bindTree(root); err != nil {
			return sb, err
		}
	}
	if err := mountDev(root+"/dev", owner); err != nil {
		return sb, err
	}
	if err := mountProc(root + "/proc"); err != nil {
		return sb, err
	}
	if err := sb.ready(); err != nil {
		return sb, err
	}
	return sb, pivot(root)
}

// idMapped starts the sandbox in a user namespace of its own and mounts
// the tree id-mapped to it, when the helper is the host's root and the
// kernel and file system allow; otherwise it says why not.
func idMapped(req request) (*sandbox, string) {
	switch {
	case hostUID() != 0:
		return nil, ""
	case req.NoIDMap:
		return nil, "id-mapping turned off"
	}
	// Go writes the sandbox's uid_map through /proc/PID: the PIDs of this
	// namespace. This proc goes with the old root.
	if err := unix.Mount("proc", "/proc", "proc", unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, ""); err != nil {
		return nil, "no fresh proc: " + errnoText(err)
	}
	sb, err := startSandbox(true)
	if err != nil {
		return nil, "no user namespace: " + errnoText(err)
	}
	ns, err := unix.Open("/proc/"+strconv.Itoa(sb.cmd.Process.Pid)+"/ns/user", unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err == nil {
		err = mountIDMapped(req.Root, ns)
		unix.Close(ns)
	}
	if err != nil {
		sb.kill()
		return nil, "no id-mapped mount: " + errnoText(err)
	}
	sb.mode = IsolationIDMapped
	return sb, ""
}

// errnoText is the system error in err, without the paths and operations
// around it: the isolation mode goes into reports, which must not depend
// on where the build ran.
func errnoText(err error) string {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		return errno.Error()
	}
	return err.Error()
}

// hostUID is the host uid the helper runs as: 0 for root, the caller's
// uid when the runner made a user namespace for an unprivileged caller.
func hostUID() int {
	data, err := os.ReadFile("/proc/self/uid_map")
	if err != nil {
		return os.Geteuid()
	}
	var inside, outside, n int
	if _, err := fmt.Sscan(string(data), &inside, &outside, &n); err != nil || inside != 0 {
		return -1
	}
	return outside
}

// killOthers ends whatever the scriptlet left running: as PID 1 of its own
// namespace, kill(-1) reaches exactly the processes in it.
func killOthers() {
	if os.Getpid() == 1 {
		syscall.Kill(-1, syscall.SIGKILL)
	}
}

// onTerm returns a context cancelled when the parent asks the helper to
// stop (SIGTERM, on timeout): every process of the namespace is killed at
// once, so the scriptlet ends and the helper can still report.
func onTerm() (context.Context, func()) {
	ctx, cancel := context.WithCancel(context.Background())
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM)
	go func() {
		select {
		case <-sig:
			cancel()
			killOthers()
		case <-ctx.Done():
		}
	}()
	return ctx, func() { signal.Stop(sig); cancel() }
}

// sandbox is the process that runs the scriptlet: a re-execution of this
// binary, started before the jail is complete and waiting on its stdin
// for the request, which the helper sends once the root is pivoted.
type sandbox struct {
	cmd    *exec.Cmd
	in     io.WriteCloser
	status *os.File
	mode   string
}

// startSandbox starts the sandbox process; with userns, in a user
// namespace of its own where its ids 0 to idCount-1 are the host's idBase
// on.
func startSandbox(userns bool) (*sandbox, error) {
	sr, sw, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	defer sw.Close()
	cmd := &exec.Cmd{Path: "/proc/self/exe", Args: []string{sandboxArg0}, Env: []string{helperEnv + "=1"},
		Dir: "/", Stdout: os.Stdout, Stderr: os.Stderr, ExtraFiles: []*os.File{sw},
		SysProcAttr: &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}}
	if userns {
		a := cmd.SysProcAttr
		a.Cloneflags = syscall.CLONE_NEWUSER
		a.UidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: idBase, Size: idCount}}
		a.GidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: idBase, Size: idCount}}
		a.GidMappingsEnableSetgroups = true
		// The host's root is not mapped in the namespace: become its root.
		a.Credential = &syscall.Credential{Uid: 0, Gid: 0}
	}
	in, err := cmd.StdinPipe()
	if err == nil {
		err = cmd.Start()
	}
	if err != nil {
		sr.Close()
		return nil, fmt.Errorf("start the sandbox process: %w", err)
	}
	return &sandbox{cmd: cmd, in: in, status: sr}, nil
}

// ready waits for the sandbox process to say it started: a dynamically
// linked binary loads its libraries from the host after exec returns, so
// the root may be pivoted only then.
func (sb *sandbox) ready() error {
	b := make([]byte, 1)
	if n, _ := sb.status.Read(b); n == 1 && b[0] == '\n' {
		return nil
	}
	return errors.New("the sandbox process did not start (its output may say why)")
}

// kill ends a sandbox process that will not be used.
func (sb *sandbox) kill() {
	sb.cmd.Process.Kill()
	sb.in.Close()
	sb.status.Close()
	sb.cmd.Wait()
}

// run sends the sandbox its request, with the identity of the root it
// must find itself in, and waits for its status.
func (sb *sandbox) run(ctx context.Context, req request) status {
	defer sb.status.Close()
	var st unix.Stat_t
	if err := unix.Stat("/", &st); err != nil {
		sb.kill()
		return failed("stat the new root: %v", err)
	}
	req.RootDev, req.RootIno = st.Dev, st.Ino
	err := json.NewEncoder(sb.in).Encode(req)
	sb.in.Close()
	if err != nil {
		sb.kill()
		return failed("send the sandbox its request: %v", err)
	}
	data, _ := io.ReadAll(sb.status)
	werr := sb.cmd.Wait()
	var out status
	if err := json.Unmarshal(data, &out); err != nil {
		if ctx.Err() != nil {
			return failed("stopped")
		}
		return failed("the sandbox process ended without a status (%v)", werr)
	}
	return out
}
