package stages

import (
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/disco-build/disco/stages/ext4"
	"github.com/disco-build/disco/stages/tree"
)

// TestEntriesHardLinksAcrossMounts: a hard-link group split by a mount
// point becomes one copy per filesystem, each with its content, and the
// other members of a filesystem link to that copy. Before, a member whose
// group head was on another partition lost its content silently.
func TestEntriesHardLinksAcrossMounts(t *testing.T) {
	tr, err := tree.New(filepath.Join(t.TempDir(), "root"), 1700000000)
	if err != nil {
		t.Fatal(err)
	}
	meta := tree.Meta{Mode: 0o644, Mtime: 1700000000}
	for _, d := range []string{"/boot", "/usr"} {
		if err := tr.Mkdir(d, tree.Meta{Mode: 0o755, Mtime: 1700000000}); err != nil {
			t.Fatal(err)
		}
	}
	if err := tr.WriteFile("/boot/a", strings.NewReader("shared"), meta); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"/usr/b", "/usr/c", "/boot/d"} {
		if err := tr.Link("/boot/a", p); err != nil {
			t.Fatal(err)
		}
	}
	d := &DiskImage{tree: tr}
	mounts := []string{"/", "/boot"}
	root, err := d.entries("/", mounts)
	if err != nil {
		t.Fatal(err)
	}
	boot, err := d.entries("/boot", mounts)
	if err != nil {
		t.Fatal(err)
	}
	check := func(entries []ext4.Entry, holder string, linked ...string) {
		t.Helper()
		byPath := map[string]ext4.Entry{}
		for _, e := range entries {
			byPath[e.Path] = e
		}
		h, ok := byPath[holder]
		if !ok || h.Link != "" || h.Open == nil {
			t.Fatalf("%s: want a file with its content, got %+v (present %v)", holder, h, ok)
		}
		r, err := h.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(r)
		r.Close()
		if string(b) != "shared" {
			t.Errorf("%s holds %q", holder, b)
		}
		for _, p := range linked {
			if e := byPath[p]; e.Link != holder || e.Open != nil {
				t.Errorf("%s: want a link to %s, got link %q", p, holder, e.Link)
			}
		}
	}
	check(root, "/usr/b", "/usr/c")
	check(boot, "/a", "/d")
}
