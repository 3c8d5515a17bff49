// Package qcow2 writes a raw disk image as a qcow2 version 3 image (compat
// 1.1), the native format of QEMU, byte-identical for the same input.
//
// Entry point: Write, which streams the image to an io.Writer front to back.
// It reads the raw disk twice: once to find the 64 KiB clusters that hold
// data (and, with Options.Compress, how small each one compresses), then to
// copy them. Layout: the header cluster, the refcount table, the refcount
// blocks, the L1 table, the L2 tables and then the data clusters in guest
// order. All-zero clusters stay unallocated, so they cost nothing. Refcounts
// are 16 bits (refcount_order 4); lazy refcounts, backing files, snapshots,
// encryption and extended L2 entries are not used.
//
// With Options.Compress each cluster that shrinks is stored as a raw deflate
// stream with a 4 KiB window, which is what QEMU's zlib compression type
// expects (it inflates with 12 window bits); compressed clusters are packed
// back to back at byte granularity, as QEMU packs them.
//
// The format is written by hand because no Go library writes qcow2
// deterministically and streamed; the spec is QEMU's docs/interop/qcow2.txt.
package qcow2
