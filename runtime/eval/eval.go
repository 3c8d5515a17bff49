// Package eval runs Starlark configurations and returns the machines they
// declare. Evaluation is sandboxed and deterministic: files are read only
// through the injected fs.FS (configfs in production, a MapFS in tests),
// there is no access to the environment, clock, randomness or network,
// recursion and while loops are off, every thread has a step limit, the
// memory evaluation holds is bounded (Options.MaxMemory, default
// DefaultMaxMemory), and a cancelled context stops evaluation. Exceeding a
// bound is an *Error at the position where it happened, never a crash.
//
// Entry point: Eval. Errors are *Error: one positioned line, plus the
// Starlark backtrace when the failure happened inside Starlark code.
//
// # Memory bound
//
// go.starlark.net has a step limit but no allocation accounting, and one
// step can allocate without limit (`[0] * 1000000000` is one
// multiplication: 16 GB). Two mechanisms keep the bound:
//
//  1. Before anything is allocated, every operation that can make a value
//     much larger than its operands in one step charges the estimated size
//     of its result, and fails at once, at its position, when that would
//     not fit: the operators + * % and their augmented forms, the methods
//     join, format, replace, split, rsplit, splitlines, extend and update
//     (guardFile rewrites the parsed file to call guard builtins for
//     these; names a configuration cannot write), the builtins that copy
//     an iterable of known length (list, tuple, set, dict, sorted,
//     reversed, enumerate, zip), those that render a value as text (str,
//     repr, print, fail, json.encode, json.indent: exponential in a value
//     that shares its parts), json.decode and read_file.
//  2. Every 1024 steps, and whenever charges add up to 16 MiB, the heap
//     is read (runtime/metrics). While its objects (live or garbage) fit
//     the bound, all is well; up to half a bound over it, the live heap the
//     last collection found decides; past that, or for a large guarded
//     operation, one collection measures exactly. Above the bound the
//     evaluation fails where it is. A soft Go memory limit a little above
//     the bound makes the runtime collect more often meanwhile.
//
// Growth no guard sees (appending in a loop, filling a dict, concatenating
// strings) takes at least a step per element, so the heap exceeds the
// bound by at most 1024 steps of it plus half a bound of garbage; measured
// with a 64 MiB bound: a dict filled in a loop stops at 150 MiB RSS, the
// other runaway cases of memory_test.go under 40 MiB. The heap is the
// process's, counted from when evaluation started. Time inside one step
// (multiplying huge ints, any() over a huge range) is not bounded here.
package eval

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"sync"

	"github.com/disco-build/disco/builtins"
	"github.com/disco-build/disco/runtime/plan"
	"github.com/disco-build/disco/starlib"
	"go.starlark.net/starlark"
	"go.starlark.net/starlarkstruct"
	"go.starlark.net/syntax"
)

// DefaultMaxSteps bounds the work of one file's evaluation.
const DefaultMaxSteps = 50_000_000

// Options configure Eval.
type Options struct {
	// FS is the config root. Required.
	FS fs.FS
	// Files are the entry files, root-relative. Empty means every *.star
	// file directly in the root, in byte order.
	Files []string
	// MaxSteps bounds each thread's execution steps (0: DefaultMaxSteps).
	MaxSteps uint64
	// MaxMemory bounds the bytes evaluation may hold (0: DefaultMaxMemory).
	MaxMemory uint64
	// Print receives print() output; nil discards it.
	Print func(pos plan.Pos, msg string)
}

var fileOptions = &syntax.FileOptions{Set: true, TopLevelControl: true}

// EntryFiles lists the *.star files directly in the root of fsys.
func EntryFiles(fsys fs.FS) ([]string, error) {
	names, err := fs.Glob(fsys, "*.star")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	return names, nil
}

// Eval evaluates the entry files and returns the machines declared, in
// declaration order, or an error (joined, when several files fail).
func Eval(ctx context.Context, opts Options) ([]*plan.Machine, error) {
	files := opts.Files
	if len(files) == 0 {
		var err error
		if files, err = EntryFiles(opts.FS); err != nil {
			return nil, err
		}
	}
	e := newEvaluator(ctx, opts)
	defer e.stop()
	defer softLimit(e.meter.base + e.opts.MaxMemory + e.opts.MaxMemory/8 + 64<<20)()
	for _, f := range files {
		if _, err := e.load(nil, f); err != nil {
			return nil, err
		}
	}
	if errs := e.collector.Unused(); len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return e.collector.Machines, nil
}

type module struct {
	globals starlark.StringDict
	err     error
	loading bool
}

type evaluator struct {
	ctx       context.Context
	opts      Options
	collector *builtins.Collector
	universe  starlark.StringDict
	meter     *meter
	modules   map[string]*module
	stack     []string

	mu      sync.Mutex
	threads []*starlark.Thread
	done    chan struct{}
}

func newEvaluator(ctx context.Context, opts Options) *evaluator {
	if opts.MaxSteps == 0 {
		opts.MaxSteps = DefaultMaxSteps
	}
	if opts.MaxMemory == 0 {
		opts.MaxMemory = DefaultMaxMemory
	}
	e := &evaluator{
		ctx: ctx, opts: opts,
		collector: builtins.NewCollector(opts.FS),
		universe:  builtins.Universe(),
		modules:   map[string]*module{},
		done:      make(chan struct{}),
		meter:     newMeter(opts.MaxMemory),
	}
	for name, v := range guards(e.meter) {
		e.universe[name] = v
	}
	if mod, ok := e.universe["json"].(*starlarkstruct.Module); ok {
		e.universe["json"] = guardJSON(e.meter, mod)
	}
	go e.watch()
	return e
}

// watch cancels every thread when the context ends.
func (e *evaluator) watch() {
	select {
	case <-e.ctx.Done():
		e.mu.Lock()
		defer e.mu.Unlock()
		for _, t := range e.threads {
			t.Cancel(e.ctx.Err().Error())
		}
	case <-e.done:
	}
}

func (e *evaluator) stop() { close(e.done) }

func (e *evaluator) newThread(name string) *starlark.Thread {
	t := &starlark.Thread{Name: name, Load: e.loadFromThread}
	t.Print = func(t *starlark.Thread, msg string) {
		if e.opts.Print != nil {
			e.opts.Print(framePos(t.CallStack()), msg)
		}
	}
	// The step limit is raised checkEvery steps at a time, so that the
	// memory held is checked that often.
	t.SetMaxExecutionSteps(min(checkEvery, e.opts.MaxSteps))
	t.OnMaxSteps = func(t *starlark.Thread) {
		if t.ExecutionSteps() >= e.opts.MaxSteps {
			t.Cancel(fmt.Sprintf("evaluation exceeded %d steps (endless loop?)", e.opts.MaxSteps))
			return
		}
		if err := e.meter.check(0); err != nil {
			t.Cancel(err.Error())
			return
		}
		t.SetMaxExecutionSteps(min(t.ExecutionSteps()+checkEvery, e.opts.MaxSteps))
	}
	t.SetLocal(builtins.MemoryKey, builtins.Charger(e.meter.charge))
	e.collector.Attach(t)
	e.mu.Lock()
	e.threads = append(e.threads, t)
	e.mu.Unlock()
	if e.ctx.Err() != nil {
		t.Cancel(e.ctx.Err().Error())
	}
	return t
}

func (e *evaluator) loadFromThread(t *starlark.Thread, name string) (starlark.StringDict, error) {
	return e.load(t, name)
}

// load evaluates module name once and returns its globals. from is the
// loading thread (nil for an entry file).
func (e *evaluator) load(from *starlark.Thread, name string) (starlark.StringDict, error) {
	if m, ok := e.modules[name]; ok {
		if m.loading {
			return nil, fmt.Errorf("load cycle: %s -> %s", strings.Join(e.stack, " -> "), name)
		}
		return m.globals, m.err
	}
	src, err := e.source(name)
	if err != nil {
		if from == nil {
			return nil, &Error{Pos: plan.Pos{File: name}, Msg: err.Error()}
		}
		return nil, err
	}
	m := &module{loading: true}
	e.modules[name] = m
	e.stack = append(e.stack, name)
	t := e.newThread(name)
	m.globals, m.err = e.exec(t, name, src)
	e.stack = e.stack[:len(e.stack)-1]
	m.loading = false
	if m.err != nil {
		m.err = convert(m.err)
	}
	return m.globals, m.err
}

// exec parses, guards (guardFile), compiles and runs one module, and
// freezes its globals, as starlark.ExecFileOptions does.
func (e *evaluator) exec(t *starlark.Thread, name string, src []byte) (starlark.StringDict, error) {
	f, err := fileOptions.Parse(name, src, 0)
	if err != nil {
		return nil, err
	}
	guardFile(f)
	prog, err := starlark.FileProgram(f, e.universe.Has)
	if err != nil {
		return nil, err
	}
	g, err := prog.Init(t, e.universe)
	g.Freeze()
	return g, err
}

// source reads a module: "@disco/x.star" from starlib, anything else from
// the config root.
func (e *evaluator) source(name string) ([]byte, error) {
	if path.Ext(name) != ".star" {
		return nil, &builtins.ArgError{Err: fmt.Errorf("module names end in .star")}
	}
	if rest, ok := strings.CutPrefix(name, starlib.Prefix); ok {
		data, err := fs.ReadFile(starlib.FS, rest)
		if err != nil {
			return nil, &builtins.ArgError{Err: fmt.Errorf("no such disco module (have: %s)", modules())}
		}
		return data, nil
	}
	data, err := fs.ReadFile(e.opts.FS, name)
	if err != nil {
		return nil, &builtins.ArgError{Err: err}
	}
	return data, nil
}

func modules() string {
	names, _ := fs.Glob(starlib.FS, "*.star")
	for i, n := range names {
		names[i] = starlib.Prefix + n
	}
	return strings.Join(names, ", ")
}
