package configfs

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

func setup(t *testing.T) (string, *FS) {
	t.Helper()
	dir := t.TempDir()
	root := filepath.Join(dir, "root")
	must(t, os.MkdirAll(filepath.Join(root, "lib"), 0o755))
	must(t, os.MkdirAll(filepath.Join(root, "cache", "x"), 0o755))
	must(t, os.WriteFile(filepath.Join(root, "lib", "a.star"), []byte("a"), 0o644))
	must(t, os.WriteFile(filepath.Join(root, "cache", "x", "secret"), []byte("s"), 0o644))
	must(t, os.WriteFile(filepath.Join(dir, "outside"), []byte("o"), 0o644))
	must(t, os.Symlink("lib/a.star", filepath.Join(root, "inside-link")))
	must(t, os.Symlink("../outside", filepath.Join(root, "escape-link")))
	must(t, os.Symlink(filepath.Join(dir, "outside"), filepath.Join(root, "abs-link")))
	must(t, os.Symlink("cache/x", filepath.Join(root, "cache-link")))
	must(t, os.Symlink("lib", filepath.Join(root, "libdir")))
	f, err := New(root, filepath.Join(root, "cache"))
	must(t, err)
	t.Cleanup(func() { f.Close() })
	return root, f
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestReadsInsideRoot(t *testing.T) {
	_, f := setup(t)
	for _, name := range []string{"lib/a.star", "inside-link", "libdir/a.star"} {
		b, err := fs.ReadFile(f, name)
		if err != nil || string(b) != "a" {
			t.Errorf("ReadFile(%q) = %q, %v; want \"a\"", name, b, err)
		}
	}
	target, err := fs.ReadLink(f, "inside-link")
	if err != nil || target != "lib/a.star" {
		t.Errorf("ReadLink = %q, %v", target, err)
	}
}

func TestRefusesEscapes(t *testing.T) {
	_, f := setup(t)
	cases := map[string]error{
		"../outside":         ErrOutside,
		"/etc/passwd":        ErrOutside,
		"escape-link":        ErrOutside,
		"abs-link":           ErrOutside,
		"lib/../../outside":  ErrOutside,
		"cache/x/secret":     ErrExcluded,
		"cache-link/secret":  ErrExcluded,
		"libdir/../cache/x":  ErrOutside, // not a valid fs path
		"cache":              ErrExcluded,
		"./lib/a.star":       ErrOutside,
		"lib//a.star":        ErrOutside,
		"lib/a.star/../../x": ErrOutside,
	}
	for name, want := range cases {
		_, err := fs.ReadFile(f, name)
		if !errors.Is(err, want) {
			t.Errorf("ReadFile(%q): got %v, want %v", name, err, want)
		}
	}
}

// TestAbsoluteLinkInsideRoot: an absolute link whose target is under the
// root (as discographer template links often are) is followed, through the
// root's path as given and as resolved; a chain of links too.
func TestAbsoluteLinkInsideRoot(t *testing.T) {
	root, f := setup(t)
	must(t, os.Symlink(filepath.Join(root, "lib"), filepath.Join(root, "abs-in")))
	real, err := filepath.EvalSymlinks(root)
	must(t, err)
	must(t, os.Symlink(filepath.Join(real, "libdir"), filepath.Join(root, "abs-chain")))
	for _, name := range []string{"abs-in/a.star", "abs-chain/a.star"} {
		b, err := fs.ReadFile(f, name)
		if err != nil || string(b) != "a" {
			t.Errorf("ReadFile(%q) = %q, %v", name, b, err)
		}
	}
	must(t, os.Symlink(filepath.Join(root, "cache"), filepath.Join(root, "abs-cache")))
	if _, err := fs.ReadFile(f, "abs-cache/x/secret"); !errors.Is(err, ErrExcluded) {
		t.Errorf("absolute link into the cache: %v", err)
	}
	must(t, os.Symlink(root+"-sibling/x", filepath.Join(root, "abs-prefix")))
	if _, err := fs.ReadFile(f, "abs-prefix"); !errors.Is(err, ErrOutside) {
		t.Errorf("a sibling folder sharing the root's name as prefix: %v", err)
	}
}
