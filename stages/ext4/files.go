package ext4

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"syscall"
)

const readSize = 256 << 10

var zeroBlock = make([]byte, blockSize)

// writeFiles writes every regular file's content in inode order while a
// goroutine reads ahead (see reader.go). Blocks that are all zeros are
// left as holes.
func (img *image) writeFiles() error {
	var files []*inode
	img.t.each(func(n *inode) {
		if n.isReg() {
			files = append(files, n)
		}
	})
	free := make(chan []byte, readBufs)
	for range readBufs {
		free <- make([]byte, readSize)
	}
	out := make(chan batch, readBufs)
	done := make(chan struct{})
	go readFiles(files, out, free, done)
	defer func() {
		close(done)
		for range out { // wait until the reader has let go of all inputs
		}
	}()
	for b := range out {
		for _, c := range b.chunks {
			if err := img.writeChunk(c); err != nil {
				return err
			}
		}
		if b.buf != nil {
			free <- b.buf
		}
	}
	return nil
}

func (img *image) writeChunk(c chunk) error {
	switch {
	case c.err != nil:
		return c.err
	case c.data == nil:
		img.data += c.n.size
		return img.finishExtents(c.n)
	}
	return img.putData(c.n, uint32(c.pos/blockSize), c.data)
}

// source reads a file's content; when it is an *os.File it skips holes
// with SEEK_DATA/SEEK_HOLE instead of reading their zeros.
type source struct {
	r     io.Reader
	f     *os.File // set when holes are looked for
	sized bool     // size checked by Stat, no need to look for more bytes
	size  int64
	pos   int64 // next offset to read, block-aligned until the last read
	end   int64 // end of the current data run
}

const (
	seekData = 3
	seekHole = 4
	// Smaller files are just read: looking for holes would cost more
	// system calls than it saves.
	minSeekSize = 1 << 20
)

func (s *source) init() error {
	s.end = s.size
	f, ok := s.r.(*os.File)
	if !ok {
		return nil
	}
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() {
		return nil
	}
	if fi.Size() != s.size {
		return fmt.Errorf("file has %d bytes, entry says %d", fi.Size(), s.size)
	}
	s.sized = true
	if s.size >= minSeekSize {
		s.f, s.end = f, 0
	}
	return nil
}

// nextData returns where to read next and the end of that data run.
func (s *source) nextData() (int64, int64, error) {
	if s.f == nil || s.pos < s.end {
		return s.pos, s.end, nil
	}
	data, err := s.f.Seek(s.pos, seekData)
	if errors.Is(err, syscall.ENXIO) {
		s.pos = s.size // only a hole is left
		return s.pos, s.size, nil
	}
	if err != nil { // no hole support: read everything
		s.f, s.end = nil, s.size
		return s.pos, s.end, nil
	}
	hole, err := s.f.Seek(data, seekHole)
	if err != nil {
		return 0, 0, err
	}
	s.pos = data &^ (blockSize - 1)
	s.end = min(s.size, (hole+blockSize-1)&^(blockSize-1))
	if _, err := s.f.Seek(s.pos, io.SeekStart); err != nil {
		return 0, 0, err
	}
	return s.pos, s.end, nil
}

// atEOF fails when the content goes on past the entry's size.
func (s *source) atEOF() error {
	if s.sized {
		return nil
	}
	var one [1]byte
	if k, _ := s.r.Read(one[:]); k > 0 {
		return fmt.Errorf("content longer than size %d", s.size)
	}
	return nil
}

// putData allocates and queues the non-zero blocks of b, which holds
// logical blocks from lblk on. Runs of blocks that land contiguously are
// queued in one piece.
func (img *image) putData(n *inode, lblk uint32, b []byte) error {
	runStart, runBlk := -1, uint64(0)
	flush := func(end int) error {
		if runStart < 0 {
			return nil
		}
		err := img.out.put(runBlk, b[runStart*blockSize:end*blockSize])
		runStart = -1
		return err
	}
	for i := 0; i*blockSize < len(b); i++ {
		blk := b[i*blockSize : (i+1)*blockSize]
		if bytes.Equal(blk, zeroBlock) {
			if err := flush(i); err != nil {
				return err
			}
			continue
		}
		p, err := img.a.one()
		if err != nil {
			return err
		}
		if runStart >= 0 && p != runBlk+uint64(i-runStart) {
			if err := flush(i); err != nil {
				return err
			}
		}
		if runStart < 0 {
			runStart, runBlk = i, p
		}
		n.exts = addBlock(n.exts, lblk+uint32(i), p)
	}
	return flush(len(b) / blockSize)
}
