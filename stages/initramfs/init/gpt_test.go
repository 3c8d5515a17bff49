package discoinit

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/disco-build/disco/internal/testtool"
	"github.com/disco-build/disco/stages/disk"
	"github.com/disco-build/disco/stages/ids"
	"golang.org/x/sys/unix"
)

// writeDisk writes a GPT disk with three partitions and returns its path
// and the partitions' GUID strings.
func writeDisk(t *testing.T) (string, []string) {
	t.Helper()
	l := disk.Layout{Table: "gpt", Size: 8 << 20, DiskGUID: ids.UUID("t/disk")}
	var want []string
	for _, n := range []string{"esp", "swap", "root"} {
		typ := map[string]string{"esp": "esp", "swap": "swap", "root": "linux"}[n]
		l.Partitions = append(l.Partitions, disk.Partition{Name: n, Size: 1 << 20, Type: typ, GUID: ids.UUID("t", n), Label: n})
		want = append(want, ids.Format(ids.UUID("t", n)))
	}
	p := filepath.Join(t.TempDir(), "disk.raw")
	if _, err := disk.WriteFile(p, l); err != nil {
		t.Fatal(err)
	}
	return p, want
}

func TestReadGPT(t *testing.T) {
	p, want := writeDisk(t)
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	parts, err := ReadGPT(f, 8<<20, 512)
	if err != nil {
		t.Fatal(err)
	}
	if len(parts) != 3 {
		t.Fatalf("got %d partitions, want 3: %+v", len(parts), parts)
	}
	for i, p := range parts {
		if p.Number != i+1 || p.GUID != want[i] || p.Name != []string{"esp", "swap", "root"}[i] {
			t.Errorf("partition %d = %+v, want number %d GUID %s", i, p, i+1, want[i])
		}
	}
	if parts[2].Type != "0fc63daf-8483-4772-8e79-3d69d8477de4" {
		t.Errorf("root type = %s, want the Linux filesystem GUID", parts[2].Type)
	}
	// sgdisk, an independent reader, must agree on the unique GUIDs.
	testtool.Need(t, "sgdisk")
	for _, p := range parts {
		out, err := exec.Command("sgdisk", "-i", string(rune('0'+p.Number)), f.Name()).CombinedOutput()
		if err != nil {
			t.Fatalf("sgdisk: %v\n%s", err, out)
		}
		if !strings.Contains(strings.ToLower(string(out)), "unique guid: "+p.GUID) {
			t.Errorf("sgdisk -i %d says\n%s\nwant unique GUID %s", p.Number, out, p.GUID)
		}
	}
}

func TestReadGPTDamaged(t *testing.T) {
	p, want := writeDisk(t)
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	b[512+30] ^= 0xff // primary header: CRC must catch it, backup must serve
	parts, err := ReadGPT(bytesReaderAt(b), int64(len(b)), 512)
	if err != nil || len(parts) != 3 || parts[2].GUID != want[2] {
		t.Fatalf("with a damaged primary header: %+v, %v; want the backup's 3 partitions", parts, err)
	}
	b[len(b)-512+30] ^= 0xff
	if _, err := ReadGPT(bytesReaderAt(b), int64(len(b)), 512); err == nil || !strings.Contains(err.Error(), "CRC32") {
		t.Fatalf("both headers damaged: error %v, want a CRC32 error", err)
	}
	b = make([]byte, 1<<20)
	if _, err := ReadGPT(bytesReaderAt(b), int64(len(b)), 512); err == nil || !strings.Contains(err.Error(), "no GPT signature") {
		t.Fatalf("blank disk: error %v, want no GPT signature", err)
	}
}

type bytesReaderAt []byte

func (b bytesReaderAt) ReadAt(p []byte, off int64) (int, error) {
	if off >= int64(len(b)) {
		return 0, errors.New("EOF")
	}
	return copy(p, b[off:]), nil
}

// TestFindPartUUID runs the finder on a fake sysfs whose /dev holds the
// disk image as "vdb"; "vda" has no GPT.
func TestFindPartUUID(t *testing.T) {
	img, want := writeDisk(t)
	root := t.TempDir()
	sys, dev := filepath.Join(root, "sys"), filepath.Join(root, "dev")
	write := func(p, s string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(sys, "vda/size"), "2048\n")
	write(filepath.Join(dev, "vda"), string(make([]byte, 1<<20)))
	write(filepath.Join(sys, "vdb/size"), "16384\n")
	write(filepath.Join(sys, "vdb/queue/logical_block_size"), "512\n")
	if err := os.Symlink(img, filepath.Join(dev, "vdb")); err != nil {
		t.Fatal(err)
	}
	write(filepath.Join(sys, "vdb/vdb1/partition"), "1\n")
	write(filepath.Join(sys, "vdb/vdb3/partition"), "3\n")
	write(filepath.Join(sys, "vdb/vdb3/dev"), "254:19\n")
	testtool.Root(t) // the finder makes the missing /dev/vdb3 with mknod
	got, err := FindPartUUID(sys, dev, want[2])
	if err != nil || got != filepath.Join(dev, "vdb3") {
		t.Fatalf("FindPartUUID(root) = %q, %v; want %s", got, err, filepath.Join(dev, "vdb3"))
	}
	var st unix.Stat_t
	if err := unix.Stat(got, &st); err != nil || st.Mode&unix.S_IFMT != unix.S_IFBLK || unix.Major(st.Rdev) != 254 || unix.Minor(st.Rdev) != 19 {
		t.Fatalf("%s: %+v, %v; want block device 254:19", got, st, err)
	}
	// Entry 2 is on the disk but the kernel shows no vdb2: wait, not fail.
	if _, err := FindPartUUID(sys, dev, want[1]); !errors.Is(err, errNotYet) {
		t.Fatalf("partition not yet in sysfs: error %v, want errNotYet", err)
	}
	if _, err := FindPartUUID(sys, dev, "00000000-0000-0000-0000-000000000001"); !errors.Is(err, errNotYet) || !strings.Contains(err.Error(), "vda") {
		t.Fatalf("unknown GUID: error %v, want errNotYet naming vda", err)
	}
}
