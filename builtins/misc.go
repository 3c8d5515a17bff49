package builtins

import (
	"github.com/disco-build/disco/runtime/plan"
	"go.starlark.net/starlark"
)

const outputDoc = `An output format: "raw", "qcow2", "vmdk", "vhd", "vdi", "ova", "tar" or
"appliance"; compress ("zstd", "xz", "gzip") applies to raw. A plain
string in outputs means output(format).

    machine(name = "web", outputs = ["qcow2", output("raw", compress = "zstd")])`

func outputFn(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	c, err := collector(thread)
	if err != nil {
		return nil, err
	}
	o := plan.Output{Pos: callPos(thread)}
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "format", &o.Format, "compress?", &o.Compress); err != nil {
		return nil, argError(err)
	}
	return c.add(&Value{kind: "output", label: named("output", o.Format), pos: o.Pos, data: &o,
		attrs: attrList{{"format", starlark.String(o.Format)}}}), nil
}

const bootDoc = `How the machine boots: loader "systemd-boot" (UEFI, from the image's own
packages), "appliance" (kernel + initrd + root image for qemu -kernel) or
"none"; cmdline is appended to the root= and init= disco derives; initrd
"disco" (built by disco) or "packages" (the image brings its own).

    machine(name = "web", boot = boot("systemd-boot", cmdline = "console=ttyS0"), disk = gpt([
        partition("esp", "256M", type = "esp", fs = vfat(), mount = "/boot/efi"),
        partition("root", "rest", fs = ext4(), mount = "/"),
    ]))`

func bootFn(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	c, err := collector(thread)
	if err != nil {
		return nil, err
	}
	bt := plan.Boot{Pos: callPos(thread), Loader: "systemd-boot", Initrd: "disco"}
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "loader?", &bt.Loader, "cmdline?", &bt.Cmdline,
		"initrd?", &bt.Initrd); err != nil {
		return nil, argError(err)
	}
	switch bt.Loader {
	case "systemd-boot", "appliance", "none":
	default:
		return nil, argErrorf("%s: loader %q must be \"systemd-boot\", \"appliance\" or \"none\"", b.Name(), bt.Loader)
	}
	if bt.Initrd != "disco" && bt.Initrd != "packages" {
		return nil, argErrorf("%s: initrd %q must be \"disco\" or \"packages\"", b.Name(), bt.Initrd)
	}
	return c.add(&Value{kind: "boot", label: named("boot", bt.Loader), pos: bt.Pos, data: &bt,
		attrs: attrList{{"loader", starlark.String(bt.Loader)}}}), nil
}

const expectDoc = `What "disco test" waits for on the serial console after booting the
machine's output, within timeout seconds (default 120).

    machine(name = "web", test = expect("disco-marker: ok", timeout = 60))`

func expectFn(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	c, err := collector(thread)
	if err != nil {
		return nil, err
	}
	t := plan.Test{Pos: callPos(thread), Timeout: 120}
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "line", &t.Expect, "timeout?", &t.Timeout); err != nil {
		return nil, argError(err)
	}
	if t.Expect == "" || t.Timeout <= 0 {
		return nil, argErrorf("%s: want a non-empty line and a positive timeout", b.Name())
	}
	return c.add(&Value{kind: "expect", label: named("expect", t.Expect), pos: t.Pos, data: &t,
		attrs: attrList{{"line", starlark.String(t.Expect)}}}), nil
}

const hardwareDoc = `The virtual machine the image is meant for: CPUs, memory (a size such as
"512M" or "2G", whole MiB), NIC ("e1000", "vmxnet3", "virtio" or "none")
and boot order ("disk", "net", "cdrom"). An OVA's descriptor and
"disco test" use it.

    machine(name = "web", hardware = hardware(cpus = 2, memory = "2G", nic = "vmxnet3"), outputs = ["ova"])`

func hardwareFn(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	c, err := collector(thread)
	if err != nil {
		return nil, err
	}
	h := plan.Hardware{Pos: callPos(thread), CPUs: 1, NIC: "e1000"}
	memory := "1G"
	var order stringList
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "cpus?", &h.CPUs, "memory?", &memory,
		"nic?", &h.NIC, "boot_order?", &order); err != nil {
		return nil, argError(err)
	}
	if h.CPUs < 1 || h.CPUs > 256 {
		return nil, argErrorf("%s: cpus %d must be between 1 and 256", b.Name(), h.CPUs)
	}
	n, err := plan.ParseSize(memory)
	if err != nil || n < 1<<20 || n%(1<<20) != 0 {
		return nil, argErrorf("%s: memory %q must be a whole number of MiB, such as \"512M\" or \"2G\"", b.Name(), memory)
	}
	h.MemoryMiB = int(n >> 20)
	switch h.NIC {
	case "e1000", "vmxnet3", "virtio", "none":
	default:
		return nil, argErrorf("%s: nic %q must be \"e1000\", \"vmxnet3\", \"virtio\" or \"none\"", b.Name(), h.NIC)
	}
	for _, o := range order {
		if o != "disk" && o != "net" && o != "cdrom" {
			return nil, argErrorf("%s: boot_order entry %q must be \"disk\", \"net\" or \"cdrom\"", b.Name(), o)
		}
	}
	h.BootOrder = []string(order)
	if order == nil {
		h.BootOrder = []string{"disk"}
	}
	return c.add(&Value{kind: "hardware", label: unnamed("hardware"), pos: h.Pos, data: &h,
		attrs: attrList{{"cpus", starlark.MakeInt(h.CPUs)}, {"memory_mib", starlark.MakeInt(h.MemoryMiB)}}}), nil
}
