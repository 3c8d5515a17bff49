package stages

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/disco-build/disco/runtime/plan"
	"github.com/disco-build/disco/stages/lockfile"
	"github.com/disco-build/disco/stages/store"
	"github.com/disco-build/disco/stages/tree"
)

// TreeOptions configure BuildTree.
type TreeOptions struct {
	Root, Cache string // absolute
	Epoch       int64  // SOURCE_DATE_EPOCH (see Epoch)
	ExcludeDocs bool
	Scripts     ScriptRunner    // nil: scriptlets are skipped (reported)
	Generators  GeneratorRunner // nil: a machine with generator scriptlets fails
}

// GeneratorRunner runs a legacy machine's generator scriptlets.
type GeneratorRunner interface {
	Run(ctx context.Context, m *plan.Machine, root, cache, treeDir string, epoch int64) ([]Outcome, error)
}

// TreeResult is what BuildTree made.
type TreeResult struct {
	Tree      *tree.Tree
	Installed []Installed
	Outcomes  []Outcome
	Notices   []string
	// Overlays is what the overlay stage copied, per plan overlay.
	Overlays []AppliedOverlay
}

// Epoch is SOURCE_DATE_EPOCH for m: the environment's value (env, when
// set), else the plan's, else the newest build time of the locked packages.
func Epoch(env string, m *plan.Machine, lm *lockfile.Machine) (int64, error) {
	if env != "" {
		var e int64
		if _, err := fmt.Sscan(env, &e); err != nil || e < 0 {
			return 0, fmt.Errorf("SOURCE_DATE_EPOCH=%q: not a non-negative integer", env)
		}
		return e, nil
	}
	if m.SourceDateEpoch != nil {
		return *m.SourceDateEpoch, nil
	}
	var newest int64
	for _, p := range lm.Packages {
		newest = max(newest, p.BuildTime)
	}
	return newest, nil
}

// TreeDir is where a machine's root tree is assembled (the contract's
// cacheMachineRpmInstallRootPath).
func TreeDir(cache string, m *plan.Machine) string {
	return filepath.Join(MachineDir(cache, m.Group, m.Name), "root")
}

// BuildTree assembles m's root tree from its lock entry and the store, in
// the contract's order: packages (and their rpmdb), disco's system files,
// generator scriptlets, Starlark files, overlays, devices, init, users and
// groups, deletes. A build that fails removes what it had assembled, so
// that no partial tree is left where a finished one would be.
func BuildTree(ctx context.Context, m *plan.Machine, lm *lockfile.Machine, st *store.Store, o TreeOptions) (*TreeResult, error) {
	res, err := buildTree(ctx, m, lm, st, o)
	if err != nil {
		if rerr := os.RemoveAll(TreeDir(o.Cache, m)); rerr != nil {
			return nil, errors.Join(err, fmt.Errorf("tree: removing the partial tree: %w", rerr))
		}
	}
	return res, err
}

func buildTree(ctx context.Context, m *plan.Machine, lm *lockfile.Machine, st *store.Store, o TreeOptions) (*TreeResult, error) {
	dir := TreeDir(o.Cache, m)
	if err := os.RemoveAll(dir); err != nil {
		return nil, fmt.Errorf("tree: %w", err)
	}
	t, err := tree.New(dir, o.Epoch)
	if err != nil {
		return nil, err
	}
	res := &TreeResult{Tree: t}
	in := NewInstaller(t, st, o.Epoch, o.ExcludeDocs, o.Scripts)
	if res.Installed, res.Outcomes, err = in.Install(ctx, lm.Packages); err != nil {
		return nil, fmt.Errorf("install: %w", err)
	}
	res.Notices = append(res.Notices, in.Notices()...)
	if err := failedScripts(res.Outcomes, m.AllowScriptletFailures); err != nil {
		return nil, fmt.Errorf("install: %w", err)
	}
	if err := writeRPMDB(t, res.Installed, o.Epoch); err != nil {
		return nil, fmt.Errorf("rpmdb: %w", err)
	}
	if err := systemFiles(m, t, o.Epoch); err != nil {
		return nil, fmt.Errorf("system files: %w", err)
	}
	if err := runGenerators(ctx, m, o, dir, res); err != nil {
		return nil, fmt.Errorf("generators: %w", err)
	}
	if err := place(m, o, res); err != nil {
		return nil, err
	}
	if err := t.SettleTimes(); err != nil {
		return nil, err
	}
	return res, nil
}

// systemFiles writes what disco itself provides when the plan asks:
// /etc/fstab from the disk layout.
func systemFiles(m *plan.Machine, t *tree.Tree, epoch int64) error {
	fstab, err := Fstab(m)
	if err != nil || fstab == "" {
		return err
	}
	return t.WriteFile("/etc/fstab", strings.NewReader(fstab), tree.Meta{Mode: 0o644, Mtime: epoch, Source: "disco:fstab"})
}

// failedScripts fails for each failed scriptlet unless the plan allows
// failures for its package (by name).
func failedScripts(outs []Outcome, allowed []string) error {
	ok := map[string]bool{}
	for _, a := range allowed {
		ok[a] = true
	}
	var errs []error
	for _, o := range outs {
		if o.Status == "failed" && !ok[nameOf(o.Package)] {
			errs = append(errs, fmt.Errorf("%s: %%%s scriptlet failed (exit %d): %s", o.Package, o.Name, o.ExitCode, o.Reason))
		}
	}
	return errors.Join(errs...)
}

func runGenerators(ctx context.Context, m *plan.Machine, o TreeOptions, dir string, res *TreeResult) error {
	if len(m.Scriptlets) == 0 {
		return nil
	}
	if o.Generators == nil {
		return fmt.Errorf("machine %s has generator scriptlets but no runner", m.ID())
	}
	outs, err := o.Generators.Run(ctx, m, o.Root, o.Cache, dir, o.Epoch)
	res.Outcomes = append(res.Outcomes, outs...)
	if err != nil {
		return err
	}
	_, err = res.Tree.Sync("generator-scriptlets")
	return err
}

// place runs the stages after packages and scriptlets.
func place(m *plan.Machine, o TreeOptions, res *TreeResult) error {
	t := res.Tree
	p := NewPlacer(t, o.Root, o.Epoch)
	for _, f := range m.Files {
		if err := p.File(f); err != nil {
			return fmt.Errorf("files: %w", err)
		}
	}
	ov := NewOverlayer(t, o.Root, o.Cache, o.Epoch)
	defer ov.Close()
	for _, x := range m.Overlays {
		if err := ov.Apply(m, x); err != nil {
			return fmt.Errorf("overlays: %w", err)
		}
	}
	res.Overlays, res.Notices = ov.Applied, append(res.Notices, ov.Notices...)
	for _, d := range m.Devices {
		if err := p.Device(d); err != nil {
			return fmt.Errorf("devices: %w", err)
		}
	}
	if m.Init != nil {
		if err := p.Init(m.Init); err != nil {
			return err
		}
	}
	if err := NewAccounts(t, o.Epoch).Apply(m); err != nil {
		return fmt.Errorf("accounts: %w", err)
	}
	if err := applyOwners(t, append(p.fixes, ov.fixes...)); err != nil {
		return fmt.Errorf("owners: %w", err)
	}
	for _, d := range m.Deletes {
		if err := p.Delete(d); err != nil {
			return fmt.Errorf("deletes: %w", err)
		}
	}
	res.Notices = append(res.Notices, p.Notices...)
	if err := applyAttrs(t, m.Attrs); err != nil {
		return fmt.Errorf("attrs: %w", err)
	}
	return nil
}

// WriteManifest writes the tree's manifest beside it (MACHINEDIR/manifest.jsonl)
// through a temporary file and a rename.
func WriteManifest(cache string, m *plan.Machine, t *tree.Tree) (string, error) {
	path := filepath.Join(MachineDir(cache, m.Group, m.Name), "manifest.jsonl")
	return path, writeAtomic(path, func(f *os.File) error { return t.Manifest().Write(f) })
}

// writeAtomic writes path through a temporary file in the same folder
// (.NAME.tmp-*: a killed build's are leftovers, see machineLeftovers).
func writeAtomic(path string, write func(*os.File) error) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := write(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// nameOf is the name of a NEVRA (everything before version-release.arch).
func nameOf(nevra string) string {
	for i, n := len(nevra)-1, 0; i >= 0; i-- {
		if nevra[i] == '-' {
			if n++; n == 2 {
				return nevra[:i]
			}
		}
	}
	return nevra
}
