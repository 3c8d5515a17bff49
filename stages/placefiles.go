package stages

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
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
//
// Nothing planned is skipped silently: a file or init read from the config
// root must still have the SHA-256 the plan recorded (else the build
// fails: it changed after the plan was made); a device whose numbers Linux
// cannot hold fails (eval refuses them first); a delete whose path is not
// in the root removes nothing, which is legitimate (the packages may not
// ship it) and recorded in Notices.
type Placer struct {
	tree  *tree.Tree
	root  string
	epoch int64
	fixes []ownerFix
	// Notices are things worth telling that are not errors.
	Notices []string
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
		return p.copyVerified(f.Source, f.SHA256, f.Path, meta)
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

// copyVerified copies the config file src to dest, checking that its
// content still has the plan's SHA-256 (hex; empty: not recorded).
func (p *Placer) copyVerified(src, want, dest string, meta tree.Meta) error {
	f, err := os.Open(filepath.Join(p.root, filepath.FromSlash(src)))
	if err != nil {
		return err
	}
	defer f.Close()
	h := sha256.New()
	if err := p.tree.WriteFile(dest, io.TeeReader(f, h), meta); err != nil {
		return err
	}
	if got := hex.EncodeToString(h.Sum(nil)); want != "" && got != want {
		return fmt.Errorf("%s changed after the plan was made (plan sha256 %s, read %s): evaluate and build again", src, want, got)
	}
	return nil
}

// Device records a device node or FIFO.
func (p *Placer) Device(d plan.Device) error {
	kind, ok := map[string]manifest.Kind{"b": manifest.Block, "c": manifest.Char, "p": manifest.FIFO}[d.Type]
	if !ok {
		return fmt.Errorf("%s: device %s: unknown type %q", d.Pos, d.Path, d.Type)
	}
	var major, minor uint32
	if d.Major != nil && d.Minor != nil {
		if *d.Major < 0 || *d.Major > plan.MaxMajor || *d.Minor < 0 || *d.Minor > plan.MaxMinor {
			return fmt.Errorf("%s: device %s: %d:%d does not fit Linux's dev_t", d.Pos, d.Path, *d.Major, *d.Minor)
		}
		major, minor = uint32(*d.Major), uint32(*d.Minor)
	}
	if d.UID < 0 || d.UID > plan.MaxID || d.GID < 0 || d.GID > plan.MaxID {
		return fmt.Errorf("%s: device %s: owner %d:%d out of range", d.Pos, d.Path, d.UID, d.GID)
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
		err = p.copyVerified(in.Source, in.SHA256, in.Path, meta)
	}
	if err != nil {
		return fmt.Errorf("%s: init: %w", in.Pos, err)
	}
	return nil
}

// Delete removes a path; a path that is not there is not an error, but a
// notice.
func (p *Placer) Delete(d plan.Delete) error {
	e, err := p.tree.Lookup(d.Path)
	if err != nil {
		return fmt.Errorf("%s: delete %s: %w", d.Pos, d.Path, err)
	}
	if e == nil {
		p.Notices = append(p.Notices, fmt.Sprintf("%s: delete %s: not in the root, nothing removed", d.Pos, d.Path))
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
