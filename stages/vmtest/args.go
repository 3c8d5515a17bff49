package vmtest

import (
	"strconv"
	"strings"
)

// host is what Run settles before building the command line: the
// accelerator and CPU model, the firmware and its variable store copy,
// and the monitor socket (empty: none).
type host struct {
	accel    string
	cpu      string
	firmware Firmware
	vars     string
	monitor  string
}

// qemuArgs returns qemu's arguments (without the program) for o on h. It
// is a pure function of its inputs.
func qemuArgs(o Options, h host) []string {
	cpus, mem := o.CPUs, o.MemoryMiB
	if cpus == 0 {
		cpus = DefaultCPUs
	}
	if mem == 0 {
		mem = DefaultMemoryMiB
	}
	a := []string{"-nodefaults", "-no-user-config", "-display", "none", "-no-reboot",
		"-machine", "q35", "-accel", h.accel}
	if h.cpu != "" {
		a = append(a, "-cpu", h.cpu)
	}
	a = append(a, "-smp", strconv.Itoa(cpus), "-m", strconv.Itoa(mem), "-serial", "stdio")
	if h.monitor != "" {
		a = append(a, "-monitor", "unix:"+h.monitor+",server=on,wait=off")
	}
	switch o.Kind {
	case UEFI:
		if h.vars == "" {
			a = append(a, "-bios", h.firmware.Code)
		} else {
			a = append(a, "-drive", "if=pflash,format=raw,unit=0,readonly=on,file="+escape(h.firmware.Code),
				"-drive", "if=pflash,format=raw,unit=1,file="+escape(h.vars))
		}
		a = append(a, "-drive", disk(o.Disk))
	case Appliance:
		a = append(a, "-kernel", o.Kernel)
		if o.Initrd != "" {
			a = append(a, "-initrd", o.Initrd)
		}
		a = append(a, "-append", o.Cmdline, "-drive", disk(o.Root))
	}
	if model := nicModels[o.NIC]; model != "" {
		a = append(a, "-nic", "user,model="+model+",restrict=on")
	} else {
		a = append(a, "-nic", "none")
	}
	return a
}

// disk is the -drive value attaching a raw image as a virtio disk whose
// writes go to a temporary overlay, never to the image.
func disk(path string) string {
	return "file=" + escape(path) + ",if=virtio,format=raw,snapshot=on"
}

// escape doubles commas, which qemu's option syntax reads as separators.
func escape(path string) string { return strings.ReplaceAll(path, ",", ",,") }
