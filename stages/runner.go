package stages

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/disco-build/disco/runtime/plan"
	"github.com/disco-build/disco/runtime/progress"
	"github.com/disco-build/disco/stages/disk"
	"github.com/disco-build/disco/stages/lockfile"
	"github.com/disco-build/disco/stages/store"
)

// Stage names a point a build may stop after.
type Stage string

// The stages, in order.
const (
	StageTree Stage = "tree"
	StageDisk Stage = "disk"
)

// BuildOptions configure Build.
type BuildOptions struct {
	TreeOptions
	Stop Stage  // stop after this stage ("" = the last)
	Tool string // names disco in reports, e.g. "disco v1.2"
	// Init finds disco-init for the initramfs of machines that boot.
	Init *InitProgram
	// Identity names the exact tool (e.g. a hash of its executable). A
	// full build records it with the other inputs in StampFile and is
	// skipped when they are the same and the outputs untouched; empty
	// (or Force) always builds.
	Identity string
	Force    bool
}

// Result is what a machine's build made, for the CLI's summary.
type Result struct {
	Machine  *plan.Machine
	Tree     *TreeResult
	Boot     *BootFiles // nil when the machine does not boot
	Manifest string     // path of manifest.jsonl
	Disk     string     // path of disk.raw ("" when stopped earlier)
	Layout   disk.Layout
	DiskSize int64
	Outputs  []OutputFile
	// UpToDate is set when nothing was built: the machine's inputs are
	// those of its last build (StampFile) and Outputs are that build's.
	UpToDate bool
}

// Build runs one machine's stages in order, each error wrapped with the
// stage's name: tree (install, scriptlets, files, ...), manifest, disk,
// outputs, report.
func Build(ctx context.Context, m *plan.Machine, lm *lockfile.Machine, st *store.Store, o BuildOptions) (*Result, error) {
	if err := CheckBuildable(m); err != nil {
		return nil, err
	}
	res := &Result{Machine: m}
	dir := MachineDir(o.Cache, m.Group, m.Name)
	in, err := stampInputsFor(ctx, m, lm, o)
	if err != nil {
		return nil, fmt.Errorf("stamp: %w", err)
	}
	if o.Stop != StageTree && !o.Force {
		if outs, ok := upToDate(dir, in); ok {
			res.UpToDate, res.Outputs = true, outs
			res.Disk, res.Manifest = filepath.Join(dir, "disk.raw"), filepath.Join(dir, "manifest.jsonl")
			return res, nil
		}
	}
	// A build that stops half way must not leave the last one's stamp,
	// nor a tree that looks finished.
	if err := os.Remove(filepath.Join(dir, StampFile)); err != nil && !os.IsNotExist(err) {
		return nil, fmt.Errorf("stamp: %w", err)
	}
	if err := markRoot(dir, true); err != nil {
		return nil, fmt.Errorf("tree: %w", err)
	}
	progress.Send(ctx, progress.Report{Stage: "tree"})
	if res.Tree, err = BuildTree(ctx, m, lm, st, o.TreeOptions); err != nil {
		return nil, fmt.Errorf("tree: %w", err)
	}
	if NeedsBoot(m) {
		progress.Send(ctx, progress.Report{Stage: "boot"})
		if err := runBoot(ctx, res, o); err != nil {
			return nil, fmt.Errorf("boot: %w", err)
		}
	}
	progress.Send(ctx, progress.Report{Stage: "manifest"})
	if res.Manifest, err = WriteManifest(o.Cache, m, res.Tree.Tree); err != nil {
		return nil, fmt.Errorf("manifest: %w", err)
	}
	if err := markRoot(dir, false); err != nil {
		return nil, fmt.Errorf("manifest: %w", err)
	}
	if err := writeOutcomes(o.Cache, m, res.Tree.Outcomes); err != nil {
		return nil, fmt.Errorf("outcomes: %w", err)
	}
	if o.Stop == StageTree {
		return res, nil
	}
	// Intermediates (a squashfs image, an OVA's spooled VMDK) live here
	// only while the outputs are written.
	defer os.RemoveAll(filepath.Join(dir, "tmp"))
	progress.Send(ctx, progress.Report{Stage: "disk"})
	res.Disk = filepath.Join(dir, "disk.raw")
	if res.Layout, err = NewDiskImage(res.Tree.Tree, m, o.Epoch, filepath.Join(dir, "tmp")).Write(ctx, res.Disk); err != nil {
		return nil, fmt.Errorf("disk: %w", err)
	}
	fi, err := os.Stat(res.Disk)
	if err != nil {
		return nil, fmt.Errorf("disk: %w", err)
	}
	res.DiskSize = fi.Size()
	if res.Outputs, err = writeOutputs(ctx, res, o.Epoch, dir); err != nil {
		return nil, fmt.Errorf("outputs: %w", err)
	}
	if wantsAppliance(m) {
		files, err := writeAppliance(res, dir)
		if err != nil {
			return nil, fmt.Errorf("outputs: %w", err)
		}
		res.Outputs = append(res.Outputs, files...)
	}
	progress.Send(ctx, progress.Report{Stage: "report"})
	if err := writeReport(res, lm, o.Epoch, dir, o.Tool); err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	if err := writeStamp(dir, in, res.Outputs); err != nil {
		return nil, fmt.Errorf("stamp: %w", err)
	}
	return res, nil
}

// runBoot runs the boot stage and settles the times of the folders it
// added to.
func runBoot(ctx context.Context, res *Result, o BuildOptions) error {
	init := o.Init
	if init == nil {
		init = &InitProgram{TmpDir: filepath.Join(MachineDir(o.Cache, res.Machine.Group, res.Machine.Name), "tmp")}
	}
	bf, err := NewBoot(res.Tree.Tree, res.Machine, o.Epoch, init).Run(ctx)
	if err != nil {
		return err
	}
	res.Boot = bf
	return res.Tree.Tree.SettleTimes()
}

// OutcomesFile is the machine-readable record of every scriptlet run.
const OutcomesFile = "outcomes.json"

// writeOutcomes writes MACHINEDIR/outcomes.json: each package scriptlet and
// generator scriptlet, in run order, with status, exit code and seconds.
func writeOutcomes(cache string, m *plan.Machine, outs []Outcome) error {
	if outs == nil {
		outs = []Outcome{}
	}
	path := filepath.Join(MachineDir(cache, m.Group, m.Name), OutcomesFile)
	return writeAtomic(path, func(f *os.File) error {
		enc := json.NewEncoder(f)
		enc.SetIndent("", "  ")
		return enc.Encode(map[string]any{"machine": m.ID(), "outcomes": outs})
	})
}

// markRoot marks the machine folder's root tree incomplete (RootIncomplete)
// before it is built, and clears the mark once tree and manifest are done.
func markRoot(dir string, incomplete bool) error {
	path := filepath.Join(dir, RootIncomplete)
	if !incomplete {
		return os.Remove(path)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, nil, 0o644)
}
