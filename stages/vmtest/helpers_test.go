package vmtest_test

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/disco-build/disco/stages/disk"
	"github.com/disco-build/disco/stages/ext4"
	"github.com/disco-build/disco/stages/ids"
	"github.com/disco-build/disco/stages/initramfs"
	"github.com/disco-build/disco/stages/rpm"
	"github.com/disco-build/disco/stages/vfat"
)

// The helpers below build a tiny bootable machine the way
// stages/initramfs/boot_test.go does: the host's kernel, an initramfs of
// disco-init and the host's modules, and an ext4 root holding a static
// busybox and an /init that prints a marker.

const epoch = 1700000000

// marker is what the root's /init prints; then it powers off when the
// kernel command line holds vmtest.poweroff and sleeps otherwise.
const marker = "disco-marker: vmtest-root-ok"

const rootInit = "#!/bin/busybox sh\n" +
	"/bin/busybox mount -t proc proc /proc\n" +
	"/bin/busybox echo \"" + marker + " on $(/bin/busybox uname -r)\"\n" +
	"case \"$(/bin/busybox cat /proc/cmdline)\" in *vmtest.poweroff*) /bin/busybox poweroff -f ;; esac\n" +
	"exec /bin/busybox sleep 100000\n"

// initrd builds disco-init and an initramfs with the modules to reach an
// ext4 root on a virtio disk, into dir.
func initrd(t *testing.T, dir, modules string) string {
	t.Helper()
	bin := filepath.Join(dir, "disco-init")
	if err := initramfs.BuildInit(context.Background(), bin); err != nil {
		t.Fatal(err)
	}
	init, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	opts := initramfs.Options{Init: init, ModulesDir: modules, Epoch: epoch,
		Modules: []string{"virtio_pci", "virtio_blk", "crc32c_generic", "ext4"}}
	if err := initramfs.Build(&b, opts); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "initrd.img")
	if err := os.WriteFile(p, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func fileEntry(p string, mode uint32, b []byte) ext4.Entry {
	return ext4.Entry{Path: p, Mode: ext4.S_IFREG | mode, Mtime: epoch, Size: int64(len(b)),
		Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }}
}

func dirEntry(p string) ext4.Entry {
	return ext4.Entry{Path: p, Mode: ext4.S_IFDIR | 0o755, Mtime: epoch}
}

// rootFS returns the root's entries and a writer of its ext4 filesystem
// with its smallest size.
func rootFS(t *testing.T, busybox string) (int64, func(w io.WriterAt, size int64) error) {
	t.Helper()
	bb, err := os.ReadFile(busybox)
	if err != nil {
		t.Fatal(err)
	}
	entries := []ext4.Entry{dirEntry("/"), dirEntry("/bin"), dirEntry("/dev"), dirEntry("/proc"), dirEntry("/sys"),
		fileEntry("/bin/busybox", 0o755, bb), fileEntry("/init", 0o755, []byte(rootInit))}
	opts := ext4.Options{UUID: ids.UUID("vmtest/fs"), HashSeed: ids.UUID("vmtest/seed"), Epoch: epoch}
	min, err := ext4.MinSize(entries, opts)
	if err != nil {
		t.Fatal(err)
	}
	return min, func(w io.WriterAt, size int64) error {
		o := opts
		o.Size = size
		_, err := ext4.Write(w, entries, o)
		return err
	}
}

// rootImage writes the bare ext4 root (no partition table), as an
// appliance's root.img.
func rootImage(t *testing.T, dir, busybox string) string {
	t.Helper()
	min, write := rootFS(t, busybox)
	p := filepath.Join(dir, "root.img")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	size := min + 4<<20
	if err := f.Truncate(size); err != nil {
		t.Fatal(err)
	}
	if err := write(f, size); err != nil {
		t.Fatal(err)
	}
	return p
}

// uefiDisk writes a GPT disk whose ESP holds systemd-boot as the default
// boot program, a loader entry, the kernel and the initrd, and whose ext4
// root partition the entry names by PARTUUID.
func uefiDisk(t *testing.T, dir, bootEFI, kernel, initrdPath, busybox string) string {
	t.Helper()
	read := func(p string) []byte {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	rootGUID := ids.UUID("vmtest", "root")
	cmdline := initramfs.Cmdline(ids.Format(rootGUID), "ext4", true, "", "console=ttyS0 panic=-1")
	esp := []ext4.Entry{
		fileEntry("/EFI/BOOT/BOOTX64.EFI", 0o644, read(bootEFI)),
		fileEntry("/loader/loader.conf", 0o644, []byte("default disco.conf\ntimeout 0\n")),
		fileEntry("/loader/entries/disco.conf", 0o644, []byte("title disco\nlinux /vmlinuz\ninitrd /initrd.img\noptions "+cmdline+"\n")),
		fileEntry("/vmlinuz", 0o644, read(kernel)),
		fileEntry("/initrd.img", 0o644, read(initrdPath)),
	}
	espOpts := vfat.Options{VolumeID: ids.VolumeID("vmtest/esp"), Label: "ESP", Epoch: epoch, HiddenSectors: 2048}
	espMin, err := vfat.MinSize(esp, espOpts)
	if err != nil {
		t.Fatal(err)
	}
	rootMin, writeRoot := rootFS(t, busybox)
	l := disk.Layout{Table: "gpt", DiskGUID: ids.UUID("vmtest/disk"), Partitions: []disk.Partition{
		{Name: "esp", Type: "esp", GUID: ids.UUID("vmtest", "esp"), Size: espMin + 1<<20,
			Content: disk.FromFunc(espMin, func(w io.WriterAt, size int64) error {
				o := espOpts
				o.Size = size
				_, err := vfat.Write(w, esp, o)
				return err
			})},
		{Name: "root", Type: "linux", GUID: rootGUID, Size: rootMin + 4<<20, Content: disk.FromFunc(rootMin, writeRoot)},
	}}
	p := filepath.Join(dir, "disk.raw")
	if _, err := disk.WriteFile(p, l); err != nil {
		t.Fatal(err)
	}
	return p
}

// systemdBoot returns systemd-boot's EFI program: the host's, else the one
// in the real-package repository's systemd-boot-efi package (make
// real-repo), extracted into dir; or skips.
func systemdBoot(t *testing.T, dir string) string {
	t.Helper()
	const efi = "/usr/lib/systemd/boot/efi/systemd-bootx64.efi"
	if _, err := os.Stat(efi); err == nil {
		return efi
	}
	rpms, _ := filepath.Glob("../../build/real-repo/Packages/systemd-boot-efi-*.rpm")
	if len(rpms) == 0 {
		t.Skip("no systemd-bootx64.efi: apt-get install systemd-boot-efi, or make real-repo")
	}
	f, err := os.Open(rpms[0])
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	p, err := rpm.Open(f)
	if err != nil {
		t.Fatal(err)
	}
	pr, err := p.Payload()
	if err != nil {
		t.Fatal(err)
	}
	defer pr.Close()
	for {
		e, err := pr.Next()
		if err == io.EOF {
			t.Fatalf("%s has no %s", rpms[0], efi)
		}
		if err != nil {
			t.Fatal(err)
		}
		if e.File.Path == efi && e.HardLinkOf == "" {
			b, err := io.ReadAll(pr)
			if err != nil {
				t.Fatal(err)
			}
			out := filepath.Join(dir, "systemd-bootx64.efi")
			if err := os.WriteFile(out, b, 0o644); err != nil {
				t.Fatal(err)
			}
			return out
		}
	}
}
