// Package legacy reads a discographer configuration tree into plan
// machines, so trees written for the bash tool build unchanged.
//
// Entry point: Read. It finds every machine under a config root and returns
// them as *plan.Machine values (Source "legacy"), sorted by group then name.
// Things worth telling the user but not errors (a devices line overridden by
// a later one, a non-empty yum/plugins/, a folder under machines/ that is not
// a machine) go to Options.Notify.
//
// # Finding groups and machines
//
// A group is a folder that has a machines/ folder, either directly under the
// root (ROOT/GROUP/machines/) or under ROOT/machine-groups/
// (ROOT/machine-groups/GROUP/machines/); a group found in both places is an
// error. At both levels these folders are never groups: hidden ones (name
// starting with '.'), the cache folder (Options.Cache, default ROOT/cache),
// and the conventional non-group folders templates, template,
// machine-template, machine=template, functions and paths (shared templates
// often hold a machines/ folder of their own).
//
// A folder (or symlink to one) under GROUP/machines/ whose name does not
// start with '.' is a machine when it holds at least one machine part:
// packages, yum, apt, init, devices, root-overlays or generator-scriptlets.
// Its name must pass plan.CheckName. Then packages, an executable init and
// either yum/yum.conf.template (RPM) or apt sources of its own or its
// group's (Debian) are required.
//
// # Paths
//
// Symlinks (relative or absolute, even leading out of the root, as template
// links do) are followed when reading, except on the way to an overlay's
// content: overlays are read through runtime/configfs, as the build copies
// them, so a link there must stay inside the root (relative, or absolute
// under the root's host path); one leading out is an error naming it. Every path and position recorded is
// the path as reached under the root, slash-separated and relative to it
// (e.g. "prod/machines/web/packages:3"), never where a symlink leads, so the
// plan is the same wherever the tree is checked out.
//
// # What a machine gets
//
//   - Packages: the lines of packages (blank and '#' lines ignored, spaces
//     trimmed), with "setup" put first, positioned at the packages file
//     (line 0), unless the file lists it itself. A Debian machine's
//     "@VARIANT" lines are package sets, and "@essential" is put first
//     unless one is listed; it never gets "setup".
//   - Repos: one raw plan.Repo per yum/repositories/*.repo file, byte order.
//   - AptRepos (a Debian machine, Format "deb"): the sources of the
//     group's apt/ folder, then the machine's: apt/sources.list, then
//     apt/sources.list.d/*.sources (deb822) and *.list (one-line), byte
//     order; one per URI and suite of each deb entry, named FILE-SUITE;
//     text keeps the contract's ${variables} for lock time, and Signed-By
//     is resolved now (after substitution) to a keyring file inside the
//     root, read through configfs, or to the inline key block. A machine
//     with yum/ and apt sources is an error.
//   - YumConf: yum/yum.conf.template verbatim; a literal releasever= in its
//     [main] section becomes Machine.Releasever.
//   - Init: the init file, placed at /init.
//   - Devices: the group's devices file, then the machine's; a later line
//     for the same path replaces the earlier (and is notified).
//   - Overlays: the group's root-overlays/*, then the machine's, each in byte
//     order of name; when the machine has scriptlets, the cache folders they
//     fill are added as overlays named "generated" (Generated, Source
//     "cache:GROUP/generated" or "cache:GROUP/NAME/generated"), placed after
//     any config overlay of that name.
//   - Scriptlets: the group's generator-scriptlets/*, then the machine's,
//     byte order, dot files skipped.
//
// All orders are byte orders (sort.Strings), as bash globbing sorts with
// LC_ALL=C; nothing depends on the order a directory is read in.
package legacy
