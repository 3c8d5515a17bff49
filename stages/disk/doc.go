// Package disk lays out a partitioned disk image (GPT or MBR) and writes
// it into a plain file: partition contents at their offsets, the partition
// tables around them, without mounting anything, loop devices or root.
//
// Entry points:
//   - Layout describes the disk: table kind, size, IDs and Partitions, each
//     with a Content (FromReaderAt for a prebuilt image, FromFunc for a
//     filesystem writer that fills the partition in place).
//   - Layout.Plan places the partitions (1 MiB alignment, one partition may
//     fill the rest) and fails, naming every partition that does not fit,
//     before anything is written.
//   - WriteFile writes the image into a temporary file beside the
//     destination and renames it into place, so an interrupted build leaves
//     the previous image intact; Write does the same into any io.WriterAt.
//   - Fstab renders /etc/fstab lines for the partitions' mount points.
//
// The partition tables are encoded by github.com/diskfs/go-diskfs, which
// is deterministic once every GUID is given (checked by writing twice and
// comparing bytes); Layout therefore requires the disk and partition
// GUIDs (see package ids) and never lets the library pick random ones.
// For MBR the disk signature (which Linux shows as PARTUUID prefix) and
// the CHS fields, which go-diskfs leaves zero, are written here.
//
// Output is sparse: the file is sized with Truncate and all-zero ranges of
// partition contents are skipped, so filesystem writers must treat the
// partition as reading back zeros wherever they do not write.
package disk
