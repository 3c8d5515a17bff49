package ext4

import (
	"fmt"
)

const (
	blocksPerGroup = blockSize * 8
	inodeSize      = 256
	extraIsize     = 32
	inodesPerBlock = blockSize / inodeSize
	descSize       = 64
	maxExtentLen   = 32768
	extentsPerBlk  = (blockSize - 12 - 4) / 12
)

// geometry is the size and shape of the filesystem: groups, inode tables
// and the journal size. Block positions are chosen later by place.
type geometry struct {
	blocks    uint64
	groups    uint32
	ipg       uint32 // inodes per group
	itb       uint32 // inode table blocks per group
	gdtBlocks uint32
	rsvGdt    uint32 // reserved GDT blocks for online growth (resize_inode)
	journal   uint32 // journal blocks, 0 for none
	reserved  uint64 // blocks reserved for root
}

// shape computes the geometry of a filesystem of the given number of
// blocks holding at least minInodes inodes.
func shape(blocks uint64, minInodes uint64, opts Options) (*geometry, error) {
	ratio := uint64(opts.InodeRatio)
	if ratio == 0 {
		ratio = 16384
	}
	if ratio < blockSize {
		ratio = blockSize
	}
	g := &geometry{blocks: blocks}
	for range 2 { // a second pass after trimming a tiny last group
		g.groups = uint32((g.blocks + blocksPerGroup - 1) / blocksPerGroup)
		inodes := max(g.blocks*blockSize/ratio, minInodes)
		ipg := (inodes + uint64(g.groups) - 1) / uint64(g.groups)
		ipg = (ipg + inodesPerBlock - 1) / inodesPerBlock * inodesPerBlock
		if ipg > blocksPerGroup {
			return nil, fmt.Errorf("%d inodes do not fit in %d block groups", minInodes, g.groups)
		}
		g.ipg = uint32(max(ipg, inodesPerBlock))
		g.itb = g.ipg / inodesPerBlock
		g.gdtBlocks = (g.groups*descSize + blockSize - 1) / blockSize
		g.rsvGdt = reservedGdt(g.blocks, g.gdtBlocks)
		rem := g.blocks % blocksPerGroup
		if g.groups == 1 || rem == 0 || rem >= uint64(3+g.itb+g.rsvGdt+50) {
			break
		}
		g.blocks -= rem // like mke2fs: drop a last group too small to be useful
	}
	if !opts.NoJournal {
		g.journal = journalSize(g.blocks)
	}
	g.reserved = g.blocks * uint64(opts.ReservedPercent) / 100
	return g, nil
}

// reservedGdt is mke2fs's calc_reserved_gdt_blocks: enough descriptor
// blocks to grow 1024-fold (or to 2^32 blocks), at most one indirect
// block's worth. Filesystems of 2^32 blocks or more get none (and no
// resize inode), as with mke2fs.
func reservedGdt(blocks uint64, gdt uint32) uint32 {
	const max32 = 1<<32 - 1
	if blocks >= max32 {
		return 0
	}
	maxBlocks := uint64(max32)
	if blocks < maxBlocks/1024 {
		maxBlocks = blocks * 1024
	}
	groups := (maxBlocks + blocksPerGroup - 1) / blocksPerGroup
	rsv := int64((groups+blockSize/descSize-1)/(blockSize/descSize)) - int64(gdt)
	return uint32(min(max(rsv, 0), blockSize/4))
}

// journalSize is ext2fs_default_journal_size.
func journalSize(blocks uint64) uint32 {
	switch {
	case blocks < 2048:
		return 0
	case blocks < 32768:
		return 1024
	case blocks < 256*1024:
		return 4096
	case blocks < 512*1024:
		return 8192
	case blocks < 4096*1024:
		return 16384
	case blocks < 8192*1024:
		return 32768
	case blocks < 16384*1024:
		return 65536
	case blocks < 32768*1024:
		return 131072
	}
	return 262144
}

// hasSuper tells whether group g holds a superblock backup (sparse_super).
func hasSuper(g uint32) bool {
	if g <= 1 {
		return true
	}
	for _, p := range []uint32{3, 5, 7} {
		n := p
		for n < g {
			n *= p
		}
		if n == g {
			return true
		}
	}
	return false
}

// overhead is the number of blocks the geometry itself takes: superblocks,
// descriptor tables, bitmaps, inode tables, the journal and its index.
func (g *geometry) overhead() uint64 {
	var o uint64
	for i := range g.groups {
		if hasSuper(i) {
			o += 1 + uint64(g.gdtBlocks) + uint64(g.rsvGdt)
		}
	}
	if g.rsvGdt > 0 {
		o++ // the resize inode's double indirect block
	}
	o += uint64(g.groups) * (2 + uint64(g.itb))
	if g.journal > 0 {
		o += uint64(g.journal) + treeBlocks(uint64(g.journal)/maxExtentLen+uint64(g.groups))
	}
	return o
}

// treeBlocks is how many extent tree blocks n extents need.
func treeBlocks(n uint64) uint64 {
	var t uint64
	for n > 4 {
		n = (n + extentsPerBlk - 1) / extentsPerBlk
		t += n
	}
	return t
}

// contentBlocks bounds the blocks the tree's inodes need, counting file
// contents as if they had no holes.
func contentBlocks(t *tree) uint64 {
	var total uint64
	t.each(func(n *inode) {
		var data uint64
		switch {
		case n.isReg():
			data = (uint64(n.size) + blockSize - 1) / blockSize
		case n.isDir():
			data = uint64(len(n.dir))
		case n.isLnk() && len(n.target) >= 60:
			data = 1
		}
		total += data + treeBlocks(min(data, data/maxExtentLen+64))
		if len(n.blkXattr) > 0 {
			total++
		}
	})
	return total
}

// newGeometry picks the geometry for the tree: the one of Options.Size, or
// an automatic size with headroom when Size is 0.
func newGeometry(t *tree, opts Options) (*geometry, error) {
	blocks, inodes := uint64(opts.Size)/blockSize, uint64(t.maxIno)
	if opts.Size == 0 {
		need, err := minBlocks(t, opts)
		if err != nil {
			return nil, err
		}
		blocks, inodes = need+need/10+2048, inodes+inodes/10
	}
	g, err := shape(blocks, inodes, opts)
	if err != nil {
		return nil, err
	}
	if need := g.overhead() + contentBlocks(t); need > g.blocks {
		min, _ := minBlocks(t, opts)
		return nil, fmt.Errorf("image too small: need %d bytes, have %d", min*blockSize, g.blocks*blockSize)
	}
	return g, nil
}

// minBlocks finds the smallest block count whose overhead plus content fit.
func minBlocks(t *tree, opts Options) (uint64, error) {
	content := contentBlocks(t)
	blocks := content + 64
	for range 100 {
		g, err := shape(blocks, uint64(t.maxIno), opts)
		if err != nil {
			return 0, err
		}
		if g.blocks < blocks { // last group was trimmed: make it big enough
			blocks = blocks - blocks%blocksPerGroup + uint64(3+g.itb+g.rsvGdt+50)
			continue
		}
		slack := uint64(g.itb) + 16 // inode tables skipping backup superblocks
		need := g.overhead() + content + slack
		if need <= g.blocks {
			return g.blocks, nil
		}
		blocks = max(need, blocks+1)
	}
	return 0, fmt.Errorf("no size fits %d content blocks", content)
}
