// Package initramfs writes the initramfs disco boots its machines with: a
// deterministic cpio (newc) archive, gzip- or zstd-compressed, holding
// disco's own /init (cmd/disco-init, logic in package
// stages/initramfs/init), the kernel modules it needs to reach the root
// file system, and /etc/disco-modules listing them in load order.
//
// Entry points:
//   - Build writes the compressed archive from Options (init binary bytes,
//     the machine's modules directory and module names, epoch).
//   - Modules resolves module names to their dependency closure, deps
//     first, from the modules directory's modules.dep.
//   - Cmdline renders the kernel command line /init understands.
//   - BuildInit compiles cmd/disco-init from disco's source tree into a
//     static binary with flags that make it reproducible.
//
// Why hand-written: the newc writer is ~80 lines, and controlling every
// header field (inode numbers in path order, mtime from the epoch, owners
// 0, no device numbers of the build host) is what makes the archive
// byte-reproducible; cpio(1) needs the tree on disk and root for device
// nodes, and Go's cpio libraries copy host inode numbers and times.
package initramfs
