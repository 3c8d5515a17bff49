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
// Layout: all group descriptors' bitmaps and inode tables are packed right
// after the primary group descriptor table (flex_bg allows this), then the
// journal, then directory, symlink and xattr blocks, then file contents in
// inode order. All-zero file blocks are left unallocated (sparse).
//
// The WriterAt must read back as zeros wherever nothing is written (a new
// or truncated file): inode tables past the last used inode and the
// journal body are not written.
package ext4
