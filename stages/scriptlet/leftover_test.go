package scriptlet

import (
	"os"
	"path/filepath"
	"testing"
)

// TestLeftovers checks the parent's fallback for a helper killed before it
// cleaned up: what it created goes, what existed or is not empty stays,
// and a symbolic link in the image is never followed.
func TestLeftovers(t *testing.T) {
	root := t.TempDir()
	must(t, os.Mkdir(filepath.Join(root, "proc"), 0o755)) // existed before
	l := leftoverCheck(root)
	outside := t.TempDir()
	for _, d := range []string{"dev", "var/tmp"} {
		must(t, os.MkdirAll(filepath.Join(root, d), 0o755))
	}
	must(t, os.WriteFile(filepath.Join(root, "var/tmp/rpm-tmp.abcdef"), []byte("x"), 0o600))
	l.clean("rpm-tmp.abcdef")
	for p, want := range map[string]bool{"dev": false, "proc": true, "var": false} {
		if _, err := os.Lstat(filepath.Join(root, p)); (err == nil) != want {
			t.Errorf("ROOT/%s exists: %v, want %v", p, err == nil, want)
		}
	}

	// /var is a link out of the root: nothing is removed through it.
	root = t.TempDir()
	l = leftoverCheck(root)
	must(t, os.MkdirAll(filepath.Join(outside, "tmp"), 0o755))
	must(t, os.WriteFile(filepath.Join(outside, "tmp", "rpm-tmp.abcdef"), []byte("x"), 0o600))
	must(t, os.Symlink(outside, filepath.Join(root, "var")))
	l.clean("rpm-tmp.abcdef")
	if _, err := os.Stat(filepath.Join(outside, "tmp", "rpm-tmp.abcdef")); err != nil {
		t.Errorf("removed a file through a symbolic link: %v", err)
	}
}
