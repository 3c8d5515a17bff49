package ext4

import "encoding/binary"

const extentMagic = 0xF30A

// extent maps len logical blocks from lblk to physical blocks from pblk.
type extent struct {
	lblk uint32
	len  uint32
	pblk uint64
}

// addBlock appends logical block l at physical block p, growing the last
// extent when both are contiguous.
func addBlock(exts []extent, l uint32, p uint64) []extent {
	if k := len(exts) - 1; k >= 0 {
		e := &exts[k]
		if e.lblk+e.len == l && e.pblk+uint64(e.len) == p && e.len < maxExtentLen {
			e.len++
			return exts
		}
	}
	return append(exts, extent{lblk: l, len: 1, pblk: p})
}

// addRun appends n logical blocks from l at physical p.
func addRun(exts []extent, l uint32, p uint64, n uint32) []extent {
	for n > 0 {
		k := min(n, maxExtentLen)
		exts = append(exts, extent{lblk: l, len: k, pblk: p})
		l, p, n = l+k, p+uint64(k), n-k
	}
	return exts
}

// treeBlock is an extent tree block to write at blk.
type treeBlock struct {
	blk  uint64
	data []byte
}

// extentTree builds the extent tree of exts: the 60-byte root for i_block
// and the blocks below it, allocated from a. seed is the inode's checksum
// seed.
func extentTree(exts []extent, a *allocator, seed uint32) ([60]byte, []treeBlock, error) {
	level := make([][12]byte, len(exts))
	firsts := make([]uint32, len(exts))
	for i, e := range exts {
		le := binary.LittleEndian
		le.PutUint32(level[i][0:], e.lblk)
		le.PutUint16(level[i][4:], uint16(e.len))
		le.PutUint16(level[i][6:], uint16(e.pblk>>32))
		le.PutUint32(level[i][8:], uint32(e.pblk))
		firsts[i] = e.lblk
	}
	var blocks []treeBlock
	depth := uint16(0)
	for len(level) > 4 {
		var up [][12]byte
		var upFirsts []uint32
		for i := 0; i < len(level); i += extentsPerBlk {
			j := min(len(level), i+extentsPerBlk)
			blk, err := a.one()
			if err != nil {
				return [60]byte{}, nil, err
			}
			b := make([]byte, blockSize)
			extentNode(b, level[i:j], extentsPerBlk, depth)
			binary.LittleEndian.PutUint32(b[blockSize-4:], crc32c(seed, b[:blockSize-4]))
			blocks = append(blocks, treeBlock{blk, b})
			var idx [12]byte
			binary.LittleEndian.PutUint32(idx[0:], firsts[i])
			binary.LittleEndian.PutUint32(idx[4:], uint32(blk))
			binary.LittleEndian.PutUint16(idx[8:], uint16(blk>>32))
			up = append(up, idx)
			upFirsts = append(upFirsts, firsts[i])
		}
		level, firsts = up, upFirsts
		depth++
	}
	var root [60]byte
	extentNode(root[:], level, 4, depth)
	return root, blocks, nil
}

func extentNode(b []byte, ents [][12]byte, max int, depth uint16) {
	le := binary.LittleEndian
	le.PutUint16(b[0:], extentMagic)
	le.PutUint16(b[2:], uint16(len(ents)))
	le.PutUint16(b[4:], uint16(max))
	le.PutUint16(b[6:], depth)
	for i, e := range ents {
		copy(b[12+12*i:], e[:])
	}
}
