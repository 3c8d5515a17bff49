package ar

import (
	"bytes"
	"errors"
	"io"
	"testing"
)

func FuzzReader(f *testing.F) {
	f.Add([]byte("!<arch>\ndebian-binary   1700000000  0     0     100644  4         `\n2.0\n"))
	f.Add([]byte("!<arch>\nx/              0           0     0     100644  3         `\nabc\n"))
	f.Add([]byte("!<arch>\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := NewReader(bytes.NewReader(data))
		if err != nil {
			if !errors.Is(err, ErrFormat) {
				t.Fatalf("NewReader error does not wrap ErrFormat: %v", err)
			}
			return
		}
		var total int64
		for {
			h, err := r.Next()
			if err == io.EOF {
				return
			}
			if err != nil {
				if !errors.Is(err, ErrFormat) {
					t.Fatalf("Next error does not wrap ErrFormat: %v", err)
				}
				return
			}
			if h.Size < 0 || h.Offset > int64(len(data)) {
				t.Fatalf("header %+v out of the archive", h)
			}
			n, err := io.Copy(io.Discard, r)
			total += n
			if err != nil && !errors.Is(err, ErrFormat) {
				t.Fatalf("Read error does not wrap ErrFormat: %v", err)
			}
			if total > int64(len(data)) {
				t.Fatalf("read %d bytes of a %d-byte archive", total, len(data))
			}
		}
	})
}
