package testtool

import (
	"debug/elf"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

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
