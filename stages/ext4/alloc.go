package ext4

import (
	"encoding/binary"
	"errors"
	"math/bits"
)

var errNoSpace = errors.New("no free block left")

// allocator hands out blocks in increasing order from a cursor; below the
// cursor every block is in use, except the few that run skipped.
type allocator struct {
	used   []byte // block bitmap of the whole filesystem, ext4 bit order
	total  uint64
	cursor uint64
}

func newAllocator(total uint64) *allocator {
	return &allocator{used: make([]byte, (total+7)/8), total: total}
}

func (a *allocator) isUsed(b uint64) bool { return a.used[b/8]&(1<<(b%8)) != 0 }

func (a *allocator) mark(start, n uint64) {
	for b := start; b < start+n; b++ {
		a.used[b/8] |= 1 << (b % 8)
	}
}

// one returns the first free block at or after the cursor.
func (a *allocator) one() (uint64, error) {
	a.cursor = a.nextFree(a.cursor)
	if a.cursor >= a.total {
		return 0, errNoSpace
	}
	b := a.cursor
	a.used[b/8] |= 1 << (b % 8)
	a.cursor++
	return b, nil
}

// run returns the start of the first n contiguous free blocks at or after
// the cursor; free blocks skipped on the way stay free (for the kernel).
func (a *allocator) run(n uint64) (uint64, error) {
	start := a.cursor
	for {
		start = a.nextFree(start)
		end := start
		for end < a.total && end-start < n && !a.isUsed(end) {
			end++
		}
		if end-start == n {
			a.mark(start, n)
			a.cursor = end
			return start, nil
		}
		if end >= a.total {
			return 0, errNoSpace
		}
		start = end
	}
}

// countUsed counts used blocks in [start, end).
func (a *allocator) countUsed(start, end uint64) uint64 {
	var c uint64
	for b := start; b < end; {
		if b%64 == 0 && b+64 <= end {
			c += uint64(bits.OnesCount64(binary.LittleEndian.Uint64(a.used[b/8:])))
			b += 64
			continue
		}
		if b%8 == 0 && b+8 <= end {
			c += uint64(bits.OnesCount8(a.used[b/8]))
			b += 8
			continue
		}
		if a.isUsed(b) {
			c++
		}
		b++
	}
	return c
}

// nextFree returns the first free block at or after b (or total).
func (a *allocator) nextFree(b uint64) uint64 {
	for b < a.total && a.isUsed(b) {
		if b%8 == 0 && a.used[b/8] == 0xFF {
			b += 8
			continue
		}
		b++
	}
	return min(b, a.total)
}
