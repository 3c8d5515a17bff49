package testtool

import (
	"context"
	"debug/elf"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/disco-build/disco/stages/vmtest"
)

// Accel returns the accelerator ("kvm" or "tcg") for boot tests, chosen
// as disco test chooses it: DISCO_ACCEL (auto, kvm or tcg; unset: auto),
// and in auto mode KVM only when vmtest's probe guest runs under it. It
// logs the choice and why, and fails the test when DISCO_ACCEL is bad or
// says kvm and KVM cannot run guests.
func Accel(t testing.TB) string {
	t.Helper()
	mode := os.Getenv("DISCO_ACCEL")
	a, err := vmtest.ChooseAccel(context.Background(), vmtest.AccelQuery{Mode: mode})
	if err != nil {
		t.Fatalf("DISCO_ACCEL=%s: %v", mode, err)
	}
	switch {
	case a.Why != "":
		t.Logf("accelerator tcg: %s", a.Why)
	case a.Probe > 0:
		t.Logf("accelerator %s (KVM probe %.2f s)", a.Name, a.Probe.Seconds())
	default:
		t.Logf("accelerator %s", a.Name)
	}
	return a.Name
}

// HostKernel returns a Debian kernel in /boot and its modules folder, or
// skips the test.
func HostKernel(t testing.TB) (kernel, modules string) {
	t.Helper()
	ks, _ := filepath.Glob("/boot/vmlinuz-*")
	for _, k := range ks {
		m := filepath.Join("/lib/modules", strings.TrimPrefix(filepath.Base(k), "vmlinuz-"))
		if _, err := os.Stat(filepath.Join(m, "modules.dep")); err == nil {
			return k, m
		}
	}
	t.Skip("no /boot/vmlinuz-<v> with /lib/modules/<v>/modules.dep: apt-get install linux-image-amd64 to run the boot test")
	return "", ""
}

// StaticBusybox returns the host's busybox if it is statically linked,
// or skips the test.
func StaticBusybox(t testing.TB) string {
	t.Helper()
	bb := Need(t, "busybox")[0]
	f, err := elf.Open(bb)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Skipf("%s is dynamically linked; install busybox-static", bb)
		}
	}
	return bb
}
