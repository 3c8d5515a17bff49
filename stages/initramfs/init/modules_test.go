package discoinit

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/klauspost/compress/zstd"
	"github.com/ulikunitz/xz"
)

func TestDecompress(t *testing.T) {
	want := bytes.Repeat([]byte("\x7fELF module bytes "), 5000)
	for _, tc := range []struct {
		name string
		w    func(io.Writer) (io.WriteCloser, error)
	}{
		{"m.ko.xz", func(w io.Writer) (io.WriteCloser, error) { return xz.NewWriter(w) }},
		{"m.ko.zst", func(w io.Writer) (io.WriteCloser, error) { return zstd.NewWriter(w) }},
		{"m.ko.gz", func(w io.Writer) (io.WriteCloser, error) { return gzip.NewWriter(w), nil }},
	} {
		var buf bytes.Buffer
		w, err := tc.w(&buf)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(want)
		w.Close()
		got, err := decompress(tc.name, &buf)
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s: %d bytes, %v; want the %d original bytes", tc.name, len(got), err, len(want))
		}
	}
	if _, err := decompress("m.ko.xz", strings.NewReader("not xz")); err == nil {
		t.Error("corrupt .ko.xz: no error")
	}
	if _, err := decompress("m.ko.bz2", strings.NewReader("")); err == nil {
		t.Error(".ko.bz2: no error")
	}
}

func TestReadModuleList(t *testing.T) {
	p := filepath.Join(t.TempDir(), "disco-modules")
	os.WriteFile(p, []byte("# load order\n/lib/modules/v/a.ko\n\n  /lib/modules/v/b.ko.xz  \n"), 0o644)
	got, err := ReadModuleList(p)
	if err != nil || strings.Join(got, ",") != "/lib/modules/v/a.ko,/lib/modules/v/b.ko.xz" {
		t.Fatalf("ReadModuleList = %q, %v", got, err)
	}
}
