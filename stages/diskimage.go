package stages

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"

	"github.com/disco-build/disco/runtime/plan"
	"github.com/disco-build/disco/runtime/progress"
	"github.com/disco-build/disco/stages/disk"
	"github.com/disco-build/disco/stages/ext4"
	"github.com/disco-build/disco/stages/ids"
	"github.com/disco-build/disco/stages/manifest"
	"github.com/disco-build/disco/stages/squashfs"
	"github.com/disco-build/disco/stages/swap"
	"github.com/disco-build/disco/stages/tree"
	"github.com/disco-build/disco/stages/vfat"
)

// Headroom for automatically sized filesystems: a fifth of the content,
// at least 16 MiB; sizes are rounded up to 1 MiB.
const (
	minHeadroom = 16 << 20
	mib         = 1 << 20
)

// DiskImage is the disk stage: it splits the tree by the layout's mount
// points, writes each partition's filesystem straight into its place in
// the disk image (no mounts, no loop devices), and writes the partition
// table. IDs derive from group/machine/partition names unless the plan
// gives them.
type DiskImage struct {
	tree  *tree.Tree
	m     *plan.Machine
	epoch int64
	tmp   string // folder for intermediate files (squashfs)

	written *atomic.Int64 // bytes written to the image, for progress reports
}

// NewDiskImage returns the disk stage for m's tree.
func NewDiskImage(t *tree.Tree, m *plan.Machine, epoch int64, tmp string) *DiskImage {
	return &DiskImage{tree: t, m: m, epoch: epoch, tmp: tmp}
}

// Write writes the raw disk image to path (atomically) and returns its
// layout for reports and later stages.
func (d *DiskImage) Write(ctx context.Context, path string) (disk.Layout, error) {
	l, err := d.layout(ctx)
	if err != nil {
		return l, err
	}
	_, err = disk.WriteFile(path, l)
	return l, err
}

func (d *DiskImage) layout(ctx context.Context) (disk.Layout, error) {
	d.written = new(atomic.Int64)
	pd := d.m.Disk
	l := disk.Layout{Table: pd.Table, DiskGUID: d.uuid(pd.GUID)}
	l.DiskID = ids.VolumeID(d.m.Group, d.m.Name)
	if pd.Size != "" {
		n, err := plan.ParseSize(pd.Size)
		if err != nil {
			return l, plan.Errorf(pd.Pos, "disk size: %v", err)
		}
		l.Size = n
	}
	mounts := mountPoints(pd.Partitions)
	for _, p := range pd.Partitions {
		part, err := d.partition(ctx, p, mounts, l.Size != 0)
		if err != nil {
			return l, fmt.Errorf("%s: partition %s: %w", p.Pos, p.Name, err)
		}
		l.Partitions = append(l.Partitions, part)
	}
	if _, err := l.Plan(); err != nil {
		return l, fmt.Errorf("%s: %w", pd.Pos, err)
	}
	return l, nil
}

func (d *DiskImage) uuid(given string, parts ...string) [16]byte {
	if given != "" {
		if u, err := ids.Parse(given); err == nil {
			return u
		}
	}
	return ids.UUID(append([]string{d.m.Group, d.m.Name}, parts...)...)
}

func mountPoints(parts []plan.Partition) []string {
	var out []string
	for _, p := range parts {
		if p.Mount != "" && p.FS != nil && p.FS.Type != "swap" {
			out = append(out, p.Mount)
		}
	}
	return out
}

func (d *DiskImage) partition(ctx context.Context, p plan.Partition, mounts []string, diskSized bool) (disk.Partition, error) {
	part := disk.Partition{Name: p.Name, Type: p.Type, Label: p.Label, GUID: PartitionGUID(d.m, p), Mount: p.Mount}
	if part.Label == "" {
		part.Label = p.Name
	}
	fixed, err := fixedSize(p.Size)
	if err != nil {
		return part, err
	}
	if p.FS == nil {
		part.Size = fixed
		return part, nil
	}
	part.FSType = p.FS.Type
	fsUUID := d.uuid(p.FS.UUID, p.Name, "fs")
	part.FSUUID = d.fsUUIDString(p)
	entries, err := d.entries(p.Mount, mounts)
	if err != nil {
		return part, err
	}
	progress.Send(ctx, progress.Report{Stage: "disk", Item: p.Name + " " + p.FS.Type})
	content, err := d.filesystem(ctx, p, entries, fsUUID)
	if err != nil {
		return part, err
	}
	part.Content = reporting{Content: content, ctx: ctx, name: p.Name, written: d.written}
	part.Size = fixed
	if p.Size == "auto" || (p.Size == "rest" && !diskSized) {
		part.Size = roundUp(content.Size(), mib)
	}
	if part.Size != 0 && part.Size < content.Size() {
		return part, fmt.Errorf("too small: its %s filesystem needs %d bytes, the partition has %d", p.FS.Type, content.Size(), part.Size)
	}
	return part, nil
}

// reporting is a partition's content whose writes are reported as the
// disk stage's progress (bytes written to the image so far).
type reporting struct {
	disk.Content
	ctx     context.Context
	name    string
	written *atomic.Int64
}

func (r reporting) Fill(w io.WriterAt, size int64) error {
	err := r.Content.Fill(countingWriter{r: r, w: w}, size)
	progress.Send(r.ctx, progress.Report{Stage: "disk", Done: r.written.Load(), Unit: "bytes", Item: r.name})
	return err
}

type countingWriter struct {
	r reporting
	w io.WriterAt
}

func (c countingWriter) WriteAt(p []byte, off int64) (int, error) {
	n, err := c.w.WriteAt(p, off)
	done := c.r.written.Add(int64(n))
	if done>>20 != (done-int64(n))>>20 { // one report per MiB
		progress.Send(c.r.ctx, progress.Report{Stage: "disk", Done: done, Unit: "bytes", Item: c.r.name})
	}
	return n, err
}

// fixedSize is a partition's size in bytes as the plan gives it: 0 for
// "auto" and "rest" (the caller sizes those: "rest" fills a disk of given
// size, else it is sized like "auto").
func fixedSize(s string) (int64, error) {
	if s == "auto" || s == "rest" || s == "" {
		return 0, nil
	}
	return plan.ParseSize(s)
}

func roundUp(n, to int64) int64 { return (n + to - 1) / to * to }

func withHeadroom(n int64) int64 { return roundUp(n+max(n/5, minHeadroom), mib) }

// entries returns the manifest entries of the filesystem mounted at mount
// (paths rebased to its root), leaving out what other partitions mount;
// their mount points stay as empty folders.
func (d *DiskImage) entries(mount string, mounts []string) ([]ext4.Entry, error) {
	if mount == "" {
		return nil, nil
	}
	var out []ext4.Entry
	// A hard-link group's first member in this filesystem holds the
	// content; the others link to it. Members on other partitions do not
	// count: a group split by a mount point is one copy per filesystem,
	// never a link to a path this filesystem lacks.
	holders := map[string]string{} // the group's manifest head → rel path
	err := d.tree.Manifest().Walk(func(e *manifest.Entry) error {
		rel, ok := under(e.Path, mount)
		if !ok || coveredByOther(e.Path, mount, mounts) {
			return nil
		}
		out = append(out, d.entry(e, rel, holders))
		return nil
	})
	return out, err
}

func under(p, mount string) (string, bool) {
	if mount == "/" {
		return p, true
	}
	if p == mount {
		return "/", true
	}
	if rest, ok := strings.CutPrefix(p, mount+"/"); ok {
		return "/" + rest, true
	}
	return "", false
}

// coveredByOther: p lies strictly below another, deeper mount point.
func coveredByOther(p, mount string, mounts []string) bool {
	for _, o := range mounts {
		if o == mount || len(o) <= len(mount) {
			continue
		}
		if strings.HasPrefix(p, o+"/") {
			return true
		}
	}
	return false
}

var kindBits = map[manifest.Kind]uint32{
	manifest.Dir: ext4.S_IFDIR, manifest.File: ext4.S_IFREG, manifest.Symlink: ext4.S_IFLNK,
	manifest.Char: ext4.S_IFCHR, manifest.Block: ext4.S_IFBLK, manifest.FIFO: ext4.S_IFIFO, manifest.Socket: ext4.S_IFSOCK,
}

func (d *DiskImage) entry(e *manifest.Entry, rel string, holders map[string]string) ext4.Entry {
	out := ext4.Entry{Path: rel, Mode: kindBits[e.Kind] | e.Mode, UID: e.UID, GID: e.GID, Mtime: e.Mtime,
		Size: e.Size, Target: e.Target, Major: e.Major, Minor: e.Minor, Xattrs: e.Xattrs}
	if e.Kind == manifest.File {
		group := e.Path
		if e.Link != "" {
			group = e.Link
		}
		if r, ok := holders[group]; ok {
			out.Link = r
		} else {
			holders[group] = rel
			hp := d.tree.HostPath(e.Path) // a member's host file is a hard link too
			out.Open = func() (io.ReadCloser, error) { return openHost(hp) }
		}
	}
	if e.Kind == manifest.Symlink {
		out.Size = 0
	}
	return out
}

// openHost opens a host file for reading. os.Open would also try to
// register it with Go's poller, which costs four more system calls a
// file (and a filesystem writer reads every file of the tree).
func openHost(p string) (*os.File, error) {
	for {
		fd, err := syscall.Open(p, syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
		if errors.Is(err, syscall.EINTR) {
			continue
		}
		if err != nil {
			return nil, &fs.PathError{Op: "open", Path: p, Err: err}
		}
		return os.NewFile(uintptr(fd), p), nil
	}
}

func (d *DiskImage) filesystem(ctx context.Context, p plan.Partition, entries []ext4.Entry, uuid [16]byte) (disk.Content, error) {
	name := []string{d.m.Group, d.m.Name, p.Name}
	switch p.FS.Type {
	case "ext4":
		opts := ext4.Options{UUID: uuid, HashSeed: ids.UUID(append(name, "hash-seed")...), Label: p.FS.Label, Epoch: d.epoch}
		min, err := ext4.MinSize(entries, opts)
		if err != nil {
			return nil, err
		}
		return disk.FromFunc(withHeadroom(min), func(w io.WriterAt, size int64) error {
			opts.Size = size
			_, err := ext4.Write(w, entries, opts)
			return err
		}), nil
	case "vfat":
		opts := vfat.Options{VolumeID: d.volumeID(p), Label: p.FS.Label, Epoch: d.epoch}
		min, err := vfat.MinSize(entries, opts)
		if err != nil {
			return nil, err
		}
		return disk.FromFunc(min, func(w io.WriterAt, size int64) error {
			opts.Size = size
			_, err := vfat.Write(w, entries, opts)
			return err
		}), nil
	case "squashfs":
		return d.squashfs(ctx, p, entries)
	case "swap":
		opts := swap.Options{UUID: uuid, Label: p.FS.Label}
		return disk.FromFunc(1*mib, func(w io.WriterAt, size int64) error { return swap.Write(w, size, opts) }), nil
	}
	return nil, fmt.Errorf("unknown filesystem %q", p.FS.Type)
}

func (d *DiskImage) squashfs(ctx context.Context, p plan.Partition, entries []ext4.Entry) (disk.Content, error) {
	if err := os.MkdirAll(d.tmp, 0o755); err != nil {
		return nil, err
	}
	img := filepath.Join(d.tmp, p.Name+".squashfs")
	if err := squashfs.WriteFile(ctx, img, entries, squashfs.Options{Epoch: d.epoch, Compression: p.FS.Compression}); err != nil {
		return nil, err
	}
	f, err := os.Open(img)
	if err != nil {
		return nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	return disk.FromReaderAt(f, fi.Size()), nil
}

// Fstab returns the /etc/fstab the plan asks for ("" when it asks for
// none). It needs only names: IDs derive from them, not from content.
func Fstab(m *plan.Machine) (string, error) {
	if m.Disk == nil || m.Disk.Fstab == "" {
		return "", nil
	}
	d := &DiskImage{m: m}
	l := disk.Layout{Table: m.Disk.Table, DiskGUID: d.uuid(m.Disk.GUID), DiskID: ids.VolumeID(m.Group, m.Name)}
	for _, p := range m.Disk.Partitions {
		part := disk.Partition{Name: p.Name, Type: p.Type, GUID: PartitionGUID(d.m, p), Mount: p.Mount}
		if p.FS != nil {
			part.FSType = p.FS.Type
			part.FSUUID = d.fsUUIDString(p)
			if p.FS.Type == "squashfs" {
				part.Mount = "" // no UUID; the initramfs mounts it by PARTUUID
			}
		}
		l.Partitions = append(l.Partitions, part)
	}
	return disk.Fstab(l, m.Disk.Fstab)
}

// volumeID is a FAT partition's serial: from FS.UUID ("ABCD-1234") when
// given, else derived from group/machine/partition.
func (d *DiskImage) volumeID(p plan.Partition) uint32 {
	var hi, lo uint32
	if p.FS != nil && p.FS.UUID != "" {
		if _, err := fmt.Sscanf(p.FS.UUID, "%04X-%04X", &hi, &lo); err == nil {
			return hi<<16 | lo
		}
	}
	return ids.VolumeID(d.m.Group, d.m.Name, p.Name)
}

// fsUUIDString is the filesystem UUID as blkid prints it (FAT: the serial
// as XXXX-XXXX).
func (d *DiskImage) fsUUIDString(p plan.Partition) string {
	if p.FS.Type == "vfat" {
		v := d.volumeID(p)
		return fmt.Sprintf("%04X-%04X", v>>16, v&0xffff)
	}
	return ids.Format(d.uuid(p.FS.UUID, p.Name, "fs"))
}
