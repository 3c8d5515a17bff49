// Package testtool lets tests demand the real external programs they use as
// oracles (rpmbuild, createrepo_c, dnf, e2fsck, qemu-img, ...).
//
// Entry point: Need. Outside CI a missing program skips the test with a
// message naming the Debian package; under CI (CI=true), where .ci/run has
// installed every package, a missing program fails the test, so a green CI
// run never hides an oracle that did not run.
package testtool

import (
	"os"
	"os/exec"
	"testing"
)

// Need returns the path of each named program, skipping (or, under CI,
// failing) the test when one is absent.
func Need(t testing.TB, programs ...string) []string {
	t.Helper()
	paths := make([]string, 0, len(programs))
	for _, p := range programs {
		path, err := exec.LookPath(p)
		if err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("required program %q not found (.ci/run must install it): %v", p, err)
			}
			t.Skipf("program %q not installed; install it (see .ci/run) to run this test", p)
		}
		paths = append(paths, path)
	}
	return paths
}

// Root skips (or under CI fails) a test that must run as root.
func Root(t testing.TB) {
	t.Helper()
	if os.Geteuid() != 0 {
		if os.Getenv("CI") != "" {
			t.Fatalf("this test must run as root under CI")
		}
		t.Skip("needs root")
	}
}
