package deb

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"github.com/disco-build/disco/stages/deb/debfixture"
)

// exercise runs every accessor and reads the whole payload; it must never
// panic, whatever the input.
func exercise(t *testing.T, p *Package) {
	p.ID()
	p.MultiArch()
	p.Scripts()
	p.InfoFiles()
	p.MD5Sums()
	p.Triggers()
	r, err := p.Payload()
	if err != nil {
		if !errors.Is(err, ErrFormat) {
			t.Fatalf("Payload error does not wrap ErrFormat: %v", err)
		}
		return
	}
	defer r.Close()
	for range 100000 {
		e, err := r.Next()
		if err == io.EOF {
			return
		}
		if err != nil {
			if !errors.Is(err, ErrFormat) {
				t.Fatalf("Next error does not wrap ErrFormat: %v", err)
			}
			return
		}
		if err := ValidatePath(p.ID(), e.File.Path); err != nil {
			t.Fatalf("yielded an unsafe path: %v", err)
		}
		e.File.FileMode()
		if _, err := io.Copy(io.Discard, r); err != nil && !errors.Is(err, ErrFormat) {
			t.Fatalf("Read error does not wrap ErrFormat: %v", err)
		}
	}
}

func FuzzOpen(f *testing.F) {
	d := tinyDeb()
	for _, ext := range []string{"none", ".gz", ".zst"} {
		d.ControlExt, d.DataExt = ext, ext
		f.Add(d.Bytes())
	}
	d.DataExt = "none"
	d.Data = append(d.Data, debfixture.Symlink("./usr/l", "share"), debfixture.HardLink("./usr/h", "./etc/tiny.conf", 0o644),
		debfixture.FIFO("./usr/f", 0o600), debfixture.Char("./usr/c", 0o600, 1, 3))
	f.Add(d.Bytes())
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Open(bytes.NewReader(data))
		if err != nil {
			if !errors.Is(err, ErrFormat) {
				t.Fatalf("Open error does not wrap ErrFormat: %v", err)
			}
			return
		}
		exercise(t, p)
	})
}
