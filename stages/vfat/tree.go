package vfat

import (
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/disco-build/disco/stages/ext4"
)

// node is one file or directory of the tree being written.
type node struct {
	name     string // long name ("" for the root)
	path     string
	dir      bool
	entry    *Entry // nil for directories made up as missing parents
	children []*node
	short    [11]byte // 8.3 name, space padded
	lfn      bool     // the long name needs LFN entries
	first    uint32   // first cluster (0 for empty files and FAT16's root)
	nclust   int64
}

// tree is the whole filesystem.
type tree struct {
	root      *node
	dataBytes int64 // file contents, for MinSize's first guess
	used      int64 // clusters allocated by the last allocate
}

// buildTree checks the entries and arranges them into a tree whose
// children are in name order, with short names assigned.
func buildTree(entries []Entry) (*tree, error) {
	t := &tree{root: &node{path: "/", dir: true}}
	byPath := map[string]*node{"/": t.root}
	sorted := make([]*Entry, len(entries))
	for i := range entries {
		sorted[i] = &entries[i]
	}
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Path < sorted[j].Path })
	for _, e := range sorted {
		if err := t.add(byPath, e); err != nil {
			return nil, err
		}
	}
	return t, t.root.assignNames()
}

func (t *tree) add(byPath map[string]*node, e *Entry) error {
	p := e.Path
	if !strings.HasPrefix(p, "/") || path.Clean(p) != p {
		return fmt.Errorf("%q: path is not absolute and clean", p)
	}
	if e.Link != "" {
		return fmt.Errorf("%s: FAT cannot store hard links", p)
	}
	typ := e.Mode & ext4.S_IFMT
	if typ != ext4.S_IFDIR && typ != ext4.S_IFREG {
		return fmt.Errorf("%s: FAT stores only directories and regular files (mode %o)", p, e.Mode)
	}
	if n, ok := byPath[p]; ok {
		if p == "/" && typ == ext4.S_IFDIR {
			n.entry = e
			return nil
		}
		return fmt.Errorf("%s: path given twice", p)
	}
	parent, err := t.parent(byPath, path.Dir(p))
	if err != nil {
		return fmt.Errorf("%s: %w", p, err)
	}
	n := &node{name: path.Base(p), path: p, dir: typ == ext4.S_IFDIR, entry: e}
	if !n.dir {
		if e.Size < 0 || e.Size > 0xffffffff {
			return fmt.Errorf("%s: size %d does not fit FAT's 32-bit file size", p, e.Size)
		}
		t.dataBytes += e.Size
	}
	parent.children = append(parent.children, n)
	byPath[p] = n
	return nil
}

// parent returns the directory node at p, creating missing ones.
func (t *tree) parent(byPath map[string]*node, p string) (*node, error) {
	if n, ok := byPath[p]; ok {
		if !n.dir {
			return nil, fmt.Errorf("parent %s is not a directory", p)
		}
		return n, nil
	}
	pp, err := t.parent(byPath, path.Dir(p))
	if err != nil {
		return nil, err
	}
	n := &node{name: path.Base(p), path: p, dir: true}
	pp.children = append(pp.children, n)
	byPath[p] = n
	return n, nil
}

// walk calls f on n and every node below it, depth first, in name order.
func (n *node) walk(f func(*node)) {
	f(n)
	for _, c := range n.children {
		c.walk(f)
	}
}
