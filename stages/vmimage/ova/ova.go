// Package ova packs a raw disk image into an OVA: a tar holding an OVF
// descriptor, a SHA-256 manifest and the disk as a streamOptimized VMDK,
// byte-identical for the same input and options.
//
// Entry point: Write, which streams the OVA to an io.Writer. The VMDK's
// size and digest must be known before the descriptor and the tar headers
// are written, so Write first spools the VMDK to a temporary file in
// Options.TempDir and removes it afterwards.
//
// The descriptor is an OVF 1.0 envelope (DMTF DSP0243), which VMware and
// VirtualBox both import: one disk (capacity in bytes, populated size), one
// virtual system with its CPUs, memory, a SCSI (LSI Logic) or SATA (AHCI)
// controller holding the disk, one NIC (E1000 or VMXNET3) on one network,
// the guest OS type, and an optional product section. Firmware and boot
// order have no OVF 1.0 element: they go in VMware's non-required
// vmw:Config firmware and vmw:ExtraConfig bios.bootOrder entries, which
// other importers skip. It is written as text, in a fixed element order,
// because encoding/xml cannot write the prefixed attributes OVF needs.
//
// The tar is ustar (PAX past 8 GiB) with uid/gid 0, mode 0644 and every
// mtime from Options.Time. Entries follow the order OVF requires: the
// descriptor first, then the manifest, then the disk.
package ova

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"os"
	"regexp"
	"time"

	"github.com/disco-build/disco/stages/vmimage/vmdk"
)

// OS is the guest operating system as OVF and VMware name it.
type OS struct {
	CIM         int    // CIM_OperatingSystem OSType, the section's ovf:id
	VMware      string // vmw:osType
	Description string
}

// Linux64 is a generic 64-bit Linux guest, the default.
var Linux64 = OS{CIM: 101, VMware: "otherLinux64Guest", Description: "Linux 64-Bit"}

// Options describe the virtual machine.
type Options struct {
	// Name names the virtual system and the files in the OVA (Name.ovf,
	// Name.mf, Name-disk1.vmdk): letters, digits, '.', '_' and '-'.
	Name string
	// Product, Vendor and Version fill the product section, written when
	// Product is set.
	Product, Vendor, Version string
	OS                       OS  // default Linux64
	CPUs                     int // default 1
	MemoryMiB                int // default 1024
	// NIC is "e1000" (the default), "vmxnet3" or "none".
	NIC string
	// Network names the NIC's logical network; default "nat".
	Network string
	// Controller is "scsi" (LSI Logic, the default) or "sata" (AHCI).
	Controller string
	// Firmware is "bios" (the default) or "efi".
	Firmware string
	// BootOrder lists "disk", "net" and "cdrom" in boot order; empty
	// leaves the order to the hypervisor.
	BootOrder []string
	// HardwareFamily is the VirtualSystemType; default "vmx-13".
	HardwareFamily string
	// Time is every tar entry's modification time.
	Time time.Time
	// NoManifest leaves out the .mf manifest.
	NoManifest bool
	// Disk sets the VMDK's CID, UUID and zlib level; its adapter type and
	// file name are set from Controller and Name.
	Disk vmdk.Options
	// TempDir holds the spooled VMDK; default os.TempDir().
	TempDir string
}

var nameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)

func (o *Options) defaults() error {
	if !nameRE.MatchString(o.Name) || len(o.Name) > 80 {
		return fmt.Errorf("ova: name %q: want 1-80 letters, digits, '.', '_' or '-'", o.Name)
	}
	if o.OS == (OS{}) {
		o.OS = Linux64
	}
	o.CPUs = cmp.Or(o.CPUs, 1)
	o.MemoryMiB = cmp.Or(o.MemoryMiB, 1024)
	o.NIC = cmp.Or(o.NIC, "e1000")
	o.Network = cmp.Or(o.Network, "nat")
	o.Controller = cmp.Or(o.Controller, "scsi")
	o.Firmware = cmp.Or(o.Firmware, "bios")
	o.HardwareFamily = cmp.Or(o.HardwareFamily, "vmx-13")
	checks := []struct {
		what, value string
		known       []string
	}{
		{"NIC", o.NIC, []string{"e1000", "none", "vmxnet3"}},
		{"controller", o.Controller, []string{"sata", "scsi"}},
		{"firmware", o.Firmware, []string{"bios", "efi"}},
	}
	for _, b := range o.BootOrder {
		checks = append(checks, struct {
			what, value string
			known       []string
		}{"boot device", b, []string{"cdrom", "disk", "net"}})
	}
	for _, c := range checks {
		if !contains(c.known, c.value) {
			return fmt.Errorf("ova: unknown %s %q (known: %v)", c.what, c.value, c.known)
		}
	}
	if o.CPUs < 1 || o.MemoryMiB < 1 {
		return fmt.Errorf("ova: %d CPUs and %d MiB of memory: both must be positive", o.CPUs, o.MemoryMiB)
	}
	o.Disk.FileName = o.Name + "-disk1.vmdk"
	o.Disk.AdapterType = map[string]string{"scsi": "lsilogic", "sata": "ide"}[o.Controller]
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Write writes the raw disk r of size bytes (a multiple of 512) to w as an
// OVA.
func Write(ctx context.Context, w io.Writer, r io.ReaderAt, size int64, opts Options) error {
	if err := opts.defaults(); err != nil {
		return err
	}
	spool, err := os.CreateTemp(opts.TempDir, "disco-ova-*.vmdk")
	if err != nil {
		return fmt.Errorf("ova: spool the VMDK: %w", err)
	}
	defer os.Remove(spool.Name())
	defer spool.Close()
	disk, err := spoolVMDK(ctx, spool, r, size, opts.Disk)
	if err != nil {
		return fmt.Errorf("ova: %w", err)
	}
	disk.capacity = size
	if err := writeTar(w, spool, disk, opts); err != nil {
		return fmt.Errorf("ova: %w", err)
	}
	return nil
}
