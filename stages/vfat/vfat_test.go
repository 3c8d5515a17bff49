package vfat

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/disco-build/disco/internal/testtool"
	"github.com/disco-build/disco/stages/ext4"
	"github.com/disco-build/disco/stages/ids"
)

const epoch = 1700000000 // 2023-11-14 22:13:20 UTC

func file(path string, data []byte) Entry {
	return Entry{Path: path, Mode: ext4.S_IFREG | 0o644, Size: int64(len(data)),
		Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }}
}

func blob(n int, seed byte) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*31+i>>12) ^ seed
	}
	if n > 1<<21 {
		clear(b[n/2 : n/2+1<<20]) // a hole, as kernels and initrds rarely have
	}
	return b
}

// espEntries is what systemd-boot needs, plus names that exercise LFN and
// short-name aliases.
func espEntries() (entries []Entry, files map[string][]byte) {
	files = map[string][]byte{
		"/EFI/BOOT/BOOTX64.EFI":       blob(120_000, 1),
		"/loader/loader.conf":         []byte("default disco.conf\ntimeout 0\n"),
		"/loader/entries/disco.conf":  []byte("title disco\nlinux /vmlinuz\ninitrd /initrd\noptions console=ttyS0\n"),
		"/vmlinuz":                    blob(11_000_000, 2),
		"/initrd":                     blob(23_000_000, 3),
		"/README.TXT":                 []byte("short exact name\n"),
		"/empty":                      nil,
		"/Mixed Case With Spaces.txt": []byte("spaces\n"),
		"/café.txt":                   []byte("unicode\n"),
		"/.hidden":                    []byte("dot\n"),
		"/a.b.c.d":                    []byte("dots\n"),
		"/this name is exactly longer than twenty-six characters.conf": []byte("three LFN entries\n"),
	}
	for i := range 12 {
		files[fmt.Sprintf("/loader/entries/longer-entry-name-%02d.conf", i)] = []byte(fmt.Sprintf("title %d\n", i))
	}
	for p, data := range files {
		entries = append(entries, file(p, data))
	}
	entries = append(entries, Entry{Path: "/EFI/Linux", Mode: ext4.S_IFDIR | 0o755})
	sort.Slice(entries, func(i, j int) bool { return entries[i].Path > entries[j].Path }) // order must not matter
	return entries, files
}

func build(t *testing.T, size int64, fat int) (string, Stats) {
	t.Helper()
	entries, _ := espEntries()
	path := filepath.Join(t.TempDir(), "esp.img")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := f.Truncate(size); err != nil {
		t.Fatal(err)
	}
	st, err := Write(f, entries, Options{Size: size, FAT: fat, VolumeID: ids.VolumeID("g/m/esp"), Label: "ESP", Epoch: epoch, HiddenSectors: 2048})
	if err != nil {
		t.Fatal(err)
	}
	return path, st
}

func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), "MTOOLS_SKIP_CHECK=1", "TZ=UTC")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %q: %v\n%s", name, args, err, out)
	}
	return string(out)
}

// TestWithOracles checks each FAT kind with fsck.vfat, blkid and mtools,
// reading every file back.
func TestWithOracles(t *testing.T) {
	testtool.Need(t, "fsck.vfat", "mcopy", "mdir", "blkid")
	for _, tc := range []struct {
		name  string
		size  int64
		fat   int
		want  int
		clust int
	}{
		{"auto-fat16", 64 << 20, 0, 16, 2048},
		{"forced-fat32", 64 << 20, 32, 32, 512},
		{"auto-fat32", 600 << 20, 0, 32, 4096},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path, st := build(t, tc.size, tc.fat)
			if st.FAT != tc.want || st.ClusterSize != tc.clust {
				t.Errorf("stats %+v, want FAT%d with %d-byte clusters", st, tc.want, tc.clust)
			}
			out := run(t, "fsck.vfat", "-n", "-v", path)
			if strings.Contains(out, "differ") || strings.Contains(out, "Free cluster summary") {
				t.Errorf("fsck.vfat -n:\n%s", out)
			}
			checkBlkid(t, path, tc.want)
			checkMtools(t, path)
		})
	}
}

func checkBlkid(t *testing.T, path string, fat int) {
	t.Helper()
	out := run(t, "blkid", "-p", "-o", "export", path)
	v := ids.VolumeID("g/m/esp")
	uuid := fmt.Sprintf("UUID=%04X-%04X\n", v>>16, v&0xffff)
	for _, want := range []string{uuid, "LABEL=ESP\n", "TYPE=vfat\n", fmt.Sprintf("VERSION=FAT%d\n", fat)} {
		if !strings.Contains(out, want) {
			t.Errorf("blkid lacks %q:\n%s", want, out)
		}
	}
}

func checkMtools(t *testing.T, path string) {
	t.Helper()
	_, files := espEntries()
	dir := filepath.Join(t.TempDir(), "out")
	run(t, "mcopy", "-i", path, "-s", "-p", "-m", "::/", dir)
	for p, want := range files {
		got, err := os.ReadFile(filepath.Join(dir, p))
		if err != nil {
			t.Errorf("mcopy did not produce %s: %v", p, err)
			continue
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s: %d bytes read back differ from the %d written", p, len(got), len(want))
		}
		fi, _ := os.Stat(filepath.Join(dir, p))
		if fi.ModTime().Unix() != epoch {
			t.Errorf("%s: mtime %v, want %d", p, fi.ModTime(), epoch)
		}
	}
	if fi, err := os.Stat(filepath.Join(dir, "EFI/Linux")); err != nil || !fi.IsDir() {
		t.Errorf("empty directory /EFI/Linux not read back: %v", err)
	}
	out := run(t, "mdir", "-i", path, "::/EFI/BOOT")
	if !strings.Contains(out, "BOOTX64  EFI    120000 2023-11-14  22:13") {
		t.Errorf("mdir ::/EFI/BOOT:\n%s", out)
	}
	if out := run(t, "mdir", "-i", path, "::/loader/entries"); !strings.Contains(out, "LONGER~1 CON") || !strings.Contains(out, "longer-entry-name-00.conf") {
		t.Errorf("mdir ::/loader/entries:\n%s", out)
	}
}

func TestReproducible(t *testing.T) {
	a, _ := build(t, 64<<20, 32)
	b, _ := build(t, 64<<20, 32)
	ab, _ := os.ReadFile(a)
	bb, _ := os.ReadFile(b)
	if !bytes.Equal(ab, bb) {
		t.Fatal("two builds differ")
	}
}

func TestMinSize(t *testing.T) {
	entries, _ := espEntries()
	opts := Options{VolumeID: 1, Label: "ESP", Epoch: epoch}
	size, err := MinSize(entries, opts)
	if err != nil {
		t.Fatal(err)
	}
	if size < 33<<20 || size > 36<<20 {
		t.Errorf("MinSize %d for about 32.5 MiB of content", size)
	}
	opts.Size = size
	if _, err := Write(discard{}, entries, opts); err != nil {
		t.Fatalf("Write at MinSize: %v", err)
	}
	opts.Size = size - 1<<20
	_, err = Write(discard{}, entries, opts)
	if err == nil || !strings.Contains(err.Error(), "too small: needs") {
		t.Fatalf("Write below MinSize: %v", err)
	}
}

type discard struct{}

func (discard) WriteAt(p []byte, _ int64) (int, error) { return len(p), nil }

func TestErrors(t *testing.T) {
	ok := Options{Size: 8 << 20}
	for _, tc := range []struct {
		entries []Entry
		opts    Options
		want    string
	}{
		{[]Entry{{Path: "/l", Mode: ext4.S_IFLNK | 0o777, Target: "x"}}, ok, "/l: FAT stores only directories and regular files"},
		{[]Entry{{Path: "/h", Mode: ext4.S_IFREG, Link: "/x"}}, ok, "/h: FAT cannot store hard links"},
		{[]Entry{file("/A", nil), file("/a", nil)}, ok, `/a: FAT names ignore case, so it clashes with "A"`},
		{[]Entry{file("/a:b", nil)}, ok, `has ':'`},
		{[]Entry{file("/x", nil), file("/x/y", nil)}, ok, "parent /x is not a directory"},
		{[]Entry{file("/x", nil), file("/x", nil)}, ok, "/x: path given twice"},
		{nil, Options{Size: 8 << 20, Label: "esp"}, `label "esp" has 'e'`},
		{nil, Options{Size: 1 << 20}, "fit no FAT16 cluster size"},
		{nil, Options{Size: 16 << 20, FAT: 32}, "FAT32 needs 65525"},
		{[]Entry{file("/big", make([]byte, 9<<20))}, ok, "too small: needs"},
	} {
		_, err := Write(discard{}, tc.entries, tc.opts)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("got %v, want %q", err, tc.want)
		}
	}
	var many []Entry
	for i := range 600 {
		many = append(many, file(fmt.Sprintf("/F%d", i), nil))
	}
	if _, err := Write(discard{}, many, ok); err == nil || !strings.Contains(err.Error(), "FAT16 root directory holds 512 entries") {
		t.Errorf("600 root entries on FAT16: %v", err)
	}
}

func TestShortNames(t *testing.T) {
	used := map[[11]byte]bool{}
	for _, tc := range []struct{ long, short string }{
		{"loader", "LOADER~1   "},
		{"longer-entry-name.conf", "LONGER~1CON"},
		{"longer-entry-name2.conf", "LONGER~2CON"},
		{".hidden", "HIDDEN~1   "},
		{"café.txt", "CAF_~1  TXT"},
		{"a.b.c.d", "ABC~1   D  "},
		{"...", "_~1        "},
	} {
		s := aliasFor(tc.long, used)
		used[s] = true
		if string(s[:]) != tc.short {
			t.Errorf("aliasFor(%q) = %q, want %q", tc.long, s, tc.short)
		}
	}
	if _, ok := exactShort("BOOTX64.EFI"); !ok {
		t.Error("BOOTX64.EFI needs an LFN")
	}
	for _, n := range []string{"bootx64.efi", "A.B.C", "TOOLONGNAME", "A.EFIX", "A.", "A B"} {
		if _, ok := exactShort(n); ok {
			t.Errorf("%q taken as an exact short name", n)
		}
	}
}
