package squashfs

import (
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/disco-build/disco/stages/ext4"
)

// tree is the checked entries in pseudo-file order: parents before their
// children, children in name order, hard links last.
type tree struct {
	entries []*Entry
	links   []*Entry
}

func buildTree(entries []Entry, epoch int64) (*tree, error) {
	byPath := map[string]*Entry{}
	for i := range entries {
		e := &entries[i]
		if err := check(e); err != nil {
			return nil, err
		}
		if _, dup := byPath[e.Path]; dup {
			return nil, fmt.Errorf("%s: path given twice", e.Path)
		}
		byPath[e.Path] = e
	}
	t := &tree{}
	for _, e := range byPath {
		if err := addParents(byPath, e, epoch); err != nil {
			return nil, err
		}
	}
	if _, ok := byPath["/"]; !ok {
		byPath["/"] = &Entry{Path: "/", Mode: ext4.S_IFDIR | 0o755, Mtime: epoch}
	}
	for _, e := range byPath {
		if e.Link != "" {
			if err := resolveLink(byPath, e); err != nil {
				return nil, err
			}
			t.links = append(t.links, e)
		} else {
			t.entries = append(t.entries, e)
		}
	}
	sortEntries(t.entries)
	sortEntries(t.links)
	return t, nil
}

// sortEntries orders paths component by component, so "/a" and what is
// under it come before "/a b".
func sortEntries(es []*Entry) {
	key := func(e *Entry) string { return strings.ReplaceAll(e.Path, "/", "\x00") }
	sort.Slice(es, func(i, j int) bool { return key(es[i]) < key(es[j]) })
}

func check(e *Entry) error {
	p := e.Path
	if !strings.HasPrefix(p, "/") || path.Clean(p) != p {
		return fmt.Errorf("%q: path is not absolute and clean", p)
	}
	if strings.ContainsAny(p, "\n\x00") || strings.ContainsAny(e.Target, "\n\x00") {
		return fmt.Errorf("%q: newlines cannot be written to a pseudo file", p)
	}
	if len(e.Xattrs) > 0 {
		return fmt.Errorf("%s: extended attributes are not supported (mksquashfs 4.5 pseudo files cannot carry them)", p)
	}
	if e.Mtime < 0 || e.Mtime > 0xffffffff {
		return fmt.Errorf("%s: mtime %d does not fit squashfs's 32-bit times", p, e.Mtime)
	}
	if e.Link != "" {
		return nil
	}
	switch e.Mode & ext4.S_IFMT {
	case ext4.S_IFDIR, ext4.S_IFREG, ext4.S_IFBLK, ext4.S_IFCHR, ext4.S_IFIFO, ext4.S_IFSOCK:
	case ext4.S_IFLNK:
		if e.Target == "" || strings.TrimLeft(e.Target, " \t") != e.Target {
			return fmt.Errorf("%s: symlink target %q is empty or starts with a space", p, e.Target)
		}
	default:
		return fmt.Errorf("%s: mode %o has no file type", p, e.Mode)
	}
	if p == "/" && e.Mode&ext4.S_IFMT != ext4.S_IFDIR {
		return fmt.Errorf("/: the root must be a directory")
	}
	return nil
}

// addParents adds the missing parent directories of e.
func addParents(byPath map[string]*Entry, e *Entry, epoch int64) error {
	for p := path.Dir(e.Path); p != "/"; p = path.Dir(p) {
		parent, ok := byPath[p]
		if !ok {
			byPath[p] = &Entry{Path: p, Mode: ext4.S_IFDIR | 0o755, Mtime: epoch}
			continue
		}
		if parent.Link != "" || parent.Mode&ext4.S_IFMT != ext4.S_IFDIR {
			return fmt.Errorf("%s: parent %s is not a directory", e.Path, p)
		}
	}
	return nil
}

// resolveLink points a hard link at the entry that holds the inode.
func resolveLink(byPath map[string]*Entry, e *Entry) error {
	target := e.Link
	for range len(byPath) {
		t, ok := byPath[target]
		switch {
		case !ok:
			return fmt.Errorf("%s: hard link target %s is not in the entries", e.Path, e.Link)
		case t.Link != "":
			target = t.Link
		case t.Mode&ext4.S_IFMT == ext4.S_IFDIR:
			return fmt.Errorf("%s: hard link to directory %s", e.Path, target)
		default:
			e.Link = target
			return nil
		}
	}
	return fmt.Errorf("%s: hard link loop", e.Path)
}
