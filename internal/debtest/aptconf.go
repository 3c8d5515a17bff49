package debtest

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// AptRoot is an apt configuration of a test's own: apt-get, apt-cache and
// python3-apt run with Env read no host configuration, keyring, lists or
// dpkg status (the status file is empty), for architecture amd64, as root
// without privilege dropping and without locks.
type AptRoot struct {
	Dir string
	Env []string // APT_CONFIG, PATH, LC_ALL
}

// NewAptRoot writes the configuration and sources (a sources.list body)
// under a temporary folder.
func NewAptRoot(t testing.TB, sources string) *AptRoot {
	t.Helper()
	dir := t.TempDir()
	for _, d := range []string{"etc/apt/apt.conf.d", "etc/apt/sources.list.d", "etc/apt/trusted.gpg.d", "etc/apt/preferences.d",
		"state/lists/partial", "cache/archives/partial", "log"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	writeFile(t, filepath.Join(dir, "status"), nil)
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
	writeFile(t, filepath.Join(dir, "apt.conf"), []byte(conf))
	writeFile(t, filepath.Join(dir, "etc/apt/sources.list"), []byte(sources))
	return &AptRoot{Dir: dir, Env: []string{"APT_CONFIG=" + filepath.Join(dir, "apt.conf"), "PATH=/usr/bin:/bin:/usr/sbin:/sbin", "LC_ALL=C"}}
}

// Lists returns the index files apt stored.
func (r *AptRoot) Lists() []string {
	l, _ := filepath.Glob(filepath.Join(r.Dir, "state/lists/*Packages*"))
	return l
}
