package stages

import (
	"fmt"

	"github.com/disco-build/disco/runtime/plan"
	"github.com/disco-build/disco/stages/rpm"
	"github.com/disco-build/disco/stages/tree"
)

// applyAttrs is the attrs stage, after deletes: per-path mode, owner,
// xattrs, capabilities and mtime from the plan.
func applyAttrs(t *tree.Tree, attrs []plan.Attr) error {
	for _, a := range attrs {
		if err := applyAttr(t, a); err != nil {
			return fmt.Errorf("%s: attrs %s: %w", a.Pos, a.Path, err)
		}
	}
	return nil
}

func applyAttr(t *tree.Tree, a plan.Attr) error {
	e, err := t.Lookup(a.Path)
	if err != nil {
		return err
	}
	if e == nil {
		return fmt.Errorf("no such path in the image")
	}
	if a.Mode != nil {
		if err := t.Chmod(a.Path, uint32(*a.Mode)); err != nil {
			return err
		}
	}
	if a.Owner != "" || a.Group != "" {
		user, group := a.Owner, a.Group
		if user == "" {
			user = "root"
		}
		if err := applyOwners(t, []ownerFix{{path: a.Path, user: user, group: group, pos: a.Pos}}); err != nil {
			return err
		}
	}
	for _, k := range sortedKeys(a.Xattrs) {
		if err := t.SetXattr(a.Path, k, []byte(a.Xattrs[k])); err != nil {
			return err
		}
	}
	if a.Caps != "" {
		caps, err := rpm.ParseCaps(a.Caps)
		if err != nil {
			return err
		}
		value, err := caps.Xattr()
		if err != nil {
			return err
		}
		if err := t.SetXattr(a.Path, "security.capability", value); err != nil {
			return err
		}
	}
	if a.Mtime != nil {
		return t.Chtimes(a.Path, *a.Mtime)
	}
	return nil
}
