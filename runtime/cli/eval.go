package cli

import (
	"context"
	"errors"
	"flag"
	"path/filepath"
	"strings"

	"github.com/disco-build/disco/runtime/loader"
	"github.com/disco-build/disco/runtime/plan"
	"github.com/disco-build/disco/stages/lockfile"
	"github.com/peterbourgon/ff/v3/ffcli"
)

type evalFlags struct {
	selection
	locked bool
}

func (e *env) evalCommand() *ffcli.Command {
	var f evalFlags
	fs := flag.NewFlagSet("eval", flag.ContinueOnError)
	f.register(fs, "output format")
	fs.BoolVar(&f.locked, "locked", false, "fail when a selected machine's plan changed since disco.lock was written")
	return &ffcli.Command{
		Name:       "eval",
		ShortUsage: "disco eval [flags]",
		ShortHelp:  "print the resolved build plan",
		LongHelp: strings.TrimSpace(`
Evaluates the configuration (every *.star file at the config root, and any
discographer tree under it), validates it, fills in defaults and prints the
build plan: for people as text (the default), for scripts as canonical
JSON in which every value carries the file:line:col it came from. Each
machine's digest covers its plan without positions.

Examples:
  disco -C examples/starlark eval
  disco -C examples/legacy eval --machine web --format json`),
		FlagSet: fs,
		Exec: func(ctx context.Context, args []string) error {
			if len(args) > 0 {
				return usagef("eval takes no arguments (got %q)", args)
			}
			if err := f.checkFormat(); err != nil {
				return err
			}
			return e.runEval(ctx, f)
		},
	}
}

func (e *env) runEval(ctx context.Context, f evalFlags) error {
	p, err := e.loadPlan(ctx)
	if err != nil {
		return err
	}
	machines, err := loader.Select(p, f.machine, f.group)
	if err != nil {
		return err
	}
	if f.locked {
		if err := e.checkLocked(machines); err != nil {
			return err
		}
	}
	if f.format == "json" {
		return plan.WriteDocument(e.stdout, machines)
	}
	return plan.WriteText(e.stdout, machines)
}

// checkLocked fails unless every machine has a lock entry made for its
// current plan digest.
func (e *env) checkLocked(machines []*plan.Machine) error {
	l, err := lockfile.Read(filepath.Join(e.config, lockfile.Name))
	if err != nil {
		return err
	}
	var errs []error
	for _, m := range machines {
		d, err := m.Digest()
		if err != nil {
			return err
		}
		switch lm := l.Machines[m.ID()]; {
		case lm == nil:
			errs = append(errs, plan.Errorf(m.Pos, "machine %s is not in %s; run disco lock", m.ID(), lockfile.Name))
		case lm.Digest != d:
			errs = append(errs, plan.Errorf(m.Pos, "machine %s changed since %s was written (digest %s, locked %s); run disco lock", m.ID(), lockfile.Name, d, lm.Digest))
		}
	}
	return errors.Join(errs...)
}

// loadPlan reads, defaults and validates the whole configuration.
func (e *env) loadPlan(ctx context.Context) (*plan.Plan, error) {
	maxMemory, err := e.maxMemoryBytes()
	if err != nil {
		return nil, err
	}
	p, notices, err := loader.Load(ctx, loader.Options{Root: e.config, Cache: e.cacheDir(), MaxMemory: maxMemory})
	for _, n := range notices {
		if n.Debug {
			e.log.Debug(n.String())
		} else {
			e.log.Info(n.String())
		}
	}
	return p, err
}

// maxMemoryBytes is --max-memory in bytes (0: eval's default).
func (e *env) maxMemoryBytes() (uint64, error) {
	if e.maxMemory == "" {
		return 0, nil
	}
	n, err := plan.ParseSize(e.maxMemory)
	if err != nil || n <= 0 {
		return 0, usagef("--max-memory %q: want a size such as 512M or 2G", e.maxMemory)
	}
	return uint64(n), nil
}
