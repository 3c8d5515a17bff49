package stages

import (
	"bufio"
	"io"
	"path"
	"strings"

	"github.com/disco-build/disco/stages/rpmdb"
	"github.com/disco-build/disco/stages/tree"
)

// DefaultDBPath is rpm's %_dbpath when the image's macros set none.
const DefaultDBPath = "/usr/lib/sysimage/rpm"

// macroFiles are where an image's rpm reads %_dbpath, later ones winning.
var macroFiles = []string{"/usr/lib/rpm/macros", "/usr/lib/rpm/macros.d/macros.dbpath", "/etc/rpm/macros", "/etc/rpm/macros.dbpath"}

// dbPath returns the image's %_dbpath: the last definition in its macro
// files (only literal values and %{_usr}/%{_var} are understood), else
// DefaultDBPath.
func dbPath(t *tree.Tree) string {
	p := DefaultDBPath
	for _, f := range macroFiles {
		rc, err := t.Open(f)
		if err != nil {
			continue
		}
		if v := findMacro(rc, "_dbpath"); v != "" {
			p = v
		}
		rc.Close()
	}
	p = strings.NewReplacer("%{_usr}", "/usr", "%{_var}", "/var", "%{_prefix}", "/usr").Replace(p)
	if !path.IsAbs(p) || strings.Contains(p, "%") {
		return DefaultDBPath
	}
	return path.Clean(p)
}

func findMacro(r io.Reader, name string) string {
	val := ""
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) >= 2 && f[0] == "%"+name {
			val = f[1]
		}
	}
	return val
}

// writeRPMDB is the rpmdb stage: the image's rpm database, written
// natively, so the image's (or the host's) rpm can query what was
// installed.
func writeRPMDB(t *tree.Tree, installed []Installed, epoch int64) error {
	pkgs := make([]rpmdb.Installed, len(installed))
	for i, in := range installed {
		pkgs[i] = rpmdb.Installed{Package: in.Package}
		if len(in.Skipped) == 0 {
			continue
		}
		files, err := in.Package.Files()
		if err != nil {
			return err
		}
		states := make([]rpmdb.FileState, len(files))
		for idx, why := range in.Skipped {
			if why != "ghost" && idx < len(states) {
				states[idx] = rpmdb.FileNotInstalled
			}
		}
		pkgs[i].FileStates = states
	}
	return rpmdb.WriteTree(t, dbPath(t), pkgs, rpmdb.Options{InstallTime: uint32(epoch), Color: 3})
}
