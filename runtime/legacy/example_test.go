package legacy

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/disco-build/disco/internal/testtool"
	"github.com/disco-build/disco/runtime/plan"
)

const example = "../../examples/legacy"

// TestExample reads the committed example tree: what the README promises
// must hold, and the plan must validate once defaulted.
func TestExample(t *testing.T) {
	res := mustRead(t, example)
	if got := ids(res.machines); got != "lab/db prod/api prod/web" {
		t.Fatalf("machines %q", got)
	}
	wantNotices := "prod/machines/web/devices:4: device /dev/console overrides the entry at prod/devices:2"
	if strings.Join(res.notices, "\n") != wantNotices {
		t.Errorf("notices %q, want %q", res.notices, wantNotices)
	}
	web := find(t, res.machines, "prod/web")
	checkExampleWeb(t, web)
	db := find(t, res.machines, "lab/db")
	if got := scriptletNames(db); got != "machine:10-hostname machine:20-hosts" {
		t.Errorf("db scriptlets %q", got)
	}
	if db.Scriptlets[0].Path != "machine-groups/lab/machines/db/generator-scriptlets/10-hostname" {
		t.Errorf("db scriptlet path %q", db.Scriptlets[0].Path)
	}
	if len(db.Devices) != 0 {
		t.Errorf("db devices %+v, want none (lab has no devices)", db.Devices)
	}
	api := find(t, res.machines, "prod/api")
	if api.Packages[1].Pos.String() != "prod/machines/api/packages:2" {
		t.Errorf("api packages through the template link: %+v", api.Packages)
	}
	p := &plan.Plan{Machines: res.machines}
	plan.Default(p)
	if err := p.Validate(); err != nil {
		t.Errorf("Validate: %v", err)
	}
}

func checkExampleWeb(t *testing.T, web *plan.Machine) {
	t.Helper()
	var pk []string
	for _, p := range web.Packages {
		pk = append(pk, p.Name)
	}
	if strings.Join(pk, " ") != "setup bash coreutils findutils grep" {
		t.Errorf("web packages %q", pk)
	}
	if got := scriptletNames(web); got != "group:00-group-banner machine:10-hostname machine:20-hosts" {
		t.Errorf("web scriptlets %q", got)
	}
	want := "group:fixed group:generated(cache:prod/generated) machine:common machine:generated " +
		"machine:generated(cache:prod/web/generated)"
	if got := overlayNames(web); got != want {
		t.Errorf("web overlays %q, want %q", got, want)
	}
	var dev []string
	for _, d := range web.Devices {
		dev = append(dev, d.Path)
	}
	if strings.Join(dev, " ") != "/dev/null /dev/xconsole /dev/ram0 /dev/console" {
		t.Errorf("web devices %q", dev)
	}
	if web.Releasever != "9" || len(web.Repos) != 1 || web.Repos[0].ID != "local.repo" {
		t.Errorf("web yum: releasever %q repos %+v", web.Releasever, web.Repos)
	}
	if !strings.Contains(web.Repos[0].Content, "baseurl=file://${configPath}/../../build/repo") {
		t.Errorf("repo content %q", web.Repos[0].Content)
	}
	// The config "generated" overlay holds only its root .gitignore: skipped.
	if o := web.Overlays[3]; o.Digest != emptyDigest {
		t.Errorf("generated overlay digest %s, want that of an empty tree", o.Digest)
	}
	init, err := os.ReadFile(example + "/templates/machines/init")
	if err != nil {
		t.Fatal(err)
	}
	if web.Init.SHA256 != sha256Hex(init) || web.Init.Path != "/init" {
		t.Errorf("init %+v", web.Init)
	}
}

// emptyDigest is the overlay digest of a folder with nothing in it.
const emptyDigest = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

// TestExampleScriptletsRun sources the example's scriptlets the way the
// contract says (inside a function, in the scriptlet folder) and checks
// what they write, so the example stays a working one.
func TestExampleScriptletsRun(t *testing.T) {
	testtool.Need(t, "bash")
	res := mustRead(t, example)
	web := find(t, res.machines, "prod/web")
	out := runScriptlets(t, web)
	if out["machine/etc/hostname"] != "web\n" {
		t.Errorf("hostname %q", out["machine/etc/hostname"])
	}
	if out["group/etc/banner"] != "group prod\n" {
		t.Errorf("banner %q", out["group/etc/banner"])
	}
	if !strings.Contains(out["machine/etc/hosts"], "127.0.1.1\tweb.prod web\n") {
		t.Errorf("hosts %q", out["machine/etc/hosts"])
	}
}

// TestExampleAnywhere copies the example tree (links as links) to two
// places: the canonical plans equal the one read in place.
func TestExampleAnywhere(t *testing.T) {
	want, err := plan.Canonical(mustRead(t, example).machines)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		dst := filepath.Join(t.TempDir(), "checkout", strconv.Itoa(i))
		copyTree(t, example, dst)
		got, err := plan.Canonical(mustRead(t, dst).machines)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("plan of the copy at %s differs", dst)
		}
	}
}

// copyTree copies src to dst, keeping symlinks as symlinks and the x bit.
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		to := filepath.Join(dst, rel)
		switch {
		case d.IsDir():
			return os.MkdirAll(to, 0o755)
		case d.Type()&fs.ModeSymlink != 0:
			target, err := os.Readlink(p)
			if err != nil {
				return err
			}
			return os.Symlink(target, to)
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(to, data, info.Mode().Perm())
	})
	if err != nil {
		t.Fatal(err)
	}
}
