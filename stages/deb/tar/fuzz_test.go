package tar

import (
	stdtar "archive/tar"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
)

func seed() []byte {
	var b bytes.Buffer
	w := stdtar.NewWriter(&b)
	w.WriteHeader(&stdtar.Header{Name: "./", Typeflag: stdtar.TypeDir, Mode: 0o755, Format: stdtar.FormatGNU})
	w.WriteHeader(&stdtar.Header{Name: "./" + strings.Repeat("x", 150), Typeflag: stdtar.TypeReg, Size: 3, Mode: 0o644, Format: stdtar.FormatGNU})
	w.Write([]byte("abc"))
	w.WriteHeader(&stdtar.Header{Name: "./l", Typeflag: stdtar.TypeSymlink, Linkname: strings.Repeat("t", 120), Format: stdtar.FormatGNU})
	w.WriteHeader(&stdtar.Header{Name: "./d", Typeflag: stdtar.TypeChar, Devmajor: 1, Devminor: 3, Format: stdtar.FormatUSTAR})
	w.Close()
	return b.Bytes()
}

func FuzzReader(f *testing.F) {
	s := seed()
	f.Add(s, false)
	f.Add(s[:700], true)
	f.Add(s[512:], true)
	f.Fuzz(func(t *testing.T, data []byte, fix bool) {
		if fix { // most mutations break a checksum: mend them to reach the fields
			data = fixChecksums(data)
		}
		r := NewReader(bytes.NewReader(data))
		var content int64
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
			if h.Name == "" || h.Size < 0 || h.Type != TypeReg && h.Size != 0 {
				t.Fatalf("bad header %+v", h)
			}
			n, err := io.Copy(io.Discard, r)
			content += n
			if err != nil && !errors.Is(err, ErrFormat) {
				t.Fatalf("Read error does not wrap ErrFormat: %v", err)
			}
			if content > int64(len(data)) || r.Offset() > int64(len(data)) {
				t.Fatalf("read past the end of a %d-byte archive", len(data))
			}
		}
	})
}

// fixChecksums sets the checksum of every 512-byte record that is not all
// zeros.
func fixChecksums(data []byte) []byte {
	out := bytes.Clone(data)
	for i := 0; i+BlockSize <= len(out); i += BlockSize {
		var b [BlockSize]byte
		copy(b[:], out[i:])
		if b == [BlockSize]byte{} {
			continue
		}
		sum := checksum(&b)
		copy(out[i+148:i+156], []byte(fmt.Sprintf("%06o\x00 ", sum)))
	}
	return out
}
