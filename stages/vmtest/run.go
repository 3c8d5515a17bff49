package vmtest

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/disco-build/disco/stages/cachelock"
)

// Result is a boot that showed the expected line, or, returned beside a
// BootError, one that did not.
type Result struct {
	Seconds     float64  // from qemu's start to the matching line (or to the failure)
	Line        string   // the matching console line, escape sequences removed
	Accel       string   // "kvm" or "tcg"
	ConsoleTail []string // the last console lines (at most TailLines)
	Argv        []string // the qemu command, program first
}

// BootError is a boot that did not show the expected line: the time ran
// out, or qemu exited first.
type BootError struct {
	Reason string   // what happened, one line
	Tail   []string // the last console lines
}

func (e *BootError) Error() string {
	if len(e.Tail) == 0 {
		return e.Reason + "; the console stayed empty"
	}
	return e.Reason + "; last console lines:\n  | " + strings.Join(e.Tail, "\n  | ")
}

// Run boots o and waits for a console line containing o.Expect. It
// returns a Result whenever qemu ran; the error is a *BootError when the
// line did not come, the context's error when it was cancelled, and
// otherwise says why qemu could not be started.
func Run(ctx context.Context, o Options) (*Result, error) {
	if err := o.check(); err != nil {
		return nil, fmt.Errorf("vmtest: %w", err)
	}
	for _, p := range []string{o.Disk, o.Kernel, o.Initrd, o.Root} {
		if _, err := os.Stat(p); p != "" && err != nil {
			return nil, fmt.Errorf("vmtest: %w", err)
		}
	}
	qemu, err := exec.LookPath(cmp.Or(o.QEMU, DefaultQEMU))
	if err != nil {
		return nil, fmt.Errorf("vmtest: %w (install qemu-system-x86)", err)
	}
	tmp, err := os.MkdirTemp("", "disco-vmtest-")
	if err != nil {
		return nil, fmt.Errorf("vmtest: %w", err)
	}
	defer os.RemoveAll(tmp)
	h := host{accel: cmp.Or(o.Accel, DetectAccel())}
	if o.Kind == UEFI {
		if h.firmware = o.Firmware; h.firmware.Code == "" {
			if h.firmware, err = FindFirmware(); err != nil {
				return nil, fmt.Errorf("vmtest: %w", err)
			}
		}
		if h.vars, err = copyVars(h.firmware, tmp); err != nil {
			return nil, fmt.Errorf("vmtest: %w", err)
		}
	}
	// A unix socket's path must fit in 108 bytes; without one, the guest
	// is killed rather than asked to power off.
	if sock := filepath.Join(tmp, "monitor.sock"); len(sock) < 100 {
		h.monitor = sock
	}
	log, err := newLogFile(o.ConsoleLog)
	if err != nil {
		return nil, fmt.Errorf("vmtest: console log: %w", err)
	}
	out := &tee{live: o.Console}
	if log != nil {
		out.log = log
	}
	args := qemuArgs(o, h)
	res := &Result{Accel: h.accel, Argv: append([]string{qemu}, args...)}
	con := newConsole(o.Expect, out)
	err = boot(ctx, res, o, h.monitor, con)
	res.ConsoleTail = con.lastLines()
	if log != nil {
		if cerr := log.commit(out.err); cerr != nil && err == nil {
			err = fmt.Errorf("vmtest: console log: %w", cerr)
		}
	}
	return res, err
}

type match struct {
	after time.Duration
	line  string
}

// boot runs qemu with the console on a pipe until the line comes, the
// time runs out, qemu exits or ctx is done; it always waits for qemu to be
// gone and the console to be read to its end.
func boot(ctx context.Context, res *Result, o Options, monitor string, con *console) error {
	r, w, err := os.Pipe()
	if err != nil {
		return fmt.Errorf("vmtest: %w", err)
	}
	defer r.Close()
	cmd := exec.Command(res.Argv[0], res.Argv[1:]...)
	cmd.Stdout = w
	stderr := &lastBytes{max: 4096}
	cmd.Stderr = stderr
	cmd.SysProcAttr = sysProcAttr()
	start := time.Now()
	err = cmd.Start()
	w.Close()
	if err != nil {
		return fmt.Errorf("vmtest: %w", err)
	}
	matched := make(chan match, 1)
	readDone := make(chan struct{})
	go func() {
		defer close(readDone)
		read(r, con, start, matched)
	}()
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	kill := func() {
		cmd.Process.Kill()
		<-exited
	}
	timer := time.NewTimer(o.Timeout)
	defer timer.Stop()
	var fail string
	select {
	case m := <-matched:
		res.Seconds, res.Line = m.after.Seconds(), m.line
		stop(monitor, cmp.Or(o.Grace, DefaultGrace), exited, kill)
	case werr := <-exited:
		<-readDone
		select {
		case m := <-matched:
			res.Seconds, res.Line = m.after.Seconds(), m.line
			return nil
		default:
		}
		res.Seconds = time.Since(start).Seconds()
		how := "qemu exited (the guest powered off or rebooted)"
		if werr != nil {
			how = fmt.Sprintf("qemu exited (%v)", werr)
		}
		fail = fmt.Sprintf("%s after %.1f s, before a console line contained %q", how, res.Seconds, o.Expect)
		if s := strings.TrimSpace(stderr.String()); s != "" {
			fail += ": " + strings.ReplaceAll(s, "\n", "; ")
		}
	case <-timer.C:
		res.Seconds = time.Since(start).Seconds()
		kill()
		fail = fmt.Sprintf("no console line contained %q within %s (%s)", o.Expect, o.Timeout, res.Accel)
	case <-ctx.Done():
		res.Seconds = time.Since(start).Seconds()
		kill()
		<-readDone
		return fmt.Errorf("vmtest: %w", ctx.Err())
	}
	<-readDone
	if fail != "" {
		return &BootError{Reason: fail, Tail: con.lastLines()}
	}
	return nil
}

// promptWait is how long an unfinished console line holding the text may
// wait for the rest of it before it is matched as it is.
const promptWait = 300 * time.Millisecond

// read feeds the console from r until the end, sending the first match
// with the time since start at which its text showed.
func read(r *os.File, con *console, start time.Time, matched chan<- match) {
	buf := make([]byte, 32<<10)
	var seen time.Duration // when the pending line's text showed
	for {
		n, err := r.Read(buf)
		if n > 0 {
			was := con.pending()
			if con.write(buf[:n]) {
				matched <- match{cmp.Or(seen, time.Since(start)), con.line}
			}
			if !was && con.pending() {
				seen = time.Since(start)
				r.SetReadDeadline(time.Now().Add(promptWait))
			}
		}
		if errors.Is(err, os.ErrDeadlineExceeded) {
			r.SetReadDeadline(time.Time{})
			err = nil
		}
		if (err != nil || n == 0) && con.flush() {
			matched <- match{seen, con.line}
		}
		if err != nil {
			return
		}
	}
}

// stop asks the guest to power off through qemu's monitor (ACPI) and
// kills qemu if it is still running after grace.
func stop(monitor string, grace time.Duration, exited <-chan error, kill func()) {
	if monitor != "" {
		if c, err := net.DialTimeout("unix", monitor, time.Second); err == nil {
			defer c.Close()
			powerdown(c)
		}
	}
	t := time.NewTimer(grace)
	defer t.Stop()
	select {
	case <-exited:
	case <-t.C:
		kill()
	}
}

// powerdown sends the monitor's system_powerdown command once it has
// shown its prompt: the monitor drops what comes before. The connection
// must stay open until the command has run.
func powerdown(c net.Conn) error {
	c.SetDeadline(time.Now().Add(time.Second))
	var seen []byte
	buf := make([]byte, 512)
	for !bytes.Contains(seen, []byte("(qemu) ")) {
		n, err := c.Read(buf)
		if err != nil {
			return err
		}
		seen = append(seen, buf[:n]...)
	}
	_, err := c.Write([]byte("system_powerdown\n"))
	return err
}

// tee copies the console to the log, remembering the log's first error,
// and to the live writer, whose errors do not matter.
type tee struct {
	log  *logFile
	live io.Writer
	err  error
}

func (t *tee) Write(p []byte) (int, error) {
	if t.log != nil && t.err == nil {
		_, t.err = t.log.f.Write(p)
	}
	if t.live != nil {
		t.live.Write(p)
	}
	return len(p), nil
}

// lastBytes keeps the last max bytes written to it (qemu's stderr).
type lastBytes struct {
	max int
	b   []byte
}

func (l *lastBytes) Write(p []byte) (int, error) {
	l.b = append(l.b, p...)
	if len(l.b) > l.max {
		l.b = l.b[len(l.b)-l.max:]
	}
	return len(p), nil
}

func (l *lastBytes) String() string { return string(l.b) }

// logFile is the console log, written to a temporary file beside its
// final name and renamed there by commit.
type logFile struct {
	f    *os.File
	path string
}

func newLogFile(path string) (*logFile, error) {
	if path == "" {
		return nil, nil
	}
	// Named and locked as disco's other temporary files, so that a build
	// of the machine cleans it up only when this run is gone.
	f, err := cachelock.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return nil, err
	}
	return &logFile{f: f, path: path}, nil
}

// commit renames the log into place, unless writing it failed (werr).
func (l *logFile) commit(werr error) error {
	err := errors.Join(werr, l.f.Chmod(0o644))
	if err == nil {
		err = os.Rename(l.f.Name(), l.path)
	}
	if err != nil {
		os.Remove(l.f.Name())
	}
	return errors.Join(err, l.f.Close())
}
