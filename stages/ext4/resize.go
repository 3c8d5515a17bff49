package ext4

import "encoding/binary"

// writeResize builds the resize inode (7) the way mke2fs does: a
// block-mapped file whose double indirect block lists the primary reserved
// GDT blocks, each of which lists its copies in the backup groups. The
// kernel and resize2fs use those blocks to grow the descriptor table.
func (img *image) writeResize() error {
	g := img.g
	if g.rsvGdt == 0 {
		return nil
	}
	dind, err := img.a.one()
	if err != nil {
		return err
	}
	const apb = blockSize / 4
	var backups []uint64
	for gi := uint32(1); gi < g.groups; gi++ {
		if hasSuper(gi) {
			backups = append(backups, uint64(gi)*blocksPerGroup)
		}
	}
	dbuf := make([]byte, blockSize)
	le := binary.LittleEndian
	for off := range g.rsvGdt {
		primary := uint64(1 + g.gdtBlocks + off)
		le.PutUint32(dbuf[4*((g.gdtBlocks+off)%apb):], uint32(primary))
		ind := make([]byte, blockSize)
		for i, b := range backups {
			le.PutUint32(ind[4*i:], uint32(primary+b))
		}
		if err := img.out.put(primary, ind); err != nil {
			return err
		}
	}
	if err := img.out.put(dind, dbuf); err != nil {
		return err
	}
	n := &inode{num: resizeIno, mode: S_IFREG | 0o600, links: 1, mtime: img.opts.Epoch, path: "<resize>",
		size:  (apb*apb + apb + 12) * blockSize,
		extra: 1 + uint64(g.rsvGdt)*uint64(1+len(backups))}
	le.PutUint32(n.iblock[13*4:], uint32(dind))
	img.resize = n
	return nil
}
