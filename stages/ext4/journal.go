package ext4

import "encoding/binary"

// writeJournal allocates the journal (inode 8) right after the inode
// tables and writes its jbd2 superblock: a clean, empty v2 journal whose
// UUID is the filesystem's, as mke2fs makes it. The body is left unwritten
// (zeros).
func (img *image) writeJournal() error {
	defer func() { img.over = img.a.countUsed(0, img.g.blocks) }()
	if img.g.journal == 0 {
		return nil
	}
	j := &inode{num: journalIno, mode: S_IFREG | 0o600, mtime: img.opts.Epoch,
		size: int64(img.g.journal) * blockSize, links: 1, path: "<journal>"}
	for l := uint32(0); l < img.g.journal; l++ {
		blk, err := img.a.one()
		if err != nil {
			return err
		}
		j.exts = addBlock(j.exts, l, blk)
	}
	if err := img.finishExtents(j); err != nil {
		return err
	}
	img.jnl = j
	sb := make([]byte, blockSize)
	be := binary.BigEndian
	be.PutUint32(sb[0x0:], 0xC03B3998) // magic
	be.PutUint32(sb[0x4:], 4)          // superblock v2
	be.PutUint32(sb[0xC:], blockSize)
	be.PutUint32(sb[0x10:], img.g.journal) // maxlen
	be.PutUint32(sb[0x14:], 1)             // first log block
	be.PutUint32(sb[0x18:], 1)             // sequence
	copy(sb[0x30:], img.opts.UUID[:])
	be.PutUint32(sb[0x40:], 1) // nr_users
	return img.out.put(j.exts[0].pblk, sb)
}
