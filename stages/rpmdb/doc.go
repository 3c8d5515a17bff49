// Package rpmdb writes the rpm database of an image natively: the sqlite
// rpmdb (rpmdb.sqlite in %_dbpath) that rpm 4.16 and later read, holding one
// installed header per package and the secondary indexes rpm queries by
// (Name, Basenames, Providename, ...), so that the image's own rpm can
// query, verify, upgrade and erase what disco installed without an rpm
// binary ever running at build time.
//
// Entry points:
//   - Write creates dir/rpmdb.sqlite from packages in install order
//     (header numbers 1..n), through a temporary file renamed into place.
//   - WriteTree does the same into a root tree (stages/tree), so that the
//     manifest records the file.
//   - InstalledHeader builds the header blob rpm stores for one package:
//     the package's immutable region kept byte for byte (so signatures and
//     rpm -V keep working), followed by the signature tags rpm merges in
//     (headerMergeLegacySigs) and the install-time tags (INSTALLTIME,
//     INSTALLTID, INSTALLCOLOR, FILESTATES, INSTPREFIXES), laid out as
//     rpm's headerExport lays out entries added after the region. A
//     header without an immutable region (rpm 3's) is wrapped in the
//     legacy HEADERIMAGE region rpm gives it, and gets the compressed file
//     list and "name = EVR" provide rpm's applyRetrofits adds.
//   - Installed and Options carry what the install decided: per-file
//     states (FileState), relocated prefixes, install time, transaction id
//     and color.
//
// The schema, key types and index rules are those of rpm's
// lib/backend/sqlite.c and lib/rpmdb.c: each index row is (key, header
// number, element index), with rpm's exceptions (requires needed only at
// install time are left out, trigger names deduplicated, file trigger rows
// carry the trigger's script index, rich dependencies also index the names
// inside them as updateRichDep does, a missing Group indexes "Unknown"). The file is left in rollback-journal
// mode with no -wal/-shm beside it: rpm switches it to WAL itself the first
// time it opens it read-write, and until then unprivileged users can read it.
// Output is deterministic: install time and transaction id come from the
// caller (the build's SOURCE_DATE_EPOCH), rows are inserted in a fixed order
// in one transaction, and the file is vacuumed before it is renamed.
//
// rpm stores integer index keys (Installtid) in the byte order of the
// machine it runs on: little-endian by default, big-endian with
// Options.BigEndian for s390x images.
//
// The sqlite file is written through modernc.org/sqlite (pure Go, no cgo);
// the header writer is hand-written because no Go library exports rpm
// headers with an immutable region and dribble entries.
package rpmdb
