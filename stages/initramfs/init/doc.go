// Package discoinit is the logic of disco's own initramfs /init
// (cmd/disco-init): a small static program that brings up just enough of
// the system to mount the machine's root file system and hand over to the
// machine's init.
//
// Entry points:
//   - Main runs as PID 1: mounts /proc, /sys and /dev, loads the modules
//     listed in /etc/disco-modules, waits for the root device named by
//     root= on the kernel command line, mounts it on /newroot and
//     switch_roots into init=. On any failure it prints the reason to the
//     console and powers the machine off, so a VM under test exits.
//   - ParseCmdline reads the kernel command line into a Config.
//   - ReadGPT reads a disk's GUID partition table; FindPartUUID finds the
//     block device of the partition with a given unique GUID.
//   - LoadModules inserts kernel modules (.ko, .ko.xz, .ko.zst, .ko.gz).
//
// Why hand-written rather than busybox or systemd: Linux 6.1 uevents carry
// no PARTUUID, so honouring root=PARTUUID= needs a GPT reader anyway, and a
// single Go binary is smaller than a shell plus the tools a script needs,
// and builds reproducibly with the rest of disco.
//
// The directory is named init after its role, but a Go package cannot be
// called init (it would clash with init functions), hence discoinit.
package discoinit
