package ext4

import (
	"fmt"
	"io"
)

// File type bits of Entry.Mode (as in st_mode).
const (
	S_IFMT   = 0o170000
	S_IFSOCK = 0o140000
	S_IFLNK  = 0o120000
	S_IFREG  = 0o100000
	S_IFBLK  = 0o060000
	S_IFDIR  = 0o040000
	S_IFCHR  = 0o020000
	S_IFIFO  = 0o010000
)

// Entry is one path of the filesystem to write.
type Entry struct {
	Path   string // absolute and clean; "/" is the root directory
	Mode   uint32 // st_mode: type bits, permissions, setuid/setgid/sticky
	UID    uint32
	GID    uint32
	Mtime  int64                         // seconds; atime = mtime, ctime = crtime = Options.Epoch
	Size   int64                         // regular files: content length
	Open   func() (io.ReadCloser, error) // regular files: content (may be nil when Size is 0)
	Target string                        // symlinks: target
	Major  uint32                        // devices
	Minor  uint32                        // devices
	Link   string                        // if set, a hard link to the (non-directory) entry at this path; other fields are ignored
	Xattrs map[string][]byte             // "user.*", "trusted.*", "security.*", "system.*" (no ACLs)
}

// Options fixes everything about the image that is not in the entries.
type Options struct {
	Size            int64    // image size in bytes, rounded down to whole blocks; 0 picks content + 10% + 8 MiB
	BlockSize       int      // 0 or 4096
	UUID            [16]byte // filesystem UUID (also the journal's)
	HashSeed        [16]byte // htree hash seed
	Label           string   // volume label, at most 16 bytes
	Epoch           int64    // ctime/crtime of every inode and every superblock time
	InodeRatio      int      // bytes per inode; 0 means 16384 (at least enough for the entries)
	ReservedPercent int      // blocks reserved for root, in percent (0 = none; mke2fs uses 5)
	NoJournal       bool     // leave out the jbd2 journal (inode 8)
}

// Stats describes a written image.
type Stats struct {
	Size       int64 // bytes of the filesystem
	Blocks     uint64
	FreeBlocks uint64
	Inodes     uint32
	FreeInodes uint32
	DataBytes  int64 // bytes of regular file content (sizes, holes included)
}

// Write writes a filesystem holding entries to w, which must read back as
// zeros wherever nothing is written (a new or truncated file). Entries may
// come in any order; missing parent directories are created (0755, root).
func Write(w io.WriterAt, entries []Entry, opts Options) (Stats, error) {
	t, err := buildTree(entries, opts)
	if err != nil {
		return Stats{}, fmt.Errorf("ext4: %w", err)
	}
	g, err := newGeometry(t, opts)
	if err != nil {
		return Stats{}, fmt.Errorf("ext4: %w", err)
	}
	img := newImage(w, t, g, opts)
	st, err := img.write()
	if err != nil {
		return Stats{}, fmt.Errorf("ext4: %w", err)
	}
	return st, nil
}

// MinSize returns the smallest Options.Size (bytes) with which Write can
// hold entries, counting file contents as if they had no holes.
func MinSize(entries []Entry, opts Options) (int64, error) {
	t, err := buildTree(entries, opts)
	if err != nil {
		return 0, fmt.Errorf("ext4: %w", err)
	}
	blocks, err := minBlocks(t, opts)
	if err != nil {
		return 0, fmt.Errorf("ext4: %w", err)
	}
	return int64(blocks) * blockSize, nil
}
