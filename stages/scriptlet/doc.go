// Package scriptlet runs RPM package scriptlets (%pre, %post, triggers, ...)
// with the image's own interpreter, jailed in the root tree being built,
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
// Isolation. Packages are hostile input: the jail is meant to hold against
// a scriptlet that tries to get out. Run re-executes the current binary
// (/proc/self/exe) as a helper in fresh mount, PID, network, UTS and IPC
// namespaces (plus a user namespace mapping the caller to 0 when the caller
// is not root). The helper, PID 1 of those namespaces, builds the jail and
// starts a second re-execution, the sandbox process, which runs the
// scriptlet (a shell scriptlet as its child, a Lua one in itself). The
// helper keeps its privileges; the sandbox and the scriptlet get none:
//   - the tree is the root: it is mounted over itself (nodev, nosuid) and
//     pivot_root'ed to, and the old root, the host with it, is detached.
//     No path, "..", chroot climb, /proc/PID/root or setns leads out: the
//     namespace holds nothing else.
//   - /dev is a fresh tmpfs (nodev, nosuid, noexec) holding read-only bind
//     mounts of the host's null, zero, full, random, urandom and tty, which
//     work because each bind carries its own flags, and cannot be chmod'ed
//     or chown'ed. A device node found in the tree, or made in /dev, cannot
//     be opened.
//   - /proc is a fresh, read-only proc of the jail's PID namespace: the
//     scriptlet sees only the jail's processes (helper, sandbox and its
//     own) and can write no sysctl or /proc/sysrq-trigger. Where the kernel
//     refuses a fresh proc, the scriptlet fails rather than get the host's.
//     /sys is not mounted.
//   - the sandbox bounds its capabilities (bounding, permitted, effective
//     and inheritable sets; ambient cleared) to those scriptlets need:
//     CHOWN, DAC_OVERRIDE, FOWNER, FSETID, KILL, SETGID, SETUID, SETPCAP,
//     NET_BIND_SERVICE, SYS_CHROOT, AUDIT_WRITE and SETFCAP (useradd,
//     chown, chmod, setcap, su, systemctl preset, ldconfig and
//     update-alternatives need no more). Gone are, among others, SYS_ADMIN
//     (mount, setns, sethostname), SYS_MODULE, SYS_RAWIO, SYS_TIME,
//     SYS_BOOT, SYS_PTRACE, MAC_ADMIN, MAC_OVERRIDE, DAC_READ_SEARCH
//     (open_by_handle_at), MKNOD (device nodes are declared, never made:
//     the tree refuses one a scriptlet leaves) and NET_ADMIN. no_new_privs
//     is set, so no setuid program or file capability gives any back, and
//     the sandbox is not dumpable, so the scriptlet cannot ptrace it or
//     read its /proc files; the helper is not dumpable either.
//   - only stdin (/dev/null or the file trigger pipe), stdout and stderr
//     (pipes to the runner) reach the scriptlet: the helper and the sandbox
//     mark every other descriptor close-on-exec, those the builder
//     inherited from its own parent included. The helper gives up the
//     controlling terminal (TIOCNOTTY), so the terminal disco runs in is
//     not the scriptlet's: /dev/tty opens nothing.
//   - the network namespace has only a loopback device, down; the host
//     name is "localhost" (the scriptlet cannot change it: no SYS_ADMIN);
//     IPC objects are the jail's own. As PID 1, the helper kills whatever
//     the scriptlet left running when it ends, and the mounts vanish with
//     the namespace. Mount propagation is private: nothing reaches the host.
//
// Who the scriptlet is depends on the caller and the host; Outcome.Isolation
// says which mode ran:
//   - IsolationIDMapped (root, on Linux 5.12 or later and a file system
//     with id-mapped mounts: ext4, xfs, btrfs; tmpfs from 6.3): the sandbox
//     runs in a user namespace of its own where uid and gid 0 to 65535 are
//     the host's 0x7fff0000 to 0x7fffffff, and the tree is mounted
//     id-mapped to it (mount_setattr MOUNT_ATTR_IDMAP), so files it creates
//     or chowns land in the tree with the ids it sees (0, or 48 after
//     "chown 48") while the scriptlet is never the host's root: its
//     capabilities hold only in its namespace, which owns nothing of the
//     host's (not its mount, PID, network or UTS namespace, not a file
//     outside the tree).
//   - IsolationRoot (root, where the kernel or the tree's file system
//     cannot id-map; the outcome names the reason): the scriptlet is the
//     host's uid 0 with the bounded capability set above. Everything above
//     holds, but what the kernel checks by uid alone treats it as root: the
//     host root's keyrings (keyctl), for one. This is the weaker mode.
//   - IsolationRootless (an unprivileged caller): the caller's user
//     namespace, where only the caller's uid and gid are mapped (to 0):
//     files the scriptlet writes are the caller's on the host, and chown to
//     any other id fails.
//
// On the host, the tree's Sync keeps no setuid or setgid bit a scriptlet
// set on a file (the manifest has it): the cache may be reachable by other
// host users.
//
// What remains, in every mode: the scriptlet shares the host's kernel (a
// kernel bug is a way out; seccomp is not used), may create nested user
// namespaces where the host lets unprivileged users do so (they give no
// more than an unprivileged user has), reads host information /proc shows
// to anyone (cpuinfo, meminfo, mountinfo with the tree's host path), and a
// Lua scriptlet can read disco's own executable through /proc/self/exe,
// the sandbox process being a re-execution of it. It can use all the CPU,
// memory and disk it likes until the runner's Timeout.
//
// The helper starts from this package's init function when the
// DISCO_SCRIPTLET_HELPER environment variable is set and argv is just
// "disco-scriptlet" ("disco-scriptlet-sandbox" for the sandbox), so any
// binary that links this package can run scriptlets, tests included.
// syscall.SysProcAttr alone cannot do this: the mounts must be made by code
// running in the new namespaces, and an id-mapped mount needs a user
// namespace that exists before the scriptlet runs, hence two processes. The
// sandbox starts before the jail is complete (a dynamically linked disco
// loads its libraries from the host) and says so; the helper pivots only
// then, and sends the request with the identity of the new root, which the
// sandbox checks before it runs anything. /dev, /proc and /var/tmp are
// created only when missing and removed by the runner afterwards when they
// were created for the run and are empty, so the tree's Sync sees no trace
// of the run. On timeout the helper is sent SIGTERM and kills every process
// of the jail; SIGKILL follows after a grace period.
//
// Lua. "<lua>" scriptlets run in the sandbox process itself, jailed, on an
// embedded Lua 5.1 (github.com/yuin/gopher-lua) with the subset of rpm's
// extensions packages commonly use:
//   - posix.mkdir, chmod, symlink, link, readlink, stat, access, unlink,
//     rmdir, chdir, getcwd, getenv, uname, and utime (SOURCE_DATE_EPOCH where
//     rpm takes the current time);
//   - rpm.expand (%% and a few path macros; others stay as written),
//     rpm.vercmp, rpm.execute, rpm.spawn (what Fedora's glibc %post uses when
//     present), rpm.next_file (file triggers);
//   - io.* and os.*, confined by the jail; print goes to the outcome's
//     output; os.exit ends the scriptlet (not the process) with its code;
//   - rpm's global arg table: arg[1] "<lua>", arg[2] $1, arg[3] $2 for
//     triggers.
//
// posix.fork, exec, wait and umask are not provided (a multi-threaded Go
// process cannot fork safely, and rpm.spawn replaces the pattern): a
// scriptlet calling them fails with a reason.
package scriptlet
