package tree

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/disco-build/disco/stages/manifest"
)

func newTree(t *testing.T) *Tree {
	t.Helper()
	tr, err := New(filepath.Join(t.TempDir(), "root"), 1000)
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

func check(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestSymlinkedFoldersResolveInsideTheImage(t *testing.T) {
	tr := newTree(t)
	check(t, tr.Mkdir("/usr/bin", Meta{Mode: 0o755}))
	check(t, tr.Symlink("usr/bin", "/bin", Meta{}))
	check(t, tr.WriteFile("/bin/sh", strings.NewReader("#!"), Meta{Mode: 0o755, Source: "package:bash"}))
	e := tr.Manifest().Get("/usr/bin/sh")
	if e == nil || e.Kind != manifest.File || e.Size != 2 {
		t.Fatalf("/bin/sh did not land in /usr/bin: %+v", e)
	}
	if _, err := os.Stat(filepath.Join(tr.Dir(), "usr/bin/sh")); err != nil {
		t.Fatal(err)
	}
	// An absolute symlink is followed inside the image, never on the host.
	check(t, tr.Symlink("/usr", "/opt", Meta{}))
	check(t, tr.WriteFile("/opt/x", strings.NewReader("x"), Meta{Mode: 0o644}))
	if tr.Manifest().Get("/usr/x") == nil {
		t.Errorf("/opt/x did not resolve to /usr/x")
	}
}

func TestEscapesRefused(t *testing.T) {
	tr := newTree(t)
	check(t, tr.Symlink("../../..", "/up", Meta{}))
	err := tr.WriteFile("/up/etc/passwd", strings.NewReader("x"), Meta{})
	if !errors.Is(err, ErrEscape) {
		t.Fatalf("write through an escaping symlink: %v", err)
	}
	for _, p := range []string{"relative", "/a/../b", "/a//b"} {
		if err := tr.WriteFile(p, strings.NewReader(""), Meta{}); err == nil {
			t.Errorf("WriteFile(%q) accepted", p)
		}
	}
}

func TestDevicesLinksAndMetadata(t *testing.T) {
	tr := newTree(t)
	check(t, tr.Mknod("/dev/console", manifest.Char, 5, 1, Meta{Mode: 0o600}))
	check(t, tr.Mknod("/run/fifo", manifest.FIFO, 0, 0, Meta{Mode: 0o644}))
	if _, err := os.Lstat(filepath.Join(tr.Dir(), "dev/console")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a device node reached the host: %v", err)
	}
	check(t, tr.WriteFile("/usr/bin/a", strings.NewReader("abc"), Meta{Mode: 0o4755, UID: 0}))
	check(t, tr.Link("/usr/bin/a", "/usr/bin/b"))
	check(t, tr.Chown("/usr/bin/a", 5, 6))
	check(t, tr.SetXattr("/usr/bin/a", "security.capability", []byte{1, 2}))
	b := tr.Manifest().Get("/usr/bin/b")
	if b.Link != "/usr/bin/a" || b.Mode != 0o4755 {
		t.Errorf("hard link entry: %+v", b)
	}
	fi, _ := os.Stat(filepath.Join(tr.Dir(), "usr/bin/a"))
	if fi.Mode()&os.ModeSetuid != 0 {
		t.Errorf("setuid bit set on the host copy")
	}
	a := tr.Manifest().Get("/usr/bin/a")
	if a.UID != 5 || a.GID != 6 || string(a.Xattrs["security.capability"]) != "\x01\x02" {
		t.Errorf("metadata: %+v", a)
	}
}

func TestSyncSeesWhatProgramsDid(t *testing.T) {
	tr := newTree(t)
	check(t, tr.WriteFile("/etc/keep", strings.NewReader("same"), Meta{Mode: 0o444, UID: 7}))
	check(t, tr.WriteFile("/etc/edit", strings.NewReader("old"), Meta{Mode: 0o644, UID: 8}))
	check(t, tr.WriteFile("/etc/gone", strings.NewReader("x"), Meta{Mode: 0o644}))
	check(t, tr.Mknod("/dev/null", manifest.Char, 1, 3, Meta{Mode: 0o666}))
	dir := tr.Dir()
	check(t, os.WriteFile(filepath.Join(dir, "etc/edit"), []byte("new content"), 0o644))
	check(t, os.Remove(filepath.Join(dir, "etc/gone")))
	check(t, os.MkdirAll(filepath.Join(dir, "var/lib"), 0o755))
	check(t, os.WriteFile(filepath.Join(dir, "var/lib/state"), []byte("s"), 0o600))
	changes, err := tr.Sync("scriptlet:post(x)")
	check(t, err)
	var got []string
	for _, c := range changes {
		got = append(got, c.Change+" "+c.Path)
	}
	want := "changed /etc/edit\nremoved /etc/gone\nadded /var\nadded /var/lib\nadded /var/lib/state"
	if strings.Join(got, "\n") != want {
		t.Fatalf("Sync:\n%s\nwant:\n%s", strings.Join(got, "\n"), want)
	}
	m := tr.Manifest()
	if e := m.Get("/etc/edit"); e.Size != 11 || (!tr.realOwners && e.UID != 8) {
		t.Errorf("/etc/edit: %+v", e)
	}
	if e := m.Get("/etc/keep"); e.Mode != 0o444 || e.UID != 7 {
		t.Errorf("untouched /etc/keep changed: %+v", e)
	}
	if e := m.Get("/var/lib/state"); e.Source != "scriptlet:post(x)" || e.Mode != 0o600 || e.Mtime != 1000 {
		t.Errorf("new file: %+v", e)
	}
	if m.Get("/dev/null") == nil {
		t.Errorf("manifest-only device dropped by Sync")
	}
	if again, _ := tr.Sync("x"); len(again) != 0 {
		t.Errorf("second Sync found changes: %v", again)
	}
}
