package stages

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"path/filepath"

	"github.com/disco-build/disco/stages/lockfile"
	"github.com/disco-build/disco/stages/report"
)

// Report file names in the machine folder.
const (
	ReportJSON     = "report.json"
	ReportMarkdown = "report.md"
	ReportSPDX     = "sbom.spdx.json"
)

// writeReport is the report stage: report.json, report.md (for keeping a
// server estate in git) and an SPDX 2.3 SBOM, beside the outputs.
func writeReport(res *Result, lm *lockfile.Machine, epoch int64, dir, tool string) error {
	in := report.Input{Machine: res.Machine, Lock: lm, Manifest: res.Tree.Tree.Manifest(), Epoch: epoch, Tool: tool}
	if res.Disk != "" {
		in.Layout = &res.Layout
	}
	for _, o := range res.Tree.Outcomes {
		in.Outcomes = append(in.Outcomes, report.Outcome{Package: o.Package, Name: o.Name, Status: o.Status,
			ExitCode: o.ExitCode, Seconds: o.Seconds, Reason: o.Reason, Isolation: o.Isolation})
	}
	for _, out := range res.Outputs {
		in.Outputs = append(in.Outputs, report.Output{Format: out.Format, Path: out.Path, Size: out.Size, SHA256: out.SHA256})
	}
	if bf := res.Boot; bf != nil {
		sum := sha256.Sum256(bf.Initrd)
		in.Boot = &report.Boot{Loader: "none", Kernel: bf.KVer, KernelPath: bf.Kernel, Initrd: "disco",
			InitrdSHA256: hex.EncodeToString(sum[:]), Modules: bf.Modules, Cmdline: bf.Cmdline, Appliance: bf.Appliance}
		if b := res.Machine.Boot; b != nil {
			in.Boot.Loader, in.Boot.Initrd = b.Loader, b.Initrd
		}
		if in.Boot.Modules == nil {
			in.Boot.Modules = []string{}
		}
	}
	r, err := report.Build(in)
	if err != nil {
		return err
	}
	for name, write := range map[string]func(io.Writer) error{
		ReportJSON: r.WriteJSON, ReportMarkdown: r.WriteMarkdown, ReportSPDX: r.WriteSPDX,
	} {
		if err := writeAtomic(filepath.Join(dir, name), func(f *os.File) error { return write(f) }); err != nil {
			return err
		}
	}
	return nil
}

// OutputFile is one file a build wrote, for the report and the summary.
type OutputFile struct {
	Format string
	Path   string // relative to the machine folder
	Size   int64
	SHA256 string
}

// describe hashes an output file.
func describe(dir, name, format string) (OutputFile, error) {
	f, err := os.Open(filepath.Join(dir, name))
	if err != nil {
		return OutputFile{}, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return OutputFile{}, err
	}
	return OutputFile{Format: format, Path: name, Size: n, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}
