package legacy

import (
	"strings"
	"testing"

	"github.com/disco-build/disco/runtime/plan"
)

func scriptletNames(m *plan.Machine) string {
	var s []string
	for _, x := range m.Scriptlets {
		s = append(s, x.Level+":"+x.Name)
	}
	return strings.Join(s, " ")
}

func overlayNames(m *plan.Machine) string {
	var s []string
	for _, o := range m.Overlays {
		n := o.Level + ":" + o.Name
		if o.Generated {
			n += "(" + o.Source + ")"
		}
		s = append(s, n)
	}
	return strings.Join(s, " ")
}

func TestScriptletOrder(t *testing.T) {
	root := t.TempDir()
	const m = "prod/machines/web"
	machine(t, root, m)
	for _, n := range []string{"b", "B", "a", "10-x", "9-x", ".hidden", "_u"} {
		write(t, root, m+"/generator-scriptlets/"+n, "true\n")
	}
	write(t, root, "prod/generator-scriptlets/z", "true\n")
	write(t, root, "prod/generator-scriptlets/.swp", "true\n")
	write(t, root, "templates/s/20-linked", "local x\n")
	symlink(t, root, m+"/generator-scriptlets/20-linked", "../../../../templates/s/20-linked")
	web := find(t, mustRead(t, root).machines, "prod/web")
	want := "group:z machine:10-x machine:20-linked machine:9-x machine:B machine:_u machine:a machine:b"
	if got := scriptletNames(web); got != want {
		t.Errorf("scriptlets %q, want %q (group first, then byte order, dot files skipped)", got, want)
	}
	if s := web.Scriptlets[2]; s.SHA256 != sha256Hex([]byte("local x\n")) || s.Path != m+"/generator-scriptlets/20-linked" {
		t.Errorf("linked scriptlet %+v", s)
	}
}

func TestOverlayOrder(t *testing.T) {
	root := t.TempDir()
	const m = "prod/machines/web"
	machine(t, root, m)
	for _, n := range []string{"zz", "generated", "Fixed", "common", "h"} {
		write(t, root, m+"/root-overlays/"+n+"/etc/x", n)
	}
	write(t, root, m+"/root-overlays/.git/config", "x") // a dot folder is no overlay
	write(t, root, "prod/root-overlays/site/etc/y", "y")
	// Without scriptlets nothing fills the generated overlays: none added.
	web := find(t, mustRead(t, root).machines, "prod/web")
	want := "group:site machine:Fixed machine:common machine:generated machine:h machine:zz"
	if got := overlayNames(web); got != want {
		t.Errorf("overlays %q, want %q", got, want)
	}
	write(t, root, m+"/generator-scriptlets/10", "true\n")
	web = find(t, mustRead(t, root).machines, "prod/web")
	want = "group:generated(cache:prod/generated) group:site machine:Fixed machine:common machine:generated " +
		"machine:generated(cache:prod/web/generated) machine:h machine:zz"
	if got := overlayNames(web); got != want {
		t.Errorf("overlays %q, want %q", got, want)
	}
	for _, o := range web.Overlays {
		if o.Dest != "/" || (o.Generated != (o.Digest == "")) {
			t.Errorf("overlay %+v: want dest / and a digest unless generated", o)
		}
	}
}

func TestDeviceOverrides(t *testing.T) {
	root := t.TempDir()
	machine(t, root, "prod/machines/web")
	write(t, root, "prod/devices", "/dev/a c 600 1 1\n/dev/b c 600 1 2\n/dev/c p 600\n")
	write(t, root, "prod/machines/web/devices", "/dev/b 0 5 0620 c 9 9\n/dev/d b 660 7 0\n/dev/d b 640 7 1\n")
	res := mustRead(t, root)
	web := find(t, res.machines, "prod/web")
	var got []string
	for _, d := range web.Devices {
		got = append(got, d.Pos.String()+" "+d.Path)
	}
	want := "prod/devices:1 /dev/a,prod/devices:3 /dev/c,prod/machines/web/devices:1 /dev/b,prod/machines/web/devices:3 /dev/d"
	if strings.Join(got, ",") != want {
		t.Errorf("devices %q, want %q", got, want)
	}
	b := web.Devices[2]
	if b.UID != 0 || b.GID != 5 || b.Mode != 0o620 || *b.Major != 9 || *b.Minor != 9 || b.Type != "c" {
		t.Errorf("later-form device %+v", b)
	}
	if a := web.Devices[0]; a.UID != 0 || a.GID != 0 || a.Mode != 0o600 {
		t.Errorf("seed-form device owner/mode %+v", a)
	}
	wantNotices := []string{
		"prod/machines/web/devices:1: device /dev/b overrides the entry at prod/devices:2",
		"prod/machines/web/devices:3: device /dev/d overrides the entry at prod/machines/web/devices:2",
	}
	if strings.Join(res.notices, "\n") != strings.Join(wantNotices, "\n") {
		t.Errorf("notices %q, want %q", res.notices, wantNotices)
	}
}

func TestOverlayDotFiles(t *testing.T) {
	root := t.TempDir()
	const o = "prod/machines/web/root-overlays/common"
	machine(t, root, "prod/machines/web")
	write(t, root, o+"/etc/motd", "hi\n")
	write(t, root, o+"/etc/skel/.bashrc", "PS1=x\n")
	digest := func() string {
		return find(t, mustRead(t, root).machines, "prod/web").Overlays[0].Digest
	}
	d0 := digest()
	write(t, root, o+"/.gitignore", "*.swp\n")
	write(t, root, o+"/.git/HEAD", "ref\n")
	if digest() != d0 {
		t.Errorf("a dot entry at the overlay root changed the digest")
	}
	write(t, root, o+"/etc/skel/.bashrc", "PS1=y\n")
	d1 := digest()
	if d1 == d0 {
		t.Errorf("a deeper dot file is not in the digest")
	}
	writeMode(t, root, o+"/etc/motd", "hi\n", 0o755)
	if digest() == d1 {
		t.Errorf("the exec bit is not in the digest")
	}
	symlink(t, root, o+"/etc/localtime", "../usr/share/zoneinfo/UTC") // dangling inside: kept as a link
	if digest() == d1 {
		t.Errorf("a symlink inside the overlay is not in the digest")
	}
}

func TestPackages(t *testing.T) {
	root := t.TempDir()
	machine(t, root, "prod/machines/web")
	machine(t, root, "prod/machines/db")
	write(t, root, "prod/machines/web/packages", "# comment\n\nbash  \n\t coreutils\n  # indented comment\nvim-minimal\r\n")
	write(t, root, "prod/machines/db/packages", "bash\nsetup\n")
	ms := mustRead(t, root).machines
	var got []string
	for _, p := range find(t, ms, "prod/web").Packages {
		got = append(got, p.Pos.String()+"="+p.Name)
	}
	want := "prod/machines/web/packages=setup prod/machines/web/packages:3=bash " +
		"prod/machines/web/packages:4=coreutils prod/machines/web/packages:6=vim-minimal"
	if strings.Join(got, " ") != want {
		t.Errorf("packages %q, want %q", got, want)
	}
	db := find(t, ms, "prod/db").Packages
	if len(db) != 2 || db[1].Name != "setup" || db[1].Pos.Line != 2 {
		t.Errorf("setup listed by the file must not be added again: %+v", db)
	}
}

func TestYum(t *testing.T) {
	root := t.TempDir()
	const m = "prod/machines/web"
	machine(t, root, m)
	write(t, root, m+"/yum/yum.conf.template", "[main]\nreleasever = $releasever\nreleasever=8\n[other]\nreleasever=7\n")
	for _, n := range []string{"b.repo", "a.repo", "B.repo", "notes.txt", ".hidden.repo", "x.repo.orig"} {
		write(t, root, m+"/yum/repositories/"+n, "["+n+"]\n")
	}
	write(t, root, m+"/yum/plugins/.gitkeep", "")
	res := mustRead(t, root)
	web := find(t, res.machines, "prod/web")
	if web.Releasever != "8" {
		t.Errorf("releasever %q, want 8 (the first literal one in [main])", web.Releasever)
	}
	if web.YumConf.Template != "[main]\nreleasever = $releasever\nreleasever=8\n[other]\nreleasever=7\n" {
		t.Errorf("template not verbatim: %q", web.YumConf.Template)
	}
	var got []string
	for _, r := range web.Repos {
		got = append(got, r.ID+"@"+r.RepoFile+"="+strings.TrimSpace(r.Content))
	}
	want := "B.repo@" + m + "/yum/repositories/B.repo=[B.repo] a.repo@" + m + "/yum/repositories/a.repo=[a.repo] " +
		"b.repo@" + m + "/yum/repositories/b.repo=[b.repo]"
	if strings.Join(got, " ") != want {
		t.Errorf("repos %q, want %q", got, want)
	}
	if len(res.notices) != 0 {
		t.Errorf("notices %q, want none (a dot file in plugins/ is not a plugin)", res.notices)
	}
	write(t, root, m+"/yum/plugins/versionlock.py", "")
	res = mustRead(t, root)
	if len(res.notices) != 1 || res.notices[0] != m+"/yum/plugins: yum plugins are not supported; ignored: versionlock.py" {
		t.Errorf("notices %q", res.notices)
	}
	write(t, root, m+"/yum/yum.conf.template", "[main]\nreleasever=\n")
	if r := find(t, mustRead(t, root).machines, "prod/web").Releasever; r != "" {
		t.Errorf("empty releasever taken: %q", r)
	}
}
