package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
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
	var noWait bool
	fs := flag.NewFlagSet("gc", flag.ContinueOnError)
	fs.Var(&keep, "keep", "also keep what the lock file `LOCK` references (repeatable; for stores shared by several config roots)")
	fs.BoolVar(&noWait, "no-wait", false, "fail at once when other disco processes use the store, instead of waiting for them")
	return &ffcli.Command{
		Name:       "gc",
		ShortUsage: "disco cache gc [flags]",
		ShortHelp:  "remove store entries no lock references",
		LongHelp: strings.TrimSpace(`
Removes from the package store every package that neither this config root's
disco.lock nor a --keep lock references, and what interrupted runs left in
the cache: partial downloads, temporary files, half-built root trees. A lock
file that does not exist is an error, and nothing is removed. gc waits for
the fetch and build runs using the store to end (--no-wait: fails instead).

Examples:
  disco -C examples/starlark cache gc
  disco -C prod cache gc --keep ../staging/disco.lock`),
		FlagSet: fs,
		Exec: func(ctx context.Context, args []string) error {
			if len(args) > 0 {
				return usagef("cache gc takes no arguments")
			}
			return e.runGC(ctx, append([]string{filepath.Join(e.config, lockfile.Name)}, keep...), noWait)
		},
	}
}

func (e *env) runGC(ctx context.Context, locks []string, noWait bool) error {
	keep := map[string]bool{}
	for _, path := range locks {
		// lockfile.Read takes a missing file for an empty lock, which
		// would let gc remove every package.
		if _, err := os.Stat(path); err != nil {
			return fmt.Errorf("cache gc: lock file %s: %w; nothing removed", path, unwrapPath(err))
		}
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
	root, cache, err := e.absDirs()
	if err != nil {
		return err
	}
	held, _, err := stages.LockStore(ctx, cache, true, e.lockOptions(noWait))
	if err != nil {
		return err
	}
	defer held.Release()
	st, err := store.Open(stages.StoreDir(cache))
	if err != nil {
		return err
	}
	n, bytes, err := st.GC(keep)
	if err != nil {
		return err
	}
	left, err := stages.RemoveLeftovers(cache)
	e.logLeftovers(root, left)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "removed %d packages (%s); %d kept by the lock files\n", n, humanBytes(bytes), len(keep))
	if len(left) > 0 {
		var size int64
		for _, l := range left {
			size += l.Size
		}
		fmt.Fprintf(e.stdout, "removed %d leftovers of interrupted runs (%s)\n", len(left), humanBytes(size))
	}
	return nil
}

// unwrapPath drops the path an *fs.PathError repeats.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
