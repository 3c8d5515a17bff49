package scriptlet

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path"
	"strings"
	"syscall"
)

// helperEnv, set to "1", makes a binary linking this package start as the
// namespace helper instead of running its main.
const helperEnv = "DISCO_SCRIPTLET_HELPER"

// Hostname is the host name scriptlets see, the same on every build.
const Hostname = "localhost"

// helperArg0 is the helper's argv[0]; with helperEnv it tells the helper
// apart from a user who happens to have the variable set.
const helperArg0 = "disco-scriptlet"

func init() {
	if os.Getenv(helperEnv) == "1" && len(os.Args) == 1 && os.Args[0] == helperArg0 {
		os.Exit(helperMain())
	}
}

// helperMain runs in the new namespaces; it reports on fd 3.
func helperMain() int {
	syscall.CloseOnExec(3)
	syscall.Umask(0o022)
	st := helper()
	if err := json.NewEncoder(os.NewFile(3, "status")).Encode(st); err != nil {
		return 1
	}
	return 0
}

func helper() status {
	var req request
	if err := json.NewDecoder(os.Stdin).Decode(&req); err != nil {
		return failed("read the request: %v", err)
	}
	if err := syscall.Sethostname([]byte(Hostname)); err != nil {
		return failed("set the host name: %v", err)
	}
	m, err := enter(req.Root)
	if err != nil {
		return failed("prepare the root: %v", err)
	}
	ctx, stop := onTerm()
	defer stop()
	st := execute(ctx, req)
	killOthers()
	if err := m.leave(); err != nil && !st.Failed {
		return failed("clean up the root: %v", err)
	}
	return st
}

func failed(format string, args ...any) status {
	return status{Failed: true, Exit: -1, Reason: fmt.Sprintf(format, args...)}
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
// once, so the scriptlet ends and the helper can still clean up.
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

// execute runs the scriptlet; the process is already chrooted.
func execute(ctx context.Context, req request) status {
	os.Clearenv()
	for _, kv := range req.Env {
		k, v, _ := strings.Cut(kv, "=")
		os.Setenv(k, v)
	}
	if req.Lua {
		return runLua(ctx, req)
	}
	prog := req.Argv[0]
	if fi, err := os.Stat(prog); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return failed("interpreter %s is not in the image", prog)
		}
		return failed("interpreter %s: %v", prog, err)
	} else if fi.IsDir() {
		return failed("interpreter %s is a folder", prog)
	}
	argv := append([]string{}, req.Argv[:req.NProg]...)
	if req.Body != "" {
		file, cleanup, err := writeScript(req.TmpName, req.Body)
		if err != nil {
			return failed("write the script file: %v", err)
		}
		defer cleanup()
		argv = append(argv, file)
	}
	argv = append(argv, req.Argv[req.NProg:]...)
	return runProgram(argv, req.Env, req.Files)
}

// runProgram runs argv with files, one per line, on its stdin (rpm's file
// trigger convention), or /dev/null.
func runProgram(argv, env, files []string) status {
	cmd := &exec.Cmd{Path: argv[0], Args: argv, Env: env, Dir: "/", Stdout: os.Stdout, Stderr: os.Stderr}
	if len(files) > 0 {
		cmd.Stdin = strings.NewReader(strings.Join(files, "\n") + "\n")
	} else {
		null, err := os.Open("/dev/null")
		if err != nil {
			return failed("open /dev/null: %v", err)
		}
		defer null.Close()
		cmd.Stdin = null
	}
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return status{}
	case errors.As(err, &ee):
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return status{Failed: true, Exit: 128 + int(ws.Signal()), Reason: fmt.Sprintf("killed by signal %v", ws.Signal())}
		}
		return status{Failed: true, Exit: ee.ExitCode(), Reason: fmt.Sprintf("exited with status %d", ee.ExitCode())}
	case errors.Is(err, syscall.ENOENT):
		return failed("cannot execute %s: its ELF interpreter or a library is missing from the image", argv[0])
	case errors.Is(err, syscall.ENOEXEC):
		return failed("cannot execute %s: not a program this kernel runs", argv[0])
	}
	return failed("cannot execute %s: %v", argv[0], err)
}

// writeScript writes body to /var/tmp/name, creating /var/tmp if needed;
// cleanup removes the file and the folders it created.
func writeScript(name, body string) (string, func(), error) {
	created, err := mkdirAll("/var/tmp")
	undo := func() { removeEmpty(created) }
	if err != nil {
		undo()
		return "", nil, err
	}
	file := path.Join("/var/tmp", name)
	f, err := os.OpenFile(file, os.O_WRONLY|os.O_CREATE|os.O_TRUNC|syscall.O_NOFOLLOW, 0o600)
	if err == nil {
		_, err = f.WriteString(body)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	cleanup := func() { os.Remove(file); undo() }
	if err != nil {
		cleanup()
		return "", nil, err
	}
	return file, cleanup, nil
}

// mkdirAll creates p and its missing parents, returning those it created,
// outermost first.
func mkdirAll(p string) ([]string, error) {
	if fi, err := os.Stat(p); err == nil {
		if !fi.IsDir() {
			return nil, fmt.Errorf("%s is not a folder", p)
		}
		return nil, nil
	}
	created, err := mkdirAll(path.Dir(p))
	if err != nil {
		return created, err
	}
	if err := os.Mkdir(p, 0o755); err != nil {
		return created, err
	}
	if p == "/var/tmp" {
		os.Chmod(p, 0o1777)
	}
	return append(created, p), nil
}

// removeEmpty removes the folders, innermost first, while they are empty.
func removeEmpty(dirs []string) {
	for i := len(dirs) - 1; i >= 0; i-- {
		if os.Remove(dirs[i]) != nil {
			return
		}
	}
}
