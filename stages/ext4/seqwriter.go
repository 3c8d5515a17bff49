package ext4

import (
	"fmt"
	"io"
)

const flushSize = 1 << 20

// seqWriter coalesces writes of consecutive blocks into large WriteAt
// calls.
type seqWriter struct {
	w     io.WriterAt
	start uint64 // first block of buf
	buf   []byte
}

func newSeqWriter(w io.WriterAt) *seqWriter {
	return &seqWriter{w: w, buf: make([]byte, 0, flushSize)}
}

// put queues data (whole blocks) for block blk onwards.
func (s *seqWriter) put(blk uint64, data []byte) error {
	if len(s.buf) > 0 && (blk != s.start+uint64(len(s.buf))/blockSize || len(s.buf)+len(data) > flushSize) {
		if err := s.flush(); err != nil {
			return err
		}
	}
	if len(s.buf) == 0 {
		s.start = blk
		if len(data) >= flushSize {
			return s.writeAt(blk, data)
		}
	}
	s.buf = append(s.buf, data...)
	return nil
}

func (s *seqWriter) flush() error {
	if len(s.buf) == 0 {
		return nil
	}
	err := s.writeAt(s.start, s.buf)
	s.buf = s.buf[:0]
	return err
}

func (s *seqWriter) writeAt(blk uint64, data []byte) error {
	if _, err := s.w.WriteAt(data, int64(blk)*blockSize); err != nil {
		return fmt.Errorf("writing block %d: %w", blk, err)
	}
	return nil
}
