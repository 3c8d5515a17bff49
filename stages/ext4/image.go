package ext4

import (
	"errors"
	"fmt"
	"io"
)

// image writes one filesystem: it places metadata, streams contents and
// finally writes inode tables, bitmaps, descriptors and superblocks.
type image struct {
	t      *tree
	g      *geometry
	opts   Options
	fsSeed uint32
	a      *allocator
	out    *seqWriter
	gd     []groupDesc // per group: positions of bitmaps and inode table
	jnl    *inode      // journal inode, nil without journal
	resize *inode      // resize inode, nil without reserved GDT blocks
	data   int64       // content bytes stored
	over   uint64      // overhead blocks (metadata and journal)
	gdt    []byte      // group descriptor table
	used   uint64      // blocks in use, known once all are allocated
}

type groupDesc struct {
	bbitmap, ibitmap, itable uint64
}

func newImage(w io.WriterAt, t *tree, g *geometry, opts Options) *image {
	return &image{t: t, g: g, opts: opts, fsSeed: fsSeed(opts),
		a: newAllocator(g.blocks), out: newSeqWriter(w)}
}

func (img *image) write() (Stats, error) {
	steps := []struct {
		name string
		fn   func() error
	}{
		{"placing metadata", img.placeMetadata},
		{"writing resize inode", img.writeResize},
		{"writing journal", img.writeJournal},
		{"writing directories", img.writeSmall},
		{"writing files", img.writeFiles},
		{"writing inode tables", img.writeInodes},
		{"writing bitmaps and descriptors", img.writeGroups},
		{"counting blocks", func() error { img.used = img.a.countUsed(0, img.g.blocks); return nil }},
		{"writing superblocks", img.writeSupers},
		{"writing last block", img.padEnd},
	}
	for _, s := range steps {
		if err := s.fn(); err != nil {
			if errors.Is(err, errNoSpace) {
				min, _ := minBlocks(img.t, img.opts)
				return Stats{}, fmt.Errorf("%s: image too small (%d bytes; need about %d)", s.name, img.g.blocks*blockSize, min*blockSize)
			}
			return Stats{}, fmt.Errorf("%s: %w", s.name, err)
		}
	}
	return img.stats(), nil
}

// placeMetadata reserves superblocks and descriptor tables, then packs all
// bitmaps and inode tables after the primary descriptor table.
func (img *image) placeMetadata() error {
	g := img.g
	for i := range g.groups {
		if hasSuper(i) {
			img.a.mark(uint64(i)*blocksPerGroup, 1+uint64(g.gdtBlocks)+uint64(g.rsvGdt))
		}
	}
	img.gd = make([]groupDesc, g.groups)
	var err error
	for i := range img.gd {
		if img.gd[i].bbitmap, err = img.a.one(); err != nil {
			return err
		}
	}
	for i := range img.gd {
		if img.gd[i].ibitmap, err = img.a.one(); err != nil {
			return err
		}
	}
	for i := range img.gd {
		if img.gd[i].itable, err = img.a.run(uint64(g.itb)); err != nil {
			return err
		}
	}
	return nil
}

// writeSmall allocates and writes directory, slow symlink and xattr
// blocks, in inode order.
func (img *image) writeSmall() error {
	var err error
	img.t.each(func(n *inode) {
		if err == nil {
			err = img.writeSmallOne(n)
		}
	})
	return err
}

func (img *image) writeSmallOne(n *inode) error {
	switch {
	case n.isDir():
		for i, b := range n.dir {
			if err := img.putBlock(n, uint32(i), b); err != nil {
				return err
			}
		}
	case n.isLnk() && len(n.target) >= 60:
		b := make([]byte, blockSize)
		copy(b, n.target)
		if err := img.putBlock(n, 0, b); err != nil {
			return err
		}
	case n.isLnk():
		copy(n.iblock[:], n.target)
	case n.mode&S_IFMT == S_IFCHR || n.mode&S_IFMT == S_IFBLK:
		encodeDev(n)
	}
	if len(n.blkXattr) > 0 {
		blk, err := img.a.one()
		if err != nil {
			return err
		}
		n.xblock = blk
		n.extra++
		if err := img.out.put(blk, xattrBlock(n.blkXattr, blk, img.fsSeed)); err != nil {
			return err
		}
	}
	if !n.isReg() {
		return img.finishExtents(n)
	}
	return nil
}

// putBlock allocates the next block for logical block l of n and queues b.
func (img *image) putBlock(n *inode, l uint32, b []byte) error {
	blk, err := img.a.one()
	if err != nil {
		return err
	}
	n.exts = addBlock(n.exts, l, blk)
	return img.out.put(blk, b)
}

// finishExtents builds n's extent tree (when it has more than 4 extents)
// and writes its blocks.
func (img *image) finishExtents(n *inode) error {
	if !usesExtents(n) {
		return nil
	}
	root, blocks, err := extentTree(n.exts, img.a, inodeSeed(img.fsSeed, n.num, 0))
	if err != nil {
		return err
	}
	n.iblock = root
	for _, b := range blocks {
		n.extra++
		if err := img.out.put(b.blk, b.data); err != nil {
			return err
		}
	}
	return nil
}

func usesExtents(n *inode) bool {
	if n.num == resizeIno {
		return false
	}
	return n.isReg() || n.isDir() || (n.isLnk() && len(n.target) >= 60)
}

// encodeDev stores the device number in i_block the way the kernel does:
// the old 16-bit encoding when it fits, else the new one in i_block[1].
func encodeDev(n *inode) {
	le := leBytes{n.iblock[:]}
	if n.major < 256 && n.minor < 256 {
		le.put32(0, n.major<<8|n.minor)
		return
	}
	le.put32(4, n.minor&0xff|n.major<<8|(n.minor&^0xff)<<12)
}

// padEnd makes sure the image is as long as the filesystem.
func (img *image) padEnd() error {
	last := img.g.blocks - 1
	if !img.a.isUsed(last) {
		if err := img.out.put(last, make([]byte, blockSize)); err != nil {
			return err
		}
	}
	return img.out.flush()
}

func (img *image) stats() Stats {
	used := img.used
	inodes := img.g.ipg * img.g.groups
	return Stats{
		Size:       int64(img.g.blocks) * blockSize,
		Blocks:     img.g.blocks,
		FreeBlocks: img.g.blocks - used,
		Inodes:     inodes,
		FreeInodes: inodes - img.t.maxIno,
		DataBytes:  img.data,
	}
}
