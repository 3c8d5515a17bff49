// Command disco builds reproducible virtual-machine disk images from machine
// definitions kept in source control. The command line lives in package
// runtime/cli.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/disco-build/disco/runtime/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
