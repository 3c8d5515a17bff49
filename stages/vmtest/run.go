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
// out, the console stayed empty for Options.Silence, or qemu exited
// first.
type BootError struct {
	Reason string   // what happened, one line
	Tail   []string // the last console lines
	Silent bool     // nothing came on the console (the reason says so)
}

func (e *BootError) Error() string {
	if len(e.Tail) == 0 {
		if e.Silent {
			return e.Reason
		}
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
	h := host{accel: o.Accel}
	switch h.accel {
	case AccelKVM:
		h.cpu = KVMCPU
	case AccelTCG:
		h.cpu = TCGCPU
	default:
		a, err := ChooseAccel(ctx, AccelQuery{QEMU: qemu})
		if err != nil {
			return nil, fmt.Errorf("vmtest: %w", err)
		}
		h.accel, h.cpu = a.Name, a.CPU
	}
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

// output is what the console reader tells boot: when the first bytes
// came (spoke is closed then), and, once the reader is done, when the
// last ones did.
type output struct {
	spoke chan struct{}
	last  time.Duration
}

// boot runs qemu with the console on a pipe until the line comes, the
// time runs out, the console stays empty too long, qemu exits or ctx is
// done; it always waits for qemu to be gone and the console to be read to
// its end.
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
	out := &output{spoke: make(chan struct{})}
	go func() {
		defer close(readDone)
		read(r, con, start, matched, out)
	}()
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	kill := func() {
		cmd.Process.Kill()
		<-exited
	}
	timer := time.NewTimer(o.Timeout)
	defer timer.Stop()
	var silence <-chan time.Time
	if lim := cmp.Or(o.Silence, DefaultSilence); lim > 0 && lim < o.Timeout {
		t := time.NewTimer(lim)
		defer t.Stop()
		silence = t.C
	}
	spoke := out.spoke
	for {
		select {
		case <-spoke:
			spoke, silence = nil, nil
			continue
		case m := <-matched:
			res.Seconds, res.Line = m.after.Seconds(), m.line
			stop(monitor, cmp.Or(o.Grace, DefaultGrace), exited, kill)
			<-readDone
			return nil
		case werr := <-exited:
			<-readDone
			select {
			case m := <-matched:
				res.Seconds, res.Line = m.after.Seconds(), m.line
				return nil
			default:
			}
			res.Seconds = time.Since(start).Seconds()
			return &BootError{Reason: exitReason(werr, res.Seconds, o.Expect, stderr.String()), Tail: con.lastLines()}
		case <-silence:
			res.Seconds = time.Since(start).Seconds()
			kill()
			<-readDone
			return hungError(cmp.Or(o.Silence, DefaultSilence), res.Accel, o.Kind)
		case <-timer.C:
			res.Seconds = time.Since(start).Seconds()
			kill()
			<-readDone
			return timeoutError(o, res, out.last, con.lastLines())
		case <-ctx.Done():
			res.Seconds = time.Since(start).Seconds()
			kill()
			<-readDone
			return fmt.Errorf("vmtest: %w", ctx.Err())
		}
	}
}

// exitReason says that qemu exited before the line came, and how.
func exitReason(werr error, secs float64, expect, stderr string) string {
	how := "qemu exited (the guest powered off or rebooted)"
	if werr != nil {
		how = fmt.Sprintf("qemu exited (%v)", werr)
	}
	fail := fmt.Sprintf("%s after %.1f s, before a console line contained %q", how, secs, expect)
	if s := strings.TrimSpace(stderr); s != "" {
		fail += ": " + strings.ReplaceAll(s, "\n", "; ")
	}
	return fail
}

// hungError says that the console stayed empty for d: under OVMF the
// firmware prints within seconds, so it has most likely hung; an
// appliance's kernel with "quiet" prints nothing until its init does.
func hungError(d time.Duration, accel string, kind Kind) *BootError {
	what := "the firmware may be hung"
	if kind == Appliance {
		what = "the firmware or the kernel may be hung"
	}
	return &BootError{Reason: fmt.Sprintf("no console output for %g s (%s); %s", d.Seconds(), accel, what), Silent: true}
}

// timeoutError says that the time ran out: as a hung guest if the console
// stayed empty, else with how long it had been quiet when that was half
// the time or more (last: when the last output came).
func timeoutError(o Options, res *Result, last time.Duration, tail []string) *BootError {
	if last == 0 {
		return hungError(o.Timeout, res.Accel, o.Kind)
	}
	reason := fmt.Sprintf("no console line contained %q within %s (%s)", o.Expect, o.Timeout, res.Accel)
	if quiet := time.Duration(res.Seconds*float64(time.Second)) - last; quiet >= o.Timeout/2 {
		reason += fmt.Sprintf("; no console output for the last %.1f s", quiet.Seconds())
	}
	return &BootError{Reason: reason, Tail: tail}
}

// promptWait is how long an unfinished console line holding the text may
// wait for the rest of it before it is matched as it is.
const promptWait = 300 * time.Millisecond

// read feeds the console from r until the end, sending the first match
// with the time since start at which its text showed, and noting in out
// when output came.
func read(r *os.File, con *console, start time.Time, matched chan<- match, out *output) {
	buf := make([]byte, 32<<10)
	var seen time.Duration // when the pending line's text showed
	for {
		n, err := r.Read(buf)
		if n > 0 {
			if out.last == 0 {
				close(out.spoke)
			}
			out.last = time.Since(start)
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
