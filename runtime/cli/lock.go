package cli

import (
	"context"
	"flag"
	"path/filepath"
	"strings"

	"github.com/disco-build/disco/runtime/loader"
	"github.com/disco-build/disco/runtime/plan"
	"github.com/disco-build/disco/stages"
	"github.com/disco-build/disco/stages/lockfile"
	"github.com/peterbourgon/ff/v3/ffcli"
)

type lockFlags struct {
	selection
	update bool
	noWait bool
}

func (e *env) lockCommand() *ffcli.Command {
	var f lockFlags
	fs := flag.NewFlagSet("lock", flag.ContinueOnError)
	f.register(fs, "output format")
	fs.BoolVar(&f.update, "update", false, "re-resolve only the packages named as arguments; the rest stay pinned")
	fs.BoolVar(&f.noWait, "no-wait", false, noWaitHelp)
	return &ffcli.Command{
		Name:       "lock",
		ShortUsage: "disco lock [flags] [PKG...]",
		ShortHelp:  "resolve packages and pin them in disco.lock",
		LongHelp: strings.TrimSpace(`
Resolves each machine's packages and all their dependencies from its
repositories (natively, with rpm's and dnf's semantics; no dnf needed) and
writes disco.lock at the config root: per machine the exact packages
(name, EVR, arch, repository, repository-relative location, sha256, size),
the repomd.xml checksums they came from, and the plan digest. Prints what
changed against the previous lock. Machines not selected keep their entries.

Examples:
  disco -C examples/starlark lock
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
	old, err := lockfile.Read(path)
	if err != nil {
		return err
	}
	next, report, err := resolveAll(ctx, stages.NewResolver(root, cache), machines, old, update)
	if err != nil {
		return err
	}
	if f.machine == "" && f.group == "" {
		prune(next, p)
	}
	if err := next.WriteFile(path); err != nil {
		return err
	}
	return e.printChanges(f.format, report)
}

type machineChanges struct {
	Machine string            `json:"machine"`
	Changes []lockfile.Change `json:"changes"`
}

func resolveAll(ctx context.Context, r *stages.Resolver, machines []*plan.Machine, old *lockfile.Lock, update []string) (*lockfile.Lock, []machineChanges, error) {
	next := lockfile.New()
	for id, m := range old.Machines {
		next.Machines[id] = m
	}
	var report []machineChanges
	for _, m := range machines {
		prev := old.Machines[m.ID()]
		lm, err := r.Resolve(ctx, m, prev, update)
		if err != nil {
			return nil, nil, err
		}
		next.Machines[m.ID()] = lm
		report = append(report, machineChanges{Machine: m.ID(), Changes: lockfile.Diff(prev, lm)})
	}
	return next, report, nil
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

func (e *env) printChanges(format string, report []machineChanges) error {
	if format == "json" {
		for i := range report {
			if report[i].Changes == nil {
				report[i].Changes = []lockfile.Change{}
			}
		}
		b, err := plan.Canonical(map[string]any{"machines": report})
		if err != nil {
			return err
		}
		_, err = e.stdout.Write(b)
		return err
	}
	for _, mc := range report {
		if err := lockfile.WriteChanges(e.stdout, mc.Machine, mc.Changes); err != nil {
			return err
		}
	}
	return nil
}
