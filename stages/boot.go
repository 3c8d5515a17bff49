package stages

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"path"
	"sort"
	"strings"

	"github.com/disco-build/disco/runtime/plan"
	"github.com/disco-build/disco/stages/ids"
	"github.com/disco-build/disco/stages/initramfs"
	"github.com/disco-build/disco/stages/manifest"
	"github.com/disco-build/disco/stages/rpmver"
	"github.com/disco-build/disco/stages/tree"
)

// Where the boot stage finds things in the image and puts them on the ESP.
const (
	systemdBootEFI = "/usr/lib/systemd/boot/efi/systemd-bootx64.efi"
	espBootEFI     = "EFI/BOOT/BOOTX64.EFI"
	bootSource     = "disco boot"
)

// BootFiles is what the boot stage found and made: the kernel, the
// initramfs and the command lines for the disk and for the appliance.
type BootFiles struct {
	KVer      string   // kernel version, the name of its modules folder
	Kernel    string   // path of the kernel image in the tree
	Initrd    []byte   // the initramfs
	Cmdline   string   // for the disk: root=PARTUUID=...
	Appliance string   // for the appliance: root=/dev/vda
	Modules   []string // the initramfs's module files, relative to the modules folder, in load order
}

// Boot is the boot stage. It finds the image's kernel (one modules folder
// under /lib/modules or /usr/lib/modules; the highest version when there
// are several), builds disco's initramfs from the image's own modules, or
// takes the image's initrd for initrd "packages", and for systemd-boot
// places the boot manager from the image's systemd-boot package, a Boot
// Loader Specification Type #1 entry, the kernel and the initrd on the ESP
// (in the tree under the ESP's mount point, so the disk stage writes them
// like any file).
type Boot struct {
	tree  *tree.Tree
	m     *plan.Machine
	epoch int64
	init  *InitProgram
}

// NewBoot returns the boot stage.
func NewBoot(t *tree.Tree, m *plan.Machine, epoch int64, init *InitProgram) *Boot {
	return &Boot{tree: t, m: m, epoch: epoch, init: init}
}

// NeedsBoot says whether m's build has a boot stage: a boot loader, or an
// appliance output.
func NeedsBoot(m *plan.Machine) bool {
	if m.Boot != nil && m.Boot.Loader != "none" {
		return true
	}
	return wantsAppliance(m)
}

func wantsAppliance(m *plan.Machine) bool {
	if m.Boot != nil && m.Boot.Loader == "appliance" {
		return true
	}
	for _, o := range m.Outputs {
		if o.Format == "appliance" {
			return true
		}
	}
	return false
}

// CheckBoot fails, before anything is built, when m's boot cannot work
// with its disk: systemd-boot needs GPT, an ESP with a vfat filesystem and
// a root; an appliance needs a root filesystem.
func CheckBoot(m *plan.Machine) error {
	if !NeedsBoot(m) {
		return nil
	}
	pos := plan.Pos{}
	if m.Boot != nil {
		pos = m.Boot.Pos
	}
	if m.Disk == nil {
		return plan.Errorf(pos, "boot: the machine has no disk")
	}
	if _, err := rootPartition(m); err != nil {
		return plan.Errorf(pos, "boot: %v", err)
	}
	if m.Boot == nil || m.Boot.Loader != "systemd-boot" {
		return nil
	}
	if m.Disk.Table != "gpt" {
		return plan.Errorf(m.Boot.Pos, "boot: systemd-boot needs a GPT disk (this one is %s; BIOS boot loaders are not supported yet)", m.Disk.Table)
	}
	if _, err := espPartition(m); err != nil {
		return plan.Errorf(m.Boot.Pos, "boot: %v", err)
	}
	return nil
}

func rootPartition(m *plan.Machine) (plan.Partition, error) {
	for _, p := range m.Disk.Partitions {
		if p.Mount == "/" && p.FS != nil {
			return p, nil
		}
	}
	return plan.Partition{}, fmt.Errorf("the disk has no partition with a filesystem mounted at /")
}

func espPartition(m *plan.Machine) (plan.Partition, error) {
	for _, p := range m.Disk.Partitions {
		if p.Type == "esp" {
			if p.FS == nil || p.FS.Type != "vfat" || p.Mount == "" {
				return p, fmt.Errorf("systemd-boot needs the ESP %q to have a vfat filesystem and a mount point", p.Name)
			}
			return p, nil
		}
	}
	return plan.Partition{}, fmt.Errorf("systemd-boot needs an EFI system partition (partition type \"esp\", vfat)")
}

// PartitionGUID is the unique GUID of partition p of m: the plan's, else
// derived from group, machine and partition name.
func PartitionGUID(m *plan.Machine, p plan.Partition) [16]byte {
	if p.GUID != "" {
		if u, err := ids.Parse(p.GUID); err == nil {
			return u
		}
	}
	return ids.UUID(m.Group, m.Name, p.Name)
}

// Run finds the kernel, makes the initramfs and, for systemd-boot, fills
// the ESP.
func (b *Boot) Run(ctx context.Context) (*BootFiles, error) {
	root, err := rootPartition(b.m)
	if err != nil {
		return nil, err
	}
	bf, modDir, err := b.kernel()
	if err != nil {
		return nil, err
	}
	if err := b.initrd(ctx, bf, modDir, root); err != nil {
		return nil, err
	}
	extra := ""
	if b.m.Boot != nil {
		extra = b.m.Boot.Cmdline
	}
	ro := root.FS.Type == "squashfs" || root.FS.ReadOnly
	bf.Cmdline = initramfs.Cmdline(ids.Format(PartitionGUID(b.m, root)), root.FS.Type, ro, b.initPath(), extra)
	bf.Appliance = initramfs.CmdlineRoot("/dev/vda", root.FS.Type, ro, b.initPath(), extra)
	if b.m.Boot != nil && b.m.Boot.Loader == "systemd-boot" {
		if err := b.fillESP(bf); err != nil {
			return nil, err
		}
	}
	return bf, nil
}

// initPath is the program disco-init starts in the root: the plan's init,
// else /sbin/init.
func (b *Boot) initPath() string {
	if b.m.Init != nil {
		return b.m.Init.Path
	}
	return "/sbin/init"
}

// kernel finds the kernel version and image; it returns the resolved
// modules folder.
func (b *Boot) kernel() (*BootFiles, string, error) {
	var versions []string
	dirs := map[string]string{}
	for _, base := range []string{"/usr/lib/modules", "/lib/modules"} {
		e, err := b.tree.Lookup(base)
		if err != nil || e == nil || e.Kind != manifest.Dir {
			continue
		}
		for _, p := range b.tree.Manifest().Paths() {
			v, ok := strings.CutPrefix(p, e.Path+"/")
			if !ok || strings.Contains(v, "/") || dirs[v] != "" {
				continue
			}
			if de := b.tree.Manifest().Get(p + "/modules.dep"); de != nil {
				versions = append(versions, v)
				dirs[v] = p
			}
		}
	}
	if len(versions) == 0 {
		return nil, "", fmt.Errorf("no kernel in the image: no /lib/modules/<version>/modules.dep (add a kernel package, e.g. kernel-core or linux-image-amd64)")
	}
	sort.Slice(versions, func(i, j int) bool { return rpmver.Compare(versions[i], versions[j]) < 0 })
	v := versions[len(versions)-1]
	for _, k := range []string{dirs[v] + "/vmlinuz", "/boot/vmlinuz-" + v} {
		if e, err := b.tree.Lookup(k); err == nil && e != nil && e.Kind == manifest.File {
			return &BootFiles{KVer: v, Kernel: e.Path}, dirs[v], nil
		}
	}
	return nil, "", fmt.Errorf("kernel %s: no image at %s/vmlinuz or /boot/vmlinuz-%s", v, dirs[v], v)
}

// initrd builds disco's initramfs, or takes the image's own.
func (b *Boot) initrd(ctx context.Context, bf *BootFiles, modDir string, root plan.Partition) error {
	if b.m.Boot != nil && b.m.Boot.Initrd == "packages" {
		for _, p := range []string{modDir + "/initramfs.img", "/boot/initramfs-" + bf.KVer + ".img", "/boot/initrd.img-" + bf.KVer} {
			if e, err := b.tree.Lookup(p); err == nil && e != nil && e.Kind == manifest.File {
				data, err := b.read(e.Path)
				bf.Initrd = data
				return err
			}
		}
		return fmt.Errorf("initrd \"packages\": the image has no initrd for kernel %s (looked for /boot/initramfs-%[1]s.img, /boot/initrd.img-%[1]s)", bf.KVer)
	}
	prog, _, err := b.init.Bytes(ctx)
	if err != nil {
		return err
	}
	names := rootModules(root.FS.Type)
	var buf bytes.Buffer
	err = initramfs.Build(&buf, initramfs.Options{Init: prog, ModulesDir: b.tree.HostPath(modDir),
		Modules: names, Epoch: b.epoch, Compression: "gzip"})
	if err != nil {
		return fmt.Errorf("initramfs for kernel %s: %w", bf.KVer, err)
	}
	if bf.Modules, err = initramfs.Modules(b.tree.HostPath(modDir), names); err != nil {
		return err
	}
	bf.Initrd = buf.Bytes()
	return nil
}

// rootModules are the modules disco's initramfs loads to reach a root of
// type fstype on a virtio or SCSI disk; built-in ones are skipped.
func rootModules(fstype string) []string {
	mods := []string{"virtio_pci", "virtio_blk", "virtio_scsi", "sd_mod"}
	switch fstype {
	case "ext4":
		return append(mods, "crc32c_generic", "ext4")
	default:
		return append(mods, fstype)
	}
}

func (b *Boot) read(p string) ([]byte, error) {
	r, err := b.tree.Open(p)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return io.ReadAll(r)
}

// fillESP places systemd-boot, loader.conf, the entry, the kernel and the
// initrd under the ESP's mount point.
func (b *Boot) fillESP(bf *BootFiles) error {
	esp, err := espPartition(b.m)
	if err != nil {
		return err
	}
	efi, err := b.read(systemdBootEFI)
	if err != nil {
		return fmt.Errorf("systemd-boot comes from the image's packages (e.g. systemd-boot-efi): %w", err)
	}
	kernel, err := b.read(bf.Kernel)
	if err != nil {
		return err
	}
	entry := "disco-" + b.m.Name
	dir := path.Join("/disco", bf.KVer)
	files := []struct {
		path string
		data []byte
	}{
		{espBootEFI, efi},
		{"loader/loader.conf", fmt.Appendf(nil, "default %s.conf\ntimeout 0\n", entry)},
		{"loader/entries/" + entry + ".conf", fmt.Appendf(nil, "title %s\nversion %s\nlinux %s/vmlinuz\ninitrd %s/initrd.img\noptions %s\n",
			b.m.ID(), bf.KVer, dir, dir, bf.Cmdline)},
		{dir[1:] + "/vmlinuz", kernel},
		{dir[1:] + "/initrd.img", bf.Initrd},
	}
	for _, f := range files {
		p := path.Join(esp.Mount, f.path)
		if err := b.tree.WriteFile(p, bytes.NewReader(f.data), tree.Meta{Mode: 0o644, Mtime: b.epoch, Source: bootSource}); err != nil {
			return fmt.Errorf("ESP: %w", err)
		}
	}
	return nil
}
