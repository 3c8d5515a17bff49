package stages

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"

	"github.com/disco-build/disco/runtime/plan"
	"github.com/disco-build/disco/stages/lockfile"
)

// StampFile records, in the machine folder, what the last complete build
// was made from and what it wrote, so that an unchanged machine is not
// built again (a warm rebuild is a few file stats).
const StampFile = "build-stamp.json"

// stamp is what a build's outputs depend on, and the outputs as written.
type stamp struct {
	Inputs  stampInputs  `json:"inputs"`
	Outputs []OutputFile `json:"outputs"`
	Files   []stampFile  `json:"files"`
}

// stampInputs are the build's inputs: the plan (its digest covers file,
// overlay and script contents), the locked packages, the tool and its
// options, and the time every mtime takes.
type stampInputs struct {
	Plan    string `json:"plan"`
	Lock    string `json:"lock"`
	Tool    string `json:"tool"`
	Epoch   int64  `json:"epoch"`
	Options string `json:"options"`
}

// stampFile is a written file as the stamp saw it: a file changed or
// replaced since (another size or modification time) makes the machine
// out of date.
type stampFile struct {
	Path    string `json:"path"` // relative to the machine folder
	Size    int64  `json:"size"`
	ModTime int64  `json:"mtime_ns"`
}

func stampInputsFor(ctx context.Context, m *plan.Machine, lm *lockfile.Machine, o BuildOptions) (stampInputs, error) {
	digest, err := m.Digest()
	if err != nil {
		return stampInputs{}, err
	}
	lock, err := json.Marshal(lm)
	if err != nil {
		return stampInputs{}, err
	}
	sum := sha256.Sum256(lock)
	init, err := initIdentity(ctx, m, o.Init)
	if err != nil {
		return stampInputs{}, err
	}
	opts, err := json.Marshal(struct {
		ExcludeDocs, NoScripts bool
		Init                   string
	}{o.ExcludeDocs, o.Scripts == nil, init})
	if err != nil {
		return stampInputs{}, err
	}
	return stampInputs{Plan: digest, Lock: hex.EncodeToString(sum[:]), Tool: o.Identity, Epoch: o.Epoch, Options: string(opts)}, nil
}

// initIdentity is the sha256 of the disco-init a booting machine's
// initramfs holds (it is not part of disco's executable).
func initIdentity(ctx context.Context, m *plan.Machine, p *InitProgram) (string, error) {
	if p == nil || !NeedsBoot(m) {
		return "", nil
	}
	b, _, err := p.Bytes(ctx)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}

// upToDate returns the outputs of the last build of m when its stamp
// says it was made from the same inputs and every file it wrote is still
// as it was. Builds without a tool identity are never skipped.
func upToDate(dir string, in stampInputs) ([]OutputFile, bool) {
	if in.Tool == "" {
		return nil, false
	}
	b, err := os.ReadFile(filepath.Join(dir, StampFile))
	if err != nil {
		return nil, false
	}
	var s stamp
	if json.Unmarshal(b, &s) != nil || !reflect.DeepEqual(s.Inputs, in) || len(s.Files) == 0 {
		return nil, false
	}
	for _, f := range s.Files {
		fi, err := os.Stat(filepath.Join(dir, f.Path))
		if err != nil || fi.Size() != f.Size || fi.ModTime().UnixNano() != f.ModTime {
			return nil, false
		}
	}
	return s.Outputs, true
}

// writeStamp records a complete build. The files are the disk, the
// outputs, the manifest and the reports.
func writeStamp(dir string, in stampInputs, outs []OutputFile) error {
	s := stamp{Inputs: in, Outputs: outs}
	names := []string{"disk.raw", "manifest.jsonl", ReportJSON, ReportMarkdown, ReportSPDX}
	for _, o := range outs {
		names = append(names, o.Path)
	}
	for _, n := range names {
		fi, err := os.Stat(filepath.Join(dir, n))
		if err != nil {
			return err
		}
		s.Files = append(s.Files, stampFile{Path: n, Size: fi.Size(), ModTime: fi.ModTime().UnixNano()})
	}
	return writeAtomic(filepath.Join(dir, StampFile), func(f *os.File) error {
		enc := json.NewEncoder(f)
		enc.SetIndent("", "  ")
		return enc.Encode(s)
	})
}
