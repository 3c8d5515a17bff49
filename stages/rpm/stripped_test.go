package rpm

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"testing"

	"github.com/disco-build/disco/stages/rpm/cpio"
	"github.com/klauspost/compress/gzip"
)

// strippedArchive builds an rpm stripped (07070X) cpio archive for files, as
// rpm's rpmcpioStrippedHeaderWrite lays it out: magic, 8 hex digits of file
// index, padding to 4; data sized from the header, padding; a newc trailer.
func strippedArchive(files []File, contents map[string][]byte) []byte {
	var b bytes.Buffer
	pad := func() {
		for b.Len()%4 != 0 {
			b.WriteByte(0)
		}
	}
	for _, f := range files {
		if f.IsGhost() {
			continue
		}
		fmt.Fprintf(&b, "07070X%08x", f.Index)
		pad()
		switch {
		case f.IsSymlink():
			b.WriteString(f.LinkTo)
		case f.HasContent():
			b.Write(contents[f.Path])
		}
		pad()
	}
	fmt.Fprintf(&b, "070701%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%s\x00",
		0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 11, 0, "TRAILER!!!")
	pad()
	return b.Bytes()
}

func TestStrippedPayload(t *testing.T) {
	path := kindsRPM(t)
	orig := openFile(t, path)
	files, _ := orig.Files()
	w, _ := walkPayload(t, orig)
	archive := strippedArchive(files, w.contents)

	data, _ := os.ReadFile(path)
	var pkg bytes.Buffer
	pkg.Write(data[:orig.PayloadOffset])
	gz := gzip.NewWriter(&pkg)
	gz.Write(archive)
	gz.Close()

	p, err := Open(bytes.NewReader(pkg.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	got, err := walkPayload(t, p)
	// Every file's content is checked against FILEDIGESTS while read; only
	// the whole-payload digest must differ, since the payload was replaced.
	if !errors.Is(err, ErrDigest) || !bytes.Contains([]byte(err.Error()), []byte("PAYLOADSHA256")) {
		t.Fatalf("want the payload digest mismatch at the end, got %v", err)
	}
	if len(got.entries) != len(w.entries) {
		t.Fatalf("%d entries from the stripped payload, %d from the original", len(got.entries), len(w.entries))
	}
	// rpm's own archive puts hard-link groups last; this one keeps header
	// order, so compare by path.
	linkOf := map[string]string{}
	for _, e := range w.entries {
		linkOf[e.File.Path] = e.HardLinkOf
	}
	for _, e := range got.entries {
		if l, ok := linkOf[e.File.Path]; !ok || l != e.HardLinkOf {
			t.Errorf("%s: link of %q, original %q (present %v)", e.File.Path, e.HardLinkOf, l, ok)
		}
	}
	for name, c := range w.contents {
		if !bytes.Equal(got.contents[name], c) {
			t.Errorf("%s: content differs", name)
		}
	}
}

func TestStrippedPayloadErrors(t *testing.T) {
	orig := openFile(t, kindsRPM(t))
	files, _ := orig.Files()
	w, _ := walkPayload(t, orig)
	data, _ := os.ReadFile(kindsRPM(t))
	build := func(archive []byte) *Package {
		var pkg bytes.Buffer
		pkg.Write(data[:orig.PayloadOffset])
		gz := gzip.NewWriter(&pkg)
		gz.Write(archive)
		gz.Close()
		p, err := Open(bytes.NewReader(pkg.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	full := strippedArchive(files, w.contents)
	cases := map[string][]byte{
		"missing file(s)":   strippedArchive(files[1:], w.contents),
		"appears twice":     strippedArchive(append([]File{files[0]}, files...), w.contents),
		"names file 99":     []byte("07070X00000063\x00\x00"),
		"archive truncated": full[:len(full)-200],
	}
	for want, archive := range cases {
		_, err := walkPayload(t, build(archive))
		if !errors.Is(err, ErrFormat) && !errors.Is(err, cpio.ErrFormat) {
			t.Errorf("%s: %v wraps neither ErrFormat", want, err)
		}
		if err == nil || !bytes.Contains([]byte(err.Error()), []byte(want)) || !bytes.Contains([]byte(err.Error()), []byte("kinds-2:1.2-3")) {
			t.Errorf("%s: got %v", want, err)
		}
	}
}
