package vfat

import (
	"fmt"
	"unicode/utf16"
)

// lfnEntries is how many LFN directory entries a long name takes.
func lfnEntries(name string) int64 {
	return (int64(len(utf16.Encode([]rune(name)))) + 12) / 13
}

// dirEntries counts the 32-byte entries of directory n.
func (n *node) dirEntries(isRoot, label bool) int64 {
	count := int64(2) // "." and ".."
	if isRoot {
		count = 0
		if label {
			count = 1
		}
	}
	for _, c := range n.children {
		count++
		if c.lfn {
			count += lfnEntries(c.name)
		}
	}
	return count
}

// allocate gives every directory and then every file its run of
// clusters, in depth-first name order, and fails if they do not fit.
func (t *tree) allocate(g geometry, label bool) error {
	cb := g.clusterBytes()
	next := uint32(2)
	var need int64
	take := func(n *node, k int64) {
		n.first, n.nclust = 0, k
		if k > 0 {
			n.first = next
			next += uint32(k)
		}
		need += k
	}
	var err error
	t.root.walk(func(n *node) {
		if !n.dir {
			return
		}
		isRoot := n == t.root
		entries := n.dirEntries(isRoot, label)
		if isRoot && g.fat == 16 {
			if entries > fat16RootEntries {
				err = fmt.Errorf("the FAT16 root directory holds %d entries, it needs %d (use fewer or shorter names, or FAT32)", fat16RootEntries, entries)
			}
			take(n, 0)
			return
		}
		take(n, max(1, (entries*dirEntSize+cb-1)/cb))
	})
	if err != nil {
		return err
	}
	t.root.walk(func(n *node) {
		if !n.dir {
			take(n, (n.entry.Size+cb-1)/cb)
		}
	})
	t.used = need
	if need > g.clusters {
		return fmt.Errorf("too small: needs %d clusters of %d bytes (%d bytes), the %d-byte FAT%d filesystem has %d",
			need, cb, need*cb, g.sectors*sectorSize, g.fat, g.clusters)
	}
	return nil
}
