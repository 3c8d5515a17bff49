package ext4

import (
	"errors"
	"fmt"
	"io"
)

// readAhead is how many chunks the reader may be ahead of the writer.
const readAhead = 4

var errStopped = errors.New("stopped")

// chunk is a piece of a file's content read ahead of writing.
type chunk struct {
	n    *inode
	pos  int64  // file offset of data, block-aligned
	data []byte // whole blocks (the tail zero-padded); nil ends the file
	err  error
}

// readFiles reads the files' contents in order into chunks sent on out,
// taking buffers from free; it stops when done is closed and closes out
// when it returns. Reading overlaps with the writer's allocation and
// writes, and the order of chunks keeps the image deterministic.
func readFiles(files []*inode, out chan<- chunk, free <-chan []byte, done <-chan struct{}) {
	defer close(out)
	send := func(c chunk) bool {
		select {
		case out <- c:
			return true
		case <-done:
			return false
		}
	}
	take := func() []byte {
		select {
		case b := <-free:
			return b
		case <-done:
			return nil
		}
	}
	for _, n := range files {
		emit := func(pos int64, data []byte) bool { return send(chunk{n: n, pos: pos, data: data}) }
		if err := readFile(n, emit, take); err != nil {
			if err != errStopped {
				send(chunk{n: n, err: err})
			}
			return
		}
		if !send(chunk{n: n}) {
			return
		}
	}
}

// readFile emits n's content as block-padded pieces, skipping holes that
// the source can report.
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
		if !emit(pos, buf[:nb*blockSize]) {
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
