package vmtest

import (
	"errors"
	"fmt"
	"io"
	"time"
)

// Kind is what is booted.
type Kind int

// The kinds of boot.
const (
	// UEFI boots Options.Disk, a GPT disk with an EFI system partition,
	// under OVMF.
	UEFI Kind = iota + 1
	// Appliance boots Options.Kernel with Options.Initrd and
	// Options.Cmdline; Options.Root is the guest's /dev/vda.
	Appliance
)

func (k Kind) String() string {
	switch k {
	case UEFI:
		return "uefi"
	case Appliance:
		return "appliance"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Defaults for the zero values of Options.
const (
	DefaultCPUs      = 1
	DefaultMemoryMiB = 1024
	DefaultGrace     = 5 * time.Second
	DefaultSilence   = 60 * time.Second
	DefaultQEMU      = "qemu-system-x86_64"
)

// Options says what to boot, on what virtual hardware, and what to wait
// for.
type Options struct {
	Kind Kind

	Disk string // UEFI: the raw disk image

	Kernel  string // Appliance: the kernel image
	Initrd  string // Appliance: the initramfs (optional)
	Root    string // Appliance: the root filesystem image, /dev/vda
	Cmdline string // Appliance: the whole kernel command line

	Expect  string        // a console line containing this ends the test
	Timeout time.Duration // from qemu's start; must be positive

	CPUs      int    // 0: DefaultCPUs
	MemoryMiB int    // 0: DefaultMemoryMiB
	NIC       string // "", "none": no network; "e1000", "vmxnet3", "virtio"

	Firmware Firmware      // UEFI; zero: FindFirmware
	QEMU     string        // the qemu binary; "": DefaultQEMU from PATH
	Accel    string        // "kvm" or "tcg", as ChooseAccel settled it; "" or "auto": ChooseAccel's auto choice
	Grace    time.Duration // how long the guest may take to power off after the line; 0: DefaultGrace

	// Silence is how long the console may stay empty from qemu's start
	// before the boot fails as hung (firmware prints within seconds);
	// 0: DefaultSilence; negative: only Timeout applies.
	Silence time.Duration

	Console    io.Writer // when set, gets the console live (no carriage returns)
	ConsoleLog string    // when set, the whole console is written to this file
}

// check reports what is missing or wrong in o.
func (o *Options) check() error {
	var errs []error
	switch o.Kind {
	case UEFI:
		if o.Disk == "" {
			errs = append(errs, errors.New("no disk image given"))
		}
	case Appliance:
		if o.Kernel == "" || o.Root == "" {
			errs = append(errs, errors.New("an appliance needs a kernel and a root image"))
		}
	default:
		errs = append(errs, fmt.Errorf("unknown kind %v", o.Kind))
	}
	if o.Expect == "" {
		errs = append(errs, errors.New("no expected console line given"))
	}
	if o.Timeout <= 0 {
		errs = append(errs, fmt.Errorf("timeout %v: want a positive duration", o.Timeout))
	}
	if o.CPUs < 0 || o.MemoryMiB < 0 {
		errs = append(errs, fmt.Errorf("cpus %d, memory %d MiB: want positive numbers", o.CPUs, o.MemoryMiB))
	}
	if _, ok := nicModels[o.NIC]; !ok {
		errs = append(errs, fmt.Errorf("nic %q: want e1000, vmxnet3, virtio or none", o.NIC))
	}
	switch o.Accel {
	case "", AccelAuto, AccelKVM, AccelTCG:
	default:
		errs = append(errs, fmt.Errorf("accel %q: want auto, kvm or tcg", o.Accel))
	}
	return errors.Join(errs...)
}

// nicModels maps the plan's NIC names to qemu device models; "" means none.
var nicModels = map[string]string{"": "", "none": "", "e1000": "e1000", "vmxnet3": "vmxnet3", "virtio": "virtio-net-pci"}
