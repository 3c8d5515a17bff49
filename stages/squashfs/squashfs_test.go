package squashfs

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/disco-build/disco/internal/testtool"
	"github.com/disco-build/disco/stages/ext4"
)

const epoch = 1700000000

func file(path string, mode uint32, uid, gid uint32, mtime int64, data []byte) Entry {
	return Entry{Path: path, Mode: ext4.S_IFREG | mode, UID: uid, GID: gid, Mtime: mtime, Size: int64(len(data)),
		Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }}
}

func dir(path string, mode, uid, gid uint32, mtime int64) Entry {
	return Entry{Path: path, Mode: ext4.S_IFDIR | mode, UID: uid, GID: gid, Mtime: mtime}
}

func big(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i * 13 >> 9)
	}
	clear(b[n/2 : n/2+300_000]) // a hole spanning whole blocks
	return b
}

// rootfs is a small root tree with every kind of entry, odd names and
// owners and times (a minute apart, as unsquashfs -lln shows minutes).
func rootfs() []Entry {
	m := func(i int64) int64 { return epoch - 86400 + i*60 }
	return []Entry{
		dir("/", 0o755, 0, 0, m(0)),
		dir("/etc", 0o755, 0, 0, m(1)),
		file("/etc/hostname", 0o644, 0, 0, m(2), []byte("disco\n")),
		file("/etc/shadow", 0o640, 0, 42, m(3), []byte("root:*:19000::::::\n")),
		dir("/tmp", 0o1777, 0, 0, m(4)),
		file("/usr/bin/ping", 0o4755, 0, 0, m(5), []byte("\x7fELF ping")),
		{Path: "/usr/bin/ping6", Link: "/usr/bin/ping"},
		file("/usr/bin/wall", 0o2755, 0, 5, m(6), []byte("\x7fELF wall")),
		file("/usr/lib/big.bin", 0o644, 0, 0, m(7), big(1_000_000)),
		file("/usr/lib/empty", 0o600, 0, 0, m(8), nil),
		{Path: "/usr/lib/libc.so", Mode: ext4.S_IFLNK | 0o777, Mtime: m(9), Target: "libc.so.6"},
		{Path: "/bin", Mode: ext4.S_IFLNK | 0o777, Mtime: m(10), Target: "usr/bin"},
		{Path: "/usr/lib/odd link", Mode: ext4.S_IFLNK | 0o777, Mtime: m(11), Target: "../a  b/\"x\""},
		dir("/home/user", 0o700, 1000, 1000, m(12)),
		file("/home/user/a  b \"q\" \\ 100% é", 0o644, 1000, 1000, m(13), []byte("odd name\n")),
		{Path: "/dev/null", Mode: ext4.S_IFCHR | 0o666, Mtime: m(14), Major: 1, Minor: 3},
		{Path: "/dev/sda", Mode: ext4.S_IFBLK | 0o660, GID: 6, Mtime: m(15), Major: 8, Minor: 0},
		{Path: "/run/initctl", Mode: ext4.S_IFIFO | 0o600, Mtime: m(16)},
		{Path: "/run/sock", Mode: ext4.S_IFSOCK | 0o755, Mtime: m(17)},
		file("/var/lib/deep/file", 0o644, 3, 4, m(18), []byte("parents made up\n")),
	}
}

func build(t *testing.T, opts Options) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "root.squashfs")
	if err := WriteFile(context.Background(), path, rootfs(), opts); err != nil {
		t.Fatal(err)
	}
	return path
}

func unsquashfs(t *testing.T, args ...string) string {
	t.Helper()
	out, err := exec.Command("unsquashfs", args...).CombinedOutput()
	if err != nil {
		t.Fatalf("unsquashfs %q: %v\n%s", args, err, out)
	}
	return string(out)
}

// TestListing compares unsquashfs -lln with the entries: types,
// permissions, owners, sizes, devices, symlink targets and mtimes.
func TestListing(t *testing.T) {
	testtool.Need(t, "mksquashfs", "unsquashfs")
	t.Setenv("SOURCE_DATE_EPOCH", "1") // must not reach mksquashfs
	path := build(t, Options{Epoch: epoch})
	var got []string
	for _, ln := range strings.Split(strings.TrimSpace(unsquashfs(t, "-lln", "-UTC", path)), "\n") {
		got = append(got, normalize(ln))
	}
	want := expectedListing(rootfs())
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("unsquashfs -lln:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if out := unsquashfs(t, "-mkfs-time", path); strings.TrimSpace(out) != fmt.Sprint(epoch) {
		t.Errorf("mkfs time %s", out)
	}
}

// normalize collapses runs of spaces and blanks out directory sizes,
// which depend on squashfs's directory encoding.
func normalize(ln string) string {
	f := strings.Fields(ln)
	if strings.HasPrefix(f[0], "d") {
		f[2] = "*"
	}
	return strings.Join(f, " ")
}

func expectedListing(entries []Entry) []string {
	byPath := map[string]Entry{}
	for _, e := range entries {
		byPath[e.Path] = e
	}
	byPath["/usr"] = dir("/usr", 0o755, 0, 0, epoch)
	byPath["/usr/lib"] = dir("/usr/lib", 0o755, 0, 0, epoch)
	byPath["/var"] = dir("/var", 0o755, 0, 0, epoch)
	byPath["/var/lib"] = dir("/var/lib", 0o755, 0, 0, epoch)
	byPath["/var/lib/deep"] = dir("/var/lib/deep", 0o755, 0, 0, epoch)
	byPath["/home"] = dir("/home", 0o755, 0, 0, epoch)
	byPath["/dev"] = dir("/dev", 0o755, 0, 0, epoch)
	byPath["/run"] = dir("/run", 0o755, 0, 0, epoch)
	byPath["/usr/bin"] = dir("/usr/bin", 0o755, 0, 0, epoch)
	var paths []string
	for p := range byPath {
		paths = append(paths, p)
	}
	sort.Slice(paths, func(i, j int) bool {
		return strings.ReplaceAll(paths[i], "/", "\x00") < strings.ReplaceAll(paths[j], "/", "\x00")
	})
	var lines []string
	for _, p := range paths {
		e := byPath[p]
		if e.Link != "" {
			e = byPath[e.Link]
		}
		size := fmt.Sprint(e.Size)
		switch e.Mode & ext4.S_IFMT {
		case ext4.S_IFDIR:
			size = "*"
		case ext4.S_IFLNK:
			size = fmt.Sprint(len(e.Target))
		case ext4.S_IFCHR, ext4.S_IFBLK:
			size = fmt.Sprintf("%d, %d", e.Major, e.Minor)
		case ext4.S_IFIFO, ext4.S_IFSOCK:
			size = "0"
		}
		name := "squashfs-root" + strings.TrimSuffix(p, "/")
		if e.Mode&ext4.S_IFMT == ext4.S_IFLNK {
			name += " -> " + e.Target
		}
		when := time.Unix(e.Mtime, 0).UTC().Format("2006-01-02 15:04")
		lines = append(lines, normalize(fmt.Sprintf("%s %d/%d %s %s %s", lsMode(e.Mode), e.UID, e.GID, size, when, name)))
	}
	return lines
}

// lsMode renders a mode as ls -l does.
func lsMode(m uint32) string {
	typ := map[uint32]byte{ext4.S_IFDIR: 'd', ext4.S_IFREG: '-', ext4.S_IFLNK: 'l', ext4.S_IFCHR: 'c',
		ext4.S_IFBLK: 'b', ext4.S_IFIFO: 'p', ext4.S_IFSOCK: 's'}[m&ext4.S_IFMT]
	b := []byte{typ}
	for i, c := range "rwxrwxrwx" {
		if m&(1<<(8-i)) != 0 {
			b = append(b, byte(c))
		} else {
			b = append(b, '-')
		}
	}
	special := func(bit uint32, at int, set, unset byte) {
		if m&bit != 0 {
			if b[at] == 'x' {
				b[at] = set
			} else {
				b[at] = unset
			}
		}
	}
	special(0o4000, 3, 's', 'S')
	special(0o2000, 6, 's', 'S')
	special(0o1000, 9, 't', 'T')
	return string(b)
}

// TestContent reads every regular file back with unsquashfs -cat.
func TestContent(t *testing.T) {
	testtool.Need(t, "mksquashfs", "unsquashfs")
	path := build(t, Options{Epoch: epoch, Compression: "gzip", BlockSize: 64 << 10})
	for _, e := range rootfs() {
		if e.Link != "" || e.Mode&ext4.S_IFMT != ext4.S_IFREG {
			continue
		}
		out, err := exec.Command("unsquashfs", "-cat", path, globEscape(e.Path)).Output()
		if err != nil {
			t.Fatalf("unsquashfs -cat %s: %v", e.Path, err)
		}
		r, _ := e.Open()
		want, _ := io.ReadAll(r)
		if !bytes.Equal(out, want) {
			t.Errorf("%s: read back %d bytes, wrote %d, or they differ", e.Path, len(out), len(want))
		}
	}
	if out := unsquashfs(t, "-s", path); !strings.Contains(out, "Compression gzip\n") || !strings.Contains(out, "Block size 65536\n") {
		t.Errorf("superblock:\n%s", out)
	}
}

// globEscape quotes the characters unsquashfs treats as patterns.
func globEscape(p string) string {
	return strings.NewReplacer(`\`, `\\`, `*`, `\*`, `?`, `\?`, `[`, `\[`).Replace(p)
}

// TestExtractAsRoot extracts the image with unsquashfs -d (which needs
// root to make devices and set owners) and checks the tree.
func TestExtractAsRoot(t *testing.T) {
	testtool.Need(t, "mksquashfs", "unsquashfs")
	testtool.Root(t)
	path := build(t, Options{Epoch: epoch, Compression: "xz"})
	out := filepath.Join(t.TempDir(), "x")
	unsquashfs(t, "-d", out, path)
	for _, e := range rootfs() {
		var st syscall.Stat_t
		if err := syscall.Lstat(filepath.Join(out, e.Path), &st); err != nil {
			t.Errorf("%s: %v", e.Path, err)
			continue
		}
		if e.Link != "" {
			var tst syscall.Stat_t
			syscall.Lstat(filepath.Join(out, e.Link), &tst)
			if tst.Ino != st.Ino {
				t.Errorf("%s is not a hard link of %s", e.Path, e.Link)
			}
			continue
		}
		if st.Mode != e.Mode || st.Uid != e.UID || st.Gid != e.GID || st.Mtim.Sec != e.Mtime {
			t.Errorf("%s: mode %o uid %d gid %d mtime %d, want %o %d %d %d", e.Path, st.Mode, st.Uid, st.Gid, st.Mtim.Sec, e.Mode, e.UID, e.GID, e.Mtime)
		}
		if typ := e.Mode & ext4.S_IFMT; (typ == ext4.S_IFCHR || typ == ext4.S_IFBLK) && st.Rdev != (uint64(e.Major)<<8|uint64(e.Minor)) {
			t.Errorf("%s: rdev %x", e.Path, st.Rdev)
		}
		if e.Mode&ext4.S_IFMT == ext4.S_IFREG {
			got, _ := os.ReadFile(filepath.Join(out, e.Path))
			r, _ := e.Open()
			want, _ := io.ReadAll(r)
			if !bytes.Equal(got, want) {
				t.Errorf("%s: content differs", e.Path)
			}
		}
	}
}

func TestReproducible(t *testing.T) {
	testtool.Need(t, "mksquashfs")
	a, _ := os.ReadFile(build(t, Options{Epoch: epoch}))
	b, _ := os.ReadFile(build(t, Options{Epoch: epoch, Processors: 1}))
	if len(a) == 0 || !bytes.Equal(a, b) {
		t.Fatal("two builds (parallel and one processor) differ")
	}
}

// TestFailureKeepsPrevious checks that a failing build leaves the old
// image and no temporary files.
func TestFailureKeepsPrevious(t *testing.T) {
	testtool.Need(t, "mksquashfs")
	d := t.TempDir()
	path := filepath.Join(d, "img")
	os.WriteFile(path, []byte("previous"), 0o644)
	err := WriteFile(context.Background(), path, rootfs(), Options{Epoch: epoch, Program: "false"})
	if err == nil || !strings.Contains(err.Error(), "building "+path) {
		t.Fatalf("got %v", err)
	}
	bad := append(rootfs(), file("/x", 0o644, 0, 0, 0, nil))
	bad[len(bad)-1].Size = 5 // content shorter than the size
	if err := WriteFile(context.Background(), path, bad, Options{Epoch: epoch}); err == nil || !strings.Contains(err.Error(), "/x: content has 0 bytes, entry says 5") {
		t.Fatalf("short content: %v", err)
	}
	if ents, _ := os.ReadDir(d); len(ents) != 1 {
		t.Errorf("folder holds %d entries", len(ents))
	}
	if b, _ := os.ReadFile(path); string(b) != "previous" {
		t.Error("previous image replaced")
	}
}

func TestErrors(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "img")
	for _, tc := range []struct {
		entries []Entry
		opts    Options
		want    string
	}{
		{[]Entry{{Path: "/a", Mode: ext4.S_IFREG, Xattrs: map[string][]byte{"user.x": nil}}}, Options{}, "/a: extended attributes are not supported"},
		{nil, Options{Compression: "brotli"}, `compression "brotli"`},
		{nil, Options{BlockSize: 3000}, "block size 3000"},
		{[]Entry{{Path: "/a/../b", Mode: ext4.S_IFDIR}}, Options{}, "not absolute and clean"},
		{[]Entry{{Path: "/a", Mode: ext4.S_IFREG}, {Path: "/a/b", Mode: ext4.S_IFREG}}, Options{}, "/a/b: parent /a is not a directory"},
		{[]Entry{{Path: "/h", Link: "/nowhere"}}, Options{}, "hard link target /nowhere is not in the entries"},
		{[]Entry{{Path: "/l", Mode: ext4.S_IFLNK | 0o777}}, Options{}, "symlink target"},
		{[]Entry{{Path: "/n\nl", Mode: ext4.S_IFREG}}, Options{}, "newlines"},
	} {
		if err := WriteFile(ctx, path, tc.entries, tc.opts); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("got %v, want %q", err, tc.want)
		}
	}
}
