// Command mkinit builds disco-init, the initramfs /init, with the exact
// flags disco itself uses when it builds one from source (make build puts
// it beside bin/disco, where disco looks first).
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/disco-build/disco/stages/initramfs"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: mkinit OUTPUT")
		os.Exit(2)
	}
	if err := initramfs.BuildInit(context.Background(), os.Args[1]); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
