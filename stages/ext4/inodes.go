package ext4

const (
	flagIndex   = 0x1000
	flagExtents = 0x80000
)

// writeInodes encodes every used inode into its group's inode table;
// table blocks past a group's last used inode are not written.
func (img *image) writeInodes() error {
	ipg := uint64(img.g.ipg)
	for gi, gd := range img.gd {
		first := uint64(gi)*ipg + 1
		last := min(uint64(img.t.maxIno), first+ipg-1)
		if last < first {
			continue
		}
		n := last - first + 1
		buf := make([]byte, (n*inodeSize+blockSize-1)/blockSize*blockSize)
		for i := range n {
			if in := img.inodeByNum(uint32(first + i)); in != nil {
				img.encodeInode(in, buf[i*inodeSize:(i+1)*inodeSize])
			}
		}
		if err := img.out.put(gd.itable, buf); err != nil {
			return err
		}
	}
	return nil
}

func (img *image) inodeByNum(num uint32) *inode {
	switch {
	case num == rootIno:
		return img.t.root
	case num == journalIno:
		return img.jnl
	case num == resizeIno:
		return img.resize
	case num >= lpfIno:
		return img.t.byNum[num-lpfIno]
	}
	return nil
}

func (img *image) encodeInode(n *inode, b []byte) {
	le := leBytes{b}
	le.put16(0x00, uint16(n.mode))
	le.put16(0x02, uint16(n.uid))
	le.put16(0x78, uint16(n.uid>>16))
	le.put16(0x18, uint16(n.gid))
	le.put16(0x7A, uint16(n.gid>>16))
	size := fileSize(n)
	le.put32(0x04, uint32(size))
	le.put32(0x6C, uint32(size>>32))
	putTime(le, 0x08, 0x8C, n.mtime) // atime
	putTime(le, 0x10, 0x88, n.mtime) // mtime
	putTime(le, 0x0C, 0x84, img.opts.Epoch)
	putTime(le, 0x90, 0x94, img.opts.Epoch) // crtime
	le.put16(0x1A, linkCount(n))
	var blocks uint64
	for _, e := range n.exts {
		blocks += uint64(e.len)
	}
	sectors := (blocks + n.extra) * (blockSize / 512)
	le.put32(0x1C, uint32(sectors))
	le.put16(0x74, uint16(sectors>>32))
	var flags uint32
	if usesExtents(n) {
		flags |= flagExtents
	}
	if n.dirHtree {
		flags |= flagIndex
	}
	le.put32(0x20, flags)
	copy(b[0x28:0x64], n.iblock[:])
	le.put32(0x68, uint32(n.xblock))
	le.put16(0x76, uint16(n.xblock>>32))
	le.put16(0x80, extraIsize)
	if len(n.inXattr) > 0 {
		le.put32(inodeXattrOff, xattrMagic)
		encodeXattrs(b[inodeXattrOff+4:inodeSize], 0, n.inXattr)
	}
	c := crc32c(inodeSeed(img.fsSeed, n.num, 0), b)
	le.put16(0x7C, uint16(c))
	le.put16(0x82, uint16(c>>16))
}

func fileSize(n *inode) uint64 {
	switch {
	case n.isDir():
		return uint64(len(n.dir)) * blockSize
	case n.isReg(), n.isLnk():
		return uint64(n.size)
	}
	return 0
}

// linkCount is the number of names of n; a directory counts ".", its
// name and each subdirectory's "..", saturating to 1 (dir_nlink).
func linkCount(n *inode) uint16 {
	if !n.isDir() {
		return uint16(n.links)
	}
	c := 2
	for _, k := range n.kids {
		if k.ino.isDir() {
			c++
		}
	}
	if c >= 65000 {
		return 1
	}
	return uint16(c)
}

// putTime stores seconds t as 32 low bits plus two epoch bits in extra.
func putTime(le leBytes, lo, extra int, t int64) {
	le.put32(lo, uint32(t))
	le.put32(extra, uint32((t-int64(int32(uint32(t))))>>32)&3)
}
