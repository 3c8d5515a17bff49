package scriptlet

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/disco-build/disco/internal/testtool"
)

// TestUnprivileged re-runs TestScriptlets, TestLua, TestTreeSync,
// TestEscapes, TestJail and TestControllingTerminal as nobody, where the
// runner must use a user namespace. Only root can switch users; an
// unprivileged `go test` runs TestScriptlets that way already.
func TestUnprivileged(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("already unprivileged: TestScriptlets covers the user-namespace path")
	}
	setpriv := testtool.Need(t, "setpriv")[0]
	busyboxRoot(t) // skips without a static busybox, as the re-run would
	self, err := os.Executable()
	must(t, err)
	// A copy of the test binary and a TMPDIR that nobody can reach.
	dir, err := os.MkdirTemp("", "scriptlet-unprivileged")
	must(t, err)
	t.Cleanup(func() { os.RemoveAll(dir) })
	must(t, os.Chmod(dir, 0o755))
	bin := filepath.Join(dir, "scriptlet.test")
	data, err := os.ReadFile(self)
	must(t, err)
	must(t, os.WriteFile(bin, data, 0o755))
	tmp := filepath.Join(dir, "tmp")
	must(t, os.Mkdir(tmp, 0o777))
	must(t, os.Chmod(tmp, 0o1777))
	cmd := exec.Command(setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", "--",
		bin, "-test.run=^(TestScriptlets|TestLua|TestTreeSync|TestEscapes|TestJail|TestControllingTerminal)$", "-test.v", "-test.count=1")
	cmd.Env = []string{"TMPDIR=" + tmp, "PATH=" + os.Getenv("PATH"), "CI=" + os.Getenv("CI")}
	cmd.Dir = tmp
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("as nobody: %v\n%s", err, out)
	}
	if i := strings.Index(string(out), "user namespaces are unavailable"); i >= 0 {
		line, _, _ := strings.Cut(string(out[i:]), "\n")
		t.Skipf("as nobody: %s", line)
	}
	for _, name := range []string{"TestScriptlets", "TestLua", "TestTreeSync", "TestEscapes", "TestJail", "TestControllingTerminal"} {
		if !strings.Contains(string(out), "--- PASS: "+name+" ") {
			t.Errorf("as nobody, %s did not pass", name)
		}
	}
	if strings.Contains(string(out), "--- SKIP") || t.Failed() {
		t.Fatalf("as nobody, not every test ran:\n%s", out)
	}
}
