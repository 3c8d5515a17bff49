package legacy

import (
	"os"

	"github.com/disco-build/disco/runtime/plan"
	"github.com/disco-build/disco/runtime/treehash"
)

// overlays reads a root-overlays folder: one overlay per folder (or symlink
// to one) in byte order of name, dot entries skipped. The digest follows
// the overlay folder itself but not symlinks inside it, which are copied as
// symlinks; entries starting with '.' at the overlay's root are left out.
func (r *reader) overlays(dir, level string) ([]plan.Overlay, error) {
	names, err := r.optionalDir(dir)
	if err != nil {
		return nil, err
	}
	var out []plan.Overlay
	for _, n := range names {
		rel := join(dir, n)
		ok, err := r.isDir(rel)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, plan.Errorf(plan.Pos{File: rel}, "an overlay must be a folder (or a symlink to one)")
		}
		digest, err := treehash.Digest(os.DirFS(r.host(rel)), ".", true)
		if err != nil {
			return nil, plan.Errorf(plan.Pos{File: rel}, "%v", err)
		}
		out = append(out, plan.Overlay{Pos: plan.Pos{File: rel}, Name: n, Level: level,
			Source: rel, Dest: "/", Digest: digest})
	}
	return out, nil
}

// withGenerated inserts the overlay that scriptlets fill in the cache, named
// "generated", at its place in byte order: after a config overlay of the
// same name.
func withGenerated(list []plan.Overlay, level, source, posFile string) []plan.Overlay {
	const name = "generated"
	g := plan.Overlay{Pos: plan.Pos{File: posFile}, Name: name, Level: level, Source: source,
		Dest: "/", Generated: true}
	i := 0
	for i < len(list) && list[i].Name <= name {
		i++
	}
	out := append(append(append([]plan.Overlay(nil), list[:i]...), g), list[i:]...)
	return out
}
