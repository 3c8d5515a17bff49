package tree

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"strings"
	"testing"
	"time"
)

// TestHostStatIsWhatLstatSays: what the tree records of each host copy
// (mostly from the descriptor, without a final lstat) is what lstat
// reports, so Sync never mistakes disco's own writes for a program's.
func TestHostStatIsWhatLstatSays(t *testing.T) {
	tr := newTree(t)
	check(t, tr.Mkdir("/usr/lib", Meta{Mode: 0o750, UID: 3, GID: 4, Mtime: 5}))
	check(t, tr.Mkdir("/usr/lib", Meta{Mode: 0o700, Mtime: 6})) // again: an existing folder
	check(t, tr.Mkdir("/usr/lib", Meta{Mode: 0o700, Mtime: 7})) // and again, unchanged
	check(t, tr.WriteFile("/usr/lib/a", strings.NewReader("abc"), Meta{Mode: 0o4711, UID: 9, GID: 9, Mtime: 123}))
	check(t, tr.WriteFile("/usr/lib/big", strings.NewReader(strings.Repeat("x", 3*copyBufSize+5)), Meta{Mode: 0o600, Mtime: 1}))
	check(t, tr.WriteFile("/usr/lib/empty", strings.NewReader(""), Meta{Mode: 0o666, Mtime: 2}))
	check(t, tr.Link("/usr/lib/a", "/usr/lib/b"))
	check(t, tr.Symlink("a", "/usr/lib/c", Meta{UID: 2, GID: 2}))
	for _, p := range []string{"/usr", "/usr/lib", "/usr/lib/a", "/usr/lib/big", "/usr/lib/empty", "/usr/lib/b", "/usr/lib/c"} {
		fi, err := os.Lstat(tr.HostPath(p))
		check(t, err)
		got, want := tr.host[p], statOf(fi)
		if fi.IsDir() { // adding entries changes a folder's mtime (Sync looks closer then)
			got.mtime = want.mtime
		}
		if got != want {
			t.Errorf("%s: recorded %+v, lstat says %+v", p, got, want)
		}
	}
	if e := tr.Manifest().Get("/usr/lib"); e.Mode != 0o700 || e.Mtime != 7 {
		t.Errorf("/usr/lib: %+v", e)
	}
	fi, err := os.Lstat(tr.HostPath("/usr/lib/a"))
	check(t, err)
	if fi.Mode().Perm() != 0o711 || !fi.ModTime().Equal(time.Unix(123, 0)) {
		t.Errorf("host copy of /usr/lib/a: mode %v, mtime %v", fi.Mode(), fi.ModTime())
	}
	if changes, err := tr.Sync("x"); err != nil || len(changes) != 0 {
		t.Errorf("Sync after disco's own writes: %v, %v", changes, err)
	}
}

// verified is content that vouches for its digest.
type verified struct {
	io.Reader
	sum string
}

func (v *verified) VerifiedSHA256() string { return v.sum }

func TestWriteFileTrustsVerifiedContent(t *testing.T) {
	tr := newTree(t)
	fake := strings.Repeat("ab", 32)
	check(t, tr.WriteFile("/a", &verified{strings.NewReader("hello"), fake}, Meta{Mode: 0o644}))
	if e := tr.Manifest().Get("/a"); e.SHA256 != fake || e.Size != 5 {
		t.Errorf("a verified digest was not used: %+v", e)
	}
	// A reader that cannot vouch (""): the content is hashed after all.
	check(t, tr.WriteFile("/b", &verified{strings.NewReader("hello"), ""}, Meta{Mode: 0o644}))
	sum := sha256.Sum256([]byte("hello"))
	if e := tr.Manifest().Get("/b"); e.SHA256 != hex.EncodeToString(sum[:]) {
		t.Errorf("unverified content: %+v", e)
	}
	b, err := os.ReadFile(tr.HostPath("/b"))
	check(t, err)
	if string(b) != "hello" {
		t.Errorf("host copy of /b: %q", b)
	}
}

func TestWriteFileReportsContentErrors(t *testing.T) {
	tr := newTree(t)
	err := tr.WriteFile("/a", io.MultiReader(strings.NewReader("x"), &failing{}), Meta{Mode: 0o644})
	if err == nil || err.Error() != "tree: writing /a: boom" {
		t.Fatalf("WriteFile with failing content: %v", err)
	}
	err = tr.WriteFile("/a", strings.NewReader("x"), Meta{})
	if err == nil || !strings.Contains(err.Error(), "file exists") {
		t.Errorf("a half-written file must still be in the way (as before): %v", err)
	}
}

type failing struct{}

func (*failing) Read([]byte) (int, error) { return 0, errBoom }

var errBoom = errString("boom")

type errString string

func (e errString) Error() string { return string(e) }
