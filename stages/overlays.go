package stages

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/disco-build/disco/internal/glob"
	"github.com/disco-build/disco/runtime/configfs"
	"github.com/disco-build/disco/runtime/plan"
	"github.com/disco-build/disco/runtime/treehash"
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
//
// A folder is read through runtime/configfs and walked by treehash.Walk,
// the resolution and walk the plan's digest was made with: a symlinked
// overlay folder (at any level) is followed inside the config root, a link
// leading out of it is an error naming the link, symlinks inside an overlay
// are copied as symlinks. While copying, the stage hashes what it wrote;
// a sum that differs from the plan's digest is an error (the folder changed
// after the plan was made), except on a legacy machine with generator
// scriptlets, which the contract lets write into root-overlays/: there it
// is a notice. A modes or owners glob that matches nothing is an error.
//
// A generated overlay (legacy, "cache:...") has no digest: it holds what
// the generator scriptlets wrote. Its folder is made by the generator
// stage before any scriptlet that is given it runs; when no scriptlet was
// given it (say, the machine's folder when only group scriptlets exist),
// the folder is absent and the overlay is empty by design, which Applied
// records as zero entries.
type Overlayer struct {
	tree        *tree.Tree
	root, cache string
	epoch       int64
	fixes       []ownerFix
	config      *configfs.FS
	// Applied lists, per overlay in plan order, what was copied.
	Applied []AppliedOverlay
	// Notices are things worth telling that are not errors.
	Notices []string
}

// AppliedOverlay is what the stage copied for one plan overlay.
type AppliedOverlay struct {
	Pos     plan.Pos
	Name    string
	Entries []string // root paths written, in walk order
	Digest  string   // the treehash sum of what was copied
}

// NewOverlayer returns the overlay stage; Close releases it.
func NewOverlayer(t *tree.Tree, root, cache string, epoch int64) *Overlayer {
	return &Overlayer{tree: t, root: root, cache: cache, epoch: epoch}
}

// Close releases the config root the stage opened.
func (o *Overlayer) Close() error {
	if o.config == nil {
		return nil
	}
	return o.config.Close()
}

// Apply copies one overlay.
func (o *Overlayer) Apply(m *plan.Machine, ov plan.Overlay) error {
	fsys, dir, err := o.source(ov)
	if err != nil {
		return fmt.Errorf("%s: overlay %s: %w", ov.Pos, ov.Name, err)
	}
	done := AppliedOverlay{Pos: ov.Pos, Name: ov.Name}
	h := treehash.New()
	used := make([]bool, len(ov.Attrs))
	if fsys != nil {
		err = treehash.Walk(fsys, dir, true, func(e treehash.Entry) error {
			dest := path.Join(ov.Dest, e.Path)
			if err := o.copyEntry(e, dest, h, ov, used); err != nil {
				return fmt.Errorf("%s: %w", e.Path, err)
			}
			done.Entries = append(done.Entries, dest)
			return nil
		})
	}
	if err != nil {
		return fmt.Errorf("%s: overlay %s: %w", ov.Pos, ov.Name, err)
	}
	done.Digest = h.Sum()
	o.Applied = append(o.Applied, done)
	if err := unusedAttrs(ov, used); err != nil {
		return err
	}
	return o.checkDigest(m, ov, done)
}

// checkDigest compares what was copied with what the plan's digest
// covers.
func (o *Overlayer) checkDigest(m *plan.Machine, ov plan.Overlay, done AppliedOverlay) error {
	if ov.Generated || ov.Digest == done.Digest {
		return nil
	}
	if m.Source == plan.SourceLegacy && len(m.Scriptlets) > 0 {
		o.Notices = append(o.Notices, fmt.Sprintf("%s: overlay %s: generator scriptlets changed it after the plan was made (%d entries copied)",
			ov.Pos, ov.Name, len(done.Entries)))
		return nil
	}
	return fmt.Errorf("%s: overlay %s: the folder changed after the plan was made (plan %s, copied %s): evaluate and build again",
		ov.Pos, ov.Name, ov.Digest, done.Digest)
}

// unusedAttrs fails for a modes or owners glob that matched no entry.
func unusedAttrs(ov plan.Overlay, used []bool) error {
	for i, a := range ov.Attrs {
		if !used[i] {
			what := "owners"
			if a.Mode != nil {
				what = "modes"
			}
			return fmt.Errorf("%s: overlay %s: %s glob %q matches nothing in the overlay", a.Pos, ov.Name, what, a.Glob)
		}
	}
	return nil
}

// source returns the file system and folder to walk: the config root and
// the overlay's root-relative source, or for a generated overlay
// ("cache:GROUP[/NAME]/generated") that folder in the cache, nil when it
// does not exist.
func (o *Overlayer) source(ov plan.Overlay) (fs.FS, string, error) {
	if rest, ok := strings.CutPrefix(ov.Source, "cache:"); ok {
		dir := filepath.Join(o.cache, filepath.FromSlash(rest))
		if _, err := os.Lstat(dir); errors.Is(err, fs.ErrNotExist) {
			return nil, "", nil
		}
		return os.DirFS(dir), ".", nil
	}
	if o.config == nil {
		c, err := configfs.New(o.root, o.cache)
		if err != nil {
			return nil, "", err
		}
		o.config = c
	}
	return o.config, ov.Source, nil
}

func (o *Overlayer) copyEntry(e treehash.Entry, dest string, h *treehash.Hash, ov plan.Overlay, used []bool) error {
	meta := tree.Meta{Mode: 0o644, Mtime: o.epoch, Source: "overlay:" + ov.Name}
	switch e.Kind {
	case treehash.Dir:
		h.Add(e, nil)
		meta.Mode = 0o755
		// A folder the root already has keeps its owner and mode (an
		// overlay's /etc must not reset the package's), unless the
		// overlay's modes or owners name it.
		if !o.applyAttrs(&meta, dest, ov, used) {
			if x, err := o.tree.Lookup(dest); err == nil && x != nil && x.Kind == manifest.Dir {
				return nil
			}
		}
		return o.tree.Mkdir(dest, meta)
	case treehash.Symlink:
		h.Add(e, nil)
		o.applyAttrs(&meta, dest, ov, used)
		return o.tree.Symlink(e.Target, dest, meta)
	}
	if e.Exec {
		meta.Mode = 0o755
	}
	o.applyAttrs(&meta, dest, ov, used)
	f, err := e.Open()
	if err != nil {
		return err
	}
	defer f.Close()
	sum := sha256.New()
	if err := o.tree.WriteFile(dest, io.TeeReader(f, sum), meta); err != nil {
		return err
	}
	h.AddFile(e, sum.Sum(nil))
	return nil
}

// applyAttrs applies the overlay's modes and owners whose glob (relative
// to the overlay's destination) matches dest; later ones win. It reports
// whether any matched.
func (o *Overlayer) applyAttrs(meta *tree.Meta, dest string, ov plan.Overlay, used []bool) bool {
	matched := false
	rel := strings.TrimPrefix(strings.TrimPrefix(dest, ov.Dest), "/")
	for i, a := range ov.Attrs {
		if !glob.Match(a.Glob, rel) {
			continue
		}
		matched, used[i] = true, true
		if a.Mode != nil {
			meta.Mode = uint32(*a.Mode)
		}
		if a.Owner != "" {
			o.fixes = append(o.fixes, ownerFix{path: dest, user: a.Owner, group: a.Group, pos: a.Pos})
		}
	}
	return matched
}
