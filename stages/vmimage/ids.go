package vmimage

import (
	"crypto/sha1"
	"encoding/binary"
)

// namespaceURL is RFC 4122's name space for URLs.
var namespaceURL = [16]byte{0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8}

// UUID derives a name-based (version 5) UUID from a machine's identity
// ("group/machine") and what it is for ("vmdk", "vdi", ...), so every image
// of a machine keeps its identifiers across builds and no two formats
// share one.
func UUID(id, purpose string) [16]byte {
	h := sha1.New()
	h.Write(namespaceURL[:])
	h.Write([]byte("disco:vmimage/" + purpose + "/" + id))
	var u [16]byte
	copy(u[:], h.Sum(nil))
	u[6] = u[6]&0x0f | 0x50 // version 5
	u[8] = u[8]&0x3f | 0x80 // RFC 4122 variant
	return u
}

// CID derives a VMDK content ID from a machine's identity; it is never
// 0xffffffff, which means "no parent" in a descriptor.
func CID(id string) uint32 {
	u := UUID(id, "vmdk-cid")
	c := binary.BigEndian.Uint32(u[:4])
	if c == 0xffffffff {
		c = 0xfffffffe
	}
	return c
}
