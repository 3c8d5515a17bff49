// Package squashfs builds byte-reproducible squashfs images from the same
// entries as package ext4, by driving mksquashfs (squashfs-tools 4.5.1 or
// later) with a pseudo file that describes every entry, so owners, modes,
// setuid bits, device nodes, FIFOs, sockets, hard links and every mtime
// come from the entries and nothing needs root or a staged tree.
//
// Entry point: WriteFile builds the image at a path (through a temporary
// file renamed into place).
//
// How: one pseudo file holds a definition per entry ("D" directories,
// "R" regular files whose data follows the definitions, "S" symlinks,
// "B"/"C" devices, "I" FIFOs and sockets, "L" hard links, each with its
// time), then the data, exactly as unsquashfs -pf writes it; mksquashfs
// reads it with the source "-". mksquashfs runs with -reproducible,
// -mkfs-time Options.Epoch and without SOURCE_DATE_EPOCH in its environment
// (4.5.1 refuses -mkfs-time/-all-time together with it).
//
// Why not a native writer: mksquashfs is the reference implementation,
// compresses in parallel and is deterministic with -reproducible; the
// pseudo file gives it every attribute without root. Why not its -tar
// input: in 4.5.1 it ignores -root-time and -root-uid/-root-gid and stamps
// the root directory with the build time, which breaks reproducibility.
//
// Limits: 4.5.1 pseudo files cannot carry extended attributes, so an entry
// with Xattrs is an error naming it; names and symlink targets may not
// contain newlines; times must fit squashfs's unsigned 32 bits.
package squashfs
