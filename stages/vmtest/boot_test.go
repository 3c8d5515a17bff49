package vmtest_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/disco-build/disco/internal/testtool"
	"github.com/disco-build/disco/stages/vmtest"
)

// fixture is the appliance every boot test shares, built once.
var fixture struct {
	once                     sync.Once
	dir                      string
	kernel, modules, busybox string
	initrd, root             string
	err                      error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if fixture.dir != "" {
		os.RemoveAll(fixture.dir)
	}
	os.Exit(code)
}

// appliance returns Options booting the shared appliance, or skips.
func appliance(t *testing.T, expect string, timeout time.Duration, extra string) vmtest.Options {
	t.Helper()
	if testing.Short() {
		t.Skip("boots a VM")
	}
	testtool.Need(t, vmtest.DefaultQEMU)
	kernel, modules := testtool.HostKernel(t)
	busybox := testtool.StaticBusybox(t)
	f := &fixture
	f.once.Do(func() {
		if f.dir, f.err = os.MkdirTemp("", "vmtest-fixture-"); f.err != nil {
			return
		}
		f.kernel, f.modules, f.busybox = kernel, modules, busybox
		f.initrd = initrd(t, f.dir, modules)
		f.root = rootImage(t, f.dir, busybox)
	})
	if f.err != nil || f.root == "" {
		t.Fatalf("fixture: %v", f.err)
	}
	return vmtest.Options{Kind: vmtest.Appliance, Kernel: f.kernel, Initrd: f.initrd, Root: f.root,
		Cmdline: "root=/dev/vda rootfstype=ext4 ro console=ttyS0 panic=-1 " + extra,
		Expect:  expect, Timeout: timeout, MemoryMiB: 512, Grace: time.Second, Accel: testtool.Accel(t)}
}

// TestBootAppliance boots the appliance to its marker; the guest sleeps
// afterwards, so Run must stop it. The console log is written whole and
// the live writer gets the same bytes.
func TestBootAppliance(t *testing.T) {
	o := appliance(t, marker, 90*time.Second, "")
	var live bytes.Buffer
	o.Console = &live
	o.ConsoleLog = filepath.Join(t.TempDir(), "test-console.log")
	rootBefore, err := os.ReadFile(o.Root)
	if err != nil {
		t.Fatal(err)
	}
	res, err := vmtest.Run(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(res.Line, marker+" on ") || res.Seconds <= 0 || res.Accel != o.Accel {
		t.Errorf("result: line %q, %.1f s, accel %q", res.Line, res.Seconds, res.Accel)
	}
	log, err := os.ReadFile(o.ConsoleLog)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(log, []byte("Linux version")) || !bytes.Contains(log, []byte(marker)) || bytes.Contains(log, []byte("\r")) {
		t.Errorf("console log lacks the kernel banner or the marker, or keeps carriage returns:\n%s", log)
	}
	if !bytes.Equal(live.Bytes(), log) {
		t.Error("the live console differs from the log")
	}
	if last := res.ConsoleTail[len(res.ConsoleTail)-1]; !strings.Contains(strings.Join(res.ConsoleTail, "\n"), marker) {
		t.Errorf("tail does not hold the marker; last line %q", last)
	}
	if after, _ := os.ReadFile(o.Root); !bytes.Equal(after, rootBefore) {
		t.Error("booting changed the root image (snapshot=on missing)")
	}
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(o.ConsoleLog), ".*")); len(left) > 0 {
		t.Errorf("temporary files left beside the log: %v", left)
	}
	t.Logf("appliance: marker after %.1f s (%s)", res.Seconds, res.Accel)
}

// TestBootApplianceFailures: a line that never comes is an error with the
// console's last lines, whether the guest powers off first or the time
// runs out.
func TestBootApplianceFailures(t *testing.T) {
	o := appliance(t, "disco-marker: something else", 90*time.Second, "vmtest.poweroff")
	o.ConsoleLog = filepath.Join(t.TempDir(), "test-console.log")
	res, err := vmtest.Run(context.Background(), o)
	var be *vmtest.BootError
	if !errors.As(err, &be) {
		t.Fatalf("want a BootError, got %v", err)
	}
	if !strings.HasPrefix(be.Reason, "qemu exited (the guest powered off or rebooted)") ||
		!strings.Contains(err.Error(), "\n  | "+marker) || res == nil || res.Line != "" {
		t.Errorf("powered-off guest: %v", err)
	}
	if log, _ := os.ReadFile(o.ConsoleLog); !bytes.Contains(log, []byte("reboot: Power down")) {
		t.Errorf("the console log is not kept on failure:\n%s", log)
	}

	// The time runs out: with the console's tail, or, when the kernel
	// has not written yet (under tcg it takes longer than 3 s), as a
	// silent guest.
	o = appliance(t, "disco-marker: something else", 3*time.Second, "")
	_, err = vmtest.Run(context.Background(), o)
	be = nil
	want := `no console line contained "disco-marker: something else" within 3s (` + o.Accel + ")"
	if errors.As(err, &be) && len(be.Tail) == 0 && be.Silent {
		want = "no console output for 3 s (" + o.Accel + "); the firmware or the kernel may be hung"
	}
	if be == nil || !strings.HasPrefix(be.Reason, want) {
		t.Fatalf("timeout: %v, want %q", err, want)
	}
}

// TestBootCancel: cancelling the context kills qemu and says so.
func TestBootCancel(t *testing.T) {
	o := appliance(t, marker, time.Minute, "")
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	res, err := vmtest.Run(ctx, o)
	if !errors.Is(err, context.DeadlineExceeded) || res == nil {
		t.Fatalf("cancelled run: %v", err)
	}
}

// TestBootUEFI boots a GPT disk under OVMF: systemd-boot from the ESP
// loads the kernel and initrd of its entry, and the root is found by
// PARTUUID.
func TestBootUEFI(t *testing.T) {
	base := appliance(t, marker, time.Minute, "")
	if _, err := vmtest.FindFirmware(); err != nil {
		t.Skip(err)
	}
	dir := t.TempDir()
	efi := systemdBoot(t, dir)
	o := vmtest.Options{Kind: vmtest.UEFI, Disk: uefiDisk(t, dir, efi, base.Kernel, base.Initrd, fixture.busybox),
		Expect: marker, Timeout: 3 * time.Minute, MemoryMiB: 512, Grace: time.Second, Accel: base.Accel}
	res, err := vmtest.Run(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(res.Line, marker) {
		t.Errorf("line %q", res.Line)
	}
	t.Logf("UEFI: marker after %.1f s (%s)", res.Seconds, res.Accel)
}

// TestBootSilentFirmware: a firmware that spins without printing (a jump
// to itself at the reset vector) is reported as hung once the console has
// stayed empty for Options.Silence, long before the timeout; with a
// timeout shorter than that, at the timeout, in the same words.
func TestBootSilentFirmware(t *testing.T) {
	if testing.Short() {
		t.Skip("runs qemu")
	}
	testtool.Need(t, vmtest.DefaultQEMU)
	dir := t.TempDir()
	fw, disk := filepath.Join(dir, "spin.fd"), filepath.Join(dir, "disk.raw")
	img := make([]byte, 64<<10)
	copy(img[len(img)-16:], []byte{0xeb, 0xfe}) // jmp $
	if err := os.WriteFile(fw, img, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(disk, make([]byte, 1<<20), 0o644); err != nil {
		t.Fatal(err)
	}
	accel := testtool.Accel(t)
	o := vmtest.Options{Kind: vmtest.UEFI, Disk: disk, Firmware: vmtest.Firmware{Code: fw}, Expect: "never",
		Timeout: time.Minute, Silence: 2 * time.Second, Accel: accel, MemoryMiB: 64}
	for _, want := range []string{"no console output for 2 s (" + accel + "); the firmware may be hung",
		"no console output for 1 s (" + accel + "); the firmware may be hung"} {
		start := time.Now()
		res, err := vmtest.Run(context.Background(), o)
		var be *vmtest.BootError
		if !errors.As(err, &be) || !be.Silent || be.Reason != want || err.Error() != want || len(be.Tail) != 0 {
			t.Fatalf("got %v, want %q", err, want)
		}
		if took := time.Since(start); took > 20*time.Second || res.Seconds < 1 {
			t.Errorf("reported after %v (%.1f s from qemu's start)", took, res.Seconds)
		}
		o.Timeout, o.Silence = time.Second, 0 // DefaultSilence is longer
	}
}
