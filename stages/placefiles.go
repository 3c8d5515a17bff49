package stages

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/disco-build/disco/runtime/plan"
	"github.com/disco-build/disco/stages/manifest"
	"github.com/disco-build/disco/stages/tree"
)

// Placer is the stage for what the plan places path by path: Starlark
// files (declared and generated), devices, the init program and deletes.
// Owners given by name are applied after the accounts stage (fixes).
type Placer struct {
	tree  *tree.Tree
	root  string
	epoch int64
	fixes []ownerFix
}

// NewPlacer returns the stage.
func NewPlacer(t *tree.Tree, root string, epoch int64) *Placer {
	return &Placer{tree: t, root: root, epoch: epoch}
}

// File places one plan file.
func (p *Placer) File(f plan.File) error {
	source := "file:" + f.Pos.String()
	if f.Generator != "" {
		source = "generator:" + f.Generator
	}
	meta := tree.Meta{Mode: uint32(f.Mode), Mtime: p.epoch, Source: source}
	var err error
	switch f.Kind {
	case "dir":
		err = p.tree.Mkdir(f.Path, meta)
	case "symlink":
		err = p.tree.Symlink(f.Target, f.Path, meta)
	default:
		err = p.writeFile(f, meta)
	}
	if err != nil {
		return fmt.Errorf("%s: %s: %w", f.Pos, f.Path, err)
	}
	if f.Owner != "root" || f.Group != "root" {
		p.fixes = append(p.fixes, ownerFix{path: f.Path, user: f.Owner, group: f.Group, pos: f.Pos})
	}
	return nil
}

func (p *Placer) writeFile(f plan.File, meta tree.Meta) error {
	switch {
	case f.Source != "":
		src, err := os.Open(filepath.Join(p.root, filepath.FromSlash(f.Source)))
		if err != nil {
			return err
		}
		defer src.Close()
		return p.tree.WriteFile(f.Path, src, meta)
	case f.ContentBase64 != "":
		data, err := base64.StdEncoding.DecodeString(f.ContentBase64)
		if err != nil {
			return err
		}
		return p.tree.WriteFile(f.Path, bytes.NewReader(data), meta)
	case f.Content != nil:
		return p.tree.WriteFile(f.Path, strings.NewReader(*f.Content), meta)
	}
	return p.tree.WriteFile(f.Path, strings.NewReader(""), meta)
}

// Device records a device node or FIFO.
func (p *Placer) Device(d plan.Device) error {
	kind := map[string]manifest.Kind{"b": manifest.Block, "c": manifest.Char, "p": manifest.FIFO}[d.Type]
	var major, minor uint32
	if d.Major != nil && d.Minor != nil {
		major, minor = uint32(*d.Major), uint32(*d.Minor)
	}
	meta := tree.Meta{Mode: uint32(d.Mode), UID: uint32(d.UID), GID: uint32(d.GID), Mtime: p.epoch,
		Source: "devices:" + d.Pos.String()}
	if err := p.tree.Mknod(d.Path, kind, major, minor, meta); err != nil {
		return fmt.Errorf("%s: device %s: %w", d.Pos, d.Path, err)
	}
	return nil
}

// Init places the machine's init program (mode 0755).
func (p *Placer) Init(in *plan.Init) error {
	meta := tree.Meta{Mode: 0o755, Mtime: p.epoch, Source: "init"}
	var err error
	if in.Content != nil {
		err = p.tree.WriteFile(in.Path, strings.NewReader(*in.Content), meta)
	} else {
		var src *os.File
		if src, err = os.Open(filepath.Join(p.root, filepath.FromSlash(in.Source))); err == nil {
			defer src.Close()
			err = p.tree.WriteFile(in.Path, src, meta)
		}
	}
	if err != nil {
		return fmt.Errorf("%s: init: %w", in.Pos, err)
	}
	return nil
}

// Delete removes a path; a path that is not there is not an error.
func (p *Placer) Delete(d plan.Delete) error {
	e, err := p.tree.Lookup(d.Path)
	if err != nil {
		return fmt.Errorf("%s: delete %s: %w", d.Pos, d.Path, err)
	}
	if e == nil {
		return nil
	}
	if err := p.tree.Remove(d.Path); err != nil {
		return fmt.Errorf("%s: delete %s: %w", d.Pos, d.Path, err)
	}
	return nil
}

// applyOwners sets owners given by name, through the image's accounts.
func applyOwners(t *tree.Tree, fixes []ownerFix) error {
	var ids idMap
	ids.refresh(t)
	for _, f := range fixes {
		group := f.group
		if group == "" {
			group = f.user
		}
		uid, ok := ids.users[f.user]
		if !ok {
			return fmt.Errorf("%s: %s: no user %q in the image's /etc/passwd", f.pos, f.path, f.user)
		}
		gid, ok := ids.groups[group]
		if !ok {
			return fmt.Errorf("%s: %s: no group %q in the image's /etc/group", f.pos, f.path, group)
		}
		if err := t.Chown(f.path, uid, gid); err != nil {
			return fmt.Errorf("%s: %w", f.pos, err)
		}
	}
	return nil
}
