package report

import (
	"strings"
)

// Boot is how the machine boots: the kernel found in the image, the
// initramfs and the kernel command lines (absent when it does not boot).
type Boot struct {
	Loader       string   `json:"loader"` // "systemd-boot", "appliance", or "none" with an appliance output
	Kernel       string   `json:"kernel"` // the kernel version
	KernelPath   string   `json:"kernel_path"`
	Initrd       string   `json:"initrd"` // "disco" or "packages"
	InitrdSHA256 string   `json:"initrd_sha256"`
	Modules      []string `json:"modules"` // what disco's initramfs loads (empty for "packages")
	Cmdline      string   `json:"cmdline"`
	Appliance    string   `json:"appliance_cmdline"`
}

func (r *Report) mdBoot(b *strings.Builder) {
	if r.Boot == nil {
		return
	}
	heading(b, "Boot")
	bt := r.Boot
	mods := "-"
	if len(bt.Modules) > 0 {
		mods = code(strings.Join(bt.Modules, " "))
	}
	table(b, []string{"Field", "Value"}, [][]string{
		{"Loader", cell(bt.Loader)},
		{"Kernel", code(bt.Kernel) + " (" + code(bt.KernelPath) + ")"},
		{"Initrd", cell(bt.Initrd) + ", sha256 " + code(bt.InitrdSHA256)},
		{"Modules", mods},
		{"Command line", code(bt.Cmdline)},
		{"Appliance command line", code(bt.Appliance)},
	})
}
