package initramfs

import (
	"bytes"
	"context"
	"debug/elf"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/disco-build/disco/internal/testtool"
	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

// fakeModules writes a lib/modules/<version> tree with a modules.dep whose
// graph has a diamond (ext4 -> jbd2, mbcache -> crc16), a compressed
// module and a built-in module.
func fakeModules(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "lib", "modules", "6.1.0-test")
	files := map[string]string{
		"modules.dep": "kernel/fs/ext4/ext4.ko: kernel/fs/jbd2/jbd2.ko kernel/fs/mbcache.ko kernel/lib/crc16.ko\n" +
			"kernel/fs/jbd2/jbd2.ko: kernel/lib/crc16.ko\n" +
			"kernel/fs/mbcache.ko: kernel/lib/crc16.ko\n" +
			"kernel/lib/crc16.ko:\n" +
			"kernel/drivers/block/virtio_blk.ko.xz: kernel/drivers/virtio/virtio.ko\n" +
			"kernel/drivers/virtio/virtio.ko:\n" +
			"kernel/drivers/net/unused.ko:\n",
		"modules.builtin":                       "kernel/crypto/crc32c_generic.ko\n",
		"kernel/fs/ext4/ext4.ko":                "ext4 module",
		"kernel/fs/jbd2/jbd2.ko":                "jbd2",
		"kernel/fs/mbcache.ko":                  "mbcache",
		"kernel/lib/crc16.ko":                   "crc16!",
		"kernel/drivers/block/virtio_blk.ko.xz": "xz bytes",
		"kernel/drivers/virtio/virtio.ko":       "virtio",
	}
	for p, s := range files {
		full := filepath.Join(dir, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestModules(t *testing.T) {
	dir := fakeModules(t)
	got, err := Modules(dir, []string{"virtio-blk", "crc32c_generic", "ext4", "crc16"})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"kernel/drivers/virtio/virtio.ko", "kernel/drivers/block/virtio_blk.ko.xz",
		"kernel/lib/crc16.ko", "kernel/fs/jbd2/jbd2.ko", "kernel/fs/mbcache.ko", "kernel/fs/ext4/ext4.ko"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("Modules = %v\nwant %v", got, want)
	}
	if _, err := Modules(dir, []string{"ext4", "nosuch"}); err == nil || !strings.Contains(err.Error(), "module nosuch is not in") {
		t.Fatalf("missing module: error %v, want one naming nosuch", err)
	}
	dep := filepath.Join(dir, "modules.dep")
	os.WriteFile(dep, []byte("a.ko: b.ko\nb.ko: c.ko\nc.ko: a.ko\n"), 0o644)
	if _, err := Modules(dir, []string{"a"}); err == nil || !strings.Contains(err.Error(), "cycle a -> b -> c -> a") {
		t.Fatalf("cycle: error %v, want the cycle named", err)
	}
	os.WriteFile(dep, []byte("a.ko: b.ko\n"), 0o644)
	if _, err := Modules(dir, []string{"a"}); err == nil || !strings.Contains(err.Error(), "module b (needed by a)") {
		t.Fatalf("missing dependency: error %v, want it named with its dependant", err)
	}
	os.WriteFile(dep, []byte("/abs/a.ko:\n"), 0o644)
	if _, err := Modules(dir, []string{"a"}); err == nil || !strings.Contains(err.Error(), "modules.dep: line 1") {
		t.Fatalf("bad modules.dep: error %v, want the line named", err)
	}
}

func TestCmdline(t *testing.T) {
	got := Cmdline("0FC63DAF-8483-4772-8E79-3D69D8477DE4", "ext4", true, "", " console=ttyS0 ")
	if want := "root=PARTUUID=0fc63daf-8483-4772-8e79-3d69d8477de4 rootfstype=ext4 ro console=ttyS0"; got != want {
		t.Errorf("Cmdline = %q, want %q", got, want)
	}
	got = Cmdline("0fc63daf-8483-4772-8e79-3d69d8477de4", "", false, "/sbin/init", "")
	if want := "root=PARTUUID=0fc63daf-8483-4772-8e79-3d69d8477de4 rw init=/sbin/init"; got != want {
		t.Errorf("Cmdline = %q, want %q", got, want)
	}
}

func build(t *testing.T, opts Options) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := Build(&b, opts); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestBuildCpio reads the archive back with GNU cpio: names, modes,
// owners, the device node and the contents must be as written, and two
// builds must be byte-identical.
func TestBuildCpio(t *testing.T) {
	cpio := testtool.Need(t, "cpio")[0]
	opts := Options{Init: []byte("#!/bin/sh\necho odd-length\n"), ModulesDir: fakeModules(t),
		Modules: []string{"ext4", "virtio_blk"}, Epoch: 1700000000}
	gz := build(t, opts)
	if again := build(t, opts); !bytes.Equal(gz, again) {
		t.Fatal("two builds differ")
	}
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		t.Fatal(err)
	}
	if zr.Name != "" || !zr.ModTime.IsZero() {
		t.Errorf("gzip header has name %q, mtime %v; want neither", zr.Name, zr.ModTime)
	}
	var raw bytes.Buffer
	if _, err := raw.ReadFrom(zr); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(cpio, "-itv", "--quiet")
	cmd.Stdin = bytes.NewReader(raw.Bytes())
	cmd.Env = append(os.Environ(), "TZ=UTC", "LC_ALL=C")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("cpio -t: %v\n%s", err, out)
	}
	var names []string
	modes := map[string]string{}
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(l)
		names = append(names, f[len(f)-1])
		modes[f[len(f)-1]] = f[0] + " " + f[2] + ":" + f[3]
	}
	m := "lib/modules/6.1.0-test/"
	want := []string{"dev", "dev/console", "etc", "etc/disco-modules", "init", "lib", "lib/modules", m[:len(m)-1],
		m + "kernel", m + "kernel/drivers", m + "kernel/drivers/block", m + "kernel/drivers/block/virtio_blk.ko.xz",
		m + "kernel/drivers/virtio", m + "kernel/drivers/virtio/virtio.ko", m + "kernel/fs", m + "kernel/fs/ext4",
		m + "kernel/fs/ext4/ext4.ko", m + "kernel/fs/jbd2", m + "kernel/fs/jbd2/jbd2.ko", m + "kernel/fs/mbcache.ko",
		m + "kernel/lib", m + "kernel/lib/crc16.ko", "newroot", "proc", "sys"}
	if strings.Join(names, "\n") != strings.Join(want, "\n") {
		t.Fatalf("cpio -t lists\n%s\nwant\n%s", strings.Join(names, "\n"), strings.Join(want, "\n"))
	}
	for p, mode := range map[string]string{"dev/console": "crw------- root:root", "init": "-rwxr-xr-x root:root",
		"etc/disco-modules": "-rw-r--r-- root:root", "proc": "drwxr-xr-x root:root"} {
		if modes[p] != mode {
			t.Errorf("%s: cpio shows %q, want %q", p, modes[p], mode)
		}
	}
	if !strings.Contains(string(out), "Nov 14  2023 init") {
		t.Errorf("mtime of init is not the epoch (2023-11-14):\n%s", out)
	}
	extract(t, cpio, raw.Bytes(), opts)
}

// extract unpacks the archive with cpio -id and checks contents.
func extract(t *testing.T, cpio string, raw []byte, opts Options) {
	dir := t.TempDir()
	cmd := exec.Command(cpio, "-idm", "--quiet", "--no-absolute-filenames")
	cmd.Dir, cmd.Stdin = dir, bytes.NewReader(raw)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("cpio -id: %v\n%s", err, out)
	}
	for p, want := range map[string]string{
		"init": string(opts.Init),
		"etc/disco-modules": "/lib/modules/6.1.0-test/kernel/lib/crc16.ko\n/lib/modules/6.1.0-test/kernel/fs/jbd2/jbd2.ko\n" +
			"/lib/modules/6.1.0-test/kernel/fs/mbcache.ko\n/lib/modules/6.1.0-test/kernel/fs/ext4/ext4.ko\n" +
			"/lib/modules/6.1.0-test/kernel/drivers/virtio/virtio.ko\n" +
			"/lib/modules/6.1.0-test/kernel/drivers/block/virtio_blk.ko.xz\n",
		"lib/modules/6.1.0-test/kernel/lib/crc16.ko": "crc16!",
	} {
		b, err := os.ReadFile(filepath.Join(dir, p))
		if err != nil || string(b) != want {
			t.Errorf("%s: %q, %v; want %q", p, b, err, want)
		}
	}
	if fi, err := os.Stat(filepath.Join(dir, "init")); err != nil || fi.ModTime().Unix() != opts.Epoch {
		t.Errorf("init mtime: %v, %v; want %d", fi, err, opts.Epoch)
	}
}

func TestBuildZstdAndNone(t *testing.T) {
	opts := Options{Init: []byte("x"), Epoch: 1, Compression: "zstd"}
	zs := build(t, opts)
	d, err := zstd.NewReader(bytes.NewReader(zs))
	if err != nil {
		t.Fatal(err)
	}
	var raw bytes.Buffer
	if _, err := raw.ReadFrom(d); err != nil {
		t.Fatal(err)
	}
	opts.Compression = "none"
	if plain := build(t, opts); !bytes.Equal(plain, raw.Bytes()) {
		t.Fatal("zstd archive does not decompress to the uncompressed archive")
	}
	if !bytes.HasSuffix(raw.Bytes(), []byte("TRAILER!!!\x00\x00\x00\x00")) || raw.Len()%4 != 0 {
		t.Fatalf("archive does not end with a padded trailer: %q", raw.Bytes()[raw.Len()-16:])
	}
	opts.Compression = "lz4"
	if err := Build(&bytes.Buffer{}, opts); err == nil || !strings.Contains(err.Error(), "lz4") {
		t.Fatalf("unknown compression: error %v", err)
	}
	if err := Build(&bytes.Buffer{}, Options{}); err == nil {
		t.Fatal("no init: no error")
	}
}

// TestBuildInit compiles disco-init twice: the binaries must be identical,
// static (no ELF interpreter) and stripped.
func TestBuildInit(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go build")
	}
	dir := t.TempDir()
	var bins [2][]byte
	for i := range bins {
		p := filepath.Join(dir, fmt.Sprintf("init%d", i))
		if err := BuildInit(context.Background(), p); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		bins[i] = b
	}
	if !bytes.Equal(bins[0], bins[1]) {
		t.Fatal("two builds of disco-init differ")
	}
	f, err := elf.NewFile(bytes.NewReader(bins[0]))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Error("disco-init is dynamically linked")
		}
	}
	if f.Section(".symtab") != nil {
		t.Error("disco-init is not stripped")
	}
	t.Logf("disco-init: %d bytes", len(bins[0]))
}
