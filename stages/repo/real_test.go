package repo_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/disco-build/disco/internal/testtool"
	"github.com/disco-build/disco/stages/repo"
)

// TestRealRPMs compares the loader with `rpm -qp` on a directory of real
// packages (REPO_REAL_RPMS=dir, e.g. the deb2rpm corpus); skipped unless
// set, since such a corpus takes a minute to build.
func TestRealRPMs(t *testing.T) {
	dir := os.Getenv("REPO_REAL_RPMS")
	if dir == "" {
		t.Skip("REPO_REAL_RPMS not set")
	}
	testtool.Need(t, "rpm", "createrepo_c")
	rd := t.TempDir()
	files, _ := filepath.Glob(filepath.Join(dir, "*.rpm"))
	for _, f := range files {
		data, _ := os.ReadFile(f)
		os.WriteFile(filepath.Join(rd, filepath.Base(f)), data, 0o644)
	}
	if out, err := exec.Command("createrepo_c", "--no-database", rd).CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	r, err := loadDir(t, "real", rd, repo.Options{WithFilelists: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Packages) != len(files) {
		t.Fatalf("%d packages from %d files", len(r.Packages), len(files))
	}
	for _, p := range r.Packages {
		compareWithRPM(t, p, queryRPM(t, filepath.Join(rd, p.Location)), true)
	}
}
