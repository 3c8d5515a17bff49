package vmdk

import (
	"encoding/binary"
	"fmt"
	"io"
	"math"
)

var le = binary.LittleEndian

// Marker types of stream-optimized extents.
const (
	markerEOS    = 0
	markerGT     = 1
	markerGD     = 2
	markerFooter = 3
)

const gdAtEnd = ^uint64(0)

// stream writes the extent front to back, keeping the grain directory and
// the current grain table.
type stream struct {
	w      io.Writer
	n      int64 // bytes written
	size   int64
	opts   Options
	gd     []uint32 // grain directory: sector of each grain table, 0 = none
	gt     []uint32 // current grain table
	gtIdx  int64    // which table gt is; -1 before the first grain
	grains int64
}

func newStream(w io.Writer, size int64, opts Options) *stream {
	nGT := (grainCount(size) + gtEntries - 1) / gtEntries
	return &stream{w: w, size: size, opts: opts, gd: make([]uint32, nGT), gt: make([]uint32, gtEntries), gtIdx: -1}
}

func (s *stream) write(b []byte) error {
	n, err := s.w.Write(b)
	s.n += int64(n)
	return err
}

// padSector writes zeros up to the next sector boundary.
func (s *stream) padSector() error {
	var zero [sector]byte
	if r := s.n % sector; r != 0 {
		return s.write(zero[:sector-r])
	}
	return nil
}

func (s *stream) writeHead() error {
	head := make([]byte, overhead*sector)
	s.header(head[:sector], gdAtEnd)
	copy(head[sector:], descriptor(s.size, s.opts))
	return s.write(head)
}

// header fills the 512-byte sparse extent header.
func (s *stream) header(b []byte, gdOffset uint64) {
	copy(b[0:4], "KDMV")
	le.PutUint32(b[4:], 3)       // version 3: compressed grains with markers
	le.PutUint32(b[8:], 0x30001) // newline test, compressed grains, markers
	le.PutUint64(b[12:], uint64(s.size/sector))
	le.PutUint64(b[20:], grainSectors)
	le.PutUint64(b[28:], 1) // descriptor at sector 1
	le.PutUint64(b[36:], descSectors)
	le.PutUint32(b[44:], gtEntries)
	le.PutUint64(b[48:], 0) // no redundant grain directory
	le.PutUint64(b[56:], gdOffset)
	le.PutUint64(b[64:], overhead)
	b[72] = 0 // clean
	b[73], b[74], b[75], b[76] = '\n', ' ', '\r', '\n'
	le.PutUint16(b[77:], 1) // deflate
}

// marker writes a metadata marker sector: the number of sectors that follow,
// and the marker's type.
func (s *stream) marker(sectors uint64, typ uint32) error {
	var b [sector]byte
	le.PutUint64(b[0:], sectors)
	le.PutUint32(b[12:], typ)
	return s.write(b[:])
}

// grain writes grain g, compressed to z, and records it in its grain table.
func (s *stream) grain(g int64, z []byte) error {
	if t := g / gtEntries; t != s.gtIdx {
		if err := s.flushGT(); err != nil {
			return err
		}
		s.gtIdx = t
	}
	if s.n/sector > math.MaxUint32-gtEntries {
		return fmt.Errorf("grain %d: the VMDK passes 2 TiB, past what grain tables address", g)
	}
	s.gt[g%gtEntries] = uint32(s.n / sector)
	var head [12]byte
	le.PutUint64(head[0:], uint64(g*grainSectors))
	le.PutUint32(head[8:], uint32(len(z)))
	if err := s.write(head[:]); err != nil {
		return err
	}
	if err := s.write(z); err != nil {
		return err
	}
	s.grains++
	return s.padSector()
}

// flushGT writes the current grain table, if it has any grain.
func (s *stream) flushGT() error {
	if s.gtIdx < 0 {
		return nil
	}
	if err := s.marker(gtEntries*4/sector, markerGT); err != nil {
		return err
	}
	s.gd[s.gtIdx] = uint32(s.n / sector)
	b := make([]byte, gtEntries*4)
	for i, v := range s.gt {
		le.PutUint32(b[i*4:], v)
	}
	clear(s.gt)
	s.gtIdx = -1
	return s.write(b)
}

// finish writes the last grain table, the grain directory, the footer and
// the end-of-stream marker.
func (s *stream) finish() error {
	if err := s.flushGT(); err != nil {
		return err
	}
	gdSectors := (int64(len(s.gd))*4 + sector - 1) / sector
	if err := s.marker(uint64(gdSectors), markerGD); err != nil {
		return err
	}
	gdOffset := uint64(s.n / sector)
	b := make([]byte, gdSectors*sector)
	for i, v := range s.gd {
		le.PutUint32(b[i*4:], v)
	}
	if err := s.write(b); err != nil {
		return err
	}
	if err := s.marker(1, markerFooter); err != nil {
		return err
	}
	var foot [sector]byte
	s.header(foot[:], gdOffset)
	if err := s.write(foot[:]); err != nil {
		return err
	}
	return s.marker(0, markerEOS)
}
