// Package scriptlet runs RPM package scriptlets (%pre, %post, triggers, ...)
// with the image's own interpreter, chrooted into the root tree being built,
// the way rpm runs them: a body is written to /var/tmp/rpm-tmp.XXXXXX inside
// the root and run as "interpreter [args] file $1 [$2]"; a program-only
// scriptlet ("-p /sbin/ldconfig") is run directly with its args and $1. File
// triggers read their matching paths on stdin, others /dev/null. The
// environment is exactly LC_ALL=C, TZ=UTC, SOURCE_DATE_EPOCH, PATH,
// HOME=/root and, for relocated packages, RPM_INSTALL_PREFIX and
// RPM_INSTALL_PREFIXn; nothing comes from the host.
//
// Entry points: Runner.Run (one scriptlet, an Outcome), Script, Outcome.
//
// Isolation. Run re-executes the current binary (/proc/self/exe) as a helper
// in fresh mount, PID, network, UTS and IPC namespaces, plus a user
// namespace mapping the caller's uid and gid to 0 when the caller is not
// root. So scriptlets have no network (only a loopback device, down), see
// the host name "localhost" on every build, and cannot reach the host's
// processes. The helper makes every mount private, mounts a tmpfs on
// ROOT/dev holding bind mounts of the host's null, zero, full, random,
// urandom and tty, mounts a fresh proc on ROOT/proc, chroots into ROOT and
// only then runs the scriptlet as its child. It is PID 1 of its namespace,
// so when the scriptlet ends any daemon it left is killed, and the mounts
// vanish with the namespace. /dev, /proc and /var/tmp are created only when
// missing and removed afterwards when they were created here and are empty,
// so the tree's Sync sees no trace of the run. syscall.SysProcAttr alone
// (Chroot plus Cloneflags) cannot do this: the mounts must be made by code
// running in the new namespace before the chroot, hence the helper. The
// helper starts from this package's init function when the
// DISCO_SCRIPTLET_HELPER environment variable is set and argv is just
// "disco-scriptlet", so any binary that links this package can run
// scriptlets, tests included. On timeout the helper is sent SIGTERM, kills
// the scriptlet and cleans up; SIGKILL follows after a grace period, and the
// parent then removes what is left.
//
// This is hygiene and reproducibility, not a security boundary: as root,
// scriptlets run as the real root of the host, chrooted.
//
// Without root, files the scriptlet writes are owned on the host by the
// caller, and chown to any id other than 0 fails (only one id is mapped).
//
// Lua. "<lua>" scriptlets run in the helper itself, after the chroot, on an
// embedded Lua 5.1 (github.com/yuin/gopher-lua) with the subset of rpm's
// extensions packages commonly use:
//   - posix.mkdir, chmod, symlink, link, readlink, stat, access, unlink,
//     rmdir, chdir, getcwd, getenv, uname, and utime (SOURCE_DATE_EPOCH where
//     rpm takes the current time);
//   - rpm.expand (%% and a few path macros; others stay as written),
//     rpm.vercmp, rpm.execute, rpm.spawn (what Fedora's glibc %post uses when
//     present), rpm.next_file (file triggers);
//   - io.* and os.*, confined by the chroot; print goes to the outcome's
//     output; os.exit ends the scriptlet (not the process) with its code;
//   - rpm's global arg table: arg[1] "<lua>", arg[2] $1, arg[3] $2 for
//     triggers.
//
// posix.fork, exec, wait and umask are not provided (a multi-threaded Go
// process cannot fork safely, and rpm.spawn replaces the pattern): a
// scriptlet calling them fails with a reason.
package scriptlet
