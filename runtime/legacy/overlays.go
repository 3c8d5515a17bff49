package legacy

import (
	"io/fs"

	"github.com/disco-build/disco/runtime/configfs"
	"github.com/disco-build/disco/runtime/plan"
	"github.com/disco-build/disco/runtime/treehash"
)

// overlays reads a root-overlays folder: one overlay per folder (or symlink
// to one) in byte order of name, dot entries skipped. Each is read through
// configfs, as the overlay stage reads it at build time: symlinks on the
// way to the overlay's content (the overlay folder, root-overlays/, the
// machine folder...) are followed inside the config root, and one leading
// out of it is an error naming it. The digest does not follow symlinks
// inside the overlay, which are copied as symlinks; entries starting with
// '.' at the overlay's root are left out.
func (r *reader) overlays(dir, level string) ([]plan.Overlay, error) {
	names, err := r.optionalDir(dir)
	if err != nil {
		return nil, err
	}
	var out []plan.Overlay
	for _, n := range names {
		rel := join(dir, n)
		config, err := r.configFS()
		if err != nil {
			return nil, err
		}
		fi, err := fs.Stat(config, rel)
		if err != nil {
			return nil, plan.Errorf(plan.Pos{File: rel}, "overlay: %v", unwrapPath(err))
		}
		if !fi.IsDir() {
			return nil, plan.Errorf(plan.Pos{File: rel}, "an overlay must be a folder (or a symlink to one)")
		}
		digest, err := treehash.Digest(config, rel, true)
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

// configFS opens the config root through configfs once per Read.
func (r *reader) configFS() (*configfs.FS, error) {
	if r.config == nil {
		c, err := configfs.New(r.root, r.opts.Cache)
		if err != nil {
			return nil, err
		}
		r.config = c
	}
	return r.config, nil
}
