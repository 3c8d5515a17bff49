package ext4

const (
	compatHasJournal = 0x4
	compatExtAttr    = 0x8
	compatResize     = 0x10
	compatDirIndex   = 0x20

	incompatFiletype = 0x2
	incompatExtents  = 0x40
	incompat64bit    = 0x80
	incompatFlexBg   = 0x200

	roSparseSuper  = 0x1
	roLargeFile    = 0x2
	roHugeFile     = 0x8
	roDirNlink     = 0x20
	roExtraIsize   = 0x40
	roMetadataCsum = 0x400
)

// writeSupers writes the primary superblock and descriptor table and
// their backups in the sparse_super groups.
func (img *image) writeSupers() error {
	for gi := range img.g.groups {
		if !hasSuper(gi) {
			continue
		}
		blk := uint64(gi) * blocksPerGroup
		b := make([]byte, blockSize)
		sb := b
		if gi == 0 {
			sb = b[1024:]
		}
		img.superblock(sb[:1024], gi)
		if err := img.out.put(blk, append(b, img.gdt...)); err != nil {
			return err
		}
	}
	return nil
}

// superblock encodes the 1024-byte superblock copy kept in group.
func (img *image) superblock(b []byte, group uint32) {
	s := leBytes{b}
	img.superGeometry(s)
	img.superFeatures(s)
	o := img.opts
	putTime32(s, 0x30, 0x274, o.Epoch) // wtime
	s.put16(0x36, 0xFFFF)              // max mount count: -1
	s.put16(0x38, 0xEF53)
	s.put16(0x3A, 1)                   // clean
	s.put16(0x3C, 1)                   // errors: continue
	putTime32(s, 0x40, 0x277, o.Epoch) // lastcheck
	s.put32(0x4C, 1)                   // dynamic revision
	s.put16(0x5A, uint16(group))
	copy(b[0x68:0x78], o.UUID[:])
	copy(b[0x78:0x88], o.Label)
	copy(b[0xEC:0xFC], o.HashSeed[:])
	b[0xFC] = dxHashVer
	s.put32(0x100, 0x0C)                // default mount options: user_xattr, acl
	putTime32(s, 0x108, 0x276, o.Epoch) // mkfs time
	s.put32(0x160, 1)                   // signed directory hash
	b[0x175] = 1                        // checksum type crc32c
	s.put32(0x3FC, crc32c(^uint32(0), b[:0x3FC]))
}

// superGeometry stores counts and sizes.
func (img *image) superGeometry(s leBytes) {
	g := img.g
	s.put32(0x00, g.ipg*g.groups)
	put64split(s, 0x04, 0x150, g.blocks)
	put64split(s, 0x08, 0x154, g.reserved)
	put64split(s, 0x0C, 0x158, g.blocks-img.used)
	s.put32(0x10, g.ipg*g.groups-img.t.maxIno)
	s.put32(0x18, 2) // log2(4096) - 10
	s.put32(0x1C, 2)
	s.put32(0x20, blocksPerGroup)
	s.put32(0x24, blocksPerGroup)
	s.put32(0x28, g.ipg)
	s.put32(0x54, lpfIno)
	s.put16(0x58, inodeSize)
	s.put16(0xFE, descSize)
	s.put16(0x15C, extraIsize)
	s.put16(0x15E, extraIsize)
	s.b[0x174] = 4 // log2 groups per flex
	s.put32(0x248, uint32(img.over))
}

// superFeatures stores the feature flags, the journal and resize inode.
func (img *image) superFeatures(s leBytes) {
	compat := uint32(compatExtAttr | compatDirIndex)
	if img.jnl != nil {
		compat |= compatHasJournal
	}
	if img.resize != nil {
		compat |= compatResize
		s.put16(0xCE, uint16(img.g.rsvGdt))
	}
	s.put32(0x5C, compat)
	s.put32(0x60, incompatFiletype|incompatExtents|incompat64bit|incompatFlexBg)
	s.put32(0x64, roSparseSuper|roLargeFile|roHugeFile|roDirNlink|roExtraIsize|roMetadataCsum)
	if img.jnl != nil {
		s.put32(0xE0, journalIno)
		copy(s.b[0x10C:0x148], img.jnl.iblock[:])
		s.put32(0x148, uint32(img.jnl.size>>32))
		s.put32(0x14C, uint32(img.jnl.size))
		s.b[0xFD] = 1 // s_jnl_backup_type: inode blocks
	}
}

// putTime32 stores seconds as 32 low bits and an 8-bit high byte.
func putTime32(s leBytes, lo, hi int, t int64) {
	s.put32(lo, uint32(t))
	s.put8(hi, uint8(t>>32))
}
