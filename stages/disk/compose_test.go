package disk

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/disco-build/disco/internal/testtool"
	"github.com/disco-build/disco/stages/ext4"
	"github.com/disco-build/disco/stages/ids"
	"github.com/disco-build/disco/stages/squashfs"
	"github.com/disco-build/disco/stages/vfat"
)

func regular(path string, data []byte) ext4.Entry {
	return ext4.Entry{Path: path, Mode: ext4.S_IFREG | 0o644, Mtime: 1700000000, Size: int64(len(data)),
		Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }}
}

// composeLayout is a bootable-shaped disk: a FAT ESP and an ext4 root
// written in place by their writers, and a squashfs /usr image copied in.
func composeLayout(t *testing.T, usrImg string) Layout {
	esp := []ext4.Entry{
		regular("/EFI/BOOT/BOOTX64.EFI", bytes.Repeat([]byte("efi!"), 30000)),
		regular("/loader/entries/disco.conf", []byte("title disco\nlinux /vmlinuz\n")),
	}
	espOpts := vfat.Options{VolumeID: ids.VolumeID("g/m/esp"), Label: "ESP", Epoch: 1700000000, HiddenSectors: 2048}
	espMin, err := vfat.MinSize(esp, espOpts)
	if err != nil {
		t.Fatal(err)
	}
	root := []ext4.Entry{regular("/etc/hostname", []byte("m\n")), {Path: "/usr", Mode: ext4.S_IFDIR | 0o755}}
	rootOpts := ext4.Options{UUID: ids.UUID("g/m/root/fs"), Epoch: 1700000000, Label: "root"}
	rootMin, err := ext4.MinSize(root, rootOpts)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(usrImg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	fi, _ := f.Stat()
	return Layout{Table: "gpt", DiskGUID: ids.UUID("g/m/disk"), Partitions: []Partition{
		{Name: "esp", Size: 64 << 20, Type: "esp", GUID: ids.UUID("g/m/esp"), Label: "esp",
			Content: FromFunc(espMin, func(w io.WriterAt, size int64) error {
				o := espOpts
				o.Size = size
				_, err := vfat.Write(w, esp, o)
				return err
			})},
		{Name: "usr", Type: "linux-usr-x86-64", GUID: ids.UUID("g/m/usr"), Content: FromReaderAt(f, fi.Size())},
		{Name: "root", Size: 32 << 20, Type: "linux-root-x86-64", GUID: ids.UUID("g/m/root"),
			Content: FromFunc(rootMin, func(w io.WriterAt, size int64) error {
				o := rootOpts
				o.Size = size
				_, err := ext4.Write(w, root, o)
				return err
			})},
	}}
}

// TestComposedFilesystems writes real filesystems into partitions and
// checks them at their offsets with fsck.vfat, mtools, e2fsck and
// unsquashfs, and byte for byte against standalone builds.
func TestComposedFilesystems(t *testing.T) {
	testtool.Need(t, "sgdisk", "fsck.vfat", "mdir", "e2fsck", "mksquashfs", "unsquashfs")
	dir := t.TempDir()
	usr := filepath.Join(dir, "usr.squashfs")
	err := squashfs.WriteFile(context.Background(), usr, []ext4.Entry{regular("/bin/true", []byte("#!/bin/sh\n"))}, squashfs.Options{Epoch: 1700000000})
	if err != nil {
		t.Fatal(err)
	}
	path, p := writeFile(t, composeLayout(t, usr))
	if out := run(t, "sgdisk", "-v", path); !strings.Contains(out, "No problems found") {
		t.Errorf("sgdisk -v:\n%s", out)
	}
	img, _ := os.ReadFile(path)
	part := func(i int) []byte { return img[p.Parts[i].Start : p.Parts[i].Start+p.Parts[i].Size] }
	extract := func(i int, name string) string {
		out := filepath.Join(dir, name)
		if err := os.WriteFile(out, part(i), 0o644); err != nil {
			t.Fatal(err)
		}
		return out
	}
	esp := extract(0, "esp.img")
	run(t, "fsck.vfat", "-n", esp)
	if out := run(t, "mdir", "-i", path+"@@1M", "::/EFI/BOOT"); !strings.Contains(out, "BOOTX64  EFI    120000") {
		t.Errorf("mdir at the partition offset:\n%s", out)
	}
	run(t, "e2fsck", "-fn", extract(2, "root.img"))
	want, _ := os.ReadFile(usr)
	if !bytes.Equal(part(1)[:len(want)], want) {
		t.Error("usr partition does not start with the squashfs image")
	}
	if out := run(t, "unsquashfs", "-o", itoa(p.Parts[1].Start), "-lln", path); !strings.Contains(out, "squashfs-root/bin/true") {
		t.Errorf("unsquashfs at the partition offset:\n%s", out)
	}
	// The ESP in the disk equals the same filesystem written on its own.
	l := composeLayout(t, usr)
	alone := &memWriter{b: make([]byte, p.Parts[0].Size)}
	if err := l.Partitions[0].Content.Fill(alone, p.Parts[0].Size); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(alone.b, part(0)) {
		t.Error("ESP partition differs from a standalone build")
	}
}

type memWriter struct{ b []byte }

func (m *memWriter) WriteAt(p []byte, off int64) (int, error) {
	return copy(m.b[off:], p), nil
}
