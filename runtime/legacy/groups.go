package legacy

import (
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/disco-build/disco/runtime/plan"
)

// groupDirs is where groups may sit besides the root itself.
const groupDirs = "machine-groups"

// notGroups are conventional folders that are never groups, though they
// may hold a machines/ folder (of templates).
var notGroups = map[string]bool{
	"templates": true, "template": true, "machine-template": true, "machine=template": true,
	"functions": true, "paths": true,
}

// groupRef is a group found in the tree: its name and its folder as reached.
type groupRef struct {
	name string
	rel  string
}

// groups finds the groups at both placements, sorted by name.
func (r *reader) groups() ([]groupRef, error) {
	var found []groupRef
	for _, base := range []string{"", groupDirs} {
		if base != "" {
			if ok, err := r.isDir(base); err != nil || !ok {
				if err != nil {
					return nil, err
				}
				continue
			}
		}
		gs, err := r.groupsIn(base)
		if err != nil {
			return nil, err
		}
		found = append(found, gs...)
	}
	sort.SliceStable(found, func(i, j int) bool { return found[i].name < found[j].name })
	for i := 1; i < len(found); i++ {
		if found[i].name == found[i-1].name {
			return nil, plan.Errorf(plan.Pos{File: found[i].rel},
				"group %q is defined twice: at %s and at %s", found[i].name, found[i-1].rel, found[i].rel)
		}
	}
	return found, nil
}

// groupsIn lists the groups directly under base ("" for the root).
func (r *reader) groupsIn(base string) ([]groupRef, error) {
	names, err := r.names(base)
	if err != nil {
		return nil, err
	}
	var gs []groupRef
	for _, n := range names {
		rel := join(base, n)
		if notGroups[n] || r.isCache(rel) {
			continue
		}
		ok, err := r.isDir(rel)
		if err == nil && ok {
			ok, err = r.isDir(join(rel, "machines"))
		}
		if err != nil {
			return nil, err
		}
		if ok {
			gs = append(gs, groupRef{name: n, rel: rel})
		}
	}
	return gs, nil
}

// isCache reports whether rel is the cache folder, by path or by identity.
func (r *reader) isCache(rel string) bool {
	host := r.host(rel)
	a, err1 := filepath.Abs(host)
	b, err2 := filepath.Abs(r.opts.Cache)
	if err1 == nil && err2 == nil && filepath.Clean(a) == filepath.Clean(b) {
		return true
	}
	fa, err1 := os.Stat(host)
	fb, err2 := os.Stat(r.opts.Cache)
	return err1 == nil && err2 == nil && os.SameFile(fa, fb)
}

// machineParts are the entries that make a folder under machines/ a machine.
var machineParts = []string{"packages", "yum", "apt", "init", "devices", "root-overlays", "generator-scriptlets"}

// machineNames lists the machines of a group, in byte order.
func (r *reader) machineNames(g groupRef) ([]string, error) {
	dir := join(g.rel, "machines")
	names, err := r.names(dir)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, n := range names {
		rel := join(dir, n)
		ok, err := r.isDir(rel)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		isMachine, err := r.hasPart(rel)
		if err != nil {
			return nil, err
		}
		if !isMachine {
			r.notify(plan.Pos{File: rel}, "skipped: not a machine (holds none of %s)", strings.Join(machineParts, ", "))
			continue
		}
		out = append(out, n)
	}
	return out, nil
}

func (r *reader) hasPart(rel string) (bool, error) {
	for _, p := range machineParts {
		if _, err := os.Lstat(r.host(join(rel, p))); err == nil {
			return true, nil
		} else if !os.IsNotExist(err) {
			return false, pathErr(join(rel, p), err)
		}
	}
	return false, nil
}
