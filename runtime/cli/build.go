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
	fs.StringVar(&f.stage, "stage", "disk", "stop after this stage: tree or disk")
	fs.BoolVar(&f.excludeDocs, "exclude-docs", false, "do not install files packages mark as documentation")
	fs.BoolVar(&f.noScripts, "no-scripts", false, "do not run package scriptlets (reported as skipped)")
	return &ffcli.Command{
		Name:       "build",
		ShortUsage: "disco build [--machine NAME] [--group G] [--stage tree|disk] [--exclude-docs]",
		ShortHelp:  "build machines from the lock into disk images",
		LongHelp: strings.TrimSpace(`
Builds the selected machines from disco.lock: fetches their packages into the
shared store, installs them natively into CACHE/GROUP/NAME/root in rpm's
transaction order, runs their scriptlets, then applies generator
scriptlets, files, overlays, devices, init, users and groups, and deletes,
and writes the metadata manifest (owners, modes, devices, links, xattrs,
times, sources) to CACHE/GROUP/NAME/manifest.jsonl (--stage tree stops
here). Then it writes each partition's filesystem (ext4, squashfs, vfat,
swap) from the manifest straight into the partitioned disk image
CACHE/GROUP/NAME/disk.raw: no mounts, no loop devices. Nothing needs root
except running scriptlets. SOURCE_DATE_EPOCH, when set, fixes every time;
the same inputs give the same bytes.

Examples:
  disco -C examples/starlark build --stage tree --machine web
  disco -C examples/starlark inspect web`),
		FlagSet: fs,
		Exec: func(ctx context.Context, args []string) error {
			if len(args) > 0 {
				return usagef("build takes no arguments")
			}
			if f.stage != "tree" && f.stage != "disk" {
				return usagef("--stage %q: the stages are: tree, disk", f.stage)
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
	items, err := fe.Items(ctx, machines, l)
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
	if _, err := fmt.Fprintf(e.stdout, "%s: tree %s (%d entries, %d packages), manifest %s\n", m.ID(),
		rel(root, res.Tree.Dir()), res.Tree.Manifest().Len(), len(res.Installed), rel(root, path)); err != nil {
		return err
	}
	if f.stage == "tree" {
		return nil
	}
	return e.buildDisk(ctx, m, res, cache, epoch, root)
}

func (e *env) buildDisk(ctx context.Context, m *plan.Machine, res *stages.TreeResult, cache string, epoch int64, root string) error {
	dir := stages.MachineDir(cache, m.Group, m.Name)
	out := filepath.Join(dir, "disk.raw")
	l, err := stages.NewDiskImage(res.Tree, m, epoch, filepath.Join(dir, "tmp")).Write(ctx, out)
	if err != nil {
		return fmt.Errorf("disk: %w", err)
	}
	fi, err := os.Stat(out)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(e.stdout, "%s: disk %s (%s, %d partitions, %s)\n", m.ID(), rel(root, out), l.Table, len(l.Partitions), humanBytes(fi.Size()))
	return err
}

// rel shows p relative to the config root when it is inside it.
func rel(root, p string) string {
	if r, err := filepath.Rel(root, p); err == nil && !strings.HasPrefix(r, "..") {
		return r
	}
	return p
}
