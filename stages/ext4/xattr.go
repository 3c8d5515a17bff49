package ext4

import (
	"encoding/binary"
	"fmt"
	"slices"
	"strings"
)

// xattr is one extended attribute in ext4's split form: a name index for
// the namespace prefix and the rest of the name.
type xattr struct {
	index uint8
	name  string
	value []byte
}

const (
	xattrMagic     = 0xEA020000
	xattrEntrySize = 16
	inodeXattrOff  = 128 + extraIsize // start of the in-inode xattr area
	xattrHdrSize   = 32               // xattr block header
)

var xattrPrefixes = []struct {
	prefix string
	index  uint8
}{
	{"user.", 1}, {"trusted.", 4}, {"security.", 6}, {"system.", 7},
}

func parseXattrs(p string, m map[string][]byte) ([]xattr, error) {
	var out []xattr
	for k, v := range m {
		x, err := splitXattr(k)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		if len(v) > blockSize-xattrHdrSize-xattrEntrySize-256 {
			return nil, fmt.Errorf("%s: xattr %s value of %d bytes too large", p, k, len(v))
		}
		x.value = v
		out = append(out, x)
	}
	// The kernel binary-searches block xattrs in this order.
	slices.SortFunc(out, func(a, b xattr) int {
		if a.index != b.index {
			return int(a.index) - int(b.index)
		}
		if len(a.name) != len(b.name) {
			return len(a.name) - len(b.name)
		}
		return strings.Compare(a.name, b.name)
	})
	return out, nil
}

func splitXattr(k string) (xattr, error) {
	if strings.HasPrefix(k, "system.posix_acl_") || k == "system.richacl" {
		return xattr{}, fmt.Errorf("xattr %s: ACLs are not supported", k)
	}
	for _, p := range xattrPrefixes {
		if rest, ok := strings.CutPrefix(k, p.prefix); ok && rest != "" && len(rest) <= 255 {
			return xattr{index: p.index, name: rest}, nil
		}
	}
	return xattr{}, fmt.Errorf("xattr %q: unsupported name", k)
}

func (x xattr) entrySize() int { return xattrEntrySize + align4(len(x.name)) }
func align4(n int) int         { return (n + 3) &^ 3 }

// placeXattrs puts as many xattrs (in order) as fit into the inode's spare
// room and the rest into an xattr block; it reports whether a block is
// needed and fails if even a block cannot hold them.
func placeXattrs(n *inode) (bool, error) {
	room := inodeSize - inodeXattrOff - 4 - 4 // magic, end marker
	i := 0
	for ; i < len(n.xattrs); i++ {
		need := n.xattrs[i].entrySize() + align4(len(n.xattrs[i].value))
		if need > room {
			break
		}
		room -= need
	}
	n.inXattr, n.blkXattr = n.xattrs[:i], n.xattrs[i:]
	if len(n.blkXattr) == 0 {
		return false, nil
	}
	room = blockSize - xattrHdrSize - 4
	for _, x := range n.blkXattr {
		room -= x.entrySize() + align4(len(x.value))
	}
	if room < 0 {
		return false, fmt.Errorf("%s: xattrs do not fit in one block", n.path)
	}
	return true, nil
}

// encodeXattrs lays entries from the start of area and values from its
// end; value offsets are relative to base. It returns the entry hashes.
func encodeXattrs(area []byte, base int, xs []xattr) []uint32 {
	le := binary.LittleEndian
	off, end := 0, len(area)
	hashes := make([]uint32, len(xs))
	for i, x := range xs {
		e := area[off:]
		e[0] = byte(len(x.name))
		e[1] = x.index
		vsize := align4(len(x.value))
		end -= vsize
		copy(area[end:], x.value)
		if len(x.value) > 0 {
			le.PutUint16(e[2:], uint16(end+base))
		}
		le.PutUint32(e[8:], uint32(len(x.value)))
		hashes[i] = xattrHash(x.name, area[end:end+vsize])
		le.PutUint32(e[12:], hashes[i])
		copy(e[16:], x.name)
		off += x.entrySize()
	}
	return hashes
}

// xattrHash is ext2fs_ext_attr_hash_entry over the name and the value
// padded to 4 bytes.
func xattrHash(name string, padded []byte) uint32 {
	var h uint32
	for i := 0; i < len(name); i++ {
		h = h<<5 ^ h>>27 ^ uint32(int32(int8(name[i])))
	}
	for i := 0; i+4 <= len(padded); i += 4 {
		h = h<<16 ^ h>>16 ^ binary.LittleEndian.Uint32(padded[i:])
	}
	return h
}

// xattrBlock encodes the xattr block of n living at block blk.
func xattrBlock(xs []xattr, blk uint64, fsSeed uint32) []byte {
	b := make([]byte, blockSize)
	le := binary.LittleEndian
	le.PutUint32(b[0:], xattrMagic)
	le.PutUint32(b[4:], 1) // refcount
	le.PutUint32(b[8:], 1) // blocks
	hashes := encodeXattrs(b[xattrHdrSize:], xattrHdrSize, xs)
	var h uint32
	for _, eh := range hashes {
		if eh == 0 {
			h = 0
			break
		}
		h = h<<16 ^ h>>16 ^ eh
	}
	le.PutUint32(b[12:], h)
	var nb [8]byte
	le.PutUint64(nb[:], blk)
	le.PutUint32(b[16:], crc32c(crc32c(fsSeed, nb[:]), b))
	return b
}
