package stages

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/disco-build/disco/runtime/configfs"
	"github.com/disco-build/disco/runtime/eval"
	"github.com/disco-build/disco/runtime/legacy"
	"github.com/disco-build/disco/runtime/plan"
	"github.com/disco-build/disco/runtime/treehash"
	"github.com/disco-build/disco/stages/manifest"
	"github.com/disco-build/disco/stages/tree"
)

func put(t *testing.T, root, rel, content string, mode os.FileMode) {
	t.Helper()
	p := filepath.Join(root, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
}

func link(t *testing.T, root, rel, target string) {
	t.Helper()
	p := filepath.Join(root, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, p); err != nil {
		t.Fatal(err)
	}
}

// legacyTree writes a discographer tree made the way real ones are: every
// machine part a symlink into shared templates, overlays linked at group
// and machine level, relatively and absolutely (inside the root), through
// a chain of links, and with symlinks inside an overlay.
func legacyTree(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	tpl := "templates/machines/default"
	put(t, root, tpl+"/packages", "bash\n", 0o644)
	put(t, root, tpl+"/yum/yum.conf.template", "[main]\nreleasever=9\n", 0o644)
	put(t, root, tpl+"/init", "#!/bin/sh\n", 0o755)
	put(t, root, "templates/overlays/common/etc/motd", "welcome\n", 0o644)
	put(t, root, "templates/overlays/common/etc/skel/.bashrc", "PS1='$ '\n", 0o644)
	put(t, root, "templates/overlays/common/.gitignore", "*\n", 0o644) // root dot file: left out
	put(t, root, "templates/overlays/common/usr/bin/hi", "#!/bin/sh\necho hi\n", 0o755)
	link(t, root, "templates/overlays/common/etc/localtime", "../usr/share/zoneinfo/UTC") // stays a link
	put(t, root, "templates/overlays/site/etc/site.conf", "site\n", 0o644)
	put(t, root, "templates/overlays/chained/etc/chain", "end of the chain\n", 0o644)
	// a chain: alias -> alias2 -> chained
	link(t, root, "templates/overlays/alias2", "chained")
	link(t, root, "templates/overlays/alias", "alias2")
	for _, m := range []string{"web", "db"} {
		dir := "prod/machines/" + m
		for _, part := range []string{"packages", "yum", "init"} {
			link(t, root, dir+"/"+part, "../../../"+tpl+"/"+part)
		}
	}
	// machine level: relative, absolute inside the root, through a chain
	link(t, root, "prod/machines/web/root-overlays/common", "../../../../templates/overlays/common")
	link(t, root, "prod/machines/web/root-overlays/site", filepath.Join(root, "templates/overlays/site"))
	link(t, root, "prod/machines/web/root-overlays/zchain", "../../../../templates/overlays/alias")
	// group level: the whole root-overlays folder of the group is a link
	put(t, root, "templates/group-overlays/banner/etc/banner", "prod\n", 0o644)
	link(t, root, "prod/root-overlays", "../templates/group-overlays")
	// db: its root-overlays folder links to a folder whose entry is a link
	link(t, root, "templates/db-overlays/common", "../overlays/common")
	link(t, root, "prod/machines/db/root-overlays", "../../../templates/db-overlays")
	return root
}

func readLegacy(t *testing.T, root string) map[string]*plan.Machine {
	t.Helper()
	ms, err := legacy.Read(context.Background(), root, legacy.Options{})
	if err != nil {
		t.Fatalf("legacy.Read: %v", err)
	}
	out := map[string]*plan.Machine{}
	for _, m := range ms {
		out[m.ID()] = m
	}
	return out
}

// applyOverlays runs the overlay stage alone on an empty tree.
func applyOverlays(t *testing.T, root string, m *plan.Machine) (*tree.Tree, *Overlayer, error) {
	t.Helper()
	tr, err := tree.New(filepath.Join(t.TempDir(), "root"), 1700000000)
	if err != nil {
		t.Fatal(err)
	}
	ov := NewOverlayer(tr, root, filepath.Join(root, "cache"), 1700000000)
	t.Cleanup(func() { ov.Close() })
	for _, x := range m.Overlays {
		if err := ov.Apply(m, x); err != nil {
			return tr, ov, err
		}
	}
	return tr, ov, nil
}

// covered lists the root paths the plan's digest of ov covers.
func covered(t *testing.T, root string, ov plan.Overlay) []string {
	t.Helper()
	fsys, err := configfs.New(root)
	if err != nil {
		t.Fatal(err)
	}
	defer fsys.Close()
	var out []string
	if err := treehash.Walk(fsys, ov.Source, true, func(e treehash.Entry) error {
		out = append(out, "/"+e.Path)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

// checkApplied checks the stage copied exactly what the plan's digests
// cover, overlay by overlay, and that its sums equal the plan's.
func checkApplied(t *testing.T, root string, m *plan.Machine, ov *Overlayer) {
	t.Helper()
	if len(ov.Applied) != len(m.Overlays) {
		t.Fatalf("%s: %d overlays applied, plan has %d", m.ID(), len(ov.Applied), len(m.Overlays))
	}
	for i, x := range m.Overlays {
		got := ov.Applied[i]
		if want := covered(t, root, x); !slices.Equal(got.Entries, want) {
			t.Errorf("%s: overlay %s copied %q, the digest covers %q", m.ID(), x.Name, got.Entries, want)
		}
		if got.Digest != x.Digest {
			t.Errorf("%s: overlay %s: copied sum %s, plan digest %s", m.ID(), x.Name, got.Digest, x.Digest)
		}
		if len(got.Entries) == 0 {
			t.Errorf("%s: overlay %s copied nothing", m.ID(), x.Name)
		}
	}
}

func wantEntry(t *testing.T, tr *tree.Tree, p string, kind manifest.Kind, mode uint32) *manifest.Entry {
	t.Helper()
	e, err := tr.Lookup(p)
	if err != nil || e == nil {
		t.Errorf("%s: not in the tree (%v)", p, err)
		return nil
	}
	if e.Kind != kind || e.Mode != mode {
		t.Errorf("%s: kind %v mode %#o, want %v %#o", p, e.Kind, e.Mode, kind, mode)
	}
	return e
}

func TestLegacySymlinkedOverlaysMachineLevel(t *testing.T) {
	root := legacyTree(t)
	web := readLegacy(t, root)["prod/web"]
	tr, ov, err := applyOverlays(t, root, web)
	if err != nil {
		t.Fatal(err)
	}
	checkApplied(t, root, web, ov)
	wantEntry(t, tr, "/etc/motd", manifest.File, 0o644)
	wantEntry(t, tr, "/etc/skel/.bashrc", manifest.File, 0o644) // deeper dot file: copied
	wantEntry(t, tr, "/usr/bin/hi", manifest.File, 0o755)
	wantEntry(t, tr, "/etc/site.conf", manifest.File, 0o644) // absolute link inside the root
	wantEntry(t, tr, "/etc/chain", manifest.File, 0o644)     // chain of links
	if e := wantEntry(t, tr, "/etc/localtime", manifest.Symlink, 0o777); e != nil && e.Target != "../usr/share/zoneinfo/UTC" {
		t.Errorf("symlink inside the overlay: target %q", e.Target)
	}
	if e, _ := tr.Lookup("/.gitignore"); e != nil {
		t.Errorf("root dot file of the overlay copied")
	}
	b, err := os.ReadFile(tr.HostPath("/etc/motd"))
	if err != nil || string(b) != "welcome\n" {
		t.Errorf("/etc/motd = %q, %v", b, err)
	}
}

func TestLegacySymlinkedOverlaysGroupLevel(t *testing.T) {
	root := legacyTree(t)
	ms := readLegacy(t, root)
	for _, id := range []string{"prod/web", "prod/db"} {
		m := ms[id]
		tr, ov, err := applyOverlays(t, root, m)
		if err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		checkApplied(t, root, m, ov)
		wantEntry(t, tr, "/etc/banner", manifest.File, 0o644) // the group's root-overlays is a link
	}
	// db's root-overlays folder is a link to a folder of links
	tr, _, _ := applyOverlays(t, root, ms["prod/db"])
	wantEntry(t, tr, "/etc/motd", manifest.File, 0o644)
}

func TestStarlarkSymlinkedOverlay(t *testing.T) {
	root := t.TempDir()
	put(t, root, "shared/common/etc/issue", "disco\n", 0o644)
	put(t, root, "shared/common/etc/ssh/key", "k\n", 0o644)
	link(t, root, "link", "shared/common")
	link(t, root, "overlays", "shared") // a link above the overlay folder
	put(t, root, "machines.star", `machine(name = "web", packages = ["bash"], repos = [repo("r", baseurl = "file:///r")],
    overlays = [overlay("link"), overlay("overlays/common", name = "deep", modes = {"etc/ssh/key": 0o600})])
`, 0o644)
	fsys, err := configfs.New(root)
	if err != nil {
		t.Fatal(err)
	}
	defer fsys.Close()
	ms, err := eval.Eval(context.Background(), eval.Options{FS: fsys})
	if err != nil {
		t.Fatal(err)
	}
	plan.Default(&plan.Plan{Machines: ms})
	tr, ov, err := applyOverlays(t, root, ms[0])
	if err != nil {
		t.Fatal(err)
	}
	checkApplied(t, root, ms[0], ov)
	wantEntry(t, tr, "/etc/issue", manifest.File, 0o644)
	wantEntry(t, tr, "/etc/ssh/key", manifest.File, 0o600)
}

// TestOverlayLinkOutOfRoot: a link leading out of the config root fails at
// eval (legacy and Starlark) and, should a plan name one anyway, at build,
// naming the link.
func TestOverlayLinkOutOfRoot(t *testing.T) {
	outside := t.TempDir()
	put(t, outside, "secret/etc/shadow", "x\n", 0o644)
	root := legacyTree(t)
	link(t, root, "prod/machines/web/root-overlays/evil", filepath.Join(outside, "secret"))
	_, err := legacy.Read(context.Background(), root, legacy.Options{})
	if err == nil || !strings.Contains(err.Error(), "prod/machines/web/root-overlays/evil") || !strings.Contains(err.Error(), "outside the config root") {
		t.Errorf("legacy.Read: %v, want an error naming the link", err)
	}
	link(t, root, "out", "../"+filepath.Base(outside)+"/secret")
	m := &plan.Machine{Name: "web", Group: "default", Source: plan.SourceStarlark,
		Overlays: []plan.Overlay{{Pos: plan.Pos{File: "m.star", Line: 3, Col: 5}, Name: "out", Source: "out", Dest: "/", Digest: "sha256:0"}}}
	_, _, err = applyOverlays(t, root, m)
	if err == nil || !strings.Contains(err.Error(), "m.star:3:5: overlay out") || !strings.Contains(err.Error(), "outside the config root") {
		t.Errorf("Apply: %v, want an error at the overlay naming the link", err)
	}
}

// TestOverlayChangedAfterPlan: the build compares what it copied with the
// plan's digest.
func TestOverlayChangedAfterPlan(t *testing.T) {
	root := legacyTree(t)
	web := readLegacy(t, root)["prod/web"]
	put(t, root, "templates/overlays/common/etc/new", "late\n", 0o644)
	_, _, err := applyOverlays(t, root, web)
	if err == nil || !strings.Contains(err.Error(), "prod/machines/web/root-overlays/common: overlay common: the folder changed after the plan was made") {
		t.Errorf("got %v", err)
	}
	// A legacy machine with generator scriptlets may write into its
	// overlays: then it is a notice.
	web.Scriptlets = []plan.Scriptlet{{Name: "10-x"}}
	_, ov, err := applyOverlays(t, root, web)
	if err != nil || len(ov.Notices) != 1 || !strings.Contains(ov.Notices[0], "generator scriptlets changed it") {
		t.Errorf("with scriptlets: %v, notices %q", err, ov.Notices)
	}
}

func TestOverlayAttrsMatchingNothing(t *testing.T) {
	root := legacyTree(t)
	web := readLegacy(t, root)["prod/web"]
	mode := int64(0o600)
	web.Overlays[0].Attrs = []plan.PathAttr{{Pos: plan.Pos{File: "m.star", Line: 2, Col: 1}, Glob: "etc/nope/*", Mode: &mode}}
	_, _, err := applyOverlays(t, root, web)
	if err == nil || !strings.Contains(err.Error(), `m.star:2:1: overlay banner: modes glob "etc/nope/*" matches nothing`) {
		t.Errorf("got %v", err)
	}
}

// TestGeneratedOverlayAbsent: a generated overlay no scriptlet was given
// is empty by design, and recorded as such.
func TestGeneratedOverlayAbsent(t *testing.T) {
	root := t.TempDir()
	m := &plan.Machine{Name: "web", Group: "prod", Source: plan.SourceLegacy,
		Overlays: []plan.Overlay{{Name: "generated", Source: "cache:prod/web/generated", Dest: "/", Generated: true}}}
	_, ov, err := applyOverlays(t, root, m)
	if err != nil || len(ov.Applied) != 1 || len(ov.Applied[0].Entries) != 0 {
		t.Errorf("got %v, %+v", err, ov.Applied)
	}
	put(t, root, "cache/prod/web/generated/etc/hostname", "web\n", 0o644)
	tr, ov, err := applyOverlays(t, root, m)
	if err != nil || len(ov.Applied[0].Entries) != 2 {
		t.Errorf("got %v, %+v", err, ov.Applied)
	}
	wantEntry(t, tr, "/etc/hostname", manifest.File, 0o644)
}
