package ext4

import (
	"errors"
	"fmt"
	"io"
)

// readBufs is how many buffers the reader may fill ahead of the writer.
const readBufs = 4

var errStopped = errors.New("stopped")

// chunk is a piece of a file's content read ahead of writing.
type chunk struct {
	n    *inode
	pos  int64  // file offset of data, block-aligned
	data []byte // whole blocks (the tail zero-padded); nil ends the file
	err  error
}

// batch is the chunks read into one buffer, which the writer hands back
// (on free) once it has written them.
type batch struct {
	chunks []chunk
	buf    []byte
}

// reader reads files' contents into buffers ahead of the writer, packing
// the contents of small files into one buffer so that writer and reader
// meet once a buffer rather than once a file.
type reader struct {
	out  chan<- batch
	free <-chan []byte
	done <-chan struct{}
	b    batch
	off  int // bytes of b.buf used
}

// readFiles reads the files' contents in order into batches sent on out,
// taking buffers from free; it stops when done is closed and closes out
// when it returns. Reading overlaps with the writer's allocation and
// writes, and the order of chunks keeps the image deterministic.
func readFiles(files []*inode, out chan<- batch, free <-chan []byte, done <-chan struct{}) {
	defer close(out)
	r := &reader{out: out, free: free, done: done}
	for _, n := range files {
		if err := readFile(n, r.emit(n), r.take); err != nil {
			if err != errStopped {
				r.b.chunks = append(r.b.chunks, chunk{n: n, err: err})
				r.flush()
			}
			return
		}
		r.b.chunks = append(r.b.chunks, chunk{n: n})
	}
	r.flush()
}

// flush sends the current batch; false when the writer is gone.
func (r *reader) flush() bool {
	if len(r.b.chunks) == 0 && r.b.buf == nil {
		return true
	}
	select {
	case r.out <- r.b:
		r.b, r.off = batch{}, 0
		return true
	case <-r.done:
		return false
	}
}

// take returns the unused part of the current buffer, at least one block,
// sending the batch and waiting for a free buffer when it is full; nil
// when the writer is gone.
func (r *reader) take() []byte {
	if r.b.buf != nil && len(r.b.buf)-r.off >= blockSize {
		return r.b.buf[r.off:]
	}
	if !r.flush() {
		return nil
	}
	select {
	case buf := <-r.free:
		r.b.buf = buf
		return buf
	case <-r.done:
		return nil
	}
}

// emit returns the function readFile hands each piece of n to: the piece
// is the start of what take returned.
func (r *reader) emit(n *inode) func(int64, []byte) bool {
	return func(pos int64, data []byte) bool {
		r.b.chunks = append(r.b.chunks, chunk{n: n, pos: pos, data: data})
		r.off += len(data)
		return true
	}
}

// readFile emits n's content as block-padded pieces, skipping holes that
// the source can report. take returns space for the next piece (a whole
// number of blocks); each piece emitted starts that space.
func readFile(n *inode, emit func(int64, []byte) bool, take func() []byte) error {
	if n.size == 0 {
		return nil
	}
	if n.size > int64(1<<32-1)*blockSize {
		return fmt.Errorf("%s: file of %d bytes too large", n.path, n.size)
	}
	rc, err := n.open()
	if err != nil {
		return fmt.Errorf("%s: %w", n.path, err)
	}
	defer rc.Close()
	src := &source{r: rc, size: n.size}
	if err := src.init(); err != nil {
		return fmt.Errorf("%s: %w", n.path, err)
	}
	for {
		pos, end, err := src.nextData()
		if err != nil {
			return fmt.Errorf("%s: %w", n.path, err)
		}
		if pos >= n.size {
			break
		}
		buf := take()
		if buf == nil {
			return errStopped
		}
		want := int(min(int64(len(buf)), end-pos))
		if _, err := io.ReadFull(rc, buf[:want]); err != nil {
			if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
				return fmt.Errorf("%s: content shorter than size %d", n.path, n.size)
			}
			return fmt.Errorf("%s: %w", n.path, err)
		}
		nb := (want + blockSize - 1) / blockSize
		clear(buf[want : nb*blockSize])
		if !emit(pos, buf[:nb*blockSize:nb*blockSize]) {
			return errStopped
		}
		src.pos += int64(want)
	}
	if err := src.atEOF(); err != nil {
		return fmt.Errorf("%s: %w", n.path, err)
	}
	if err := rc.Close(); err != nil {
		return fmt.Errorf("%s: %w", n.path, err)
	}
	return nil
}
