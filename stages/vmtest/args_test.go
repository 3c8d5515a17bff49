package vmtest

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func TestQEMUArgsUEFI(t *testing.T) {
	o := Options{Kind: UEFI, Disk: "/c/prod/web/disk.raw", Expect: "x", Timeout: time.Minute}
	h := host{accel: "tcg", cpu: "max", firmware: Firmware{Code: "/fw/CODE.fd", Vars: "/fw/VARS.fd"},
		vars: "/tmp/v/OVMF_VARS.fd", monitor: "/tmp/v/monitor.sock"}
	want := "-nodefaults -no-user-config -display none -no-reboot -machine q35 -accel tcg -cpu max -smp 1 -m 1024 -serial stdio " +
		"-monitor unix:/tmp/v/monitor.sock,server=on,wait=off " +
		"-drive if=pflash,format=raw,unit=0,readonly=on,file=/fw/CODE.fd " +
		"-drive if=pflash,format=raw,unit=1,file=/tmp/v/OVMF_VARS.fd " +
		"-drive file=/c/prod/web/disk.raw,if=virtio,format=raw,snapshot=on -nic none"
	if got := strings.Join(qemuArgs(o, h), " "); got != want {
		t.Errorf("argv:\n got %s\nwant %s", got, want)
	}

	// TCG emulates the most capable CPU it can, KVM takes the host's; a combined firmware image is a -bios;
	// hardware sets CPUs, memory and a restricted user network; commas
	// in paths are doubled.
	o.CPUs, o.MemoryMiB, o.NIC, o.Disk = 2, 2048, "vmxnet3", "/c/a,b/disk.raw"
	h = host{accel: "kvm", cpu: "host", firmware: Firmware{Code: "/usr/share/qemu/OVMF.fd"}}
	want = "-nodefaults -no-user-config -display none -no-reboot -machine q35 -accel kvm -cpu host -smp 2 -m 2048 -serial stdio " +
		"-bios /usr/share/qemu/OVMF.fd -drive file=/c/a,,b/disk.raw,if=virtio,format=raw,snapshot=on " +
		"-nic user,model=vmxnet3,restrict=on"
	if got := strings.Join(qemuArgs(o, h), " "); got != want {
		t.Errorf("argv:\n got %s\nwant %s", got, want)
	}
}

func TestQEMUArgsAppliance(t *testing.T) {
	o := Options{Kind: Appliance, Kernel: "/a/vmlinuz", Initrd: "/a/initrd.img", Root: "/a/root.img",
		Cmdline: "root=/dev/vda ro console=ttyS0", Expect: "x", Timeout: time.Minute, MemoryMiB: 512, NIC: "virtio"}
	h := host{accel: "tcg", cpu: "max", monitor: "/tmp/m.sock"}
	want := []string{"-nodefaults", "-no-user-config", "-display", "none", "-no-reboot", "-machine", "q35",
		"-accel", "tcg", "-cpu", "max", "-smp", "1", "-m", "512", "-serial", "stdio",
		"-monitor", "unix:/tmp/m.sock,server=on,wait=off",
		"-kernel", "/a/vmlinuz", "-initrd", "/a/initrd.img", "-append", "root=/dev/vda ro console=ttyS0",
		"-drive", "file=/a/root.img,if=virtio,format=raw,snapshot=on", "-nic", "user,model=virtio-net-pci,restrict=on"}
	if got := qemuArgs(o, h); !slices.Equal(got, want) {
		t.Errorf("argv:\n got %q\nwant %q", got, want)
	}
	// No initrd, no -initrd.
	o.Initrd = ""
	if got := qemuArgs(o, h); slices.Contains(got, "-initrd") {
		t.Errorf("-initrd without an initrd: %q", got)
	}
}

func TestOptionsCheck(t *testing.T) {
	ok := Options{Kind: Appliance, Kernel: "k", Root: "r", Expect: "x", Timeout: time.Second}
	if err := ok.check(); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		edit func(*Options)
		want string
	}{
		{func(o *Options) { o.Kind = 0 }, "unknown kind"},
		{func(o *Options) { o.Kind = UEFI }, "no disk image"},
		{func(o *Options) { o.Root = "" }, "a kernel and a root image"},
		{func(o *Options) { o.Expect = "" }, "no expected console line"},
		{func(o *Options) { o.Timeout = 0 }, "want a positive duration"},
		{func(o *Options) { o.NIC = "rtl8139" }, `nic "rtl8139"`},
		{func(o *Options) { o.Accel = "hvf" }, `accel "hvf"`},
		{func(o *Options) { o.MemoryMiB = -1 }, "want positive numbers"},
	} {
		o := ok
		c.edit(&o)
		if err := o.check(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("check = %v, want %q", err, c.want)
		}
	}
}
