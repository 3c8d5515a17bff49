package scriptlet

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/disco-build/disco/internal/rpmtest"
	"github.com/disco-build/disco/internal/testtool"
	"github.com/disco-build/disco/stages/rpm"
)

// TestEscapesAsRPM builds each hostile shell scriptlet as the %post of a
// real package (rpmbuild), reads it back with stages/rpm and runs it as a
// build would, in the first isolation mode this caller gets (the one a
// build uses): the same attacks, through rpm's own packaging. One canary
// serves every package, since its path is in their headers.
func TestEscapesAsRPM(t *testing.T) {
	testtool.Need(t, "rpmbuild")
	root := escapeRoot(t)
	probe(t, root)
	e := newEscapeEnv(t, root)
	c := newCanary(t)
	inherited, fd := inheritable(t)
	_, _, hasDisk := blockDevice(c.dir)
	repl := e.replacer(c, fd)
	var pkgs []rpmtest.Pkg
	for _, name := range escapeNames() {
		if name == "lua" || !hasDisk && (name == "mknod-disk" || name == "mount-disk") {
			continue
		}
		pkgs = append(pkgs, rpmtest.Pkg{Name: "escape-" + name, Version: "1", Release: "1", Arch: "noarch",
			Post: repl.Replace(escapeScripts[name])})
	}
	dir := t.TempDir()
	must(t, rpmtest.Build(dir, pkgs))
	m := isolationModes(t)[0]
	for _, p := range pkgs {
		t.Run(p.Name, func(t *testing.T) {
			f, err := os.Open(filepath.Join(dir, p.Name+"-1-1.noarch.rpm"))
			must(t, err)
			defer f.Close()
			pkg, err := rpm.Open(f)
			must(t, err)
			s, ok := pkg.Script("post")
			if !ok {
				t.Fatalf("%s has no %%post", p.Name)
			}
			o := m.r.Run(context.Background(), root, Script{Package: pkg.NEVRA(), Name: s.Name, Prog: s.Prog, Body: s.Body, Arg1: 1})
			e.verify(t, m, o, c, inherited)
		})
	}
}
