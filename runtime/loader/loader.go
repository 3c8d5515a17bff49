// Package loader reads a whole configuration root into a validated,
// defaulted plan: the Starlark entry files (through the sandboxed configfs)
// and any discographer tree (through the legacy reader), then selects
// machines for a verb.
//
// Entry points: Load and Select.
package loader

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/disco-build/disco/runtime/configfs"
	"github.com/disco-build/disco/runtime/eval"
	"github.com/disco-build/disco/runtime/legacy"
	"github.com/disco-build/disco/runtime/plan"
)

// Options say where the configuration is.
type Options struct {
	Root  string // the config root
	Cache string // the cache folder, never readable by configurations
	// MaxSteps bounds Starlark evaluation (0: eval.DefaultMaxSteps).
	MaxSteps uint64
	// MaxMemory bounds the memory Starlark evaluation holds, in bytes (0:
	// eval.DefaultMaxMemory).
	MaxMemory uint64
}

// Notice is something worth logging that is not an error (a legacy
// device line overriding another, a skipped folder, ...).
type Notice = legacy.Notice

// Load evaluates everything under opts.Root and returns the plan and the
// notices met on the way.
func Load(ctx context.Context, opts Options) (*plan.Plan, []Notice, error) {
	if fi, err := os.Stat(opts.Root); err != nil || !fi.IsDir() {
		return nil, nil, fmt.Errorf("config root %s: not a folder", opts.Root)
	}
	star, err := loadStarlark(ctx, opts)
	if err != nil {
		return nil, nil, err
	}
	var notices []Notice
	old, err := legacy.Read(ctx, opts.Root, legacy.Options{
		Cache:  opts.Cache,
		Notify: func(n legacy.Notice) { notices = append(notices, n) },
	})
	if err != nil {
		return nil, notices, err
	}
	p := &plan.Plan{Machines: append(star, old...)}
	if len(p.Machines) == 0 {
		return nil, notices, fmt.Errorf("%s: no machines found (no *.star file declares one and there is no discographer tree)", opts.Root)
	}
	plan.Default(p)
	if err := p.Validate(); err != nil {
		return nil, notices, err
	}
	return p, notices, nil
}

func loadStarlark(ctx context.Context, opts Options) ([]*plan.Machine, error) {
	fsys, err := configfs.New(opts.Root, absOrEmpty(opts.Cache))
	if err != nil {
		return nil, err
	}
	defer fsys.Close()
	files, err := eval.EntryFiles(fsys)
	if err != nil || len(files) == 0 {
		return nil, err
	}
	return eval.Eval(ctx, eval.Options{FS: fsys, Files: files, MaxSteps: opts.MaxSteps, MaxMemory: opts.MaxMemory})
}

func absOrEmpty(p string) string {
	if p == "" {
		return ""
	}
	abs, err := filepath.Abs(p)
	if err != nil {
		return p
	}
	return abs
}

// Select returns the machines matching name (any group) and group; empty
// strings match everything. A name found in several groups without a
// group given is an error naming each place.
func Select(p *plan.Plan, name, group string) ([]*plan.Machine, error) {
	var out []*plan.Machine
	for _, m := range p.Machines {
		if (name == "" || m.Name == name) && (group == "" || m.Group == group) {
			out = append(out, m)
		}
	}
	switch {
	case len(out) == 0 && (name != "" || group != ""):
		return nil, fmt.Errorf("no machine matches --machine %q --group %q (machines: %s)", name, group, ids(p.Machines))
	case name != "" && group == "" && len(out) > 1:
		var errs []error
		for _, m := range out {
			errs = append(errs, plan.Errorf(m.Pos, "machine %q is here, in group %q", name, m.Group))
		}
		return nil, fmt.Errorf("machine name %q is ambiguous; give --group:\n%w", name, errors.Join(errs...))
	}
	return out, nil
}

func ids(ms []*plan.Machine) string {
	s := make([]string, len(ms))
	for i, m := range ms {
		s[i] = m.ID()
	}
	return strings.Join(s, ", ")
}
