package cli

import (
	"context"
	"flag"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/disco-build/disco/stages"
	"github.com/disco-build/disco/stages/lockfile"
	"github.com/disco-build/disco/stages/store"
	"github.com/peterbourgon/ff/v3/ffcli"
)

func (e *env) cacheCommand() *ffcli.Command {
	fs := flag.NewFlagSet("cache", flag.ContinueOnError)
	return &ffcli.Command{
		Name:        "cache",
		ShortUsage:  "disco cache gc [--keep LOCK...]",
		ShortHelp:   "manage the package store",
		LongHelp:    "Subcommands for the cache folder.\n\nExample:\n  disco -C examples/starlark cache gc",
		FlagSet:     fs,
		Subcommands: []*ffcli.Command{e.cacheGCCommand()},
		Exec: func(context.Context, []string) error {
			return usagef("cache needs a subcommand: gc")
		},
	}
}

type lockList []string

func (l *lockList) String() string     { return strings.Join(*l, ",") }
func (l *lockList) Set(s string) error { *l = append(*l, s); return nil }

func (e *env) cacheGCCommand() *ffcli.Command {
	var keep lockList
	fs := flag.NewFlagSet("gc", flag.ContinueOnError)
	fs.Var(&keep, "keep", "also keep what the lock file `LOCK` references (repeatable; for stores shared by several config roots)")
	return &ffcli.Command{
		Name:       "gc",
		ShortUsage: "disco cache gc [flags]",
		ShortHelp:  "remove store entries no lock references",
		LongHelp: strings.TrimSpace(`
Removes from the package store every package that neither this config root's
disco.lock nor a --keep lock references, and stale partial downloads.

Examples:
  disco -C examples/starlark cache gc
  disco -C prod cache gc --keep ../staging/disco.lock`),
		FlagSet: fs,
		Exec: func(ctx context.Context, args []string) error {
			if len(args) > 0 {
				return usagef("cache gc takes no arguments")
			}
			return e.runGC(append([]string{filepath.Join(e.config, lockfile.Name)}, keep...))
		},
	}
}

func (e *env) runGC(locks []string) error {
	keep := map[string]bool{}
	for _, path := range locks {
		l, err := lockfile.Read(path)
		if err != nil {
			return err
		}
		for _, m := range l.Machines {
			for _, p := range m.Packages {
				keep[p.SHA256] = true
			}
		}
	}
	_, cache, err := e.absDirs()
	if err != nil {
		return err
	}
	st, err := store.Open(stages.StoreDir(cache))
	if err != nil {
		return err
	}
	n, bytes, err := st.GC(keep)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(e.stdout, "removed %d packages (%s); %d kept by the lock files\n", n, humanBytes(bytes), len(keep))
	return err
}
