package scriptlet

import (
	"context"
	"debug/elf"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/disco-build/disco/internal/testtool"
)

// applets are the busybox programs the test roots get as symbolic links.
var applets = []string{"sh", "env", "tr", "cat", "test", "head", "wc", "sleep", "echo", "touch", "ls", "mkdir", "grep", "hostname", "chown", "chmod", "id", "cp"}

// busyboxRoot makes a tiny image: a static busybox at /bin/busybox and
// links to it; nothing else (no /dev, /proc, /var).
func busyboxRoot(t testing.TB) string {
	t.Helper()
	bb := testtool.Need(t, "busybox")[0]
	if f, err := elf.Open(bb); err != nil {
		t.Fatal(err)
	} else {
		for _, p := range f.Progs {
			if p.Type == elf.PT_INTERP {
				if os.Getenv("CI") != "" {
					t.Fatalf("%s is dynamically linked; CI must install the Debian package busybox-static", bb)
				}
				t.Skipf("%s is dynamically linked; install the Debian package busybox-static", bb)
			}
		}
		f.Close()
	}
	data, err := os.ReadFile(bb)
	if err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	must(t, os.Mkdir(filepath.Join(root, "bin"), 0o755))
	must(t, os.WriteFile(filepath.Join(root, "bin", "busybox"), data, 0o755))
	for _, a := range applets {
		must(t, os.Symlink("busybox", filepath.Join(root, "bin", a)))
	}
	return root
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// fakeClock advances by step at every reading.
func fakeClock(step time.Duration) func() time.Time {
	now := time.Unix(1700000000, 0)
	return func() time.Time { now = now.Add(step); return now }
}

func testRunner() *Runner {
	return &Runner{Epoch: 1234567890, Timeout: 20 * time.Second, Clock: fakeClock(250 * time.Millisecond)}
}

func readFile(t *testing.T, p string) string {
	t.Helper()
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// probe skips when this process may not create the namespaces (an
// unprivileged user where user namespaces are off).
func probe(t *testing.T, root string) {
	t.Helper()
	o := testRunner().Run(context.Background(), root, Script{Package: "probe", Name: "post", Prog: []string{"/bin/sh"}, Body: "true", Arg1: 1})
	if o.Status != Ran && os.Geteuid() != 0 && strings.Contains(o.Reason, "namespace helper") {
		t.Skipf("user namespaces are unavailable to uid %d here: %s", os.Geteuid(), o.Reason)
	}
	if o.Status != Ran {
		t.Fatalf("probe scriptlet: %+v", o)
	}
}
