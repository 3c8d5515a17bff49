// Package examples_test builds the examples that use real software (the
// real-package repository, `make real-repo`) in every output format and
// boots them under qemu to their root-printed markers.
package examples_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/disco-build/disco/internal/testtool"
	"github.com/disco-build/disco/runtime/cli"
	"github.com/disco-build/disco/stages"
	"github.com/disco-build/disco/stages/initramfs"
)

// realRepo returns build/real-repo, or skips (fails under CI, where
// `make test` builds it first).
func realRepo(t *testing.T) string {
	t.Helper()
	repo, err := filepath.Abs("../build/real-repo")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(repo, "repodata", "repomd.xml")); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is missing: make test builds it (make real-repo)", repo)
		}
		t.Skip("no real-package repository: run make real-repo")
	}
	return repo
}

// workspace copies the example config dirs into a temp folder whose
// build/ leads to the real repository, so the examples' relative
// baseurls resolve and nothing is written into the source tree.
func workspace(t *testing.T, repo string, examples ...string) string {
	t.Helper()
	w := t.TempDir()
	if err := os.MkdirAll(filepath.Join(w, "build"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(repo, filepath.Join(w, "build", "real-repo")); err != nil {
		t.Fatal(err)
	}
	for _, ex := range examples {
		if err := os.CopyFS(filepath.Join(w, "examples", ex), os.DirFS(ex)); err != nil {
			t.Fatal(err)
		}
	}
	return filepath.Join(w, "examples")
}

// disco runs the CLI in process and fails the test on a non-zero exit.
func disco(t *testing.T, args ...string) string {
	t.Helper()
	var out, errb bytes.Buffer
	if code := cli.Run(context.Background(), args, nil, &out, &errb); code != 0 {
		t.Fatalf("disco %s: exit %d\n%s%s", strings.Join(args, " "), code, out.String(), errb.String())
	}
	return out.String()
}

func setup(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and boots real images")
	}
	bin := filepath.Join(t.TempDir(), stages.InitName)
	if err := initramfs.BuildInit(context.Background(), bin); err != nil {
		t.Fatal(err)
	}
	t.Setenv("DISCO_INIT", bin)
	t.Setenv("SOURCE_DATE_EPOCH", "1700000000")
}

// TestBootExamples builds examples/boot and examples/boot-legacy from real
// packages, checks every VM format against the raw disk with qemu-img and
// a rebuild for identical bytes, then boots the UEFI disks (ext4 root,
// squashfs root, legacy tree) through OVMF and the appliance through
// -kernel, each to its marker.
func TestBootExamples(t *testing.T) {
	repo := realRepo(t)
	testtool.Need(t, "qemu-img", "qemu-system-x86_64")
	setup(t)
	testtool.Accel(t) // logs what disco test will choose (the same probe, once per process), and why
	dir := workspace(t, repo, "boot", "boot-legacy")
	cache := filepath.Join(t.TempDir(), "cache")
	for _, ex := range []string{"boot", "boot-legacy"} {
		cfg := filepath.Join(dir, ex)
		disco(t, "-C", cfg, "--cache", cache, "lock")
		disco(t, "-C", cfg, "--cache", cache, "build")
	}
	uefi := stages.MachineDir(cache, "boot", "uefi")
	checkFormats(t, uefi)
	before := sums(t, uefi)
	disco(t, "-C", filepath.Join(dir, "boot"), "--cache", cache, "build", "--machine", "uefi", "--force")
	if after := sums(t, uefi); after != before {
		t.Errorf("a rebuild changed the outputs:\n%s\n----\n%s", before, after)
	}
	t.Run("disks", func(t *testing.T) {
		for _, ex := range []string{"boot", "boot-legacy"} {
			out := disco(t, "-C", filepath.Join(dir, ex), "--cache", cache, "test")
			t.Logf("%s", out)
		}
	})
	t.Run("appliance", func(t *testing.T) { bootAppliance(t, filepath.Join(dir, "boot"), cache) })
}

// checkFormats compares every VM format with the raw disk.
func checkFormats(t *testing.T, dir string) {
	t.Helper()
	raw := filepath.Join(dir, "disk.raw")
	for _, f := range []struct{ file, format string }{
		{"disk.qcow2", "qcow2"}, {"disk.vmdk", "vmdk"}, {"disk.vhd", "vpc"}, {"disk.vdi", "vdi"},
	} {
		p := filepath.Join(dir, f.file)
		if f.format != "vpc" {
			run(t, "qemu-img", "check", "-f", f.format, p)
		}
		if out := run(t, "qemu-img", "compare", "-f", "raw", "-F", f.format, raw, p); !strings.Contains(out, "Images are identical") {
			t.Errorf("%s differs from the raw disk: %s", f.file, out)
		}
	}
	if out := run(t, "tar", "-tf", filepath.Join(dir, "disk.ova")); !strings.Contains(out, "uefi.ovf") || !strings.Contains(out, "uefi-disk1.vmdk") {
		t.Errorf("disk.ova holds %q", out)
	}
	if out := run(t, "sh", "-c", "zstd -dc "+filepath.Join(dir, "disk.raw.zst")+" | cmp - "+raw+" && echo same"); !strings.Contains(out, "same") {
		t.Errorf("disk.raw.zst does not unpack to disk.raw")
	}
}

func sums(t *testing.T, dir string) string {
	return run(t, "sh", "-c", "cd "+dir+" && sha256sum disk.* appliance/*")
}

func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

func bootAppliance(t *testing.T, cfg, cache string) {
	t.Logf("%s", disco(t, "-C", cfg, "--cache", cache, "test", "--appliance", "uefi"))
}
