package ext4

import (
	"bytes"
	"errors"
	"fmt"
	"io"
)

const readSize = 1 << 20

var zeroBlock = make([]byte, blockSize)

// writeFiles streams every regular file's content in inode order. Blocks
// that are all zeros are left as holes.
func (img *image) writeFiles() error {
	buf := make([]byte, readSize)
	var err error
	img.t.each(func(n *inode) {
		if err == nil && n.isReg() {
			if err = img.writeFile(n, buf); err == nil {
				err = img.finishExtents(n)
			}
		}
	})
	return err
}

func (img *image) writeFile(n *inode, buf []byte) error {
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
	var lblk uint32
	for left := n.size; left > 0; {
		want := int(min(int64(len(buf)), left))
		if _, err := io.ReadFull(rc, buf[:want]); err != nil {
			if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
				return fmt.Errorf("%s: content shorter than size %d", n.path, n.size)
			}
			return fmt.Errorf("%s: %w", n.path, err)
		}
		nb := (want + blockSize - 1) / blockSize
		clear(buf[want : nb*blockSize])
		if err := img.putData(n, lblk, buf[:nb*blockSize]); err != nil {
			return err
		}
		lblk += uint32(nb)
		left -= int64(want)
	}
	var one [1]byte
	if k, _ := rc.Read(one[:]); k > 0 {
		return fmt.Errorf("%s: content longer than size %d", n.path, n.size)
	}
	if err := rc.Close(); err != nil {
		return fmt.Errorf("%s: %w", n.path, err)
	}
	img.data += n.size
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
