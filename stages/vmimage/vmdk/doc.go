// Package vmdk writes a raw disk image as a streamOptimized VMDK, the
// compressed single-file form VMware and OVF packages use, byte-identical
// for the same input and options.
//
// Entry point: Write, which streams the image to an io.Writer front to back
// in one pass over the raw disk and returns what it wrote (Stats).
//
// Layout (VMware "Virtual Disk Format 1.1", stream-optimized): the sparse
// extent header with the grain directory offset "at end", the descriptor
// (20 sectors, so header and descriptor fill the first 64 KiB grain), then
// for every 64 KiB grain that holds data a grain marker (LBA, length) and
// its zlib stream padded to a sector; after the grains of each 32 MiB span,
// a grain table marker and that grain table; then the grain directory, the
// footer (the header again, with the directory's offset) and the
// end-of-stream marker. All-zero grains, and grain tables with no grain,
// are left out (entry 0 reads as zeros). The grains are zlib streams
// (RFC 1950), which is what VMware, VirtualBox and QEMU inflate.
//
// The CID, ddb.uuid.image, adapter type and the deflate level come from
// Options; nothing depends on the clock.
package vmdk
