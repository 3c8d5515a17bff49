package apt

import (
	"fmt"
	"os/exec"
	"strings"
	"testing"

	"github.com/disco-build/disco/internal/debtest"
	"github.com/disco-build/disco/internal/testtool"
)

// aptUpdate runs the host's apt-get update on one repository with a
// configuration of its own (no host configuration, keyring or state) and
// tells whether apt accepted it: exit status 0 and a Packages list
// stored. The output is returned for messages.
func aptUpdate(t *testing.T, archive, keyringFile string, opts []string) (bool, string) {
	t.Helper()
	o := append([]string{"signed-by=" + keyringFile, "arch=amd64"}, opts...)
	root := debtest.NewAptRoot(t, fmt.Sprintf("deb [%s] file://%s stable main\n", strings.Join(o, " "), archive))
	cmd := exec.Command("apt-get", "update")
	cmd.Env = root.Env
	out, err := cmd.CombinedOutput()
	return err == nil && len(root.Lists()) > 0, string(out)
}

// aptOptions are the sources.list options that match a scenario's
// Repository options.
func aptOptions(sc scenario) []string {
	var r Repository
	if sc.repo != nil {
		sc.repo(&r)
	}
	var o []string
	if r.AllowUnsigned {
		o = append(o, "allow-insecure=yes")
	}
	if r.AllowExpired {
		o = append(o, "check-valid-until=no")
	}
	return o
}

// TestScenariosAgainstAptGet has the host's apt-get update judge every
// scenario's archive: it must accept exactly those OpenSuite and LoadPool
// accept (save where a scenario says why bookworm's apt 2.6 differs).
func TestScenariosAgainstAptGet(t *testing.T) {
	testtool.Need(t, "apt-get", "gpgv")
	agree := 0
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			archive, kr := sc.setup(t)
			_, err := load(t, sc, archive, kr)
			ours := err == nil
			apt, out := aptUpdate(t, archive, kr, aptOptions(sc))
			want := ours
			if sc.aptDiffers != "" {
				want = !ours
			}
			if apt != want {
				t.Fatalf("apt-get update accepted=%v, disco accepted=%v (%v)\napt-get said:\n%s", apt, ours, err, out)
			}
			if sc.aptDiffers != "" {
				t.Logf("apt differs as expected: %s", sc.aptDiffers)
			}
			agree++
		})
	}
	t.Logf("apt-get update agreed on %d of %d scenarios", agree, len(scenarios))
}
