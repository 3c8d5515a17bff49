// Package scan walks a raw disk image in fixed-size units (clusters, grains,
// blocks) and hands the writers only the units that hold a non-zero byte, so
// every image format can leave all-zero units unallocated.
//
// Entry points: Each (stream the non-zero units in order), Scan (a bitmap of
// them, for formats whose metadata precedes the data), ReadUnit and IsZero.
//
// When the disk is an *os.File, Each asks the kernel for the file's data
// extents (SEEK_DATA/SEEK_HOLE) and never reads its holes; the result is the
// same as reading the zeros, only faster on sparse raw files.
package scan

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
)

// chunkSize is how much Each reads per call when units are small.
const chunkSize = 4 << 20

var zeros = make([]byte, chunkSize)

// IsZero reports whether b holds only zero bytes.
func IsZero(b []byte) bool {
	for len(b) > 0 {
		n := min(len(b), len(zeros))
		if !bytes.Equal(b[:n], zeros[:n]) {
			return false
		}
		b = b[n:]
	}
	return true
}

// Units is the number of unit-sized pieces that cover size bytes; the last
// one may be partial.
func Units(size, unit int64) int64 { return (size + unit - 1) / unit }

// ReadUnit fills buf (one unit long) with unit i of the disk, padding with
// zeros past its end.
func ReadUnit(r io.ReaderAt, size int64, i int64, buf []byte) error {
	off := i * int64(len(buf))
	return readPadded(r, size, off, buf)
}

func readPadded(r io.ReaderAt, size, off int64, buf []byte) error {
	want := int64(len(buf))
	if off+want > size {
		want = max(size-off, 0)
	}
	n, err := r.ReadAt(buf[:want], off)
	if int64(n) == want {
		err = nil
	}
	if err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return fmt.Errorf("read raw disk at offset %d: %w", off, err)
	}
	clear(buf[want:])
	return nil
}

// Each calls fn, in increasing order, for every unit of the disk that holds
// a non-zero byte; data is only valid during the call and is one whole unit,
// zero-padded past the end of the disk. ctx is checked between reads.
func Each(ctx context.Context, r io.ReaderAt, size, unit int64, fn func(i int64, data []byte) error) error {
	if unit <= 0 || unit > chunkSize || chunkSize%unit != 0 {
		return fmt.Errorf("scan: unit size %d must divide %d", unit, chunkSize)
	}
	buf := make([]byte, chunkSize)
	next := int64(0) // first unit not yet visited
	for _, e := range dataExtents(r, size) {
		first := max(e.start/unit, next)
		last := Units(e.end, unit) // exclusive
		for u := first; u < last; {
			if err := ctx.Err(); err != nil {
				return err
			}
			n := min(last-u, chunkSize/unit)
			b := buf[:n*unit]
			if err := readPadded(r, size, u*unit, b); err != nil {
				return err
			}
			for k := int64(0); k < n; k++ {
				d := b[k*unit : (k+1)*unit]
				if IsZero(d) {
					continue
				}
				if err := fn(u+k, d); err != nil {
					return err
				}
			}
			u += n
		}
		next = max(next, last)
	}
	return nil
}

// Map records which units of a disk hold data.
type Map struct {
	Unit  int64 // unit size in bytes
	Size  int64 // disk size in bytes
	Count int64 // number of units that hold data
	bits  []uint64
}

// Scan reads the whole disk once and returns the map of its non-zero units.
func Scan(ctx context.Context, r io.ReaderAt, size, unit int64) (*Map, error) {
	m := NewMap(size, unit)
	err := Each(ctx, r, size, unit, func(i int64, _ []byte) error {
		m.Set(i)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}

// NewMap returns an empty map of a disk of size bytes.
func NewMap(size, unit int64) *Map {
	return &Map{Unit: unit, Size: size, bits: make([]uint64, (Units(size, unit)+63)/64)}
}

// Set marks unit i as holding data.
func (m *Map) Set(i int64) {
	if !m.Has(i) {
		m.bits[i/64] |= 1 << (i % 64)
		m.Count++
	}
}

// Units is the number of units the disk spans.
func (m *Map) Units() int64 { return Units(m.Size, m.Unit) }

// Has reports whether unit i holds data.
func (m *Map) Has(i int64) bool { return m.bits[i/64]&(1<<(i%64)) != 0 }

// AnyIn reports whether any unit in [from, to) holds data.
func (m *Map) AnyIn(from, to int64) bool {
	to = min(to, m.Units())
	for i := from; i < to; i++ {
		if m.Has(i) {
			return true
		}
	}
	return false
}
