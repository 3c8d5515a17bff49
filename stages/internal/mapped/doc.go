// Package mapped is the machinery disco's package-metadata pools share
// (stages/repo for rpm-md, stages/apt for Debian Packages indexes): a
// cache file that is mapped, not read, and a payload whose strings,
// records and hash tables are used in place, so that a warm load is a
// map and a checksum, and a lookup decodes only what it returns.
//
//   - Map and Write: a cache file is a magic string (it carries its
//     format's version), the CRC-32C of the payload and the payload.
//     Write writes it under a temporary name, locked while open
//     (stages/cachelock), and renames it; Map maps it read-only and
//     checks the sum a few megabytes at a time, releasing each chunk
//     once summed, so the file is never resident whole.
//   - PoolParts and ReadPool: the payload of a pool, little-endian:
//     u32 record count, u32 string count, u32 length of the string
//     table, the table, 8 bytes per string (offset from the payload's
//     start, length), u32 length of the records, the records, u32 per
//     record and one more (where each starts), then the hash tables.
//     What a record holds is each format's own; its strings are string
//     indexes, read with Pool.Str.
//   - HashBuilder and Pool.Lookup: open-addressing hash tables (FNV-1a,
//     linear probing) from a string of the table to a sorted list of
//     uint32 postings, probed in place.
//   - Reader and Uvarint: reading a record's uvarints from a string
//     (decoded strings are slices of the mapping, never copies).
//
// Why hand-written: the point is a layout used where it lies. Decoders
// (encoding/gob and the like) build every value on the heap, which for a
// distribution's 60,000 packages took longer than parsing the metadata
// again; key-value stores (go.etcd.io/bbolt) are read-write B+trees with
// pages and transactions, heavy for a file written once and replaced by
// rename, and keep keys apart from the strings the records share. Mapping
// is two system calls (syscall.Mmap, Madvise).
package mapped
