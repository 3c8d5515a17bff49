package rpmdb

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/disco-build/disco/stages/tree"
)

func TestWriteTree(t *testing.T) {
	var pkgs []Installed
	for _, path := range buildAll(t) {
		pkgs = append(pkgs, Installed{Package: openRPM(t, path)})
	}
	tr, err := tree.New(filepath.Join(t.TempDir(), "root"), epoch)
	if err != nil {
		t.Fatal(err)
	}
	stale := dbpath + "/" + File + "-wal"
	if err := tr.WriteFile(stale, strings.NewReader("stale"), tree.Meta{Mode: 0o644}); err != nil {
		t.Fatal(err)
	}
	if err := WriteTree(tr, dbpath, pkgs, Options{InstallTime: epoch, Color: 3}); err != nil {
		t.Fatal(err)
	}
	e := tr.Manifest().Get(dbpath + "/" + File)
	if e == nil || e.Mode != 0o644 || e.UID != 0 || e.Mtime != epoch || e.Source != Source || e.Size == 0 {
		t.Errorf("manifest entry for the rpmdb: %+v", e)
	}
	if tr.Manifest().Get(stale) != nil {
		t.Errorf("the stale WAL is still in the tree")
	}
	out, _ := rpmq(t, tr.Dir(), false, "-qa", "--qf", "%{NAME}\n")
	if got := lines(out); !slices.Equal(got, []string{"hello", "reloc", "tool"}) {
		t.Errorf("rpm -qa on the tree: %q", got)
	}
}
