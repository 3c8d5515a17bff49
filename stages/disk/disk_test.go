package disk

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/disco-build/disco/internal/testtool"
	"github.com/disco-build/disco/stages/ids"
	"github.com/disco-build/disco/stages/swap"
)

const mib = 1 << 20

// pattern returns n bytes that differ from block to block, with a zero
// hole in the middle (to exercise the sparse copy).
func pattern(n int, seed byte) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7+i/4096) ^ seed
	}
	clear(b[n/3 : n/3+256<<10])
	return b
}

// patternFill is a FromFunc content writing a pattern over the whole
// partition it gets, in two pieces.
func patternFill(min int64, seed byte) Content {
	return FromFunc(min, func(w io.WriterAt, size int64) error {
		b := pattern(int(size), seed)
		if _, err := w.WriteAt(b[:size/2], 0); err != nil {
			return err
		}
		_, err := w.WriteAt(b[size/2:], size/2)
		return err
	})
}

func gptLayout(size int64) Layout {
	esp := pattern(3*mib+1000, 1)
	return Layout{
		Table:    "gpt",
		Size:     size,
		DiskGUID: ids.UUID("g/m/disk"),
		Partitions: []Partition{
			{Name: "esp", Size: 8 * mib, Type: "esp", GUID: ids.UUID("g/m/esp"), Label: "esp",
				Content: FromReaderAt(bytes.NewReader(esp), int64(len(esp))), Mount: "/boot/efi", FSType: "vfat", FSUUID: "1234-ABCD", Options: "umask=0077"},
			{Name: "root", Type: "linux-root-x86-64", GUID: ids.UUID("g/m/root"), Label: "root", Bootable: true,
				Content: patternFill(5*mib, 2), Mount: "/", FSType: "ext4", FSUUID: ids.Format(ids.UUID("g/m/root/fs"))},
			{Name: "swap", Size: 4 * mib, Type: "swap", GUID: ids.UUID("g/m/swap"), Label: "swap", FSType: "swap", FSUUID: "x",
				Content: FromFunc(swap.MinPages*4096, func(w io.WriterAt, size int64) error {
					return swap.Write(w, size, swap.Options{UUID: ids.UUID("g/m/swap/fs"), Label: "swap"})
				})},
		},
	}
}

func writeFile(t *testing.T, l Layout) (string, Plan) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "disk.img")
	p, err := WriteFile(path, l)
	if err != nil {
		t.Fatal(err)
	}
	return path, p
}

func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %q: %v\n%s", name, args, err, out)
	}
	return string(out)
}

func TestGPTPlan(t *testing.T) {
	p, err := gptLayout(64 * mib).Plan()
	if err != nil {
		t.Fatal(err)
	}
	want := []Extent{{"esp", 1 * mib, 8 * mib}, {"root", 9 * mib, 64*mib - 9*mib - 4*mib - mib}, {"swap", 59 * mib, 4 * mib}}
	if p.Size != 64*mib || len(p.Parts) != 3 {
		t.Fatalf("plan %+v", p)
	}
	for i, e := range want {
		if p.Parts[i] != e {
			t.Errorf("partition %d: got %+v, want %+v", i, p.Parts[i], e)
		}
	}
	// Without a disk size the rest partition gets its content's size.
	p, err = gptLayout(0).Plan()
	if err != nil {
		t.Fatal(err)
	}
	if p.Parts[1].Size != 5*mib || p.Size != 1*mib+8*mib+5*mib+4*mib+mib {
		t.Errorf("auto-sized plan %+v", p)
	}
}

// TestGPTWithOracles checks the image with sgdisk and reads every
// partition back at its offset.
func TestGPTWithOracles(t *testing.T) {
	testtool.Need(t, "sgdisk", "blkid")
	l := gptLayout(64 * mib)
	path, p := writeFile(t, l)
	if out := run(t, "sgdisk", "-v", path); !strings.Contains(out, "No problems found") {
		t.Errorf("sgdisk -v:\n%s", out)
	}
	for i, part := range l.Partitions {
		out := run(t, "sgdisk", "-i", string(rune('1'+i)), path)
		typ, _ := TypeGUID(part.Type)
		for _, want := range []string{
			"Partition GUID code: " + typ,
			"Partition unique GUID: " + strings.ToUpper(ids.Format(part.GUID)),
			"First sector: " + itoa(p.Parts[i].Start/SectorSize) + " ",
			"Partition size: " + itoa(p.Parts[i].Size/SectorSize) + " sectors",
			"Partition name: '" + part.Label + "'",
			map[bool]string{false: "Attribute flags: 0000000000000000", true: "Attribute flags: 0000000000000004"}[part.Bootable],
		} {
			if !strings.Contains(out, want) {
				t.Errorf("sgdisk -i %d lacks %q:\n%s", i+1, want, out)
			}
		}
	}
	if out := run(t, "sgdisk", "-p", path); !strings.Contains(out, "Disk identifier (GUID): "+strings.ToUpper(ids.Format(l.DiskGUID))) {
		t.Errorf("sgdisk -p:\n%s", out)
	}
	img, _ := os.ReadFile(path)
	if want := sgdiskProtectiveMBR(t, p.Size); !bytes.Equal(img[446:512], want) {
		t.Errorf("protective MBR entry\n%x\nsgdisk writes\n%x", img[446:512], want)
	}
	esp := pattern(3*mib+1000, 1)
	if got := img[p.Parts[0].Start : p.Parts[0].Start+int64(len(esp))]; !bytes.Equal(got, esp) {
		t.Error("esp content differs at its offset")
	}
	if rest := img[p.Parts[0].Start+int64(len(esp)) : p.Parts[1].Start]; !bytes.Equal(rest, make([]byte, len(rest))) {
		t.Error("bytes after the esp content are not zero")
	}
	root := p.Parts[1]
	if !bytes.Equal(img[root.Start:root.Start+root.Size], pattern(int(root.Size), 2)) {
		t.Error("root content differs at its offset")
	}
	out := run(t, "blkid", "-p", "-o", "export", "-O", itoa(p.Parts[2].Start), path)
	if !strings.Contains(out, "UUID="+ids.Format(ids.UUID("g/m/swap/fs"))) || !strings.Contains(out, "TYPE=swap") {
		t.Errorf("blkid on the swap partition:\n%s", out)
	}
}

// sgdiskProtectiveMBR returns the partition entries and signature sgdisk
// writes in the protective MBR of a disk of size bytes.
func sgdiskProtectiveMBR(t *testing.T, size int64) []byte {
	path := filepath.Join(t.TempDir(), "sgdisk.img")
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(path, size); err != nil {
		t.Fatal(err)
	}
	run(t, "sgdisk", "-o", path)
	b, _ := os.ReadFile(path)
	return b[446:512]
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestReproducibleAndSparse(t *testing.T) {
	a, _ := writeFile(t, gptLayout(64*mib))
	b, _ := writeFile(t, gptLayout(64*mib))
	ab, _ := os.ReadFile(a)
	bb, _ := os.ReadFile(b)
	if !bytes.Equal(ab, bb) {
		t.Fatal("two builds differ")
	}
	fi, err := os.Stat(a)
	if err != nil {
		t.Fatal(err)
	}
	// Content is 3 MiB (esp) + 55 MiB (root) + one swap page; zero holes
	// (the 256 KiB in each pattern, the rest of the esp and swap) are not
	// allocated.
	if used := fi.Sys().(*syscall.Stat_t).Blocks * 512; used >= 63*mib {
		t.Errorf("image uses %d bytes on disk; expected holes", used)
	}
	if fi.Mode().Perm() != 0o644 {
		t.Errorf("mode %v", fi.Mode())
	}
}

func TestMBR(t *testing.T) {
	testtool.Need(t, "sfdisk")
	l := Layout{Table: "mbr", DiskID: ids.VolumeID("g/m/disk"), Partitions: []Partition{
		{Name: "boot", Size: 2 * mib, Type: "esp", Bootable: true, Content: patternFill(mib, 3)},
		{Name: "root", Size: 3 * mib, Type: "83", Content: patternFill(mib, 4)},
		{Name: "swap", Size: 1 * mib, Type: "swap"},
	}}
	path, p := writeFile(t, l)
	if p.Size != 7*mib {
		t.Errorf("disk size %d, want %d", p.Size, 7*mib)
	}
	out := run(t, "sfdisk", "-d", path)
	for _, want := range []string{
		"label: dos", "label-id: 0x" + hex32(l.DiskID),
		"disk.img1 : start=        2048, size=        4096, type=ef, bootable",
		"disk.img2 : start=        6144, size=        6144, type=83\n",
		"disk.img3 : start=       12288, size=        2048, type=82\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("sfdisk -d lacks %q:\n%s", want, out)
		}
	}
	if out := run(t, "sfdisk", "--verify", path); !strings.Contains(out, "No errors detected") {
		t.Errorf("sfdisk --verify:\n%s", out)
	}
	img, _ := os.ReadFile(path)
	if !bytes.Equal(img[3*mib:6*mib], pattern(3*mib, 4)) {
		t.Error("root content differs at its offset")
	}
}

func hex32(v uint32) string { return fmt.Sprintf("%08x", v) }

// TestTooSmall checks that a layout that does not fit fails with the
// numbers and before anything is created or replaced.
func TestTooSmall(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "disk.img")
	if err := os.WriteFile(path, []byte("previous"), 0o644); err != nil {
		t.Fatal(err)
	}
	l := gptLayout(16 * mib)
	_, err := WriteFile(path, l)
	if err == nil {
		t.Fatal("16 MiB disk accepted")
	}
	for _, want := range []string{"needs 18891264 bytes", "disk size is 16777216 bytes", "esp: 8388608 bytes", "root: 5242880 bytes", "swap: 4194304 bytes"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q: %v", want, err)
		}
	}
	l = gptLayout(64 * mib)
	l.Partitions[0].Size = 2 * mib
	l.Partitions[1].Type = "no-such-type"
	_, err = WriteFile(path, l)
	for _, want := range []string{"partition esp too small: content needs 3146728 bytes, partition has 2097152", `partition root: GPT partition type "no-such-type"`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q: %v", want, err)
		}
	}
	assertOnly(t, dir, path, "previous")
}

// TestInterrupted checks that a failing content leaves the previous
// image in place and no temporary file behind.
func TestInterrupted(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "disk.img")
	if err := os.WriteFile(path, []byte("previous"), 0o644); err != nil {
		t.Fatal(err)
	}
	l := gptLayout(64 * mib)
	boom := errors.New("boom")
	l.Partitions[1].Content = FromFunc(mib, func(io.WriterAt, int64) error { return boom })
	if _, err := WriteFile(path, l); !errors.Is(err, boom) || !strings.Contains(err.Error(), "partition root") {
		t.Fatalf("got %v", err)
	}
	l.Partitions[1].Content = FromFunc(mib, func(w io.WriterAt, size int64) error {
		_, err := w.WriteAt([]byte{1}, size)
		return err
	})
	if _, err := WriteFile(path, l); err == nil || !strings.Contains(err.Error(), "past its end") {
		t.Fatalf("write past the partition end: %v", err)
	}
	assertOnly(t, dir, path, "previous")
}

func assertOnly(t *testing.T, dir, path, content string) {
	t.Helper()
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 {
		t.Errorf("folder holds %d entries, want only %s", len(ents), filepath.Base(path))
	}
	if b, _ := os.ReadFile(path); string(b) != content {
		t.Errorf("%s was replaced", path)
	}
}

func TestPlanErrors(t *testing.T) {
	for _, tc := range []struct {
		l    Layout
		want string
	}{
		{Layout{Table: "apm"}, `"apm" is neither`},
		{Layout{Table: "mbr", Partitions: make([]Partition, 5)}, "4 primary partitions, layout has 5"},
		{Layout{Table: "gpt", Partitions: []Partition{{Name: "a", Type: "linux"}}}, "a has no GUID"},
		{Layout{Table: "gpt", Partitions: []Partition{{Name: "a", Type: "linux", GUID: ids.UUID("a")}}}, "fills the rest, but the disk has no size"},
		{Layout{Table: "gpt", Size: 8 * mib, Partitions: []Partition{{Name: "a", Type: "linux", GUID: ids.UUID("a")}, {Name: "b", Type: "linux", GUID: ids.UUID("b")}}}, "a and b both fill the rest"},
		{Layout{Table: "mbr", Partitions: []Partition{{Name: "a", Size: mib, Type: "zz"}}}, `"zz" is neither`},
		{Layout{Table: "gpt", Partitions: []Partition{{Name: "a", Size: mib, Type: "linux", GUID: ids.UUID("a"), Label: strings.Repeat("x", 37)}}}, "37 UTF-16 units"},
	} {
		if _, err := tc.l.Plan(); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: got %v, want %q", tc.l.Partitions, err, tc.want)
		}
	}
}

func TestFstab(t *testing.T) {
	l := gptLayout(64 * mib)
	got, err := Fstab(l, "uuid")
	if err != nil {
		t.Fatal(err)
	}
	want := "UUID=" + ids.Format(ids.UUID("g/m/root/fs")) + " / ext4 defaults 0 1\n" +
		"UUID=1234-ABCD /boot/efi vfat umask=0077 0 2\n" +
		"UUID=x none swap defaults 0 0\n"
	if got != want {
		t.Errorf("by uuid:\n%s\nwant:\n%s", got, want)
	}
	got, _ = Fstab(l, "partuuid")
	if !strings.HasPrefix(got, "PARTUUID="+ids.Format(ids.UUID("g/m/root"))+" / ext4") {
		t.Errorf("by partuuid:\n%s", got)
	}
	m := Layout{Table: "mbr", DiskID: 0xdeadbeef, Partitions: []Partition{{Name: "r", Mount: "/", FSType: "ext4"}, {Name: "s", Mount: "/srv", FSType: "xfs"}}}
	got, _ = Fstab(m, "partuuid")
	if got != "PARTUUID=deadbeef-01 / ext4 defaults 0 1\nPARTUUID=deadbeef-02 /srv xfs defaults 0 2\n" {
		t.Errorf("mbr by partuuid:\n%s", got)
	}
	if _, err := Fstab(m, "uuid"); err == nil || !strings.Contains(err.Error(), "partition r has no filesystem UUID") {
		t.Errorf("missing FSUUID: %v", err)
	}
	if _, err := Fstab(m, "label"); err == nil {
		t.Error("by label accepted")
	}
}
