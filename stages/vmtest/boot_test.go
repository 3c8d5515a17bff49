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
		Expect:  expect, Timeout: timeout, MemoryMiB: 512, Grace: time.Second}
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
	if !strings.HasPrefix(res.Line, marker+" on ") || res.Seconds <= 0 || res.Accel != vmtest.DetectAccel() {
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

	o = appliance(t, "disco-marker: something else", 3*time.Second, "")
	_, err = vmtest.Run(context.Background(), o)
	if !errors.As(err, &be) || !strings.HasPrefix(be.Reason, `no console line contained "disco-marker: something else" within 3s (`) {
		t.Fatalf("timeout: %v", err)
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
		Expect: marker, Timeout: 3 * time.Minute, MemoryMiB: 512, Grace: time.Second}
	res, err := vmtest.Run(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(res.Line, marker) {
		t.Errorf("line %q", res.Line)
	}
	t.Logf("UEFI: marker after %.1f s (%s)", res.Seconds, res.Accel)
}
