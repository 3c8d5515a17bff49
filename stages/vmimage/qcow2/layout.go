package qcow2

import (
	"github.com/disco-build/disco/stages/vmimage/internal/scan"
)

// layout is where everything goes, in clusters from the start of the file.
type layout struct {
	size   int64     // virtual size in bytes
	m      *scan.Map // which guest clusters hold data
	lens   []int32   // compressed length per data cluster in guest order; 0 = stored whole
	l1Size int64     // L1 entries
	l2s    []int64   // L1 indices that have an L2 table, increasing

	rtOff, rtClusters int64 // refcount table
	rbOff, rbClusters int64 // refcount blocks
	l1Off, l1Clusters int64
	l2Off             int64 // first L2 table
	dataOff           int64 // first data cluster (byte offset)
	dataRefs          []uint16
	total             int64 // host clusters in the file
}

func ceilDiv(a, b int64) int64 { return (a + b - 1) / b }

func newLayout(size int64, m *scan.Map, lens []int32) *layout {
	l := &layout{size: size, m: m, lens: lens}
	l.l1Size = ceilDiv(m.Units(), l2Entries)
	for j := int64(0); j < l.l1Size; j++ {
		if m.AnyIn(j*l2Entries, (j+1)*l2Entries) {
			l.l2s = append(l.l2s, j)
		}
	}
	l.l1Clusters = ceilDiv(l.l1Size*8, clusterSize)
	l.dataRefs = l.placeData(nil)
	fixed := 1 + l.l1Clusters + int64(len(l.l2s)) + int64(len(l.dataRefs))
	// The refcount blocks must cover themselves and the table: iterate to
	// the fixed point (it converges in a step or two).
	for b := int64(1); ; {
		t := ceilDiv(b, rtPerCluster)
		need := ceilDiv(fixed+t+b, refsPerBlock)
		if need <= b {
			l.rtClusters, l.rbClusters = t, b
			break
		}
		b = need
	}
	l.rtOff = 1
	l.rbOff = l.rtOff + l.rtClusters
	l.l1Off = l.rbOff + l.rbClusters
	l.l2Off = l.l1Off + l.l1Clusters
	meta := l.l2Off + int64(len(l.l2s))
	l.dataOff = meta * clusterSize
	l.total = meta + int64(len(l.dataRefs))
	return l
}

// placer packs data clusters, in guest order, into the data area: whole
// clusters on cluster boundaries, compressed ones back to back at byte
// granularity, as QEMU packs them.
type placer struct {
	cursor int64    // next free byte of the data area
	refs   []uint16 // per host cluster of the data area: clusters touching it
}

// place returns the offset in the data area of the next data cluster, which
// stores n bytes (0 = a whole cluster).
func (p *placer) place(n int32) int64 {
	size := int64(n)
	if n == 0 {
		p.cursor = ceilDiv(p.cursor, clusterSize) * clusterSize
		size = clusterSize
	}
	off := p.cursor
	for h := off / clusterSize; h < ceilDiv(off+size, clusterSize); h++ {
		for int64(len(p.refs)) <= h {
			p.refs = append(p.refs, 0)
		}
		p.refs[h]++
	}
	p.cursor += size
	return off
}

// placeData walks the data clusters in guest order and calls fn with each
// one's guest index, its offset in the data area and its stored length (0
// for a whole cluster). It returns the refcount of every host cluster of the
// data area.
func (l *layout) placeData(fn func(guest, off int64, n int32)) []uint16 {
	var p placer
	k := 0
	for g := int64(0); g < l.m.Units(); g++ {
		if !l.m.Has(g) {
			continue
		}
		n := l.stored(k)
		k++
		off := p.place(n)
		if fn != nil {
			fn(g, off, n)
		}
	}
	return p.refs
}

// stored is the stored length of the k-th data cluster (0 = whole).
func (l *layout) stored(k int) int32 {
	if l.lens == nil {
		return 0
	}
	return l.lens[k]
}
