package cli

import (
	"context"
	"flag"
	"fmt"
	"runtime"

	"github.com/peterbourgon/ff/v3/ffcli"
)

func (e *env) versionCommand() *ffcli.Command {
	fs := flag.NewFlagSet("version", flag.ContinueOnError)
	return &ffcli.Command{
		Name:       "version",
		ShortUsage: "disco version",
		ShortHelp:  "print disco's version",
		LongHelp:   "Prints disco's version and the Go toolchain it was built with (as disco --version\ndoes).\n\nExample:\n  disco version",
		FlagSet:    fs,
		Exec: func(ctx context.Context, args []string) error {
			if len(args) > 0 {
				return usagef("version takes no arguments")
			}
			return e.printVersion()
		},
	}
}

// printVersion prints what disco version (and --version) print.
func (e *env) printVersion() error {
	_, err := fmt.Fprintf(e.stdout, "disco %s (%s, %s/%s)\n", Version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return err
}
