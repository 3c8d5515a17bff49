package vmtest_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/disco-build/disco/internal/testtool"
	"github.com/disco-build/disco/stages/vmtest"
)

// TestProbeImage: probe.bin is what probe.s assembles to (GNU as is the
// oracle), so the source beside it is the truth.
func TestProbeImage(t *testing.T) {
	tools := testtool.Need(t, "as", "objcopy")
	dir := t.TempDir()
	obj, bin := filepath.Join(dir, "probe.o"), filepath.Join(dir, "probe.bin")
	for _, c := range [][]string{
		{tools[0], "--64", "-o", obj, "probe/probe.s"},
		{tools[1], "-O", "binary", "-j", ".text", obj, bin},
	} {
		if out, err := exec.Command(c[0], c[1:]...).CombinedOutput(); err != nil {
			t.Fatalf("%s: %v\n%s", strings.Join(c, " "), err, out)
		}
	}
	got, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, vmtest.ProbeImage) || len(vmtest.ProbeImage) != 512 {
		t.Errorf("probe/probe.bin (%d bytes) is not what probe/probe.s assembles to (%d bytes): rebuild it", len(vmtest.ProbeImage), len(got))
	}
}

// TestProbeGuestUnderTCG: the probe guest runs to its end under qemu's
// emulator with TCG's CPU model, so a failure under KVM is KVM's. The
// guest goes through every mode, so a broken step would hang or fault.
func TestProbeGuestUnderTCG(t *testing.T) {
	if testing.Short() {
		t.Skip("runs qemu")
	}
	qemu := testtool.Need(t, vmtest.DefaultQEMU)[0]
	start := time.Now()
	if err := vmtest.RunProbe(context.Background(), qemu, vmtest.AccelTCG, vmtest.TCGCPU, 30*time.Second); err != nil {
		t.Fatal(err)
	}
	t.Logf("probe guest under tcg: %.2f s", time.Since(start).Seconds())
}

// standIn writes a stand-in qemu: a shell script that counts its runs in
// DIR/runs and then runs body.
func standIn(t *testing.T, body string) (qemu, runs string) {
	t.Helper()
	dir := t.TempDir()
	qemu, runs = filepath.Join(dir, "qemu-system-x86_64"), filepath.Join(dir, "runs")
	script := "#!/bin/sh\necho run >>" + runs + "\n" + body + "\n"
	if err := os.WriteFile(qemu, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return qemu, runs
}

// fakeKVM returns a file that opens like a KVM device.
func fakeKVM(t *testing.T) string {
	p := filepath.Join(t.TempDir(), "kvm")
	if err := os.WriteFile(p, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestChooseAccel: KVM is chosen only when the probe guest ends under it;
// each way of failing gives TCG and a reason in auto mode and an error in
// kvm mode; tcg runs no probe; a probe runs once per qemu and device.
func TestChooseAccel(t *testing.T) {
	ctx := context.Background()
	const abort = `echo "qemu-system-x86_64: error: failed to set MSR 0x10a to 0x69" >&2
echo "qemu-system-x86_64: ../../target/i386/kvm/kvm.c:3183: kvm_buf_set_msrs: Assertion failed." >&2
kill -ABRT $$`
	const internal = `printf 'KVM internal error. Suberror: 1\nextra data[0]: 0x1\nemulation failure\nRAX=0\n' >&2; exec sleep 30`
	for _, c := range []struct {
		name, body string
		timeout    time.Duration
		want       string // "" : KVM
	}{
		{"runs", `case "$*" in *"-accel kvm -cpu host "*"-bios "*isa-debug-exit*) exit 99 ;; esac; exit 3`, 0, ""},
		{"aborts", abort, 0, "qemu -accel kvm -cpu host: qemu ended (signal: aborted) before the probe guest did: " +
			"qemu-system-x86_64: error: failed to set MSR 0x10a to 0x69; qemu-system-x86_64: ../../target/i386/kvm/kvm.c:3183: kvm_buf_set_msrs: Assertion failed."},
		{"stops", internal, 0, "qemu -accel kvm -cpu host: KVM stopped the probe guest: KVM internal error. Suberror: 1; emulation failure"},
		{"hangs", "exec sleep 30", 300 * time.Millisecond, "qemu -accel kvm -cpu host: the probe guest did not finish within 300ms"},
		{"wrong result", "exit 101", 0, "qemu -accel kvm -cpu host: qemu ended (exit status 101) before the probe guest did"},
		{"exits 0", "exit 0", 0, "qemu -accel kvm -cpu host: qemu ended (exit status 0) before the probe guest did"},
	} {
		t.Run(c.name, func(t *testing.T) {
			qemu, runs := standIn(t, c.body)
			q := vmtest.AccelQuery{QEMU: qemu, KVMDevice: fakeKVM(t), ProbeTimeout: c.timeout}
			start := time.Now()
			a, err := vmtest.ChooseAccel(ctx, q)
			if took := time.Since(start); err != nil || took > 5*time.Second {
				t.Fatalf("auto: %v after %v", err, took)
			}
			if c.want == "" {
				if a.Name != "kvm" || a.CPU != "host" || a.Why != "" || a.Probe <= 0 {
					t.Errorf("auto = %+v, want kvm with -cpu host", a)
				}
			} else if a.Name != "tcg" || a.CPU != "max" || !strings.HasPrefix(a.Why, c.want) {
				t.Errorf("auto = %+v, want tcg, -cpu max, why %q", a, c.want)
			}
			q.Mode = vmtest.AccelKVM
			a, err = vmtest.ChooseAccel(ctx, q)
			switch {
			case c.want == "" && (err != nil || a.Name != "kvm"):
				t.Errorf("kvm = %+v, %v", a, err)
			case c.want != "" && (err == nil || !strings.HasPrefix(err.Error(), "KVM cannot run guests here: "+c.want)):
				t.Errorf("kvm: error %v, want %q", err, c.want)
			}
			if b, _ := os.ReadFile(runs); string(b) != "run\n" {
				t.Errorf("qemu ran %d times for two choices, want once", bytes.Count(b, []byte("run")))
			}
		})
	}

	// No probe: forced tcg, and a KVM device that does not open.
	qemu, runs := standIn(t, "exit 99")
	a, err := vmtest.ChooseAccel(ctx, vmtest.AccelQuery{Mode: vmtest.AccelTCG, QEMU: qemu, KVMDevice: fakeKVM(t)})
	if err != nil || a != (vmtest.Accel{Name: "tcg", CPU: "max"}) {
		t.Errorf("tcg = %+v, %v", a, err)
	}
	missing := filepath.Join(t.TempDir(), "kvm")
	a, err = vmtest.ChooseAccel(ctx, vmtest.AccelQuery{QEMU: qemu, KVMDevice: missing})
	if err != nil || a.Name != "tcg" || a.Why != "open "+missing+": no such file or directory" {
		t.Errorf("no device: %+v, %v", a, err)
	}
	_, err = vmtest.ChooseAccel(ctx, vmtest.AccelQuery{Mode: vmtest.AccelKVM, QEMU: qemu, KVMDevice: missing})
	if err == nil || err.Error() != "KVM cannot run guests here: open "+missing+": no such file or directory" {
		t.Errorf("kvm without a device: %v", err)
	}
	if _, err := os.Stat(runs); err == nil {
		t.Error("qemu ran although no probe was needed")
	}
	if _, err := vmtest.ChooseAccel(ctx, vmtest.AccelQuery{QEMU: filepath.Join(t.TempDir(), "qemu")}); err == nil ||
		!strings.HasSuffix(err.Error(), "(install qemu-system-x86)") {
		t.Errorf("no qemu: %v", err)
	}
	if _, err := vmtest.ChooseAccel(ctx, vmtest.AccelQuery{Mode: "hvf"}); err == nil || err.Error() != `accel "hvf": want auto, kvm or tcg` {
		t.Errorf("bad mode: %v", err)
	}
}
