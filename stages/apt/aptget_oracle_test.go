package apt

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/disco-build/disco/internal/testtool"
)

// aptUpdate runs the host's apt-get update on one repository with a
// configuration of its own (no host configuration, keyring or state) and
// tells whether apt accepted it: exit status 0 and a Packages list
// stored. The output is returned for messages.
func aptUpdate(t *testing.T, archive, keyringFile string, opts []string) (bool, string) {
	t.Helper()
	dir := t.TempDir()
	for _, d := range []string{"etc/apt/apt.conf.d", "etc/apt/sources.list.d", "etc/apt/trusted.gpg.d", "etc/apt/preferences.d", "state/lists/partial", "cache/archives/partial", "log"} {
		os.MkdirAll(filepath.Join(dir, d), 0o755)
	}
	os.WriteFile(filepath.Join(dir, "status"), nil, 0o644)
	conf := fmt.Sprintf(`Dir "%[1]s/";
Dir::State "%[1]s/state/";
Dir::State::status "%[1]s/status";
Dir::Cache "%[1]s/cache/";
Dir::Etc "%[1]s/etc/apt/";
Dir::Log "%[1]s/log/";
APT::Architecture "amd64";
APT::Architectures { "amd64"; };
APT::Sandbox::User "root";
Debug::NoLocking "true";
Acquire::Languages "none";
Acquire::Retries "0";
`, dir)
	os.WriteFile(filepath.Join(dir, "apt.conf"), []byte(conf), 0o644)
	o := append([]string{"signed-by=" + keyringFile, "arch=amd64"}, opts...)
	src := fmt.Sprintf("deb [%s] file://%s stable main\n", strings.Join(o, " "), archive)
	os.WriteFile(filepath.Join(dir, "etc/apt/sources.list"), []byte(src), 0o644)
	cmd := exec.Command("apt-get", "update")
	cmd.Env = []string{"APT_CONFIG=" + filepath.Join(dir, "apt.conf"), "PATH=/usr/bin:/bin:/usr/sbin:/sbin", "LC_ALL=C"}
	out, err := cmd.CombinedOutput()
	lists, _ := filepath.Glob(filepath.Join(dir, "state/lists/*Packages*"))
	if l, _ := exec.Command("ls", "-la", filepath.Join(dir, "state/lists")).CombinedOutput(); os.Getenv("APT_DEBUG") != "" {
		out = append(out, l...)
	}
	return err == nil && len(lists) > 0, string(out)
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
