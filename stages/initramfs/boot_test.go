package initramfs_test

import (
	"bytes"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/disco-build/disco/internal/testtool"
	"github.com/disco-build/disco/stages/disk"
	"github.com/disco-build/disco/stages/ext4"
	"github.com/disco-build/disco/stages/ids"
	"github.com/disco-build/disco/stages/initramfs"
	"github.com/klauspost/compress/zstd"
	"github.com/ulikunitz/xz"
)

const epoch = 1700000000

// rootDisk writes a GPT disk whose ext4 root partition holds busybox and
// an /init script printing the marker, and returns the disk and the root
// partition's PARTUUID.
func rootDisk(t *testing.T, busybox string) (string, string) {
	t.Helper()
	bb, err := os.ReadFile(busybox)
	if err != nil {
		t.Fatal(err)
	}
	script := "#!/bin/busybox sh\n/bin/busybox echo \"disco-marker: $(/bin/busybox cat /etc/marker) on $(/bin/busybox cat /proc/cmdline | /bin/busybox wc -c) byte cmdline\"\n/bin/busybox poweroff -f\n"
	file := func(p string, mode uint32, b []byte) ext4.Entry {
		return ext4.Entry{Path: p, Mode: ext4.S_IFREG | mode, Mtime: epoch, Size: int64(len(b)),
			Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }}
	}
	dir := func(p string) ext4.Entry { return ext4.Entry{Path: p, Mode: ext4.S_IFDIR | 0o755, Mtime: epoch} }
	entries := []ext4.Entry{dir("/"), dir("/bin"), dir("/dev"), dir("/proc"), dir("/sys"), dir("/etc"),
		file("/bin/busybox", 0o755, bb), file("/init", 0o755, []byte(script)), file("/etc/marker", 0o644, []byte("ext4-root-ok\n"))}
	opts := ext4.Options{UUID: ids.UUID("boot-test/fs"), HashSeed: ids.UUID("boot-test/seed"), Epoch: epoch}
	min, err := ext4.MinSize(entries, opts)
	if err != nil {
		t.Fatal(err)
	}
	guid := ids.UUID("boot-test", "root")
	l := disk.Layout{Table: "gpt", DiskGUID: ids.UUID("boot-test"), Partitions: []disk.Partition{{
		Name: "root", Type: "linux", GUID: guid, Size: min + 4<<20,
		Content: disk.FromFunc(min, func(w io.WriterAt, size int64) error {
			o := opts
			o.Size = size
			_, err := ext4.Write(w, entries, o)
			return err
		}),
	}}}
	p := filepath.Join(t.TempDir(), "disk.raw")
	if _, err := disk.WriteFile(p, l); err != nil {
		t.Fatal(err)
	}
	return p, ids.Format(guid)
}

// TestBootQEMU boots the host's Debian kernel under qemu (TCG) with an
// initramfs from Build and disco-init, root on an ext4 GPT partition named
// by PARTUUID; the root's /init must print the marker. A second boot, from
// a zstd archive, names a PARTUUID no disk has: disco-init must say so and
// power off.
func TestBootQEMU(t *testing.T) {
	if testing.Short() {
		t.Skip("boots a VM")
	}
	qemu := testtool.Need(t, "qemu-system-x86_64")[0]
	kernel, modules := testtool.HostKernel(t)
	busybox := testtool.StaticBusybox(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	dir := t.TempDir()
	initBin := filepath.Join(dir, "disco-init")
	if err := initramfs.BuildInit(ctx, initBin); err != nil {
		t.Fatal(err)
	}
	bin, err := os.ReadFile(initBin)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"virtio_pci", "virtio_blk", "crc32c_generic", "ext4"}
	opts := initramfs.Options{Init: bin, ModulesDir: compressedModules(t, modules, want), Epoch: epoch, Modules: want}
	writeInitrd := func(name string) (string, int) {
		var b bytes.Buffer
		if err := initramfs.Build(&b, opts); err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return p, b.Len()
	}
	initrdPath, initrdSize := writeInitrd("initrd.gz")
	opts.Compression = "zstd"
	zstdPath, _ := writeInitrd("initrd.zst")
	diskPath, partuuid := rootDisk(t, busybox)
	boot := func(initrdPath, cmdline string) (string, time.Duration) {
		cmd := exec.CommandContext(ctx, qemu, "-nodefaults", "-nographic", "-serial", "stdio", "-no-reboot",
			"-accel", "tcg", "-m", "512", "-kernel", kernel, "-initrd", initrdPath,
			"-drive", "file="+diskPath+",if=virtio,format=raw,readonly=on",
			"-append", "console=ttyS0 panic=-1 "+cmdline)
		start := time.Now()
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("qemu: %v\n%s", err, out)
		}
		return strings.ReplaceAll(string(out), "\r", ""), time.Since(start)
	}
	out, took := boot(initrdPath, initramfs.Cmdline(partuuid, "ext4", true, "", "disco.debug"))
	if !strings.Contains(out, "disco-marker: ext4-root-ok") || !strings.Contains(out, "disco-init: loaded 11 modules") {
		t.Fatalf("no marker on the console:\n%s", out)
	}
	if testing.Verbose() {
		t.Log(out)
	}
	t.Logf("booted to the marker and powered off in %.1f s (TCG, %d-byte gzip initramfs)", took.Seconds(), initrdSize)

	// The zstd archive must unpack too (the kernel says so otherwise, and
	// then finds no /init).
	out, _ = boot(zstdPath, initramfs.Cmdline("00000000-1111-2222-3333-444444444444", "", true, "", "disco.rootwait=1"))
	if strings.Contains(out, "Initramfs unpacking failed") || !strings.Contains(out, "disco-init: error: root device") || !strings.Contains(out, "PARTUUID 00000000-1111-2222-3333-444444444444") ||
		!strings.Contains(out, "reboot: Power down") {
		t.Fatalf("a missing root must be reported and power off:\n%s", out)
	}
}

// compressedModules copies the closure of names out of the modules
// directory into a new one of the same version, compressing crc16 with xz
// and ext4 with zstd (Go's xz is slow under TCG: 9 s for ext4), so the boot exercises disco-init's decompression.
func compressedModules(t *testing.T, modules string, names []string) string {
	t.Helper()
	rels, err := initramfs.Modules(modules, names)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), filepath.Base(modules))
	rename := map[string]string{}
	for _, rel := range rels {
		b, err := os.ReadFile(filepath.Join(modules, rel))
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		var w io.WriteCloser = nopWriteCloser{&buf}
		switch filepath.Base(rel) {
		case "crc16.ko":
			rename[rel] = rel + ".xz"
			if w, err = xz.NewWriter(&buf); err != nil {
				t.Fatal(err)
			}
		case "ext4.ko":
			rename[rel] = rel + ".zst"
			if w, err = zstd.NewWriter(&buf); err != nil {
				t.Fatal(err)
			}
		default:
			rename[rel] = rel
		}
		if _, err := w.Write(b); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, rename[rel])
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	dep, err := os.ReadFile(filepath.Join(modules, "modules.dep"))
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	for _, line := range strings.Split(string(dep), "\n") {
		f := strings.Fields(strings.Replace(line, ":", " : ", 1))
		if len(f) < 2 || rename[f[0]] == "" {
			continue
		}
		for i, p := range f {
			if r, ok := rename[p]; ok {
				f[i] = r
			}
		}
		out.WriteString(strings.Replace(strings.Join(f, " "), " :", ":", 1) + "\n")
	}
	if err := os.WriteFile(filepath.Join(dir, "modules.dep"), []byte(out.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(filepath.Join(modules, "modules.builtin")); err == nil {
		os.WriteFile(filepath.Join(dir, "modules.builtin"), b, 0o644)
	}
	return dir
}

type nopWriteCloser struct{ io.Writer }

func (nopWriteCloser) Close() error { return nil }
