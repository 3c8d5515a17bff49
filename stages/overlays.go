package stages

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/disco-build/disco/internal/glob"
	"github.com/disco-build/disco/runtime/plan"
	"github.com/disco-build/disco/stages/manifest"
	"github.com/disco-build/disco/stages/tree"
)

// ownerFix is an owner given by name, applied once accounts exist.
type ownerFix struct {
	path, user, group string
	pos               plan.Pos
}

// Overlayer is the overlay stage: it copies overlay folders onto the root
// in plan order (later writes win). Files are root:root with the source's
// exec bit (source control keeps nothing else) unless the overlay's modes
// or owners say otherwise.
type Overlayer struct {
	tree        *tree.Tree
	root, cache string
	epoch       int64
	fixes       []ownerFix
}

// NewOverlayer returns the overlay stage.
func NewOverlayer(t *tree.Tree, root, cache string, epoch int64) *Overlayer {
	return &Overlayer{tree: t, root: root, cache: cache, epoch: epoch}
}

// Apply copies one overlay.
func (o *Overlayer) Apply(m *plan.Machine, ov plan.Overlay) error {
	src := o.hostSource(ov)
	if ov.Generated {
		if _, err := os.Stat(src); os.IsNotExist(err) {
			return nil // no scriptlet wrote into it
		}
	}
	source := "overlay:" + ov.Name
	return filepath.WalkDir(src, func(hp string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("%s: overlay %s: %w", ov.Pos, ov.Name, err)
		}
		rel, _ := filepath.Rel(src, hp)
		rel = filepath.ToSlash(rel)
		if rel == "." {
			return nil
		}
		if !strings.Contains(rel, "/") && strings.HasPrefix(rel, ".") {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		dest := path.Join(ov.Dest, rel)
		if err := o.copyEntry(hp, dest, d, source, ov); err != nil {
			return fmt.Errorf("%s: overlay %s: %s: %w", ov.Pos, ov.Name, rel, err)
		}
		return nil
	})
}

// hostSource is the overlay's folder on the host: config-root-relative,
// or for a generated overlay "cache:GROUP[/NAME]/generated" in the cache.
func (o *Overlayer) hostSource(ov plan.Overlay) string {
	if rest, ok := strings.CutPrefix(ov.Source, "cache:"); ok {
		return filepath.Join(o.cache, filepath.FromSlash(rest))
	}
	return filepath.Join(o.root, filepath.FromSlash(ov.Source))
}

func (o *Overlayer) copyEntry(hp, dest string, d fs.DirEntry, source string, ov plan.Overlay) error {
	meta := tree.Meta{Mode: 0o644, Mtime: o.epoch, Source: source}
	switch t := d.Type(); {
	case t.IsDir():
		meta.Mode = 0o755
		// A folder the root already has keeps its owner and mode (an
		// overlay's /etc must not reset the package's), unless the
		// overlay's modes or owners name it.
		if !o.applyAttrs(&meta, dest, ov) {
			if e, err := o.tree.Lookup(dest); err == nil && e != nil && e.Kind == manifest.Dir {
				return nil
			}
		}
		return o.tree.Mkdir(dest, meta)
	case t&fs.ModeSymlink != 0:
		target, err := os.Readlink(hp)
		if err != nil {
			return err
		}
		o.applyAttrs(&meta, dest, ov)
		return o.tree.Symlink(target, dest, meta)
	case t.IsRegular():
		info, err := d.Info()
		if err != nil {
			return err
		}
		if info.Mode()&0o111 != 0 {
			meta.Mode = 0o755
		}
		o.applyAttrs(&meta, dest, ov)
		f, err := os.Open(hp)
		if err != nil {
			return err
		}
		defer f.Close()
		return o.tree.WriteFile(dest, f, meta)
	}
	return fmt.Errorf("unsupported file type %v (declare devices in devices, not overlays)", d.Type())
}

// applyAttrs applies the overlay's modes and owners whose glob (relative
// to the overlay's destination) matches dest; later ones win. It reports
// whether any matched.
func (o *Overlayer) applyAttrs(meta *tree.Meta, dest string, ov plan.Overlay) bool {
	matched := false
	rel := strings.TrimPrefix(strings.TrimPrefix(dest, ov.Dest), "/")
	for _, a := range ov.Attrs {
		if !glob.Match(a.Glob, rel) {
			continue
		}
		matched = true
		if a.Mode != nil {
			meta.Mode = uint32(*a.Mode)
		}
		if a.Owner != "" {
			o.fixes = append(o.fixes, ownerFix{path: dest, user: a.Owner, group: a.Group, pos: a.Pos})
		}
	}
	return matched
}
