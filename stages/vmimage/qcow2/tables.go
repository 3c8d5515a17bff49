package qcow2

import "encoding/binary"

var be = binary.BigEndian

const (
	flagCopied     = uint64(1) << 63 // refcount is exactly 1
	flagCompressed = uint64(1) << 62
	csizeShift     = 62 - (clusterBits - 8) // compressed descriptor: sector count field
	headerLength   = 112
)

// writeMetadata writes every cluster before the data area.
func (l *layout) writeMetadata(w *countWriter) error {
	buf := make([]byte, clusterSize)
	steps := []func([]byte, *countWriter) error{l.writeHeader, l.writeRefTable, l.writeRefBlocks, l.writeL1, l.writeL2s}
	for _, step := range steps {
		if err := step(buf, w); err != nil {
			return err
		}
	}
	return nil
}

func (l *layout) writeHeader(b []byte, w *countWriter) error {
	clear(b)
	copy(b[0:4], "QFI\xfb")
	be.PutUint32(b[4:], 3) // version
	be.PutUint32(b[20:], clusterBits)
	be.PutUint64(b[24:], uint64(l.size))
	be.PutUint32(b[36:], uint32(l.l1Size))
	be.PutUint64(b[40:], uint64(l.l1Off*clusterSize))
	be.PutUint64(b[48:], uint64(l.rtOff*clusterSize))
	be.PutUint32(b[56:], uint32(l.rtClusters))
	be.PutUint32(b[96:], 4) // refcount_order: 16-bit refcounts
	be.PutUint32(b[100:], headerLength)
	// b[104] compression type 0 = zlib; the header extension list that
	// follows is empty (its end marker is the zeros at b[112:120]).
	_, err := w.Write(b)
	return err
}

func (l *layout) writeRefTable(b []byte, w *countWriter) error {
	for c := int64(0); c < l.rtClusters; c++ {
		clear(b)
		for i := int64(0); i < rtPerCluster; i++ {
			if blk := c*rtPerCluster + i; blk < l.rbClusters {
				be.PutUint64(b[i*8:], uint64((l.rbOff+blk)*clusterSize))
			}
		}
		if _, err := w.Write(b); err != nil {
			return err
		}
	}
	return nil
}

// refcount is the reference count of host cluster h.
func (l *layout) refcount(h int64) uint16 {
	meta := l.dataOff / clusterSize
	switch {
	case h < meta:
		return 1
	case h < l.total:
		return l.dataRefs[h-meta]
	}
	return 0
}

func (l *layout) writeRefBlocks(b []byte, w *countWriter) error {
	for blk := int64(0); blk < l.rbClusters; blk++ {
		for i := int64(0); i < refsPerBlock; i++ {
			be.PutUint16(b[i*2:], l.refcount(blk*refsPerBlock+i))
		}
		if _, err := w.Write(b); err != nil {
			return err
		}
	}
	return nil
}

func (l *layout) writeL1(b []byte, w *countWriter) error {
	table := make([]byte, l.l1Clusters*clusterSize)
	for k, j := range l.l2s {
		be.PutUint64(table[j*8:], uint64((l.l2Off+int64(k))*clusterSize)|flagCopied)
	}
	_, err := w.Write(table)
	return err
}

// writeL2s writes the L2 tables in L1 order, filling each from the data
// placement walk.
func (l *layout) writeL2s(b []byte, w *countWriter) error {
	cur := int64(-1)
	var err error
	flush := func() {
		if cur >= 0 && err == nil {
			_, err = w.Write(b)
		}
		clear(b)
	}
	l.placeData(func(g, off int64, n int32) {
		if t := g / l2Entries; t != cur {
			flush()
			cur = t
		}
		be.PutUint64(b[(g%l2Entries)*8:], l.l2Entry(off, n))
	})
	flush()
	return err
}

// l2Entry describes a data cluster stored at off in the data area.
func (l *layout) l2Entry(off int64, n int32) uint64 {
	host := uint64(l.dataOff + off)
	if n == 0 {
		return host | flagCopied
	}
	extra := ((host + uint64(n) - 1) >> 9) - (host >> 9)
	return flagCompressed | extra<<csizeShift | host
}
