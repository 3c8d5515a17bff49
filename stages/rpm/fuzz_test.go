package rpm

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"os"
	"testing"
)

// exercise runs every accessor and reads the whole payload; it must never
// panic, whatever the input.
func exercise(p *Package) {
	p.NEVRA()
	p.Size()
	p.Provides()
	p.Requires()
	p.Supplements()
	p.Scripts()
	p.Triggers()
	p.FileTriggers()
	p.Header.RegionBlob()
	p.Signature.RegionBlob()
	files, _ := p.Files()
	for _, f := range files {
		f.CapsXattr()
		f.FileMode()
	}
	p.ValidatePaths()
	r, err := p.Payload()
	if err != nil {
		return
	}
	defer r.Close()
	for range 10000 {
		if _, err := r.Next(); err != nil {
			return
		}
		io.Copy(io.Discard, r)
	}
}

func FuzzOpen(f *testing.F) {
	seed, err := os.ReadFile("testdata/tiny-uncompressed.rpm")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed)
	f.Add(seed[:200])
	f.Add(seed[:LeadSize+16])
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Open(bytes.NewReader(data))
		if err != nil {
			if !errors.Is(err, ErrFormat) {
				t.Fatalf("Open error does not wrap ErrFormat: %v", err)
			}
			return
		}
		exercise(p)
	})
}

func TestSeedPackageReads(t *testing.T) {
	data, err := os.ReadFile("testdata/tiny-uncompressed.rpm")
	if err != nil {
		t.Fatal(err)
	}
	p, err := Open(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	w, err := walkPayload(t, p)
	if err != io.EOF || len(w.entries) != 4 || string(w.contents["/usr/share/tiny/a"]) != "hello\n" {
		t.Fatalf("seed payload: %d entries, err %v", len(w.entries), err)
	}
}

// TestMalformedHeaders damages the seed package's main header in ways rpm
// rejects and checks each gives a clear ErrFormat error.
func TestMalformedHeaders(t *testing.T) {
	data, _ := os.ReadFile("testdata/tiny-uncompressed.rpm")
	p, err := Open(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	ho := int(p.HeaderOffset)
	il := int(binary.BigEndian.Uint32(data[ho+8:]))
	entry := func(i, field int) int { return ho + 16 + i*16 + field*4 }
	cases := []struct {
		name, want string
		damage     func(b []byte)
	}{
		{"lead magic", "lead magic", func(b []byte) { b[0] = 0 }},
		{"lead version", "format version", func(b []byte) { b[4] = 9 }},
		{"header magic", "bad header magic", func(b []byte) { b[ho+2] = 0 }},
		{"too many entries", "entries", func(b []byte) { binary.BigEndian.PutUint32(b[ho+8:], 1<<20) }},
		{"data too big", "exceeds", func(b []byte) { binary.BigEndian.PutUint32(b[ho+12:], 1<<30) }},
		{"bad type", "invalid type", func(b []byte) { binary.BigEndian.PutUint32(b[entry(1, 1):], 42) }},
		{"offset out of store", "outside data store", func(b []byte) { binary.BigEndian.PutUint32(b[entry(1, 2):], 1<<27) }},
		{"count runs past", "past the data store", func(b []byte) { binary.BigEndian.PutUint32(b[entry(il-1, 3):], 1<<30) }},
		{"region trailer", "region tag 63", func(b []byte) {
			binary.BigEndian.PutUint32(b[entry(0, 0):], 63)
			binary.BigEndian.PutUint32(b[entry(0, 3):], 15)
		}},
		{"truncated", "header", func(b []byte) {}},
	}
	for _, c := range cases {
		b := bytes.Clone(data)
		c.damage(b)
		if c.name == "truncated" {
			b = b[:ho+100]
		}
		_, err := Open(bytes.NewReader(b))
		if !errors.Is(err, ErrFormat) || !bytes.Contains([]byte(err.Error()), []byte(c.want)) {
			t.Errorf("%s: got %v, want ErrFormat mentioning %q", c.name, err, c.want)
		}
	}
}
