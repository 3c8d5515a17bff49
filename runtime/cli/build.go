package cli

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/disco-build/disco/runtime/loader"
	"github.com/disco-build/disco/runtime/plan"
	"github.com/disco-build/disco/stages"
	"github.com/disco-build/disco/stages/fetch"
	"github.com/disco-build/disco/stages/lockfile"
	"github.com/peterbourgon/ff/v3/ffcli"
)

type buildFlags struct {
	machine, group, stage string
	excludeDocs           bool
	noScripts             bool
}

func (e *env) buildCommand() *ffcli.Command {
	var f buildFlags
	fs := flag.NewFlagSet("build", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.StringVar(&f.machine, "machine", "", "only the machine with this name (any group)")
	fs.StringVar(&f.group, "group", "", "only the machines of this group")
	fs.StringVar(&f.stage, "stage", "tree", "stop after this stage: tree")
	fs.BoolVar(&f.excludeDocs, "exclude-docs", false, "do not install files packages mark as documentation")
	fs.BoolVar(&f.noScripts, "no-scripts", false, "do not run package scriptlets (reported as skipped)")
	return &ffcli.Command{
		Name:       "build",
		ShortUsage: "disco build [--machine NAME] [--group G] [--stage tree] [--exclude-docs]",
		ShortHelp:  "build machines from the lock (now: the root tree and its manifest)",
		LongHelp: strings.TrimSpace(`
Builds the selected machines from disco.lock: fetches their packages into the
shared store, installs them natively into CACHE/GROUP/NAME/root in rpm's
transaction order, runs their scriptlets, then applies generator
scriptlets, files, overlays, devices, init, users and groups, and deletes,
and writes the metadata manifest (owners, modes, devices, links, xattrs,
times, sources) to CACHE/GROUP/NAME/manifest.jsonl. Nothing needs root
except running scriptlets. SOURCE_DATE_EPOCH, when set, fixes every time.

Examples:
  disco -C examples/starlark build --stage tree --machine web
  disco -C examples/starlark inspect web`),
		FlagSet: fs,
		Exec: func(ctx context.Context, args []string) error {
			if len(args) > 0 {
				return usagef("build takes no arguments")
			}
			if f.stage != "tree" {
				return usagef("--stage %q: the stages are: tree", f.stage)
			}
			return e.runBuild(ctx, f)
		},
	}
}

func (e *env) runBuild(ctx context.Context, f buildFlags) error {
	p, err := e.loadPlan(ctx)
	if err != nil {
		return err
	}
	machines, err := loader.Select(p, f.machine, f.group)
	if err != nil {
		return err
	}
	l, err := lockfile.Read(filepath.Join(e.config, lockfile.Name))
	if err != nil {
		return err
	}
	if err := e.checkLocked(machines); err != nil {
		return err
	}
	root, cache, err := e.absDirs()
	if err != nil {
		return err
	}
	if err := stages.EnsureCache(cache); err != nil {
		return err
	}
	r := fetch.NewRenderer(e.stderr, isTerminal(e.stderr))
	fe, err := stages.NewFetcher(root, cache, fetch.Options{Progress: r.Event})
	if err != nil {
		return err
	}
	items, err := fe.Items(machines, l)
	if err != nil {
		return err
	}
	sum, err := fe.Fetch(ctx, items)
	r.Finish(sum)
	if err != nil {
		return fmt.Errorf("fetch: %w", err)
	}
	for _, m := range machines {
		if err := e.buildTree(ctx, m, l.Machines[m.ID()], fe, root, cache, f); err != nil {
			return fmt.Errorf("%s: %w", m.ID(), err)
		}
	}
	return nil
}

func (e *env) buildTree(ctx context.Context, m *plan.Machine, lm *lockfile.Machine, fe *stages.Fetcher, root, cache string, f buildFlags) error {
	epoch, err := stages.Epoch(os.Getenv("SOURCE_DATE_EPOCH"), m, lm)
	if err != nil {
		return err
	}
	opts := stages.TreeOptions{Root: root, Cache: cache, Epoch: epoch, ExcludeDocs: f.excludeDocs}
	if !f.noScripts {
		opts.Scripts, opts.Generators = scriptRunners()
	}
	res, err := stages.BuildTree(ctx, m, lm, fe.Store(), opts)
	if err != nil {
		return err
	}
	for _, n := range res.Notices {
		e.log.Debug(n)
	}
	path, err := stages.WriteManifest(cache, m, res.Tree)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(e.stdout, "%s: tree %s (%d entries, %d packages), manifest %s\n", m.ID(),
		rel(root, res.Tree.Dir()), res.Tree.Manifest().Len(), len(res.Installed), rel(root, path))
	return err
}

// rel shows p relative to the config root when it is inside it.
func rel(root, p string) string {
	if r, err := filepath.Rel(root, p); err == nil && !strings.HasPrefix(r, "..") {
		return r
	}
	return p
}
