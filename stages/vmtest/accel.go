package vmtest

import (
	"bytes"
	"cmp"
	"context"
	_ "embed"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// Accel is how qemu runs the guest's CPU: the accelerator, the CPU model,
// and, when it is not KVM although KVM was allowed, why.
type Accel struct {
	Name  string        // "kvm" or "tcg"
	CPU   string        // qemu's -cpu model
	Why   string        // auto mode fell back to tcg: why KVM is not used
	Probe time.Duration // how long the KVM probe ran (0: none ran)
}

// The CPU models: under KVM the host's CPU, which runs fastest and has
// every instruction the host has; under TCG "max", everything qemu can
// emulate (qemu's default, qemu64, lacks SSE4 and POPCNT, which
// x86-64-v2 distributions such as RHEL 9 require), at the same speed.
const (
	KVMCPU = "host"
	TCGCPU = "max"
)

// The accelerator modes ChooseAccel takes.
const (
	AccelAuto = "auto" // KVM if the probe guest runs under it, else TCG
	AccelKVM  = "kvm"  // KVM, or an error saying why it cannot run guests
	AccelTCG  = "tcg"  // qemu's emulator
)

// DefaultKVMDevice is the device KVM is reached through.
const DefaultKVMDevice = "/dev/kvm"

// DefaultProbeTimeout bounds the KVM probe: the probe guest ends within
// a few hundred milliseconds (qemu's start included) where KVM works.
const DefaultProbeTimeout = 3 * time.Second

// AccelQuery says which accelerator ChooseAccel may pick and how it
// checks KVM.
type AccelQuery struct {
	Mode         string        // AccelAuto ("" too), AccelKVM or AccelTCG
	QEMU         string        // the qemu binary; "": DefaultQEMU from PATH
	KVMDevice    string        // "": DefaultKVMDevice
	ProbeTimeout time.Duration // 0: DefaultProbeTimeout
}

// probeImage is the guest the probe boots (probe/probe.s): the top 512
// bytes of a 64 KiB firmware image.
//
//go:embed probe/probe.bin
var probeImage []byte

// probeExit is qemu's exit status when the probe guest ran to its end.
const probeExit = 99

// probes remembers each probe's outcome for the life of the process:
// KVM's state does not change between the boots of one disco test.
var probes struct {
	sync.Mutex
	done map[string]probeResult
}

type probeResult struct {
	err  error
	took time.Duration
}

// ChooseAccel settles the accelerator for q.Mode. In auto mode it uses
// KVM when the KVM device opens and a probe guest runs under qemu with
// KVM and the KVM CPU model (the probe's outcome is kept for the
// process), and TCG otherwise, with Accel.Why saying why. AccelKVM fails
// with that reason instead. An unknown mode, and (but for AccelTCG) a
// qemu that is not installed, are errors.
func ChooseAccel(ctx context.Context, q AccelQuery) (Accel, error) {
	tcg := Accel{Name: AccelTCG, CPU: TCGCPU}
	switch q.Mode {
	case AccelTCG:
		return tcg, nil
	case "", AccelAuto, AccelKVM:
	default:
		return Accel{}, fmt.Errorf("accel %q: want auto, kvm or tcg", q.Mode)
	}
	qemu, err := exec.LookPath(cmp.Or(q.QEMU, DefaultQEMU))
	if err != nil {
		return Accel{}, fmt.Errorf("%w (install qemu-system-x86)", err)
	}
	took, err := probeKVM(ctx, qemu, cmp.Or(q.KVMDevice, DefaultKVMDevice), q.ProbeTimeout)
	if ctx.Err() != nil {
		return Accel{}, ctx.Err()
	}
	if err == nil {
		return Accel{Name: AccelKVM, CPU: KVMCPU, Probe: took}, nil
	}
	if q.Mode == AccelKVM {
		return Accel{}, fmt.Errorf("KVM cannot run guests here: %w", err)
	}
	tcg.Why, tcg.Probe = err.Error(), took
	return tcg, nil
}

// probeKVM opens the KVM device dev and boots the probe guest under
// KVM, once per qemu and device in the process; it returns why KVM cannot
// run guests, or nil.
func probeKVM(ctx context.Context, qemu, dev string, timeout time.Duration) (time.Duration, error) {
	f, err := os.OpenFile(dev, os.O_RDWR, 0)
	if err != nil {
		return 0, err // names the device
	}
	f.Close()
	key := qemu + "\x00" + dev
	probes.Lock()
	defer probes.Unlock()
	if r, ok := probes.done[key]; ok {
		return r.took, r.err
	}
	start := time.Now()
	err = runProbe(ctx, qemu, AccelKVM, KVMCPU, cmp.Or(timeout, DefaultProbeTimeout))
	r := probeResult{err: err, took: time.Since(start)}
	if ctx.Err() == nil {
		if probes.done == nil {
			probes.done = map[string]probeResult{}
		}
		probes.done[key] = r
	}
	return r.took, r.err
}

// probeArgs are qemu's arguments for the probe guest in image: the
// machine disco boots, the accelerator and CPU model, no devices but the
// exit port.
func probeArgs(image, accel, cpu string) []string {
	return []string{"-nodefaults", "-no-user-config", "-display", "none", "-machine", "q35",
		"-accel", accel, "-cpu", cpu, "-m", "16", "-bios", image,
		"-device", "isa-debug-exit,iobase=0xf4,iosize=1", "-serial", "none", "-monitor", "none"}
}

// runProbe boots the probe guest (under KVM, but for tests) and says why
// it did not run to its end within timeout: qemu failed (with its
// message), KVM stopped the guest ("KVM internal error", after which qemu
// waits forever), or the time ran out.
func runProbe(ctx context.Context, qemu, accel, cpu string, timeout time.Duration) error {
	dir, err := os.MkdirTemp("", "disco-probe-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	image := filepath.Join(dir, "probe.fd")
	img := make([]byte, 64<<10)
	copy(img[len(img)-len(probeImage):], probeImage)
	if err := os.WriteFile(image, img, 0o600); err != nil {
		return err
	}
	cmd := exec.Command(qemu, probeArgs(image, accel, cpu)...)
	name := "qemu -accel " + accel + " -cpu " + cpu
	stderr := &watch{max: 4096, signal: "KVM internal error", seen: make(chan struct{})}
	cmd.Stderr = stderr
	cmd.SysProcAttr = sysProcAttr()
	if err := cmd.Start(); err != nil {
		return err
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	kill := func() { cmd.Process.Kill(); <-exited }
	select {
	case err := <-exited:
		return probeExitError(name, err, stderr.String())
	case <-stderr.seen:
		// qemu has stopped the guest; give it a moment to say why.
		time.Sleep(100 * time.Millisecond)
		kill()
		return fmt.Errorf("%s: KVM stopped the probe guest: %s", name, internalError(stderr.String()))
	case <-timer.C:
		kill()
		return fmt.Errorf("%s: the probe guest did not finish within %v (it ends in well under a second where KVM runs guests natively)",
			name, timeout)
	case <-ctx.Done():
		kill()
		return ctx.Err()
	}
}

// probeExitError reads qemu's exit: status 99 is the probe guest's end.
func probeExitError(name string, err error, stderr string) error {
	var ee *exec.ExitError
	if errors.As(err, &ee) && ee.ExitCode() == probeExit {
		return nil
	}
	how := "exit status 0"
	if err != nil {
		how = err.Error()
	}
	reason := fmt.Sprintf("%s: qemu ended (%s) before the probe guest did", name, how)
	if msg := lastLines(stderr, 3); msg != "" {
		reason += ": " + msg
	}
	return errors.New(reason)
}

// internalError is the gist of qemu's report of a KVM internal error:
// its first line and the kind of failure, without the register dump.
func internalError(stderr string) string {
	var out []string
	for _, l := range strings.Split(stderr, "\n") {
		l = strings.TrimSpace(l)
		if strings.HasPrefix(l, "KVM internal error") || l == "emulation failure" {
			out = append(out, l)
		}
	}
	return strings.Join(out, "; ")
}

// lastLines returns the last n non-empty lines of s joined by "; ",
// without qemu's warnings about CPU features the host lacks.
func lastLines(s string, n int) string {
	var keep []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.Contains(l, "warning: host doesn't support requested feature") {
			keep = append(keep, l)
		}
	}
	return strings.Join(keep[max(0, len(keep)-n):], "; ")
}

// watch keeps the last max bytes written to it, and closes seen the
// first time they hold signal.
type watch struct {
	mu     sync.Mutex
	max    int
	b      []byte
	signal string
	seen   chan struct{}
	closed bool
}

func (w *watch) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.b = append(w.b, p...)
	if len(w.b) > w.max {
		w.b = w.b[len(w.b)-w.max:]
	}
	if !w.closed && bytes.Contains(w.b, []byte(w.signal)) {
		w.closed = true
		close(w.seen)
	}
	return len(p), nil
}

func (w *watch) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return string(w.b)
}
