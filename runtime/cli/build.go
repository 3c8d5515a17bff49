package cli

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/disco-build/disco/runtime/plan"
	"github.com/disco-build/disco/runtime/progress"
	"github.com/disco-build/disco/stages"
	"github.com/disco-build/disco/stages/lockfile"
	"github.com/disco-build/disco/stages/store"
	"github.com/peterbourgon/ff/v3/ffcli"
)

type buildFlags struct {
	machine, group, stage string
	excludeDocs           bool
	noScripts             bool
	jobs                  int
	force                 bool
	noWait                bool
	locks                 *stages.MachineLocks // the selected machines', taken before the build
	init                  *stages.InitProgram  // shared by the machines of one build
	identity              string               // the tool's identity for build stamps
}

func (e *env) buildCommand() *ffcli.Command {
	var f buildFlags
	fs := flag.NewFlagSet("build", flag.ContinueOnError)
	fs.StringVar(&f.machine, "machine", "", "only the machine named `NAME` (in any group)")
	fs.StringVar(&f.group, "group", "", "only the machines of group `G`")
	fs.StringVar(&f.stage, "stage", "disk", "the last stage to run, `tree|disk`")
	fs.BoolVar(&f.excludeDocs, "exclude-docs", false, "do not install files packages mark as documentation")
	fs.BoolVar(&f.noScripts, "no-scripts", false, "do not run package scriptlets (reported as skipped); generator scriptlets still run")
	fs.IntVar(&f.jobs, "j", 2, "machines built at once")
	fs.BoolVar(&f.force, "force", false, "build even machines whose inputs and outputs are unchanged since their last build")
	fs.BoolVar(&f.noWait, "no-wait", false, noWaitHelp)
	return &ffcli.Command{
		Name:       "build",
		ShortUsage: "disco build [flags]",
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
  disco -C examples/starlark build
  disco -C examples/starlark build --stage tree --machine web
  disco -C examples/boot build --group boot -j 1 --force`),
		FlagSet: fs,
		Exec: func(ctx context.Context, args []string) error {
			if len(args) > 0 {
				return usagef("build takes no arguments")
			}
			if f.stage != "tree" && f.stage != "disk" {
				return usagef("--stage %q: the stages are: tree, disk", f.stage)
			}
			if f.jobs < 1 {
				return usagef("-j %d: want at least 1", f.jobs)
			}
			return e.runBuild(ctx, f)
		},
	}
}

func (e *env) runBuild(ctx context.Context, f buildFlags) error {
	sess, err := e.openSession(ctx, selection{machine: f.machine, group: f.group})
	if err != nil {
		return err
	}
	var unbuildable []error
	for _, m := range sess.machines {
		unbuildable = append(unbuildable, stages.CheckBuildable(m))
	}
	if err := errors.Join(unbuildable...); err != nil {
		return err
	}
	if err := e.checkLocked(sess.machines); err != nil {
		return err
	}
	var errs []error
	for _, m := range sess.machines {
		errs = append(errs, stages.CheckOutputs(m))
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	// The store, then every selected machine (README: Running disco
	// concurrently); each machine's lock is released when its build ends.
	storeLock, left, err := stages.LockStore(ctx, sess.cache, false, e.lockOptions(f.noWait))
	if err != nil {
		return err
	}
	defer storeLock.Release()
	if f.locks, err = stages.LockMachines(ctx, sess.cache, sess.machines, e.lockOptions(f.noWait)); err != nil {
		return err
	}
	defer f.locks.ReleaseAll()
	e.logLeftovers(sess.root, append(left, f.locks.Leftovers...))
	f.identity = toolIdentity()
	f.init = &stages.InitProgram{Path: os.Getenv("DISCO_INIT"), TmpDir: stages.TmpDir(sess.cache)}
	ctx = e.withProgress(ctx)
	defer e.line.Clear()
	fe, sum, err := e.fetchAll(ctx, sess, 6)
	if err != nil {
		return fmt.Errorf("fetch: %w", err)
	}
	if sum.Downloaded > 0 {
		e.log.Info(fetchSummary(sum))
	}
	return e.buildAll(ctx, sess.machines, sess.lock, fe.Store(), sess.root, sess.cache, f)
}

// buildAll builds machines, -j at a time, and prints their results in
// machine order, then a summary table.
func (e *env) buildAll(ctx context.Context, machines []*plan.Machine, l *lockfile.Lock, st *store.Store, root, cache string, f buildFlags) error {
	results := make([]*stages.Result, len(machines))
	errs := make([]error, len(machines))
	secs := make([]float64, len(machines))
	sem := make(chan struct{}, f.jobs)
	groups := map[string]*sync.Mutex{}
	for _, m := range machines {
		groups[m.Group] = &sync.Mutex{}
	}
	var wg sync.WaitGroup
	for i, m := range machines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			defer f.locks.Release(m)
			if len(m.Scriptlets) > 0 {
				// Generator scriptlets share the group's generated folder,
				// with this process's other builds and other processes'.
				groups[m.Group].Lock()
				defer groups[m.Group].Unlock()
				gl, err := stages.LockGroup(ctx, cache, m.Group, e.lockOptions(f.noWait))
				if err != nil {
					errs[i] = err
					return
				}
				defer gl.Release()
			}
			start := time.Now()
			mctx := progress.WithTask(ctx, m.ID())
			results[i], errs[i] = e.buildOne(mctx, m, l.Machines[m.ID()], st, root, cache, f)
			secs[i] = time.Since(start).Seconds()
			progress.Send(mctx, progress.Report{End: true})
		}()
	}
	wg.Wait()
	e.line.Clear()
	for i, m := range machines {
		if errs[i] != nil {
			errs[i] = fmt.Errorf("%s: %w", m.ID(), errs[i])
		}
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	return e.printResults(results, secs, root)
}

func (e *env) buildOne(ctx context.Context, m *plan.Machine, lm *lockfile.Machine, st *store.Store, root, cache string, f buildFlags) (*stages.Result, error) {
	epoch, err := stages.Epoch(os.Getenv("SOURCE_DATE_EPOCH"), m, lm)
	if err != nil {
		return nil, err
	}
	opts := stages.BuildOptions{Stop: stages.Stage(f.stage), Tool: "disco " + Version, Init: f.init,
		Identity: f.identity, Force: f.force,
		TreeOptions: stages.TreeOptions{Root: root, Cache: cache, Epoch: epoch, ExcludeDocs: f.excludeDocs}}
	if !f.noScripts {
		opts.Scripts, opts.Generators = scriptRunners(epoch, e.scriptLog())
	} else {
		_, opts.Generators = scriptRunners(epoch, e.scriptLog())
	}
	e.log.Debug("building", "machine", m.ID(), "packages", len(lm.Packages), "source_date_epoch", epoch)
	res, err := stages.Build(ctx, m, lm, st, opts)
	if err != nil || res.UpToDate {
		return res, err
	}
	for _, n := range res.Tree.Notices {
		e.log.Debug(n)
	}
	for _, o := range res.Tree.Outcomes {
		level := e.log.Debug
		switch o.Status {
		case "failed":
			level = e.log.Warn
		case "skipped":
			level = e.log.Info
		}
		level("scriptlet", "machine", m.ID(), "package", o.Package, "name", o.Name, "status", o.Status,
			"exit", o.ExitCode, "seconds", fmt.Sprintf("%.2f", o.Seconds), "reason", o.Reason)
	}
	return res, nil
}

func (e *env) printResults(results []*stages.Result, secs []float64, root string) error {
	for _, r := range results {
		m := r.Machine
		if r.UpToDate {
			fmt.Fprintf(e.stdout, "%s: up to date: disk %s (nothing changed since the last build; --force builds it again)\n", m.ID(), rel(root, r.Disk))
			continue
		}
		fmt.Fprintf(e.stdout, "%s: tree %s (%d entries, %d packages), manifest %s\n", m.ID(),
			rel(root, r.Tree.Tree.Dir()), r.Tree.Tree.Manifest().Len(), len(r.Tree.Installed), rel(root, r.Manifest))
		if r.Disk != "" {
			fmt.Fprintf(e.stdout, "%s: disk %s (%s, %d partitions, %s)\n", m.ID(), rel(root, r.Disk), r.Layout.Table,
				len(r.Layout.Partitions), humanBytes(r.DiskSize))
		}
		if r.Boot != nil {
			fmt.Fprintf(e.stdout, "%s: boot kernel %s, initrd %s, cmdline %q\n", m.ID(), r.Boot.KVer, humanBytes(int64(len(r.Boot.Initrd))), r.Boot.Cmdline)
		}
		for _, o := range r.Outputs {
			if o.Path == filepath.Join(stages.ApplianceDir, stages.ApplianceRun) {
				dir := filepath.Dir(filepath.Join(filepath.Dir(r.Manifest), o.Path))
				fmt.Fprintf(e.stdout, "%s: run the appliance: %s\n", m.ID(), rel(root, filepath.Join(dir, stages.ApplianceRun)))
			}
		}
	}
	return e.printSummary(results, secs)
}

// printSummary prints one row per machine on stderr: its main output
// (the plan's first; "tree" after --stage tree) with its size, how many
// more outputs there are, and the seconds. Every output's path, size and
// sha256 is in the machine's report.
func (e *env) printSummary(results []*stages.Result, secs []float64) error {
	tw := tabwriter.NewWriter(e.stderr, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "MACHINE\tOUTPUT\tSIZE\tSECONDS")
	for i, r := range results {
		out, size := "tree", "-"
		if len(r.Outputs) > 0 {
			main := r.Outputs[0]
			out, size = main.Path, humanBytes(main.Size)
			if main.Format == "appliance" {
				out, size = stages.ApplianceDir+"/", humanBytes(applianceSize(r.Outputs))
			}
			if n := outputCount(r.Outputs) - 1; n > 0 {
				out += fmt.Sprintf(" +%d", n)
			}
		}
		if r.UpToDate {
			out += " (up to date)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%.2f\n", r.Machine.ID(), out, size, secs[i])
	}
	return tw.Flush()
}

// outputCount counts outputs, the appliance's files as one.
func outputCount(outs []stages.OutputFile) int {
	n, appliance := 0, false
	for _, o := range outs {
		if o.Format == "appliance" {
			appliance = true
			continue
		}
		n++
	}
	if appliance {
		n++
	}
	return n
}

func applianceSize(outs []stages.OutputFile) int64 {
	var n int64
	for _, o := range outs {
		if o.Format == "appliance" {
			n += o.Size
		}
	}
	return n
}

// rel shows p relative to the config root when it is inside it.
func rel(root, p string) string {
	if r, err := filepath.Rel(root, p); err == nil && !strings.HasPrefix(r, "..") {
		return r
	}
	return p
}

// scriptLog is where scriptlet output goes: the log at debug level.
func (e *env) scriptLog() io.Writer { return logWriter{e} }

type logWriter struct{ e *env }

func (w logWriter) Write(b []byte) (int, error) {
	w.e.log.Debug(strings.TrimRight(string(b), "\n"))
	return len(b), nil
}

// toolIdentity names this exact disco for build stamps: its version and
// the sha256 of its executable, so a rebuilt disco rebuilds machines. It
// is empty (nothing is skipped) when the executable cannot be read.
func toolIdentity() string {
	exe, err := os.Executable()
	if err != nil {
		return ""
	}
	f, err := os.Open(exe)
	if err != nil {
		return ""
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return ""
	}
	return "disco " + Version + " " + hex.EncodeToString(h.Sum(nil))
}
