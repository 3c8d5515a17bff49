package initramfs

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

// Options says what goes into the initramfs.
type Options struct {
	Init        []byte   // the /init program, a static executable (see BuildInit)
	ModulesDir  string   // host path of the machine's lib/modules/<version>; needed when Modules is not empty
	Modules     []string // module names, e.g. "virtio_blk", "ext4"; their dependencies are added
	Epoch       int64    // mtime of every entry (SOURCE_DATE_EPOCH)
	Compression string   // "gzip" (the default when empty), "zstd" or "none"
}

// ModuleList is where the archive lists the modules /init loads, one
// absolute path a line, in load order.
const ModuleList = "etc/disco-modules"

// Build writes the compressed cpio archive. The same Options give the same
// bytes.
func Build(w io.Writer, opts Options) error {
	if len(opts.Init) == 0 {
		return fmt.Errorf("initramfs: no init program given")
	}
	t := tree{}
	for _, e := range []entry{
		{path: "dev", mode: modeDir | 0o755},
		{path: "dev/console", mode: modeChr | 0o600, major: 5, minor: 1},
		{path: "proc", mode: modeDir | 0o755},
		{path: "sys", mode: modeDir | 0o755},
		{path: "newroot", mode: modeDir | 0o755},
		{path: "init", mode: modeReg | 0o755, data: opts.Init},
	} {
		if err := t.add(e); err != nil {
			return err
		}
	}
	if err := addModules(t, opts); err != nil {
		return err
	}
	return compress(w, opts.Compression, func(cw io.Writer) error { return writeNewc(cw, t, opts.Epoch) })
}

// addModules adds the module closure under lib/modules/<version>/ and
// the list of them.
func addModules(t tree, opts Options) error {
	if len(opts.Modules) == 0 {
		return t.add(entry{path: ModuleList, mode: modeReg | 0o644})
	}
	if opts.ModulesDir == "" {
		return fmt.Errorf("initramfs: modules %v asked for but no modules directory given", opts.Modules)
	}
	rels, err := Modules(opts.ModulesDir, opts.Modules)
	if err != nil {
		return err
	}
	base := path.Join("lib/modules", filepath.Base(filepath.Clean(opts.ModulesDir)))
	var list strings.Builder
	for _, rel := range rels {
		b, err := os.ReadFile(filepath.Join(opts.ModulesDir, filepath.FromSlash(rel)))
		if err != nil {
			return fmt.Errorf("initramfs: module file: %w", err)
		}
		p := path.Join(base, rel)
		if err := t.add(entry{path: p, mode: modeReg | 0o644, data: b}); err != nil {
			return err
		}
		fmt.Fprintf(&list, "/%s\n", p)
	}
	return t.add(entry{path: ModuleList, mode: modeReg | 0o644, data: []byte(list.String())})
}

// compress runs write through the chosen compressor into w. gzip headers
// carry no name and mtime 0; zstd runs single-threaded so that its output
// does not depend on scheduling.
func compress(w io.Writer, kind string, write func(io.Writer) error) error {
	var cw io.WriteCloser
	switch kind {
	case "", "gzip":
		g, err := gzip.NewWriterLevel(w, gzip.BestCompression)
		if err != nil {
			return fmt.Errorf("initramfs: gzip: %w", err)
		}
		cw = g
	case "zstd":
		z, err := zstd.NewWriter(w, zstd.WithEncoderLevel(zstd.SpeedBetterCompression),
			zstd.WithEncoderConcurrency(1), zstd.WithWindowSize(1<<20))
		if err != nil {
			return fmt.Errorf("initramfs: zstd: %w", err)
		}
		cw = z
	case "none":
		cw = nopCloser{w}
	default:
		return fmt.Errorf("initramfs: unknown compression %q (want gzip, zstd or none)", kind)
	}
	var buf bytes.Buffer
	if err := write(&buf); err != nil {
		return err
	}
	if _, err := cw.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("initramfs: compress: %w", err)
	}
	if err := cw.Close(); err != nil {
		return fmt.Errorf("initramfs: compress: %w", err)
	}
	return nil
}

type nopCloser struct{ io.Writer }

func (nopCloser) Close() error { return nil }
