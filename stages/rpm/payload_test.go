package rpm

import (
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/disco-build/disco/internal/testtool"
)

// extractWithCpio unpacks the package with rpm2cpio | cpio -idm, the oracle
// for payload content.
func extractWithCpio(t testing.TB, rpmPath string) string {
	t.Helper()
	testtool.Need(t, "rpm2cpio", "cpio")
	dir := t.TempDir()
	cmd := exec.Command("sh", "-c", `rpm2cpio "$1" | cpio -idm --quiet --no-absolute-filenames`, "sh", rpmPath)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("rpm2cpio | cpio: %v\n%s", err, out)
	}
	return dir
}

type walked struct {
	entries  []PayloadEntry
	contents map[string][]byte
}

// walkPayload reads the whole payload, returning what it yielded and the
// error that ended it (io.EOF when all went well).
func walkPayload(t testing.TB, p *Package) (walked, error) {
	t.Helper()
	r, err := p.Payload()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	w := walked{contents: map[string][]byte{}}
	for {
		e, err := r.Next()
		if err != nil {
			return w, err
		}
		w.entries = append(w.entries, *e)
		if e.File.IsRegular() && e.HardLinkOf == "" {
			b, err := io.ReadAll(r)
			if err != nil {
				return w, err
			}
			w.contents[e.File.Path] = b
		}
	}
}

func TestPayloadMatchesCpioExtraction(t *testing.T) {
	testtool.Root(t) // cpio makes device nodes
	path := kindsRPM(t)
	p := openFile(t, path)
	dir := extractWithCpio(t, path)
	w, err := walkPayload(t, p)
	if err != io.EOF {
		t.Fatalf("payload ended with %v", err)
	}
	files, _ := p.Files()
	yielded := map[string]PayloadEntry{}
	for _, e := range w.entries {
		yielded[e.File.Path] = e
	}
	for _, f := range files {
		e, ok := yielded[f.Path]
		if f.IsGhost() {
			if ok {
				t.Errorf("%s: ghost yielded", f.Path)
			}
			continue
		}
		if !ok {
			t.Errorf("%s: not yielded", f.Path)
			continue
		}
		checkAgainstDisk(t, filepath.Join(dir, f.Path), f, e, w.contents)
	}
	if len(yielded) != len(files)-1 {
		t.Errorf("yielded %d entries for %d files (one ghost)", len(yielded), len(files))
	}
	if l1 := yielded["/usr/bin/l1"]; l1.HardLinkOf != "/usr/bin/l2" {
		t.Errorf("l1 HardLinkOf = %q, want /usr/bin/l2 (rpm carries content with the last link)", l1.HardLinkOf)
	}
}

func checkAgainstDisk(t *testing.T, onDisk string, f File, e PayloadEntry, contents map[string][]byte) {
	t.Helper()
	var st syscall.Stat_t
	if err := syscall.Lstat(onDisk, &st); err != nil {
		t.Errorf("%s: cpio did not extract it: %v", f.Path, err)
		return
	}
	if st.Mode&ModeTypeMask != f.Type() {
		t.Errorf("%s: cpio made type 0%o, header says 0%o", f.Path, st.Mode&ModeTypeMask, f.Type())
	}
	switch {
	case f.IsRegular():
		want, _ := os.ReadFile(onDisk)
		got := contents[f.Path]
		if e.HardLinkOf != "" {
			got = contents[e.HardLinkOf]
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s: content differs from cpio's (%d vs %d bytes)", f.Path, len(got), len(want))
		}
	case f.IsSymlink():
		if target, _ := os.Readlink(onDisk); target != f.LinkTo {
			t.Errorf("%s: link %q, cpio made %q", f.Path, f.LinkTo, target)
		}
	case f.Type() == ModeChar || f.Type() == ModeBlock:
		if uint32(st.Rdev) != f.Rdev {
			t.Errorf("%s: rdev %d, cpio made %d", f.Path, f.Rdev, st.Rdev)
		}
	}
}

func TestCompressionMatrix(t *testing.T) {
	cases := []struct{ macro, compressor string }{
		{"w9.gzdio", "gzip"}, {"w2.xzdio", "xz"}, {"w19.zstdio", "zstd"},
		{"w9.bzdio", "bzip2"}, {"w6.lzdio", "lzma"}, {"w0.ufdio", ""},
	}
	for _, c := range cases {
		t.Run(c.macro, func(t *testing.T) {
			path := buildRPM(t, "tiny-"+c.macro, tinySpec, "_binary_payload "+c.macro)
			p := openFile(t, path)
			if p.PayloadCompressor() != c.compressor {
				t.Errorf("compressor %q, want %q", p.PayloadCompressor(), c.compressor)
			}
			want := strings.TrimSpace(rpmQuery(t, path, "--qf", "%{PAYLOADCOMPRESSOR}"))
			if got := p.PayloadCompressor(); got != want && !(got == "" && want == "(none)") {
				t.Errorf("compressor %q, rpm says %q", got, want)
			}
			dir := extractWithCpio(t, path)
			w, err := walkPayload(t, p)
			if err != io.EOF {
				t.Fatalf("payload ended with %v", err)
			}
			if len(w.entries) != 4 {
				t.Errorf("%d entries, want 4", len(w.entries))
			}
			for name, got := range w.contents {
				want, _ := os.ReadFile(filepath.Join(dir, name))
				if !bytes.Equal(got, want) {
					t.Errorf("%s differs from cpio's extraction", name)
				}
			}
		})
	}
}

// TestStreamingOpen reads a package from a plain io.Reader: the payload can
// be read once.
func TestStreamingOpen(t *testing.T) {
	data, err := os.ReadFile(kindsRPM(t))
	if err != nil {
		t.Fatal(err)
	}
	p, err := Open(io.MultiReader(bytes.NewReader(data)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := walkPayload(t, p); err != io.EOF {
		t.Fatalf("payload ended with %v", err)
	}
	if _, err := p.Payload(); err == nil {
		t.Errorf("second Payload on a stream should fail")
	}
}

// TestCorruptPayloadDetected flips a byte of file content in an uncompressed
// payload: the file digest check must catch it.
func TestCorruptPayloadDetected(t *testing.T) {
	path := buildRPM(t, "tiny-w0.ufdio", tinySpec, "_binary_payload w0.ufdio")
	data, _ := os.ReadFile(path)
	i := bytes.Index(data, []byte("hello\n"))
	if i < 0 {
		t.Fatal("content not found in uncompressed payload")
	}
	data[i] = 'j'
	p, err := Open(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	_, err = walkPayload(t, p)
	if !errors.Is(err, ErrDigest) || !strings.Contains(err.Error(), "/usr/share/tiny/a") {
		t.Fatalf("want a digest error naming the file, got %v", err)
	}
}

func TestValidatePath(t *testing.T) {
	for path, ok := range map[string]bool{
		"/usr/bin/x": true, "/": true, "usr/bin": false, "/a/../b": false, "/a/./b": false,
		"/a//b": false, "/a/": false, "/a\x00b": false, "/..": false,
	} {
		err := ValidatePath("pkg-1-1.x86_64", path)
		if (err == nil) != ok {
			t.Errorf("ValidatePath(%q) = %v, want ok=%v", path, err, ok)
		}
		if err != nil && !strings.Contains(err.Error(), "pkg-1-1.x86_64") {
			t.Errorf("error %q does not name the package", err)
		}
	}
	p := openFile(t, kindsRPM(t))
	if err := p.ValidatePaths(); err != nil {
		t.Error(err)
	}
}

func TestDecompressRejects(t *testing.T) {
	cases := map[string][]byte{
		"lzma": {0x5d, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 0},
		"xz":   []byte("not xz at all"),
		"gzip": []byte("not gzip"),
		"lzip": []byte("LZIP"),
	}
	for name, data := range cases {
		if _, err := Decompress(bytes.NewReader(data), name); err == nil {
			t.Errorf("%s: accepted %q", name, data)
		}
	}
}
