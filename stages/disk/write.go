package disk

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// Write writes the disk image of l into w, which must read back as zeros
// wherever nothing is written and be at least Plan().Size bytes (a new
// file truncated to that size): first each partition's content, then the
// partition tables. It returns the plan it wrote.
func Write(w io.WriterAt, l Layout) (Plan, error) {
	p, err := l.Plan()
	if err != nil {
		return Plan{}, err
	}
	return p, l.write(w, p)
}

func (l Layout) write(w io.WriterAt, p Plan) error {
	for i, part := range l.Partitions {
		if part.Content == nil {
			continue
		}
		e := p.Parts[i]
		s := section{w: w, name: part.Name, start: e.Start, end: e.Start + e.Size}
		if err := part.Content.Fill(s, e.Size); err != nil {
			return fmt.Errorf("disk: partition %s: %w", part.Name, err)
		}
	}
	if l.Table == "mbr" {
		return l.writeMBR(w, p)
	}
	return l.writeGPT(w, p)
}

// WriteFile writes the disk image of l to path (mode 0644): it plans first,
// so a layout that does not fit fails before any file is created, then
// writes a sparse temporary file in path's folder, syncs it and renames it
// over path. On failure the temporary file is removed and whatever was at
// path is left untouched.
func WriteFile(path string, l Layout) (Plan, error) {
	p, err := l.Plan()
	if err != nil {
		return Plan{}, err
	}
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return Plan{}, fmt.Errorf("disk: %w", err)
	}
	tmp := f.Name()
	if err := fill(f, l, p); err != nil {
		f.Close()
		os.Remove(tmp)
		return Plan{}, fmt.Errorf("disk: writing %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return Plan{}, fmt.Errorf("disk: %w", err)
	}
	return p, nil
}

// fill sizes, writes, syncs and closes f.
func fill(f *os.File, l Layout, p Plan) error {
	if err := f.Chmod(0o644); err != nil {
		return err
	}
	if err := f.Truncate(p.Size); err != nil {
		return err
	}
	if err := l.write(f, p); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	return f.Close()
}
