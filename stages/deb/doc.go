// Package deb reads Debian binary packages (.deb) natively, exposing what
// dpkg itself uses to install one, in the same shapes package rpm gives an
// RPM's, so that the install stage can treat both alike.
//
// Entry points:
//   - Open reads the ar container up to the data member, checked as
//     dpkg-deb checks it (debian-binary first with a format version 2.x, then
//     control.tar, then data.tar; members whose names start with "_"
//     skipped between them; control.tar uncompressed, .gz, .xz or .zst;
//     data.tar also .bz2 or .lzma), reading the control archive whole.
//   - Package accessors: Control (the control file, a deb822.Paragraph),
//     Name, Version, Arch, MultiArch, ID ("name_version_arch", which
//     errors use); ControlFiles and File (every control file with its
//     mode and time), InfoFiles (those dpkg installs into its database),
//     Conffiles, Scripts (preinst, postinst, prerm, postrm, config),
//     MD5Sums, Triggers.
//   - Package.Payload iterates the data archive (PayloadReader) in the order
//     dpkg unpacks it, yielding a PayloadEntry (a File, and HardLinkOf for
//     a hard link) per entry, with the content of regular files read from
//     the PayloadReader and conffiles hashed as dpkg hashes them (MD5);
//     Package.Files lists the entries. Package.XZWorkers lets the blocks
//     of a large multi-block data.tar.xz (the kernel image's) be decoded
//     on several cores.
//   - ValidatePath checks a path is safe under an install root.
//
// Files carry the tar header's owner names and numbers both: dpkg gives a
// file the ids its owner names have in the root's passwd and group files
// at unpack time, and the header's numbers only for names that do not
// resolve there. That mapping, dpkg-statoverride records and conffile
// handling are the install stage's; this package knows nothing of a root.
//
// Paths are normalised as dpkg normalises them ("./usr/bin/x", "/usr/bin/x"
// and "usr/bin/x" are all /usr/bin/x) and must then be clean; entries are
// refused, with the package and the path, when they climb (".."), repeat a
// path, hard-link to anything but a regular file given earlier, or lie
// below a symbolic link of the same archive. dpkg defers symbolic links to
// the end of the archive and follows links already in its root; an entry
// below a link the same archive makes would go wherever the link points,
// so it is refused here, where the tree (stages/tree) resolves links
// already in the root inside the root, as it does for RPM payloads.
//
// A .deb carries no digest of itself: its integrity comes from the SHA-256
// the signed repository index lists, which the fetch stage checks.
// md5sums are not checked at unpack time, as dpkg does not check them.
//
// Errors: Open's errors do not know the file name (callers wrap them with
// it) and name the member at fault; later errors name the package (ID),
// the member and, where one is at fault, the archived name. Malformed
// containers, archives and control files give errors wrapping ErrFormat;
// the ar and tar layers are sub-packages (ar, tar) with their own.
//
// Why hand-written: dpkg's acceptance rules are what a build must match
// (see package tar); Go's archive/tar and the .deb readers built on it
// (pault.ag/go/debian, blakesmith/ar) accept PAX headers dpkg refuses,
// read non-file entries' data dpkg reads as headers, and do not defer
// symbolic links as dpkg does.
package deb
