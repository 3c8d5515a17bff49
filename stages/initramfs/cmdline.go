package initramfs

import (
	"fmt"
	"strings"
)

// Cmdline returns the kernel command line for disco's /init: root= the
// partition with unique GUID partuuid, rootfstype= fstype (left out when
// empty), ro or rw, init= (left out when empty: /init is the default) and
// then extra, verbatim.
func Cmdline(partuuid, fstype string, ro bool, init, extra string) string {
	return CmdlineRoot("PARTUUID="+strings.ToLower(partuuid), fstype, ro, init, extra)
}

// CmdlineRoot is Cmdline with root= given whole, e.g. "/dev/vda" for a
// disk that is the root filesystem itself (an appliance).
func CmdlineRoot(root, fstype string, ro bool, init, extra string) string {
	parts := []string{"root=" + root}
	if fstype != "" {
		parts = append(parts, "rootfstype="+fstype)
	}
	if ro {
		parts = append(parts, "ro")
	} else {
		parts = append(parts, "rw")
	}
	if init != "" {
		parts = append(parts, fmt.Sprintf("init=%s", init))
	}
	if extra = strings.TrimSpace(extra); extra != "" {
		parts = append(parts, extra)
	}
	return strings.Join(parts, " ")
}
