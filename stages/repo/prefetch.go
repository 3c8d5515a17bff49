package repo

import (
	"context"
	"fmt"
	"io"
)

// prefetchReader decompresses in a goroutine ahead of the parser, so the
// two share the machine's cores: reading, hashing and inflating in one,
// scanning XML in the other. Buffers circulate between them and are reused.
type prefetchReader struct {
	full   chan []byte
	free   chan []byte
	stop   chan struct{}
	exited chan struct{}
	cur    []byte
	buf    []byte // the buffer cur points into
	err    error  // set by the goroutine before it closes full
}

const (
	prefetchBufs = 4
	prefetchSize = 256 << 10
)

// prefetch starts decompressing r (by magic bytes) in a goroutine. name
// labels errors; a cancelled ctx ends the stream with ctx's error. Close
// must be called; afterwards r is no longer read.
func prefetch(ctx context.Context, r io.Reader, name string) *prefetchReader {
	p := &prefetchReader{
		full:   make(chan []byte, prefetchBufs),
		free:   make(chan []byte, prefetchBufs),
		stop:   make(chan struct{}),
		exited: make(chan struct{}),
	}
	for i := 0; i < prefetchBufs; i++ {
		p.free <- make([]byte, prefetchSize)
	}
	go p.run(ctx, r, name)
	return p
}

func (p *prefetchReader) run(ctx context.Context, r io.Reader, name string) {
	defer close(p.exited)
	defer close(p.full)
	dr, closeDec, err := decompress(r)
	if err != nil {
		p.err = fmt.Errorf("%s: %w", name, err)
		return
	}
	defer closeDec()
	for {
		var buf []byte
		select {
		case buf = <-p.free:
		case <-p.stop:
			return
		}
		if err := ctx.Err(); err != nil {
			p.err = err
			return
		}
		n, err := readFull(dr, buf)
		if n > 0 {
			select {
			case p.full <- buf[:n]:
			case <-p.stop:
				return
			}
		}
		if err != nil {
			if err != io.EOF {
				p.err = err
			}
			return
		}
	}
}

// readFull fills buf unless the input ends or fails first.
func readFull(r io.Reader, buf []byte) (int, error) {
	n := 0
	for n < len(buf) {
		k, err := r.Read(buf[n:])
		n += k
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

func (p *prefetchReader) Read(b []byte) (int, error) {
	for len(p.cur) == 0 {
		if p.buf != nil {
			p.free <- p.buf[:cap(p.buf)]
			p.buf = nil
		}
		chunk, ok := <-p.full
		if !ok {
			if p.err != nil {
				return 0, p.err
			}
			return 0, io.EOF
		}
		p.cur, p.buf = chunk, chunk
	}
	n := copy(b, p.cur)
	p.cur = p.cur[n:]
	return n, nil
}

// Close stops the goroutine and waits for it, so that the underlying
// reader is free to be read (drained) by the caller.
func (p *prefetchReader) Close() {
	close(p.stop)
	<-p.exited
}
