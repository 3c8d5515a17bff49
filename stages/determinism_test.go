package stages

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// writerPackages write bytes that must be identical on every rebuild: no
// clock, no randomness may reach them. (fetch and store only time
// downloads and expire temp files, through injectable clocks.)
var writerPackages = []string{
	".", "disk", "ext4", "ids", "lockfile", "manifest", "rpmdb", "squashfs", "swap", "tree", "vfat", "vmimage",
}

// TestWritersUseNoClockOrRandomness fails when a writer's non-test code
// calls time.Now or imports a random number generator.
func TestWritersUseNoClockOrRandomness(t *testing.T) {
	for _, pkg := range writerPackages {
		_ = filepath.WalkDir(pkg, func(path string, d os.DirEntry, err error) error {
			if err != nil {
				return nil // a package not written yet
			}
			if d.IsDir() && path != pkg && (pkg == "." || strings.HasSuffix(d.Name(), "test")) {
				return filepath.SkipDir // sub-packages are listed on their own; *test ones make fixtures
			}
			if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return nil
			}
			checkFile(t, path)
			return nil
		})
	}
}

func checkFile(t *testing.T, path string) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, nil, 0)
	if err != nil {
		t.Errorf("%s: %v", path, err)
		return
	}
	for _, imp := range f.Imports {
		p, _ := strconv.Unquote(imp.Path.Value)
		if p == "math/rand" || p == "math/rand/v2" || p == "crypto/rand" {
			t.Errorf("%s: imports %s; derive values from names instead", fset.Position(imp.Pos()), p)
		}
	}
	ast.Inspect(f, func(n ast.Node) bool {
		sel, ok := n.(*ast.SelectorExpr)
		if !ok {
			return true
		}
		if x, ok := sel.X.(*ast.Ident); ok && x.Name == "time" && (sel.Sel.Name == "Now" || sel.Sel.Name == "Since") {
			t.Errorf("%s: time.%s in a writer; use SOURCE_DATE_EPOCH (Options.Epoch)", fset.Position(sel.Pos()), sel.Sel.Name)
		}
		return true
	})
}
