// Command disco-init is the /init of the initramfs disco builds: it loads
// the listed kernel modules, finds and mounts the root file system named on
// the kernel command line and switch_roots into the machine's init. Build
// it static (CGO_ENABLED=0); see package stages/initramfs/init.
package main

import (
	"os"

	discoinit "github.com/disco-build/disco/stages/initramfs/init"
)

func main() {
	os.Exit(discoinit.Main())
}
