package stages

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/disco-build/disco/internal/testtool"
	"github.com/disco-build/disco/stages/lockfile"
	"github.com/disco-build/disco/stages/manifest"
	"github.com/disco-build/disco/stages/rpm"
	"github.com/disco-build/disco/stages/store"
	"github.com/disco-build/disco/stages/tree"
)

// bulkSpec has files larger than the feed's buffers (content split across
// them), many small ones (packed into one), hard links and a ghost.
const bulkSpec = `Name: bulk
Version: 1
Release: 1
Summary: b
License: MIT
BuildArch: noarch
%description
b
%install
d=%{buildroot}/usr/share/bulk
mkdir -p $d/small
seq 1 300000 > $d/big
seq 7 2 200001 > $d/medium
for i in $(seq 1 300); do echo "small $i" > $d/small/f$i; done
ln $d/big $d/big-link
printf 'VICTIM-CONTENT-0123456789\n' > $d/victim
: > $d/empty
%files
/usr/share/bulk
%ghost /usr/share/bulk/ghost
`

// installErr installs rpms into a new tree and returns it with the error.
func installErr(t *testing.T, rpms ...[]byte) (*tree.Tree, error) {
	t.Helper()
	tr, _, err := installAll(t, rpms...)
	return tr, err
}

// installAll is installErr that also returns what was installed.
func installAll(t *testing.T, rpms ...[]byte) (*tree.Tree, []Installed, error) {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "store"))
	if err != nil {
		t.Fatal(err)
	}
	var locked []lockfile.Package
	for i, data := range rpms {
		sum := sha256.Sum256(data)
		hexsum := hex.EncodeToString(sum[:])
		if err := st.Put(hexsum, bytes.NewReader(data)); err != nil {
			t.Fatal(err)
		}
		locked = append(locked, lockfile.Package{Name: "p" + string(rune('a'+i)), SHA256: hexsum})
	}
	tr, err := tree.New(filepath.Join(t.TempDir(), "root"), 1700000000)
	if err != nil {
		t.Fatal(err)
	}
	done, _, err := NewInstaller(tr, st, 1700000000, false, nil).Install(context.Background(), locked)
	return tr, done, err
}

func readAll(t *testing.T, paths ...string) [][]byte {
	t.Helper()
	var out [][]byte
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, b)
	}
	return out
}

// TestFeedPlacesEveryByte: content that spans the feed's buffers, and
// many files packed into one, land whole; each manifest digest is the
// content's and the header's.
func TestFeedPlacesEveryByte(t *testing.T) {
	testtool.Need(t, "rpmbuild")
	for _, payload := range []string{"w19.zstdio", "w0.ufdio"} {
		t.Run(payload, func(t *testing.T) {
			rpms := buildSpecs(t, t.TempDir(), payload, map[string]string{"bulk": bulkSpec})
			data := readAll(t, rpms[0])[0]
			tr, err := installErr(t, data)
			if err != nil {
				t.Fatal(err)
			}
			pkg, err := rpm.Open(bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			files, _ := pkg.Files()
			regular := 0
			for _, f := range files {
				e := tr.Manifest().Get(f.Path)
				if f.IsGhost() {
					if e != nil {
						t.Errorf("%s: ghost placed", f.Path)
					}
					continue
				}
				if e == nil {
					t.Errorf("%s: not placed", f.Path)
					continue
				}
				if !f.IsRegular() {
					continue
				}
				regular++
				got, err := os.ReadFile(tr.HostPath(f.Path))
				if err != nil {
					t.Fatal(err)
				}
				sum := sha256.Sum256(got)
				if hex.EncodeToString(sum[:]) != e.SHA256 || e.SHA256 != f.Digest || int64(len(got)) != f.Size || e.Size != f.Size {
					t.Errorf("%s: %d bytes %x on the host, manifest %d %s, header %d %s",
						f.Path, len(got), sum, e.Size, e.SHA256, f.Size, f.Digest)
				}
			}
			if regular < 300 {
				t.Errorf("only %d regular files checked", regular)
			}
			if e := tr.Manifest().Get("/usr/share/bulk/big"); e.Size < 2*feedBufSize {
				t.Errorf("big is %d bytes, not more than two feed buffers", e.Size)
			}
			big, link := tr.Manifest().Get("/usr/share/bulk/big"), tr.Manifest().Get("/usr/share/bulk/big-link")
			if big.Link == "" && link.Link == "" {
				t.Errorf("hard links not kept: %+v %+v", big, link)
			}
		})
	}
}

// TestFeedReportsCorruptContent: a payload whose bytes do not match the
// header's payload digest fails the install before a single file of the
// package is placed (it used to fail half way, once the damaged file was
// reached), naming the package, the digest and both values; the healthy
// package installed before it is placed.
func TestFeedReportsCorruptContent(t *testing.T) {
	testtool.Need(t, "rpmbuild")
	dir := t.TempDir()
	abc := strings.ReplaceAll(bulkSpec, "bulk", "abc") // installed first: a healthy package
	rpms := buildSpecs(t, dir, "w0.ufdio", map[string]string{"bulk": bulkSpec, "abc": abc})
	data := map[string][]byte{}
	for i, b := range readAll(t, rpms...) {
		data[filepath.Base(rpms[i])] = b
	}
	good, bad := data["abc.rpm"], bytes.Clone(data["bulk.rpm"])
	i := bytes.Index(bad, []byte("VICTIM-CONTENT"))
	if i < 0 {
		t.Fatal("victim content not found in the uncompressed payload")
	}
	bad[i] = 'X'
	tr, err := installErr(t, good, bad)
	if err == nil {
		t.Fatal("a corrupt file was installed")
	}
	if !errors.Is(err, rpm.ErrDigest) {
		t.Errorf("error does not wrap rpm.ErrDigest: %v", err)
	}
	var de *rpm.DigestError
	want := "bulk-1-1.noarch: package bulk-1-1.noarch: PAYLOADSHA256 (SHA-256 of the payload) does not match: expected "
	if !strings.HasPrefix(err.Error(), want) || !errors.As(err, &de) || !strings.Contains(err.Error(), de.Got) {
		t.Errorf("error:\n%v\nwant it to start with\n%s", err, want)
	}
	m := tr.Manifest()
	if e := m.Get("/usr/share/abc/big"); e == nil || e.Kind != manifest.File {
		t.Errorf("the healthy package before was not placed: %+v", e)
	}
	for _, p := range m.Paths() {
		if strings.HasPrefix(p, "/usr/share/bulk") {
			t.Errorf("%s of the corrupt package was placed", p)
		}
	}
	if _, err := os.Lstat(filepath.Join(tr.Dir(), "usr/share/bulk")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the corrupt package reached the tree on disk: %v", err)
	}
}

// TestFeedReportsTruncatedPayload: a payload that ends early fails with
// the package's name, and the install stops cleanly.
func TestFeedReportsTruncatedPayload(t *testing.T) {
	testtool.Need(t, "rpmbuild")
	rpms := buildSpecs(t, t.TempDir(), "w19.zstdio", map[string]string{"bulk": bulkSpec})
	data := readAll(t, rpms[0])[0]
	_, err := installErr(t, data[:len(data)-len(data)/4])
	if err == nil || !strings.HasPrefix(err.Error(), "bulk-1-1.noarch: ") {
		t.Fatalf("truncated payload: %v", err)
	}
}

// feedOf is a feed whose stream is items, for the installer's side.
func feedOf(items ...feedItem) *feed {
	f := &feed{out: make(chan []feedItem, 1), free: make(chan []byte, 1), done: make(chan struct{})}
	f.out <- items
	close(f.out)
	return f
}

// TestFeedContentReadAndWriteTo: both ways of reading an entry's content
// give its bytes across pieces (with a buffer release between them), then
// the digest, or the error the last piece carries.
func TestFeedContentReadAndWriteTo(t *testing.T) {
	pieces := func(last feedItem) []feedItem {
		return []feedItem{{kind: feedData, data: []byte("ab")}, {kind: feedRelease, buf: make([]byte, 1)},
			{kind: feedData, data: nil}, {kind: feedData, data: []byte("cde")}, last}
	}
	ok := feedItem{kind: feedData, data: []byte("f"), last: true, sha: "sum"}
	bad := feedItem{kind: feedData, data: []byte("f"), last: true, err: errFeedEnded}
	for _, useRead := range []bool{true, false} {
		for _, last := range []feedItem{ok, bad} {
			c := &feedContent{f: feedOf(pieces(last)...), has: true}
			var got bytes.Buffer
			var err error
			if useRead {
				_, err = got.ReadFrom(struct{ io.Reader }{c}) // hides WriteTo
			} else {
				_, err = c.WriteTo(&got)
			}
			if got.String() != "abcdef" || err != last.err {
				t.Errorf("read=%v, last err %v: got %q, %v", useRead, last.err, got.String(), err)
			}
			if want := map[bool]string{true: "sum", false: ""}[last.err == nil]; c.VerifiedSHA256() != want {
				t.Errorf("read=%v, last err %v: digest %q, want %q", useRead, last.err, c.VerifiedSHA256(), want)
			}
			if err := c.skip(); err != last.err {
				t.Errorf("skip after the end: %v", err)
			}
		}
	}
	// An entry without content reads as empty and takes nothing from the feed.
	f := feedOf(feedItem{kind: feedEnd})
	c := &feedContent{f: f, has: false}
	if n, err := c.Read(make([]byte, 4)); n != 0 || err != io.EOF {
		t.Errorf("no content: %d, %v", n, err)
	}
	if it := f.next(); it.kind != feedEnd {
		t.Errorf("content without pieces took an item: next is %+v", it)
	}
}
