package ext4

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/disco-build/disco/internal/testtool"
)

func content(s string) func() (io.ReadCloser, error) {
	return func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(s)), nil }
}

func file(p string, mode uint32, s string) Entry {
	return Entry{Path: p, Mode: S_IFREG | mode, Size: int64(len(s)), Open: content(s), Mtime: 1600000000}
}

// kinds has every entry kind with odd owners, modes, times and xattrs.
func kinds() []Entry {
	caps := []byte{0, 0, 0, 2, 0, 0x20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}
	big := map[string][]byte{}
	for i := range 6 {
		big[fmt.Sprintf("user.attr%d", i)] = bytes.Repeat([]byte{byte('a' + i)}, 40)
	}
	setuid := file("/usr/bin/su", 0o4755, "#!/bin/sh\n")
	setuid.UID, setuid.GID = 100000, 200000
	ping := file("/usr/bin/ping", 0o755, strings.Repeat("ping", 1025))
	ping.Xattrs = map[string][]byte{"security.capability": caps}
	future := file("/var/future", 0o600, "x")
	future.Mtime = 4102444800 // 2100: needs the epoch bits
	bigx := file("/var/bigxattr", 0o644, "")
	bigx.Xattrs = big
	bigx.Xattrs["user.empty"] = nil
	return []Entry{
		{Path: "/", Mode: S_IFDIR | 0o755, Mtime: 1234567890},
		{Path: "/tmp", Mode: S_IFDIR | 0o1777, Mtime: 1},
		{Path: "/srv", Mode: S_IFDIR | 0o2750, UID: 70000, GID: 5, Mtime: 2},
		file("/empty", 0o644, ""),
		file("/exact", 0o644, strings.Repeat("A", 4096)),
		file("/plus1", 0o640, strings.Repeat("B", 4097)),
		setuid, ping, future, bigx,
		{Path: "/bin/sh", Mode: S_IFLNK | 0o777, Target: "bash", Mtime: 3},
		{Path: "/bin/slow", Mode: S_IFLNK | 0o777, Target: "/" + strings.Repeat("long/", 40) + "end", Mtime: 4},
		{Path: "/bin/edge59", Mode: S_IFLNK | 0o777, Target: strings.Repeat("e", 59)},
		{Path: "/bin/edge60", Mode: S_IFLNK | 0o777, Target: strings.Repeat("f", 60)},
		{Path: "/dev/null", Mode: S_IFCHR | 0o666, Major: 1, Minor: 3},
		{Path: "/dev/big", Mode: S_IFCHR | 0o600, Major: 300, Minor: 70000, UID: 7},
		{Path: "/dev/sda", Mode: S_IFBLK | 0o660, Major: 8, GID: 6},
		{Path: "/dev/fifo", Mode: S_IFIFO | 0o644},
		{Path: "/dev/sock", Mode: S_IFSOCK | 0o755},
		file("/h/a", 0o644, "linked"),
		{Path: "/h/b", Link: "/h/a"},
		{Path: "/h/sub/c", Link: "/h/a"},
		{Path: "/h/null2", Link: "/dev/null"},
		{Path: "/h/0chain", Link: "/h/b"}, // a link to a link, sorting before it
		file("/implied/deeper/file", 0o644, "deep"),
		{Path: "/lost+found/keep", Mode: S_IFREG | 0o600},
		{Path: "/se/link", Mode: S_IFLNK | 0o777, Target: "x", Xattrs: selinux("lnk_file")},
		{Path: "/se/dev", Mode: S_IFBLK | 0o600, Major: 259, Minor: 1, Xattrs: selinux("fixed_disk_device_t")},
		{Path: "/se", Mode: S_IFDIR | 0o755, Xattrs: selinux("etc_t")},
		{Path: "/se/na\u00efve \xff", Mode: S_IFREG | 0o644},
	}
}

func selinux(typ string) map[string][]byte {
	return map[string][]byte{"security.selinux": []byte("system_u:object_r:" + typ + ":s0\x00")}
}

func deep() []Entry {
	p := ""
	var es []Entry
	for i := range 150 {
		p += fmt.Sprintf("/d%d", i)
		es = append(es, Entry{Path: p, Mode: S_IFDIR | 0o755, Mtime: int64(i)})
	}
	return append(es, file(p+"/leaf", 0o644, "bottom"))
}

// fragmented is a file whose data blocks alternate with holes, so it has
// 2000 extents: more than fit in one extent block (340) times the four
// index slots of the inode, forcing a two-level tree.
func fragmented() Entry {
	const blocks = 4000
	return Entry{Path: "/frag", Mode: S_IFREG | 0o644, Size: blocks * blockSize, Mtime: 5,
		Open: func() (io.ReadCloser, error) {
			var b bytes.Buffer
			for i := range blocks {
				blk := make([]byte, blockSize)
				if i%2 == 0 {
					copy(blk, fmt.Sprintf("block %d", i))
				}
				b.Write(blk)
			}
			return io.NopCloser(&b), nil
		}}
}

// packed has many small files of odd sizes, which the reader packs into
// shared buffers, and files larger than a buffer between them.
func packed() []Entry {
	var es []Entry
	for i := range 300 {
		s := strings.Repeat(fmt.Sprintf("%d.", i), 1+i*i%977)
		if i%100 == 50 {
			s = strings.Repeat(fmt.Sprintf("big %d ", i), readSize/5)
		}
		es = append(es, file(fmt.Sprintf("/p/%03d", i), 0o644, s))
	}
	return es
}

func TestWriteTrees(t *testing.T) {
	needOracle(t)
	spread := testOpts() // few inodes per group: the tree spans 3 groups
	spread.Size, spread.InodeRatio = 300<<20, 4<<20
	trees := []struct {
		name    string
		entries []Entry
		opts    Options
	}{
		{"empty", nil, testOpts()},
		{"kinds", kinds(), testOpts()},
		{"deep", deep(), testOpts()},
		{"fragmented", []Entry{fragmented(), file("/after", 0o644, "after")}, testOpts()},
		{"packed", packed(), testOpts()},
		{"inodes in 3 groups", append(kinds(), deep()...), spread},
		{"no journal", kinds(), Options{NoJournal: true, Epoch: 1, ReservedPercent: 5}},
	}
	for _, tc := range trees {
		t.Run(tc.name, func(t *testing.T) {
			img := writeImage(t, tc.entries, tc.opts)
			fsck(t, img)
			verifyTree(t, img, tc.entries)
		})
	}
}

func TestExtentTreeDepth(t *testing.T) {
	needOracle(t)
	img := writeImage(t, []Entry{fragmented()}, testOpts())
	out := debugfs(t, img, []string{"ex /frag"})[0]
	if !strings.Contains(out, " 2/ 2 ") || strings.Count(out, "\n") < 2000 {
		t.Errorf("want a two-level extent tree with 2000 leaves:\n%.600s", out)
	}
}

// sparseFile is 1 GiB of zeros but for three marked blocks.
type sparseFile struct{ off, size int64 }

func (s *sparseFile) Read(p []byte) (int, error) {
	if s.off >= s.size {
		return 0, io.EOF
	}
	n := int(min(int64(len(p)), s.size-s.off))
	clear(p[:n])
	for _, mark := range []int64{0, s.size / 2, s.size - blockSize} {
		if mark >= s.off && mark < s.off+int64(n) {
			copy(p[mark-s.off:n], fmt.Sprintf("mark at %d", mark))
		}
	}
	s.off += int64(n)
	return n, nil
}

func TestSparseGiB(t *testing.T) {
	needOracle(t)
	const size = 1 << 30
	e := Entry{Path: "/sparse", Mode: S_IFREG | 0o644, Size: size, Mtime: 9,
		Open: func() (io.ReadCloser, error) { return io.NopCloser(&sparseFile{size: size}), nil }}
	img := writeImage(t, []Entry{e}, testOpts())
	fsck(t, img)
	marks := map[int64]string{}
	for _, off := range []int64{0, size / 2, size - blockSize} {
		marks[off] = fmt.Sprintf("mark at %d", off)
	}
	checkSparse(t, img, "/sparse", size, marks)
}

func TestBigDirectoryHtree(t *testing.T) {
	needOracle(t)
	var es []Entry
	for i := range 10000 {
		name := fmt.Sprintf("/big/entry-with-a-longish-name-%05d", i)
		if i%3 == 0 {
			name += "-\u00e9\xff" // bytes over 0x7f: the signed hash matters
		}
		es = append(es, file(name, 0o644, ""))
	}
	img := writeImage(t, es, testOpts())
	fsck(t, img)
	out := debugfs(t, img, []string{"htree /big", "ls /big", "stat /big/entry-with-a-longish-name-04243",
		"stat \"/big/entry-with-a-longish-name-04242-\u00e9\xff\""})
	if !strings.Contains(out[0], "Root node dump:") || !strings.Contains(out[0], "Number of entries (count):") {
		t.Errorf("htree dump:\n%.500s", out[0])
	}
	if n := strings.Count(out[1], "entry-with-a-longish-name-"); n != 10000 {
		t.Errorf("ls lists %d entries, want 10000", n)
	}
	for _, o := range out[2:] {
		if !strings.Contains(o, "Type: regular") {
			t.Errorf("lookup through the htree failed:\n%s", o)
		}
	}
	stat := debugfs(t, img, []string{"stat /big"})[0]
	if !strings.Contains(stat, "Flags: 0x81000") {
		t.Errorf("/big is not indexed:\n%s", stat)
	}
}

func TestTwoLevelHtree(t *testing.T) {
	needOracle(t)
	var es []Entry
	name := strings.Repeat("n", 200)
	for i := range 10000 { // ~19 entries a leaf: over 507 leaves
		es = append(es, Entry{Path: fmt.Sprintf("/wide/%s%05d", name, i), Mode: S_IFIFO | 0o644})
	}
	img := writeImage(t, es, testOpts())
	fsck(t, img)
	out := debugfs(t, img, []string{"htree /wide"})[0]
	if !strings.Contains(out, "Indirect levels: 1") {
		t.Errorf("want a two-level htree:\n%.400s", out)
	}
}

func TestReproducible(t *testing.T) {
	a := append(kinds(), deep()...)
	b := append(deep(), kinds()...)
	rand.New(rand.NewPCG(1, 2)).Shuffle(len(b), func(i, j int) { b[i], b[j] = b[j], b[i] })
	ha, hb := imageHash(t, a), imageHash(t, b)
	if ha != hb {
		t.Fatalf("same entries in another order give another image: %x vs %x", ha, hb)
	}
}

func imageHash(t *testing.T, es []Entry) [32]byte {
	img := writeImage(t, es, testOpts())
	data, err := os.ReadFile(img)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(data)
}

func TestFeatures(t *testing.T) {
	needOracle(t)
	img := writeImage(t, kinds(), testOpts())
	out, err := exec.Command("dumpe2fs", "-h", img).CombinedOutput()
	if err != nil {
		t.Fatalf("dumpe2fs: %v\n%s", err, out)
	}
	for _, want := range []string{
		"has_journal ext_attr resize_inode dir_index filetype extent 64bit flex_bg sparse_super large_file huge_file dir_nlink extra_isize metadata_csum",
		"Filesystem volume name:   root",
		"Filesystem UUID:          6f1c0a7e-1d2b-4c3d-9e8f-0123456789ab",
		"Inode size:	          256",
		"Checksum type:            crc32c",
		"Filesystem created:       Tue Nov 14 22:13:20 2023",
		"Last write time:          Tue Nov 14 22:13:20 2023",
		"Directory Hash Seed:      deadbeef-0102-0304-0506-0708090a0b0c",
		"Journal inode:            8",
		"Lifetime writes:",
	} {
		if want == "Lifetime writes:" {
			if strings.Contains(string(out), want) {
				t.Errorf("dumpe2fs shows %q: s_kbytes_written must be 0", want)
			}
			continue
		}
		if !strings.Contains(string(out), want) {
			t.Errorf("dumpe2fs -h lacks %q:\n%s", want, out)
		}
	}
}

func TestNoJournal(t *testing.T) {
	needOracle(t)
	img := writeImage(t, nil, Options{NoJournal: true})
	out, err := exec.Command("dumpe2fs", "-h", img).CombinedOutput()
	if err != nil || strings.Contains(string(out), "has_journal") || !strings.Contains(string(out), "resize_inode") {
		t.Errorf("dumpe2fs -h (%v):\n%s", err, out)
	}
}

func TestSizes(t *testing.T) {
	needOracle(t)
	es := append(kinds(), file("/blob", 0o644, strings.Repeat("0123456789abcdef", 1<<18)))
	min, err := MinSize(es, testOpts())
	if err != nil {
		t.Fatal(err)
	}
	o := testOpts()
	o.Size = min
	fsck(t, writeImage(t, es, o))
	o.Size = min / 2
	f, _ := os.Create(t.TempDir() + "/small.img")
	defer f.Close()
	if _, err := Write(f, es, o); err == nil || !strings.Contains(err.Error(), "too small") {
		t.Errorf("Write into half of MinSize: %v, want a too small error", err)
	}
	// Three groups, a file crossing group 1's backup superblock, reserved
	// blocks.
	es = append(es, Entry{Path: "/large", Mode: S_IFREG | 0o644, Size: 150 << 20, Mtime: 8,
		Open: func() (io.ReadCloser, error) { return io.NopCloser(io.LimitReader(&pattern{}, 150<<20)), nil }})
	o.Size = 300 << 20
	o.ReservedPercent = 5
	img := writeImage(t, es, o)
	fsck(t, img)
	verifyTree(t, img, es)
}

// pattern is an endless non-zero byte stream.
type pattern struct{ off int }

func (r *pattern) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte((r.off+i)%251 + 1)
	}
	r.off += len(p)
	return len(p), nil
}

// TestContentMismatch checks that content shorter or longer than Size is
// an error naming the file.
func TestContentMismatch(t *testing.T) {
	for _, e := range []Entry{
		{Path: "/short", Mode: S_IFREG | 0o644, Size: 10, Open: content("123")},
		{Path: "/long", Mode: S_IFREG | 0o644, Size: 2, Open: content("123")},
	} {
		f, err := os.Create(t.TempDir() + "/fs.img")
		if err != nil {
			t.Fatal(err)
		}
		_, err = Write(f, []Entry{e}, testOpts())
		f.Close()
		if err == nil || !strings.Contains(err.Error(), e.Path) {
			t.Errorf("%s: Write = %v, want an error naming the file", e.Path, err)
		}
	}
	o := testOpts()
	o.Label = "a label longer than sixteen bytes"
	if _, err := MinSize(nil, o); err == nil {
		t.Error("long label accepted")
	}
}

func TestRejects(t *testing.T) {
	for _, es := range [][]Entry{
		{{Path: "rel", Mode: S_IFREG}},
		{{Path: "/a/../b", Mode: S_IFREG}},
		{{Path: "/a", Mode: S_IFREG}, {Path: "/a", Mode: S_IFDIR}},
		{{Path: "/f", Mode: S_IFREG}, {Path: "/f/x", Mode: S_IFREG}},
		{{Path: "/l", Link: "/missing"}},
		{{Path: "/d", Mode: S_IFDIR}, {Path: "/l", Link: "/d"}},
		{{Path: "/x", Mode: S_IFREG, Xattrs: map[string][]byte{"system.posix_acl_access": {1}}}},
		{{Path: "/x", Mode: S_IFREG, Xattrs: map[string][]byte{"bogus.name": {1}}}},
		{{Path: "/x", Mode: S_IFREG, Size: 10}},
		{{Path: "/a", Link: "/b"}, {Path: "/b", Link: "/a"}},
		{{Path: "/x", Mode: S_IFLNK}},
		{{Path: "/x", Mode: 0o644}},
		{{Path: "/", Link: "/x"}, {Path: "/x", Mode: S_IFREG}},
		{{Path: "/", Mode: S_IFREG}},
		{{Path: "/" + strings.Repeat("n", 256), Mode: S_IFREG}},
	} {
		if _, err := MinSize(es, testOpts()); err == nil {
			t.Errorf("%+v: accepted", es)
		}
	}
}

// TestSparseFileOnDisk feeds a real 5 GiB sparse file (past 32-bit sizes)
// so the hole-skipping path is used, and reads its marks back by block.
func TestSparseFileOnDisk(t *testing.T) {
	needOracle(t)
	const size = 5 << 30
	src := t.TempDir() + "/sparse"
	f, err := os.Create(src)
	if err != nil {
		t.Fatal(err)
	}
	marks := map[int64]string{0: "first", 3 << 30: "middle", size - 10: "last"}
	for off, s := range marks {
		if _, err := f.WriteAt([]byte(s), off); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.Truncate(size); err != nil {
		t.Fatal(err)
	}
	f.Close()
	e := Entry{Path: "/big", Mode: S_IFREG | 0o600, Size: size, Mtime: 1,
		Open: func() (io.ReadCloser, error) { return os.Open(src) }}
	img := writeImage(t, []Entry{e}, testOpts())
	fsck(t, img)
	checkSparse(t, img, "/big", size, marks)
}

// checkSparse checks that the file at p has size bytes in exactly as many
// blocks as marks, and finds each mark at its offset through the block map.
func checkSparse(t *testing.T, img, p string, size int64, marks map[int64]string) {
	t.Helper()
	offs := slices.Sorted(maps.Keys(marks))
	var cmds []string
	for _, off := range offs {
		cmds = append(cmds, fmt.Sprintf("bmap %s %d", p, off/blockSize))
	}
	out := debugfs(t, img, append(cmds, "stat "+p))
	st := out[len(offs)]
	if !strings.Contains(st, fmt.Sprintf("Size: %d\n", size)) || !strings.Contains(st, fmt.Sprintf("Blockcount: %d\n", 8*len(marks))) {
		t.Errorf("want %d bytes in %d blocks:\n%s", size, len(marks), st)
	}
	fsImg, err := os.Open(img)
	if err != nil {
		t.Fatal(err)
	}
	defer fsImg.Close()
	for i, off := range offs {
		blk := atoi(t, strings.TrimSpace(out[i]))
		got := make([]byte, len(marks[off]))
		fsImg.ReadAt(got, blk*blockSize+off%blockSize)
		if string(got) != marks[off] {
			t.Errorf("offset %d: read %q, want %q", off, got, marks[off])
		}
	}
}

// TestResize2fs grows an image offline with resize2fs, which relies on the
// resize inode's reserved descriptor blocks, and checks the result.
func TestResize2fs(t *testing.T) {
	needOracle(t)
	testtool.Need(t, "resize2fs")
	o := testOpts()
	o.Size = 64 << 20
	img := writeImage(t, kinds(), o)
	if err := os.Truncate(img, 3<<30); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("resize2fs", img).CombinedOutput(); err != nil {
		t.Fatalf("resize2fs: %v\n%s", err, out)
	}
	fsck(t, img)
	verifyTree(t, img, kinds())
}
