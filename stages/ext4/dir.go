package ext4

import (
	"encoding/binary"
	"fmt"
	"slices"
)

const (
	dirTailSize = 12
	dxRootLimit = (blockSize - 32 - 8) / 8 // dx_root: header 32, dx_tail 8
	dxNodeLimit = (blockSize - 8 - 8) / 8  // dx_node: fake dirent 8, dx_tail 8
	dxHashVer   = 1                        // half_md4
)

// dent is one directory entry to encode.
type dent struct {
	name  string
	ino   uint32
	ftype uint8
	hash  uint32
}

func recLen(nameLen int) int { return 8 + align4(nameLen) }

func fileType(mode uint32) uint8 {
	switch mode & S_IFMT {
	case S_IFREG:
		return 1
	case S_IFDIR:
		return 2
	case S_IFCHR:
		return 3
	case S_IFBLK:
		return 4
	case S_IFIFO:
		return 5
	case S_IFSOCK:
		return 6
	case S_IFLNK:
		return 7
	}
	return 0
}

// encodeDir builds the blocks of directory d: one linear block when
// everything fits, else an htree (dx_dir) whose leaves hold the entries
// in hash order. lost+found gets empty blocks up to 16 KiB, as mke2fs does.
func encodeDir(d *inode, hashSeed [4]uint32, fsSeed uint32) error {
	seed := inodeSeed(fsSeed, d.num, 0)
	ents := make([]dent, len(d.kids))
	size := 24
	for i, k := range d.kids {
		ents[i] = dent{name: k.name, ino: k.ino.num, ftype: fileType(k.ino.mode)}
		size += recLen(len(k.name))
	}
	if size <= blockSize-dirTailSize {
		all := append([]dent{{".", d.num, 2, 0}, {"..", d.parent.num, 2, 0}}, ents...)
		d.dir = [][]byte{leafBlock(all, seed)}
		for d.num == lpfIno && len(d.dir) < 4 {
			d.dir = append(d.dir, leafBlock(nil, seed))
		}
		return nil
	}
	for i := range ents {
		ents[i].hash = dxHash(ents[i].name, hashSeed)
	}
	slices.SortStableFunc(ents, func(a, b dent) int {
		if a.hash != b.hash {
			if a.hash < b.hash {
				return -1
			}
			return 1
		}
		return 0
	})
	blocks, err := htree(d, packLeaves(ents), seed)
	if err != nil {
		return fmt.Errorf("%s: %w", d.path, err)
	}
	d.dir, d.dirHtree = blocks, true
	return nil
}

// leaf is a run of hash-ordered entries filling one block; hash is the
// value its index entry carries (low bit set when it continues a hash
// value from the previous leaf).
type leaf struct {
	ents []dent
	hash uint32
}

func packLeaves(ents []dent) []leaf {
	var leaves []leaf
	used := blockSize // forces a first leaf
	for i, e := range ents {
		rl := recLen(len(e.name))
		if used+rl > blockSize-dirTailSize {
			h := e.hash
			if i > 0 && ents[i-1].hash == h {
				h |= 1
			}
			leaves = append(leaves, leaf{hash: h})
			used = 0
		}
		l := &leaves[len(leaves)-1]
		l.ents = append(l.ents, e)
		used += rl
	}
	return leaves
}

// leafBlock encodes entries into one directory block with a checksum tail;
// an empty list gives an empty block.
func leafBlock(ents []dent, seed uint32) []byte {
	b := make([]byte, blockSize)
	le := binary.LittleEndian
	off, last := 0, -1
	for _, e := range ents {
		le.PutUint32(b[off:], e.ino)
		le.PutUint16(b[off+4:], uint16(recLen(len(e.name))))
		b[off+6] = byte(len(e.name))
		b[off+7] = e.ftype
		copy(b[off+8:], e.name)
		last = off
		off += recLen(len(e.name))
	}
	end := blockSize - dirTailSize
	if last < 0 {
		le.PutUint16(b[4:], uint16(end))
	} else {
		le.PutUint16(b[last+4:], uint16(end-last))
	}
	tail := b[end:]
	le.PutUint16(tail[4:], dirTailSize)
	tail[7] = 0xDE
	le.PutUint32(tail[8:], crc32c(seed, b[:end]))
	return b
}

// htree lays out the dx_root, optional dx_node level and leaves.
func htree(d *inode, leaves []leaf, seed uint32) ([][]byte, error) {
	if len(leaves) <= dxRootLimit {
		root := dxRoot(d, 0, leafRefs(leaves, 1), seed)
		return append([][]byte{root}, leafBlocks(leaves, seed)...), nil
	}
	nodes := (len(leaves) + dxNodeLimit - 1) / dxNodeLimit
	if nodes > dxRootLimit {
		return nil, fmt.Errorf("directory with %d leaf blocks is too large", len(leaves))
	}
	blocks := make([][]byte, 1, 1+nodes+len(leaves))
	var top []dxRef
	for j := range nodes {
		part := leaves[j*dxNodeLimit : min(len(leaves), (j+1)*dxNodeLimit)]
		refs := leafRefs(part, uint32(1+nodes+j*dxNodeLimit))
		blocks = append(blocks, dxNode(refs, seed))
		top = append(top, dxRef{hash: part[0].hash, block: uint32(1 + j)})
	}
	blocks[0] = dxRoot(d, 1, top, seed)
	return append(blocks, leafBlocks(leaves, seed)...), nil
}

type dxRef struct{ hash, block uint32 }

func leafRefs(leaves []leaf, first uint32) []dxRef {
	refs := make([]dxRef, len(leaves))
	for i, l := range leaves {
		refs[i] = dxRef{hash: l.hash, block: first + uint32(i)}
	}
	return refs
}

func leafBlocks(leaves []leaf, seed uint32) [][]byte {
	out := make([][]byte, len(leaves))
	for i, l := range leaves {
		out[i] = leafBlock(l.ents, seed)
	}
	return out
}

func dxRoot(d *inode, levels uint8, refs []dxRef, seed uint32) []byte {
	b := make([]byte, blockSize)
	le := binary.LittleEndian
	le.PutUint32(b[0:], d.num)
	le.PutUint16(b[4:], 12)
	b[6], b[7], b[8] = 1, 2, '.'
	le.PutUint32(b[12:], d.parent.num)
	le.PutUint16(b[16:], blockSize-12)
	b[18], b[19], b[20], b[21] = 2, 2, '.', '.'
	b[28], b[29], b[30] = dxHashVer, 8, levels
	dxEntries(b, 32, dxRootLimit, refs, seed)
	return b
}

func dxNode(refs []dxRef, seed uint32) []byte {
	b := make([]byte, blockSize)
	binary.LittleEndian.PutUint16(b[4:], blockSize)
	dxEntries(b, 8, dxNodeLimit, refs, seed)
	return b
}

// dxEntries writes count/limit, the entries and the dx_tail checksum.
func dxEntries(b []byte, at, limit int, refs []dxRef, seed uint32) {
	le := binary.LittleEndian
	le.PutUint16(b[at:], uint16(limit))
	le.PutUint16(b[at+2:], uint16(len(refs)))
	for i, r := range refs {
		if i > 0 {
			le.PutUint32(b[at+8*i:], r.hash)
		}
		le.PutUint32(b[at+8*i+4:], r.block)
	}
	tail := at + 8*limit
	c := crc32c(seed, b[:at+8*len(refs)])
	c = crc32c(c, b[tail:tail+4])
	c = crc32c(c, []byte{0, 0, 0, 0})
	le.PutUint32(b[tail+4:], c)
}
