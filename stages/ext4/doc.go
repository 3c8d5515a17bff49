// Package ext4 writes byte-reproducible ext4 filesystem images into plain
// files, from a list of entries (a manifest), without mounting anything and
// without root.
//
// Entry points:
//   - Write lays out and writes a whole filesystem to an io.WriterAt.
//   - MinSize tells the smallest image size (bytes) that Write accepts for
//     the given entries, so callers can fail early.
//
// The image has the features of mke2fs 1.47's ext4 defaults: has_journal,
// ext_attr, resize_inode, dir_index, filetype, extent, 64bit, flex_bg,
// sparse_super, large_file, huge_file, dir_nlink, extra_isize,
// metadata_csum, 256-byte inodes, 4 KiB blocks.
//
// Why hand-written: go-diskfs's ext4 is neither reproducible nor complete
// (no devices, no hard links), and mke2fs -d copies times from a real tree,
// needs the tree on disk with real owners and device nodes (root), and
// stamps random values. Here every byte derives from the entries and
// Options: inode numbers follow a depth-first walk of the tree in name
// order, blocks are allocated by a bump allocator in the same order, and
// UUID, hash seed and times come from Options.
//
// Layout: the superblock, group descriptors and reserved GDT blocks (with
// backups in groups 1 and powers of 3, 5, 7), then every group's bitmaps
// and inode table packed together (flex_bg allows this), the resize
// inode's index block, the journal (sized as mke2fs does), directory,
// symlink and xattr blocks, and file contents in inode order. All-zero file
// blocks are left unallocated; an *os.File source is probed with
// SEEK_DATA/SEEK_HOLE so its holes are not even read. One goroutine reads
// contents ahead of the writer; writes are coalesced up to 8 MiB.
//
// Limits: 4 KiB blocks only; no ACLs, inline data, orphan_file, quota or
// casefolding; xattrs must fit in the inode plus one block.
//
// The WriterAt must read back as zeros wherever nothing is written (a new
// or truncated file): inode tables past the last used inode and the
// journal body are not written.
package ext4
