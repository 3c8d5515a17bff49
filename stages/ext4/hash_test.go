package ext4

import (
	"fmt"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"github.com/disco-build/disco/internal/testtool"
)

// TestDxHashMatchesDebugfs compares the half_md4 htree hash with
// debugfs's, for short, long (several 32-byte rounds) and non-ASCII names
// (where signed chars matter).
func TestDxHashMatchesDebugfs(t *testing.T) {
	testtool.Need(t, "debugfs")
	o := testOpts()
	seed := fmt.Sprintf("%x-%x-%x-%x-%x", o.HashSeed[0:4], o.HashSeed[4:6], o.HashSeed[6:8], o.HashSeed[8:10], o.HashSeed[10:16])
	re := regexp.MustCompile(`is 0x([0-9a-f]+)`)
	for _, name := range []string{"a", "lost+found", "hello.txt", strings.Repeat("x", 31), strings.Repeat("y", 32),
		strings.Repeat("z", 33), strings.Repeat("long-name-", 25), "caf\xc3\xa9", "\xff\xfe\x80"} {
		out, err := exec.Command("debugfs", "-R", fmt.Sprintf("dx_hash -s %s -h half_md4 \"%s\"", seed, name)).CombinedOutput()
		if err != nil {
			t.Fatalf("debugfs dx_hash: %v\n%s", err, out)
		}
		m := re.FindSubmatch(out)
		if m == nil {
			t.Fatalf("dx_hash %q: %s", name, out)
		}
		if got, want := fmt.Sprintf("%08x", dxHash(name, hashSeed(o))), fmt.Sprintf("%08s", m[1]); got != want {
			t.Errorf("dxHash(%q) = %s, debugfs says %s", name, got, want)
		}
	}
}
