package discoinit

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash/crc32"
	"io"
	"unicode/utf16"
)

// GPTPartition is one used entry of a GUID partition table.
type GPTPartition struct {
	Number   int    // 1-based entry index, which Linux uses as the partition number
	Type     string // partition type GUID, canonical lower-case text
	GUID     string // unique partition GUID (what root=PARTUUID= names)
	FirstLBA uint64
	LastLBA  uint64
	Name     string
}

const (
	gptSignature  = "EFI PART"
	gptHeaderMin  = 92
	gptMaxEntries = 1 << 16
)

// ReadGPT reads the GUID partition table of a disk of size bytes with the
// given logical sector size: the primary header at LBA 1, or the backup
// header at the last LBA when the primary one is damaged. Header and
// entry-array CRC32s are checked. Unused entries are left out.
func ReadGPT(r io.ReaderAt, size int64, sectorSize int) ([]GPTPartition, error) {
	parts, err := readGPTAt(r, 1, sectorSize)
	if err == nil {
		return parts, nil
	}
	if size/int64(sectorSize) < 3 {
		return nil, err
	}
	backup, berr := readGPTAt(r, uint64(size/int64(sectorSize)-1), sectorSize)
	if berr != nil {
		return nil, fmt.Errorf("primary GPT: %w; backup GPT: %v", err, berr)
	}
	return backup, nil
}

func readGPTAt(r io.ReaderAt, lba uint64, sectorSize int) ([]GPTPartition, error) {
	hdr := make([]byte, sectorSize)
	if _, err := r.ReadAt(hdr, int64(lba)*int64(sectorSize)); err != nil {
		return nil, fmt.Errorf("read GPT header at LBA %d: %w", lba, err)
	}
	if string(hdr[:8]) != gptSignature {
		return nil, fmt.Errorf("no GPT signature at LBA %d", lba)
	}
	le := binary.LittleEndian
	hsize := le.Uint32(hdr[12:])
	if hsize < gptHeaderMin || int(hsize) > sectorSize {
		return nil, fmt.Errorf("GPT header at LBA %d: bad header size %d", lba, hsize)
	}
	want := le.Uint32(hdr[16:])
	h := bytes.Clone(hdr[:hsize])
	clear(h[16:20])
	if got := crc32.ChecksumIEEE(h); got != want {
		return nil, fmt.Errorf("GPT header at LBA %d: CRC32 %08x, header says %08x", lba, got, want)
	}
	if le.Uint64(hdr[24:]) != lba {
		return nil, fmt.Errorf("GPT header at LBA %d says it is at LBA %d", lba, le.Uint64(hdr[24:]))
	}
	return readEntries(r, hdr, sectorSize)
}

func readEntries(r io.ReaderAt, hdr []byte, sectorSize int) ([]GPTPartition, error) {
	le := binary.LittleEndian
	start, n, esize := le.Uint64(hdr[72:]), le.Uint32(hdr[80:]), le.Uint32(hdr[84:])
	if n > gptMaxEntries || esize < 128 || esize > 4096 || esize%8 != 0 {
		return nil, fmt.Errorf("GPT header: implausible entry array (%d entries of %d bytes)", n, esize)
	}
	buf := make([]byte, int(n)*int(esize))
	if _, err := r.ReadAt(buf, int64(start)*int64(sectorSize)); err != nil {
		return nil, fmt.Errorf("read GPT entries at LBA %d: %w", start, err)
	}
	if got, want := crc32.ChecksumIEEE(buf), le.Uint32(hdr[88:]); got != want {
		return nil, fmt.Errorf("GPT entries: CRC32 %08x, header says %08x", got, want)
	}
	var parts []GPTPartition
	for i := range int(n) {
		e := buf[i*int(esize) : (i+1)*int(esize)]
		var typ [16]byte
		copy(typ[:], e[0:16])
		if typ == ([16]byte{}) {
			continue
		}
		var guid [16]byte
		copy(guid[:], e[16:32])
		parts = append(parts, GPTPartition{
			Number:   i + 1,
			Type:     FormatGUID(typ),
			GUID:     FormatGUID(guid),
			FirstLBA: le.Uint64(e[32:]),
			LastLBA:  le.Uint64(e[40:]),
			Name:     utf16Name(e[56:128]),
		})
	}
	return parts, nil
}

// FormatGUID returns the text form of a GUID stored in EFI (mixed-endian)
// byte order: the first three fields are little-endian on disk.
func FormatGUID(g [16]byte) string {
	u := g
	u[0], u[1], u[2], u[3] = g[3], g[2], g[1], g[0]
	u[4], u[5] = g[5], g[4]
	u[6], u[7] = g[7], g[6]
	s := hex.EncodeToString(u[:])
	return s[0:8] + "-" + s[8:12] + "-" + s[12:16] + "-" + s[16:20] + "-" + s[20:]
}

func utf16Name(b []byte) string {
	u := make([]uint16, 0, len(b)/2)
	for i := 0; i+1 < len(b); i += 2 {
		c := binary.LittleEndian.Uint16(b[i:])
		if c == 0 {
			break
		}
		u = append(u, c)
	}
	return string(utf16.Decode(u))
}
