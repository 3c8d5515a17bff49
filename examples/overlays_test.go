package examples_test

import (
	"context"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"

	"github.com/disco-build/disco/internal/rpmtest"
	"github.com/disco-build/disco/internal/testtool"
	"github.com/disco-build/disco/runtime/configfs"
	"github.com/disco-build/disco/runtime/loader"
	"github.com/disco-build/disco/runtime/plan"
	"github.com/disco-build/disco/runtime/treehash"
	"github.com/disco-build/disco/stages"
	"github.com/disco-build/disco/stages/manifest"
)

// TestStandinExamplesHoldTheirOverlays builds examples/legacy and
// examples/starlark against the stand-in repository (examples/repo.txt,
// as `make example-standin` does) and checks that every entry each plan
// overlay covers, walked as the plan's digest walks it, is in the built
// machine's manifest, unless a later planned delete removes it.
func TestStandinExamplesHoldTheirOverlays(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the stand-in examples")
	}
	testtool.Need(t, "rpmbuild", "createrepo_c")
	w := t.TempDir()
	list, err := os.ReadFile("repo.txt")
	if err != nil {
		t.Fatal(err)
	}
	pkgs, err := rpmtest.ParseList(string(list))
	if err != nil {
		t.Fatal(err)
	}
	repo := filepath.Join(w, "build", "repo")
	if err := rpmtest.Build(repo, pkgs); err != nil {
		t.Fatal(err)
	}
	if err := rpmtest.CreateRepo(repo); err != nil {
		t.Fatal(err)
	}
	t.Setenv("SOURCE_DATE_EPOCH", "1700000000")
	for _, ex := range []string{"legacy", "starlark"} {
		dir := filepath.Join(w, "examples", ex)
		if err := os.CopyFS(dir, os.DirFS(ex)); err != nil {
			t.Fatal(err)
		}
		for _, leftover := range []string{"cache", "disco.lock"} {
			if err := os.RemoveAll(filepath.Join(dir, leftover)); err != nil {
				t.Fatal(err)
			}
		}
		disco(t, "-C", dir, "lock")
		disco(t, "-C", dir, "build", "--stage", "tree")
		checkOverlays(t, dir)
	}
}

func checkOverlays(t *testing.T, root string) {
	t.Helper()
	cache := filepath.Join(root, "cache")
	p, _, err := loader.Load(context.Background(), loader.Options{Root: root, Cache: cache})
	if err != nil {
		t.Fatal(err)
	}
	config, err := configfs.New(root, cache)
	if err != nil {
		t.Fatal(err)
	}
	defer config.Close()
	checked := 0
	for _, m := range p.Machines {
		man := readManifest(t, filepath.Join(stages.MachineDir(cache, m.Group, m.Name), "manifest.jsonl"))
		for _, ov := range m.Overlays {
			fsys, dir := config, ov.Source
			if rest, ok := strings.CutPrefix(ov.Source, "cache:"); ok {
				fsys, dir = nil, filepath.Join(cache, filepath.FromSlash(rest))
			}
			walk := func(e treehash.Entry) error {
				dest := path.Join(ov.Dest, e.Path)
				if !deleted(m, dest) && man.Get(dest) == nil {
					t.Errorf("%s: %s: overlay %s lists %s; the image lacks it", m.ID(), ov.Pos, ov.Name, dest)
				}
				checked++
				return nil
			}
			if fsys == nil {
				err = treehash.Walk(os.DirFS(dir), ".", true, walk)
			} else {
				err = treehash.Walk(fsys, dir, true, walk)
			}
			if err != nil {
				t.Errorf("%s: overlay %s: %v", m.ID(), ov.Name, err)
			}
		}
	}
	if checked == 0 {
		t.Errorf("%s: no overlay entry checked", root)
	}
}

func deleted(m *plan.Machine, p string) bool {
	for _, d := range m.Deletes {
		if p == d.Path || strings.HasPrefix(p, d.Path+"/") {
			return true
		}
	}
	return false
}

func readManifest(t *testing.T, p string) *manifest.Manifest {
	t.Helper()
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m, err := manifest.Read(f)
	if err != nil {
		t.Fatal(err)
	}
	return m
}
