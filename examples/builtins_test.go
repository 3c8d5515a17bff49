package examples_test

import (
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/disco-build/disco/builtins"
	"go.starlark.net/syntax"
)

// TestStarlarkExampleUsesEveryBuiltin keeps examples/starlark's claim
// true: every name disco predeclares appears in its .star files, or, for
// the Debian ones (a machine takes packages of one format), in
// examples/debian's.
func TestStarlarkExampleUsesEveryBuiltin(t *testing.T) {
	used := map[string]bool{}
	for _, dir := range []string{"starlark", "debian"} {
		walkIdents(t, dir, used)
	}
	var missing []string
	for name := range builtins.Universe() {
		if !used[name] {
			missing = append(missing, name)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("examples/starlark (with examples/debian) does not use %v; its machines.star says it uses every builtin", missing)
	}
}

// walkIdents records every identifier of the .star files under dir.
func walkIdents(t *testing.T, dir string, used map[string]bool) {
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(path) != ".star" {
			if d != nil && d.IsDir() && d.Name() == "cache" {
				return filepath.SkipDir
			}
			return err
		}
		f, err := (&syntax.FileOptions{Set: true, TopLevelControl: true}).Parse(path, nil, 0)
		if err != nil {
			return err
		}
		syntax.Walk(f, func(n syntax.Node) bool {
			if id, ok := n.(*syntax.Ident); ok {
				used[id.Name] = true
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
