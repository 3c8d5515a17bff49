package ext4

import (
	"encoding/binary"
	"hash/crc32"
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// crc32c is the raw (no pre/post inversion) CRC32C that ext4 chains:
// ext2fs_crc32c_le(seed, p).
func crc32c(seed uint32, p []byte) uint32 {
	return ^crc32.Update(^seed, castagnoli, p)
}

func le32(v uint32) []byte {
	var b [4]byte
	binary.LittleEndian.PutUint32(b[:], v)
	return b[:]
}

// inodeSeed is the checksum seed shared by an inode and the blocks it owns
// (extent blocks, directory blocks): fs seed, inode number, generation.
func inodeSeed(fsSeed, ino, gen uint32) uint32 {
	return crc32c(crc32c(fsSeed, le32(ino)), le32(gen))
}

// fsSeed is the metadata_csum seed: crc32c(~0, UUID).
func fsSeed(opts Options) uint32 { return crc32c(^uint32(0), opts.UUID[:]) }

// hashSeed is the htree hash seed as the four words of s_hash_seed.
func hashSeed(opts Options) [4]uint32 {
	var s [4]uint32
	for i := range s {
		s[i] = binary.LittleEndian.Uint32(opts.HashSeed[4*i:])
	}
	return s
}
