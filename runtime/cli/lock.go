package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/disco-build/disco/runtime/loader"
	"github.com/disco-build/disco/runtime/plan"
	"github.com/disco-build/disco/stages"
	"github.com/disco-build/disco/stages/lockfile"
	"github.com/peterbourgon/ff/v3/ffcli"
)

type lockFlags struct {
	selection
	update    bool
	keepGoing bool
	noWait    bool
}

func (e *env) lockCommand() *ffcli.Command {
	var f lockFlags
	fs := flag.NewFlagSet("lock", flag.ContinueOnError)
	f.register(fs, "output format")
	fs.BoolVar(&f.update, "update", false, "re-resolve only the packages named as arguments; the rest stay pinned")
	fs.BoolVar(&f.keepGoing, "keep-going", false, "lock the machines that resolve even when others do not (exit 1 naming those)")
	fs.BoolVar(&f.keepGoing, "k", false, "same as --keep-going")
	fs.BoolVar(&f.noWait, "no-wait", false, noWaitHelp)
	return &ffcli.Command{
		Name:       "lock",
		ShortUsage: "disco lock [flags] [PKG...]",
		ShortHelp:  "resolve packages and pin them in disco.lock",
		LongHelp: strings.TrimSpace(`
Resolves each machine's packages and all their dependencies from its
repositories, natively, with the semantics of its package format: rpm's and
dnf's for RPM repositories (no dnf needed), apt's for Debian ones (the
Release file verified against the repository's keyring, every index against
the Release file; apt-get install's choices, without apt). Writes disco.lock
at the config root: per machine the exact packages (name, version, arch,
repository, repository-relative location, sha256, size), the repository
metadata they came from (repomd.xml checksums, InRelease digests), and the
plan digest. Prints what changed against the previous lock (packages, and a
plan digest or repository metadata that changed while the packages did
not). Machines not selected keep their entries.

A machine whose packages cannot be resolved is explained as dnf (or apt)
would (every problem, every missing dependency and conflict behind it); all
such machines are reported, not only the first. Then nothing is written, unless
-k (--keep-going): disco.lock gets the machines that resolved, each failing
machine keeps the entry it had (which still names the plan digest it was
resolved for, so eval --locked and build tell when the plan has changed
since) or stays without one, and lock exits 1 naming them.

Examples:
  disco -C examples/starlark lock
  disco -C examples/starlark lock -k
  disco -C examples/starlark lock --machine web --update bash openssl`),
		FlagSet: fs,
		Exec: func(ctx context.Context, args []string) error {
			if f.update != (len(args) > 0) {
				return usagef("--update takes package names, and package names need --update")
			}
			if err := f.checkFormat(); err != nil {
				return err
			}
			return e.runLock(ctx, f, args)
		},
	}
}

func (e *env) runLock(ctx context.Context, f lockFlags, update []string) error {
	p, err := e.loadPlan(ctx)
	if err != nil {
		return err
	}
	machines, err := loader.Select(p, f.machine, f.group)
	if err != nil {
		return err
	}
	path := filepath.Join(e.config, lockfile.Name)
	root, cache, err := e.absDirs()
	if err != nil {
		return err
	}
	if err := stages.EnsureCache(cache); err != nil {
		return err
	}
	// Read, resolve and write disco.lock under its lock: another lock run
	// would otherwise overwrite this one's changes.
	held, left, err := stages.LockLockfile(ctx, cache, filepath.Join(root, lockfile.Name), path, e.lockOptions(f.noWait))
	if err != nil {
		return err
	}
	defer held.Release()
	e.logLeftovers(root, left)
	if usesStore(machines) {
		// Debian indexes are downloaded into the package store, which gc
		// must not sweep meanwhile.
		storeLock, left, err := stages.LockStore(ctx, cache, false, e.lockOptions(f.noWait))
		if err != nil {
			return err
		}
		defer storeLock.Release()
		e.logLeftovers(root, left)
	}
	old, err := lockfile.Read(path)
	if err != nil {
		return err
	}
	next, report, failed, err := resolveAll(ctx, stages.NewResolver(root, cache, time.Now), machines, old, update)
	if err != nil {
		return err
	}
	if len(failed) > 0 && !f.keepGoing {
		return failed.err(len(machines), old, false)
	}
	if f.machine == "" && f.group == "" {
		prune(next, p)
	}
	if len(report) > 0 || len(failed) == 0 {
		if err := next.WriteFile(path); err != nil {
			return err
		}
	}
	if err := e.printChanges(f.format, report, failed); err != nil {
		return err
	}
	if len(failed) > 0 {
		return failed.err(len(machines), old, true)
	}
	return nil
}

// usesStore reports whether resolving machines reads indexes through the
// package store (Debian machines do).
func usesStore(machines []*plan.Machine) bool {
	for _, m := range machines {
		if m.PackageFormat() == plan.FormatDeb {
			return true
		}
	}
	return false
}

type machineChanges struct {
	Machine   string            `json:"machine"`
	Changes   []lockfile.Change `json:"changes"`
	Rewritten []string          `json:"rewritten,omitempty"` // lockfile.Rewrites
}

// lockFailure is a machine that could not be locked and why.
type lockFailure struct {
	id  string
	err error
}

type lockFailures []lockFailure

// err reports every failure, then what became of the lock: not written,
// or (keepGoing) written with each failing machine's previous entry, if
// it had one.
func (fs lockFailures) err(total int, old *lockfile.Lock, keepGoing bool) error {
	var errs []error
	var ids []string
	for _, f := range fs {
		errs = append(errs, f.err)
		id := f.id
		if keepGoing {
			if old.Machines[f.id] != nil {
				id += " (previous entry kept)"
			} else {
				id += " (no entry)"
			}
		}
		ids = append(ids, id)
	}
	if keepGoing {
		errs = append(errs, fmt.Errorf("lock: %d of %d machines not locked: %s", len(fs), total, strings.Join(ids, ", ")))
	} else {
		errs = append(errs, fmt.Errorf("lock: %d of %d machines cannot be locked: %s; %s not written (-k writes the others)",
			len(fs), total, strings.Join(ids, ", "), lockfile.Name))
	}
	return errors.Join(errs...)
}

// resolveAll resolves every machine with one resolver (each repository is
// loaded once for all of them) and goes on past machines that fail: it
// returns the new lock (failing machines keep their old entries), the
// changes of those that resolved and the failures. Only a cancelled
// context stops it early.
func resolveAll(ctx context.Context, r *stages.Resolver, machines []*plan.Machine, old *lockfile.Lock, update []string) (*lockfile.Lock, []machineChanges, lockFailures, error) {
	next := lockfile.New()
	for id, m := range old.Machines {
		next.Machines[id] = m
	}
	var report []machineChanges
	var failed lockFailures
	for _, m := range machines {
		prev := old.Machines[m.ID()]
		lm, err := r.Resolve(ctx, m, prev, update)
		if ctx.Err() != nil {
			return nil, nil, nil, ctx.Err()
		}
		if err != nil {
			failed = append(failed, lockFailure{id: m.ID(), err: err})
			continue
		}
		next.Machines[m.ID()] = lm
		report = append(report, machineChanges{Machine: m.ID(), Changes: lockfile.Diff(prev, lm), Rewritten: lockfile.Rewrites(prev, lm)})
	}
	return next, report, failed, nil
}

// prune drops lock entries of machines the plan no longer has.
func prune(l *lockfile.Lock, p *plan.Plan) {
	keep := map[string]bool{}
	for _, m := range p.Machines {
		keep[m.ID()] = true
	}
	for id := range l.Machines {
		if !keep[id] {
			delete(l.Machines, id)
		}
	}
}

// printChanges prints the changes of the machines that were locked; in
// JSON, "failed" lists those that were not.
func (e *env) printChanges(format string, report []machineChanges, failed lockFailures) error {
	if format == "json" {
		for i := range report {
			if report[i].Changes == nil {
				report[i].Changes = []lockfile.Change{}
			}
		}
		doc := map[string]any{"machines": report}
		if len(failed) > 0 {
			ids := make([]string, len(failed))
			for i, f := range failed {
				ids[i] = f.id
			}
			doc["failed"] = ids
		}
		b, err := plan.Canonical(doc)
		if err != nil {
			return err
		}
		_, err = e.stdout.Write(b)
		return err
	}
	for _, mc := range report {
		if err := lockfile.WriteChanges(e.stdout, mc.Machine, mc.Changes, mc.Rewritten); err != nil {
			return err
		}
	}
	return nil
}
