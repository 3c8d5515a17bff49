// Package vmimage turns a finished raw disk image into the image formats a
// plan's outputs name, natively and byte-identically across runs.
//
// Entry points: Formats (the registry: name → description and writer),
// Lookup and LookupOutput (checked by the CLI against a plan's outputs
// before a build starts), and UUID and CID, which derive every identifier
// from a machine's identity string so outputs never depend on the clock or
// on chance.
//
// Each format lives in its own package and can be used directly:
//   - qcow2: QEMU's qcow2 v3, sparse, optionally compressed
//   - vmdk: VMware streamOptimized VMDK
//   - vhd: fixed VHD (Azure, Hyper-V)
//   - vdi: VirtualBox dynamic VDI
//   - ova: OVF 1.0 appliance (descriptor, manifest, VMDK) in a tar
//   - compress: zstd, xz or gzip stream of any of them
//
// Every writer takes the raw disk as an io.ReaderAt and its size, skips its
// all-zero clusters (and, for an *os.File, its holes without reading them),
// and streams to an io.Writer.
package vmimage
