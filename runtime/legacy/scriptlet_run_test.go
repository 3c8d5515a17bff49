package legacy

import (
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/disco-build/disco/runtime/plan"
)

// runScriptlets runs a machine's scriptlets with bash as the contract
// describes (sourced inside a function, from the scriptlet's folder, in a
// clean environment) and returns the files written under the generated
// folders, keyed "group/..." and "machine/...".
func runScriptlets(t *testing.T, m *plan.Machine) map[string]string {
	t.Helper()
	cache := t.TempDir()
	gen := map[string]string{
		"group":   filepath.Join(cache, "group"),
		"machine": filepath.Join(cache, "machine"),
	}
	for _, s := range m.Scriptlets {
		path, err := filepath.Abs(filepath.Join(example, s.Path))
		if err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command("bash", "--norc", "--noprofile", "-c", `run() { . "$1"; }; run "$1"`, "bash", path)
		cmd.Dir = filepath.Dir(path)
		cmd.Env = []string{"LC_ALL=C", "TZ=UTC", "PATH=/usr/sbin:/usr/bin:/sbin:/bin", "HOME=" + cache,
			"machineName=" + m.Name, "machine=" + m.Name, "machineGroupName=" + m.Group,
			"generatedMachineGroupRootOverlaysPath=" + gen["group"],
			"generatedMachineRootOverlaysPath=" + gen["machine"]}
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("scriptlet %s: %v\n%s", s.Path, err, out)
		}
	}
	files := map[string]string{}
	for level, dir := range gen {
		filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err == nil && d.Type().IsRegular() {
				rel, _ := filepath.Rel(dir, p)
				data, _ := os.ReadFile(p)
				files[level+"/"+filepath.ToSlash(rel)] = string(data)
			}
			return nil
		})
	}
	return files
}
