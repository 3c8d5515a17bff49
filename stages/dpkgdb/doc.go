// Package dpkgdb writes dpkg's database of an image natively, as dpkg
// itself leaves it after installing packages, so that the image's own dpkg
// and apt can query, verify, upgrade and remove what disco installed
// without dpkg writing its database at build time.
//
// Entry points:
//   - Database holds the state: packages (Package, made from a .deb with
//     FromDeb), the arch file, diversions and stat overrides; Files lays
//     it out as files relative to the admindir:
//   - status (and status-old when asked for): one stanza per package,
//     written by Stanza as dpkg's varbuf_stanza writes it (the fields dpkg
//     knows in its fieldinfos order and normalised as it stores them:
//     Package lower-cased, Essential and Protected only when yes,
//     Priority's known words canonical, Multi-Arch unless no, versions
//     without a 0 epoch, relation fields re-spaced with "<" and ">" read
//     as "<=" and ">="; then Status, Conffiles with their MD5 digests;
//     then every other field of the control file in its order), the
//     stanzas sorted by name then architecture (StatusFile);
//   - info/PKG.list and info/PKG.NAME for each control file dpkg keeps
//     (conffiles, md5sums, maintainer scripts, triggers, shlibs, symbols,
//     templates, config, ...), PKG being "name:arch" for Multi-Arch: same
//     packages; info/format;
//   - triggers/File (file trigger interests in unpack order),
//     triggers/NAME for each explicit trigger interest, and the empty
//     triggers/Unincorp and triggers/Lock dpkg leaves once all triggers
//     are processed; lock;
//   - diversions and statoverride (and their -old backups) in the order
//     dpkg-divert and dpkg-statoverride write them: the order of dpkg's
//     file name hash table;
//   - arch, as mmdebstrap writes it. No available file: mmdebstrap's trees
//     have none (apt installs without dpkg --update-avail).
//   - Write puts the files in a host folder; WriteTree into a root tree
//     (stages/tree), so that the manifest records them.
//
// Checked against the real dpkg: packages installed with dpkg --root give
// the same status, info and triggers files byte for byte, and dpkg -l,
// --audit and --verify are clean on what Write produces.
//
// The Status of each record is the caller's (install ok installed by
// default), and so are conffile digests ("newconffile" for a package only
// unpacked): the database says what the build did, it does not decide it.
package dpkgdb
