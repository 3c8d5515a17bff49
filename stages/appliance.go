package stages

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// ApplianceDir is the appliance output's folder in the machine folder.
const ApplianceDir = "appliance"

// The appliance's files, as `disco test` and users' scripts find them.
const (
	ApplianceKernel  = "vmlinuz"
	ApplianceInitrd  = "initrd.img"
	ApplianceRoot    = "root.img"
	ApplianceCmdline = "cmdline"
	ApplianceRun     = "run.sh"
)

// writeAppliance writes the appliance output, like the seed's supermin
// appliance: the kernel, the initramfs and the root filesystem alone (cut
// from the raw disk at its partition's offset, so it is the same bytes),
// booted with qemu -kernel as /dev/vda; cmdline holds the kernel command
// line and run.sh the qemu command. It returns the files for the report.
func writeAppliance(res *Result, dir string) ([]OutputFile, error) {
	bf := res.Boot
	out := filepath.Join(dir, ApplianceDir)
	if err := os.MkdirAll(out, 0o755); err != nil {
		return nil, err
	}
	kernel, err := res.Tree.Tree.Open(bf.Kernel)
	if err != nil {
		return nil, err
	}
	defer kernel.Close()
	root, err := rootExtent(res)
	if err != nil {
		return nil, err
	}
	disk, err := os.Open(res.Disk)
	if err != nil {
		return nil, err
	}
	defer disk.Close()
	writes := []struct {
		name string
		src  io.Reader
	}{
		{ApplianceKernel, kernel},
		{ApplianceInitrd, bytes.NewReader(bf.Initrd)},
		{ApplianceRoot, io.NewSectionReader(disk, root[0], root[1])},
		{ApplianceCmdline, strings.NewReader(bf.Appliance + "\n")},
		{ApplianceRun, strings.NewReader(applianceScript(res))},
	}
	var files []OutputFile
	for _, w := range writes {
		err := writeAtomic(filepath.Join(out, w.name), func(f *os.File) error {
			_, err := io.Copy(f, w.src)
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("appliance %s: %w", w.name, err)
		}
		of, err := describe(dir, filepath.Join(ApplianceDir, w.name), "appliance")
		if err != nil {
			return nil, err
		}
		files = append(files, of)
	}
	return files, os.Chmod(filepath.Join(out, ApplianceRun), 0o755)
}

// rootExtent is the byte range of the root partition in the raw disk.
func rootExtent(res *Result) ([2]int64, error) {
	root, err := rootPartition(res.Machine)
	if err != nil {
		return [2]int64{}, err
	}
	p, err := res.Layout.Plan()
	if err != nil {
		return [2]int64{}, err
	}
	for _, e := range p.Parts {
		if e.Name == root.Name {
			return [2]int64{e.Start, e.Size}, nil
		}
	}
	return [2]int64{}, fmt.Errorf("root partition %q not in the disk layout", root.Name)
}

// ApplianceCommand is the qemu command line that boots an appliance in
// folder dir, as run.sh has it.
func ApplianceCommand(res *Result, dir string) string {
	mem, cpus := 1024, 1
	if h := res.Machine.Hardware; h != nil {
		mem, cpus = h.MemoryMiB, h.CPUs
	}
	return fmt.Sprintf("qemu-system-x86_64 -m %d -smp %d -nographic -no-reboot -kernel %s/%s -initrd %s/%s "+
		"-drive if=virtio,format=raw,file=%s/%s,snapshot=on -append \"$(cat %s/%s)\"",
		mem, cpus, dir, ApplianceKernel, dir, ApplianceInitrd, dir, ApplianceRoot, dir, ApplianceCmdline)
}

func applianceScript(res *Result) string {
	return "#!/bin/sh\n# Boots the appliance of " + res.Machine.ID() + " (written by disco). Extra arguments go to qemu.\n" +
		"d=$(dirname \"$0\")\nexec " + ApplianceCommand(res, "\"$d\"") + " \"$@\"\n"
}
