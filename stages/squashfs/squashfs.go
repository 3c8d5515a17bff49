package squashfs

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/disco-build/disco/stages/ext4"
)

// Entry is one path of the filesystem: the manifest entry shared with
// package ext4 ("/" sets the root directory's owner, mode and time).
type Entry = ext4.Entry

// Options fixes everything about the image that is not in the entries.
type Options struct {
	Epoch       int64  // filesystem creation time; also the time of made-up parent directories
	Compression string // "zstd" (default), "gzip", "xz", "lz4", "lzo" or "lzma"
	BlockSize   int    // data block size in bytes; 0 means 128 KiB
	Processors  int    // mksquashfs threads; 0 lets it choose (output is the same)
	Program     string // mksquashfs to run; "" finds it on PATH
}

// WriteFile builds a squashfs image of entries at path. The pseudo file
// (which holds every file's data) and the image are written as temporary
// files in path's folder; the image is renamed over path only when
// mksquashfs succeeded, so a failed build leaves a previous image intact.
func WriteFile(ctx context.Context, path string, entries []Entry, opts Options) error {
	args, err := opts.args()
	if err != nil {
		return fmt.Errorf("squashfs: %w", err)
	}
	t, err := buildTree(entries, opts.Epoch)
	if err != nil {
		return fmt.Errorf("squashfs: %w", err)
	}
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	work, err := os.MkdirTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return fmt.Errorf("squashfs: %w", err)
	}
	defer os.RemoveAll(work)
	pf := filepath.Join(work, "pseudo")
	if err := t.writePseudo(pf); err != nil {
		return fmt.Errorf("squashfs: writing pseudo file for %s: %w", path, err)
	}
	img := filepath.Join(work, "image")
	if err := run(ctx, opts.Program, append([]string{"-", img, "-pf", pf}, args...)); err != nil {
		return fmt.Errorf("squashfs: building %s: %w", path, err)
	}
	if err := os.Chmod(img, 0o644); err != nil {
		return fmt.Errorf("squashfs: %w", err)
	}
	if err := os.Rename(img, path); err != nil {
		return fmt.Errorf("squashfs: %w", err)
	}
	return nil
}

// args returns mksquashfs's options for opts.
func (o Options) args() ([]string, error) {
	comp := o.Compression
	if comp == "" {
		comp = "zstd"
	}
	switch comp {
	case "zstd", "gzip", "xz", "lz4", "lzo", "lzma":
	default:
		return nil, fmt.Errorf("compression %q is not one of zstd, gzip, xz, lz4, lzo, lzma", comp)
	}
	bs := o.BlockSize
	if bs == 0 {
		bs = 128 << 10
	}
	if bs < 4096 || bs > 1<<20 || bs&(bs-1) != 0 {
		return nil, fmt.Errorf("block size %d is not a power of two from 4 KiB to 1 MiB", bs)
	}
	if o.Epoch < 0 || o.Epoch > 0xffffffff {
		return nil, fmt.Errorf("epoch %d does not fit squashfs's 32-bit times", o.Epoch)
	}
	args := []string{"-noappend", "-no-progress", "-quiet", "-reproducible", "-no-xattrs",
		"-comp", comp, "-b", strconv.Itoa(bs), "-mkfs-time", strconv.FormatInt(o.Epoch, 10)}
	if o.Processors > 0 {
		args = append(args, "-processors", strconv.Itoa(o.Processors))
	}
	return args, nil
}

// run runs mksquashfs without SOURCE_DATE_EPOCH in its environment and
// returns its output in the error when it fails.
func run(ctx context.Context, prog string, args []string) error {
	if prog == "" {
		prog = "mksquashfs"
	}
	cmd := exec.CommandContext(ctx, prog, args...)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "SOURCE_DATE_EPOCH=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(out.String())
		if len(msg) > 2000 {
			msg = msg[:2000] + "..."
		}
		return fmt.Errorf("%s: %w: %s", prog, err, msg)
	}
	return nil
}
