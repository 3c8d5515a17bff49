package deb

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"runtime"
	"sync"

	"github.com/ulikunitz/xz"
)

// Large .xz members (the kernel image's data.tar.xz is 67 MiB) are written
// by dpkg-deb's threaded encoder as many independent blocks, listed with
// their sizes in the stream's index. When the member can be read at any
// offset, those blocks are decoded on several goroutines and handed on in
// order: the bytes are the same, the time is divided by the cores. Each
// block becomes a stream of its own (the stream header, the block, a
// one-record index and a footer) for the xz decoder, which so checks each
// block's integrity check and size as it would in the whole stream.

// parallelXZMin is the smallest member worth splitting (a variable for
// tests).
var parallelXZMin int64 = 4 << 20

// maxXZBlock bounds the uncompressed size of a block held in memory.
const maxXZBlock = 256 << 20

// xzBlock is one block of an xz stream.
type xzBlock struct {
	offset, size       int64 // in the stream, padding included
	unpadded, uncomped int64
}

// xzLayout reads a single-stream xz file's header, footer and index; ok is
// false when the file is not laid out so (several streams, stream padding,
// one block only) and the caller should decode it in sequence.
func xzLayout(r io.ReaderAt, size int64) (header []byte, blocks []xzBlock, ok bool) {
	if size < 64 {
		return nil, nil, false
	}
	header = make([]byte, 12)
	footer := make([]byte, 12)
	if _, err := r.ReadAt(header, 0); err != nil {
		return nil, nil, false
	}
	if _, err := r.ReadAt(footer, size-12); err != nil {
		return nil, nil, false
	}
	if !bytes.Equal(header[:6], []byte("\xfd7zXZ\x00")) || string(footer[10:]) != "YZ" ||
		!bytes.Equal(footer[8:10], header[6:8]) || crc32.ChecksumIEEE(footer[4:10]) != binary.LittleEndian.Uint32(footer[:4]) {
		return nil, nil, false
	}
	indexSize := (int64(binary.LittleEndian.Uint32(footer[4:8])) + 1) * 4
	if indexSize > size-24 || indexSize > 16<<20 {
		return nil, nil, false
	}
	index := make([]byte, indexSize)
	if _, err := r.ReadAt(index, size-12-indexSize); err != nil {
		return nil, nil, false
	}
	blocks, ok = parseXZIndex(index, size-12-indexSize)
	if !ok || len(blocks) < 2 {
		return nil, nil, false
	}
	return header, blocks, true
}

// parseXZIndex reads the index records into blocks that must exactly fill
// the stream between its header and the index at indexAt.
func parseXZIndex(index []byte, indexAt int64) ([]xzBlock, bool) {
	n := len(index)
	if index[0] != 0 || crc32.ChecksumIEEE(index[:n-4]) != binary.LittleEndian.Uint32(index[n-4:]) {
		return nil, false
	}
	p := 1
	varint := func() (int64, bool) {
		v, k := binary.Uvarint(index[p : n-4])
		if k <= 0 || v > 1<<62 {
			return 0, false
		}
		p += k
		return int64(v), true
	}
	count, ok := varint()
	if !ok || count > int64(n) {
		return nil, false
	}
	var blocks []xzBlock
	off := int64(12)
	for range count {
		unpadded, ok1 := varint()
		uncomped, ok2 := varint()
		if !ok1 || !ok2 || unpadded == 0 || uncomped > maxXZBlock {
			return nil, false
		}
		size := (unpadded + 3) &^ 3
		blocks = append(blocks, xzBlock{offset: off, size: size, unpadded: unpadded, uncomped: uncomped})
		off += size
	}
	return blocks, off == indexAt
}

// streamTail is what follows a block to make it a stream of its own: a
// one-record index and the stream footer.
func streamTail(header []byte, b xzBlock) []byte {
	var idx []byte
	idx = append(idx, 0)
	idx = binary.AppendUvarint(idx, 1)
	idx = binary.AppendUvarint(idx, uint64(b.unpadded))
	idx = binary.AppendUvarint(idx, uint64(b.uncomped))
	for len(idx)%4 != 0 {
		idx = append(idx, 0)
	}
	idx = binary.LittleEndian.AppendUint32(idx, crc32.ChecksumIEEE(idx))
	footer := make([]byte, 12)
	binary.LittleEndian.PutUint32(footer[4:8], uint32(len(idx)/4-1))
	copy(footer[8:10], header[6:8])
	copy(footer[10:], "YZ")
	binary.LittleEndian.PutUint32(footer[:4], crc32.ChecksumIEEE(footer[4:10]))
	return append(idx, footer...)
}

// parallelXZ decodes blocks on up to workers goroutines, in order.
type parallelXZ struct {
	r       io.ReaderAt
	header  []byte
	blocks  []xzBlock
	results []chan xzResult
	cur     []byte
	held    []byte      // the block cur is a part of, reused once read
	free    chan []byte // block buffers to reuse
	next    int
	slots   chan struct{}
	stop    chan struct{}
	once    sync.Once
	err     error
}

type xzResult struct {
	data []byte
	err  error
}

// newParallelXZ returns a parallel decoder of an xz member read through r
// on up to workers goroutines (at most as many as there are cores), or nil
// when the member should be decoded in sequence. It holds up to workers+1
// blocks in memory (dpkg-deb's are 24 MiB).
func newParallelXZ(r io.ReaderAt, size int64, workers int) io.ReadCloser {
	workers = min(workers, runtime.GOMAXPROCS(0))
	if size < parallelXZMin || workers < 2 {
		return nil
	}
	header, blocks, ok := xzLayout(r, size)
	if !ok {
		return nil
	}
	p := &parallelXZ{r: r, header: header, blocks: blocks, results: make([]chan xzResult, len(blocks)),
		stop: make(chan struct{}), free: make(chan []byte, workers+1)}
	for i := range p.results {
		p.results[i] = make(chan xzResult, 1)
	}
	// A block is decoded only once a slot is free; slots are given back as
	// the reader reaches blocks, so at most workers+1 blocks are held.
	slots := make(chan struct{}, workers)
	go func() {
		for i := range blocks {
			select {
			case slots <- struct{}{}:
			case <-p.stop:
				return
			}
			go func(i int) { p.results[i] <- p.decode(i) }(i)
		}
	}()
	p.slots = slots
	return p
}

func (p *parallelXZ) decode(i int) xzResult {
	b := p.blocks[i]
	raw := make([]byte, b.size)
	if _, err := p.r.ReadAt(raw, b.offset); err != nil {
		return xzResult{err: fmt.Errorf("%w: block %d: %w", errCorrupt, i, noEOF(err))}
	}
	x, err := xz.NewReader(io.MultiReader(bytes.NewReader(p.header), bytes.NewReader(raw), bytes.NewReader(streamTail(p.header, b))))
	if err != nil {
		return xzResult{err: fmt.Errorf("%w (xz): block %d: %w", errCorrupt, i, err)}
	}
	var out []byte
	select {
	case buf := <-p.free:
		out = buf
	default:
	}
	if int64(cap(out)) < b.uncomped {
		out = make([]byte, b.uncomped)
	}
	out = out[:b.uncomped]
	if _, err := io.ReadFull(x, out); err != nil {
		return xzResult{err: fmt.Errorf("%w (xz): block %d: %w", errCorrupt, i, noEOF(err))}
	}
	if n, err := x.Read(make([]byte, 1)); n != 0 || err != io.EOF {
		return xzResult{err: fmt.Errorf("%w (xz): block %d: more data than the index says (%v)", errCorrupt, i, err)}
	}
	return xzResult{data: out}
}

func (p *parallelXZ) Read(b []byte) (int, error) {
	for len(p.cur) == 0 {
		if p.err != nil {
			return 0, p.err
		}
		if p.next == len(p.blocks) {
			return 0, io.EOF
		}
		if p.held != nil {
			select {
			case p.free <- p.held:
			default:
			}
			p.held = nil
		}
		res := <-p.results[p.next]
		<-p.slots
		p.next++
		if res.err != nil {
			p.err = res.err
			return 0, p.err
		}
		p.cur, p.held = res.data, res.data
	}
	n := copy(b, p.cur)
	p.cur = p.cur[n:]
	return n, nil
}

func (p *parallelXZ) Close() error {
	p.once.Do(func() { close(p.stop) })
	return nil
}
