package scriptlet

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path"
	"runtime"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// sandboxMain runs the scriptlet inside the jail the helper made, with a
// bounded capability set; it reports to the helper on fd 3.
func sandboxMain() int {
	// Capabilities are per thread: this goroutine keeps the thread whose
	// capabilities restrict bounds, and every process is started from it.
	runtime.LockOSThread()
	unix.Umask(0o022)
	status := os.NewFile(3, "status")
	// Ready: this binary and the libraries it links are loaded; the
	// helper may now take the host's files out of reach.
	if _, err := status.Write([]byte{'\n'}); err != nil {
		return 1
	}
	st := sandboxRun()
	if err := json.NewEncoder(status).Encode(st); err != nil {
		return 1
	}
	return 0
}

func sandboxRun() status {
	if err := closeInherited(); err != nil {
		return failed("%v", err)
	}
	var req request
	if err := json.NewDecoder(os.Stdin).Decode(&req); err != nil {
		return failed("read the request: %v", err)
	}
	if err := inRoot(req); err != nil {
		return failed("%v", err)
	}
	if err := restrict(); err != nil {
		return failed("bound the capabilities: %v", err)
	}
	return execute(context.Background(), req)
}

// inRoot checks that this process's root is the one the helper pivoted
// to, moves to it, and replaces stdin (the request pipe) by /dev/null.
func inRoot(req request) error {
	var st unix.Stat_t
	if err := unix.Chdir("/"); err != nil {
		return err
	}
	if err := unix.Stat("/", &st); err != nil {
		return err
	}
	if st.Dev != req.RootDev || st.Ino != req.RootIno {
		return errors.New("the sandbox process is not in the pivoted root")
	}
	null, err := unix.Open("/dev/null", unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("open /dev/null: %w", err)
	}
	defer unix.Close(null)
	return unix.Dup3(null, 0, 0)
}

// execute runs the scriptlet; the process is already in the jail.
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
