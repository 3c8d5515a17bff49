package ext4

const (
	bgInodeUninit  = 0x1
	bgItableZeroed = 0x4
)

// writeGroups writes every group's block and inode bitmaps and builds the
// group descriptor table (written with the superblocks).
func (img *image) writeGroups() error {
	img.gdt = make([]byte, uint64(img.g.gdtBlocks)*blockSize)
	dirs := img.dirsPerGroup()
	for gi := range img.g.groups {
		bb := img.blockBitmap(gi)
		used := img.usedInodes(gi)
		ib := inodeBitmap(used, img.g.ipg)
		if err := img.out.put(img.gd[gi].bbitmap, bb); err != nil {
			return err
		}
		if err := img.out.put(img.gd[gi].ibitmap, ib); err != nil {
			return err
		}
		img.descriptor(gi, bb, ib, used, dirs[gi])
	}
	return nil
}

// descriptor encodes group gi's 64-byte descriptor with its checksums.
func (img *image) descriptor(gi uint32, bb, ib []byte, usedIno, dirs uint32) {
	g := img.g
	start, end := img.groupRange(gi)
	d := leBytes{img.gdt[gi*descSize : (gi+1)*descSize]}
	put64split(d, 0x00, 0x20, img.gd[gi].bbitmap)
	put64split(d, 0x04, 0x24, img.gd[gi].ibitmap)
	put64split(d, 0x08, 0x28, img.gd[gi].itable)
	put32split(d, 0x0C, 0x2C, uint32(end-start-img.a.countUsed(start, end)))
	put32split(d, 0x0E, 0x2E, g.ipg-usedIno)
	put32split(d, 0x10, 0x30, dirs)
	flags := uint16(bgItableZeroed)
	if usedIno == 0 {
		flags |= bgInodeUninit
	}
	d.put16(0x12, flags)
	put32split(d, 0x1C, 0x32, g.ipg-usedIno) // itable_unused
	bc := crc32c(img.fsSeed, bb)
	d.put16(0x18, uint16(bc))
	d.put16(0x38, uint16(bc>>16))
	ic := crc32c(img.fsSeed, ib[:g.ipg/8])
	d.put16(0x1A, uint16(ic))
	d.put16(0x3A, uint16(ic>>16))
	c := crc32c(img.fsSeed, le32(gi))
	c = crc32c(c, d.b) // with bg_checksum still zero
	d.put16(0x1E, uint16(c))
}

func put64split(d leBytes, lo, hi int, v uint64) {
	d.put32(lo, uint32(v))
	d.put32(hi, uint32(v>>32))
}

// put32split stores a count as 16 low bits at lo and 16 high bits at hi.
func put32split(d leBytes, lo, hi int, v uint32) {
	d.put16(lo, uint16(v))
	d.put16(hi, uint16(v>>16))
}

func (img *image) groupRange(gi uint32) (uint64, uint64) {
	start := uint64(gi) * blocksPerGroup
	return start, min(start+blocksPerGroup, img.g.blocks)
}

// blockBitmap is group gi's slice of the allocator's bitmap, with the bits
// past the end of the filesystem set.
func (img *image) blockBitmap(gi uint32) []byte {
	start, end := img.groupRange(gi)
	b := make([]byte, blockSize)
	copy(b, img.a.used[start/8:(end+7)/8])
	setBits(b, uint32(end-start), blocksPerGroup)
	return b
}

// usedInodes counts the used inodes of group gi: inodes are used from 1
// to maxIno without gaps.
func (img *image) usedInodes(gi uint32) uint32 {
	first := uint64(gi) * uint64(img.g.ipg)
	if uint64(img.t.maxIno) <= first {
		return 0
	}
	return uint32(min(uint64(img.t.maxIno)-first, uint64(img.g.ipg)))
}

func inodeBitmap(used, ipg uint32) []byte {
	b := make([]byte, blockSize)
	setBits(b, 0, used)
	setBits(b, ipg, blockSize*8)
	return b
}

// setBits sets bits [from, to) of b.
func setBits(b []byte, from, to uint32) {
	for i := from; i < to; i++ {
		if i%8 == 0 && i+8 <= to {
			b[i/8] = 0xFF
			i += 7
			continue
		}
		b[i/8] |= 1 << (i % 8)
	}
}

func (img *image) dirsPerGroup() []uint32 {
	dirs := make([]uint32, img.g.groups)
	img.t.each(func(n *inode) {
		if n.isDir() {
			dirs[(n.num-1)/img.g.ipg]++
		}
	})
	return dirs
}
