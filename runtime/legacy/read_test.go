package legacy

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/disco-build/disco/runtime/plan"
)

func TestBothGroupPlacements(t *testing.T) {
	root := t.TempDir()
	machine(t, root, "prod/machines/web")
	machine(t, root, "machine-groups/lab/machines/db")
	machine(t, root, "machine-groups/lab/machines/cache-1")
	res := mustRead(t, root)
	if got := ids(res.machines); got != "lab/cache-1 lab/db prod/web" {
		t.Fatalf("machines %q", got)
	}
	db := find(t, res.machines, "lab/db")
	if db.Pos.String() != "machine-groups/lab/machines/db" || db.Source != plan.SourceLegacy {
		t.Errorf("db pos %s source %s", db.Pos, db.Source)
	}
	if db.Packages[1].Pos.String() != "machine-groups/lab/machines/db/packages:1" {
		t.Errorf("package pos %s", db.Packages[1].Pos)
	}
}

func TestGroupInBothPlacesIsAnError(t *testing.T) {
	root := t.TempDir()
	machine(t, root, "prod/machines/web")
	machine(t, root, "machine-groups/prod/machines/api")
	res := read(t, root, Options{})
	want := `machine-groups/prod: group "prod" is defined twice: at machine-groups/prod and at prod`
	if res.err == nil || !strings.Contains(res.err.Error(), "defined twice") {
		t.Fatalf("got %v, want %s", res.err, want)
	}
}

func TestFoldersThatAreNotGroupsOrMachines(t *testing.T) {
	root := t.TempDir()
	machine(t, root, "prod/machines/web")
	for _, g := range []string{"templates", "machine-template", "functions", "paths", ".hidden", "cache",
		"machine-groups/templates", "machine-groups/.old"} {
		machine(t, root, g+"/machines/default") // looks like a machine, must not be read
	}
	machine(t, root, "prod/machines/.web-old")
	mkdir(t, root, "prod/machines/notes")
	write(t, root, "prod/machines/notes/README", "not a machine\n")
	write(t, root, "prod/machines/README", "a file under machines/\n")
	write(t, root, "README", "a file at the root\n")
	res := mustRead(t, root)
	if got := ids(res.machines); got != "prod/web" {
		t.Fatalf("machines %q, want prod/web only", got)
	}
	want := "prod/machines/notes: skipped: not a machine"
	if len(res.notices) != 1 || !strings.HasPrefix(res.notices[0], want) {
		t.Errorf("notices %q, want one %q", res.notices, want)
	}
}

func TestCacheOption(t *testing.T) {
	root := t.TempDir()
	machine(t, root, "prod/machines/web")
	machine(t, root, "build/machines/stale") // the cache, moved
	res := read(t, root, Options{Cache: filepath.Join(root, "build")})
	if res.err != nil || ids(res.machines) != "prod/web" {
		t.Fatalf("got %q, %v", ids(res.machines), res.err)
	}
	// The default cache folder name is an ordinary folder once the cache is elsewhere.
	machine(t, root, "cache/machines/x1")
	res = read(t, root, Options{Cache: filepath.Join(root, "build")})
	if ids(res.machines) != "cache/x1 prod/web" {
		t.Errorf("got %q", ids(res.machines))
	}
	// A symlink to the cache is the cache.
	symlink(t, root, "machine-groups/alias", "../build")
	res = read(t, root, Options{Cache: filepath.Join(root, "build")})
	if ids(res.machines) != "cache/x1 prod/web" {
		t.Errorf("through a symlink: got %q", ids(res.machines))
	}
}

// template writes a shared template folder at root/dir.
func template(t *testing.T, root, dir string) {
	t.Helper()
	write(t, root, dir+"/packages", "# shared\nbash\ncoreutils\n")
	write(t, root, dir+"/yum/yum.conf.template", "[main]\nreleasever=9\n")
	write(t, root, dir+"/yum/repositories/base.repo", "[base]\nbaseurl=file:///srv/repo\n")
	writeMode(t, root, dir+"/init", "#!/bin/sh\nexec /bin/sh\n", 0o755)
	write(t, root, dir+"/root-overlays/common/etc/motd", "hello\n")
	write(t, root, dir+"/generator-scriptlets/10-hostname", "local x=1\n")
	write(t, root, dir+"/devices", "/dev/null c 666 1 3\n")
}

// linkMachine makes root/dir a machine whose every part links into tpl
// (a relative or absolute symlink target prefix), its overlay into
// overlayTpl: overlays must stay inside the root, the other parts may
// lead out of it.
func linkMachine(t *testing.T, root, dir, tpl, overlayTpl string) {
	t.Helper()
	for _, p := range []string{"packages", "yum", "init", "devices", "generator-scriptlets"} {
		symlink(t, root, dir+"/"+p, tpl+"/"+p)
	}
	if !filepath.IsAbs(overlayTpl) {
		overlayTpl = "../" + overlayTpl // one folder deeper
	}
	symlink(t, root, dir+"/root-overlays/common", overlayTpl+"/root-overlays/common")
}

func TestSymlinkedTemplates(t *testing.T) {
	outside := t.TempDir() // templates outside the root, reached by absolute links
	template(t, outside, "tpl")
	root := t.TempDir()
	template(t, root, "templates/machines/default")
	linkMachine(t, root, "prod/machines/rel", "../../../templates/machines/default", "../../../templates/machines/default")
	linkMachine(t, root, "prod/machines/abs", filepath.Join(outside, "tpl"), filepath.Join(root, "templates/machines/default"))
	res := mustRead(t, root)
	if ids(res.machines) != "prod/abs prod/rel" {
		t.Fatalf("machines %q", ids(res.machines))
	}
	for _, m := range res.machines {
		dir := "prod/machines/" + m.Name
		checks := map[string]string{
			"package pos":   m.Packages[1].Pos.String(),
			"yum.conf path": m.YumConf.Path,
			"repo file":     m.Repos[0].RepoFile,
			"init source":   m.Init.Source,
			"device pos":    m.Devices[0].Pos.String(),
			"overlay":       m.Overlays[1].Source, // [0] is the group's generated one
			"scriptlet":     m.Scriptlets[0].Path,
		}
		want := map[string]string{
			"package pos":   dir + "/packages:2",
			"yum.conf path": dir + "/yum/yum.conf.template",
			"repo file":     dir + "/yum/repositories/base.repo",
			"init source":   dir + "/init",
			"device pos":    dir + "/devices:1",
			"overlay":       dir + "/root-overlays/common",
			"scriptlet":     dir + "/generator-scriptlets/10-hostname",
		}
		for k, v := range checks {
			if v != want[k] {
				t.Errorf("%s: %s = %q, want %q (the path as reached)", m.ID(), k, v, want[k])
			}
		}
		if m.Releasever != "9" || m.Packages[2].Name != "coreutils" {
			t.Errorf("%s: content not read through the link: %+v", m.ID(), m)
		}
	}
	// Same content through either link: same digest except names.
	a, r := find(t, res.machines, "prod/abs"), find(t, res.machines, "prod/rel")
	if a.Overlays[1].Digest != r.Overlays[1].Digest || a.Init.SHA256 != r.Init.SHA256 {
		t.Errorf("content digests differ between the two links")
	}
}

func TestMachineFolderItselfALink(t *testing.T) {
	root := t.TempDir()
	machine(t, root, "templates/machines/default")
	symlink(t, root, "prod/machines/web", "../../templates/machines/default")
	res := mustRead(t, root)
	web := find(t, res.machines, "prod/web")
	if web.Init.Source != "prod/machines/web/init" {
		t.Errorf("init source %q", web.Init.Source)
	}
}

// TestDeterminism copies a tree (with absolute links to templates outside
// it) to two places and compares the canonical plans byte for byte.
func TestDeterminism(t *testing.T) {
	build := func() []byte {
		outside := t.TempDir()
		template(t, outside, "tpl")
		root := t.TempDir()
		template(t, root, "templates/machines/default")
		linkMachine(t, root, "prod/machines/rel", "../../../templates/machines/default", "../../../templates/machines/default")
		linkMachine(t, root, "machine-groups/lab/machines/abs", filepath.Join(outside, "tpl"), filepath.Join(root, "templates/machines/default"))
		write(t, root, "prod/devices", "/dev/xconsole p 0640\n")
		write(t, root, "prod/generator-scriptlets/00-a", "true\n")
		write(t, root, "prod/root-overlays/fixed/etc/issue", "x\n")
		res := mustRead(t, root)
		p := &plan.Plan{Machines: res.machines}
		plan.Default(p)
		if err := p.Validate(); err != nil {
			t.Fatalf("Validate: %v", err)
		}
		b, err := plan.Canonical(p)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(b, []byte(root)) || bytes.Contains(b, []byte(outside)) {
			t.Errorf("plan holds a host path")
		}
		return b
	}
	a, b := build(), build()
	if !bytes.Equal(a, b) {
		t.Errorf("plans differ between two checkouts:\n%s\n---\n%s", a, b)
	}
}

func TestSelect(t *testing.T) {
	root := t.TempDir()
	machine(t, root, "prod/machines/web")
	machine(t, root, "prod/machines/Broken") // never read, so never an error
	machine(t, root, "lab/machines/web")
	res := read(t, root, Options{Select: func(g, n string) bool { return n == "web" }})
	if res.err != nil || ids(res.machines) != "lab/web prod/web" {
		t.Fatalf("got %q, %v", ids(res.machines), res.err)
	}
}

func TestCancelled(t *testing.T) {
	root := t.TempDir()
	machine(t, root, "prod/machines/web")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Read(ctx, root, Options{}); err != context.Canceled {
		t.Errorf("got %v, want context.Canceled", err)
	}
	if _, err := Read(context.Background(), filepath.Join(root, "nope"), Options{}); !os.IsNotExist(unwrapAll(err)) {
		t.Errorf("missing root: got %v", err)
	}
}

func unwrapAll(err error) error {
	for {
		u, ok := err.(interface{ Unwrap() error })
		if !ok {
			return err
		}
		err = u.Unwrap()
	}
}
