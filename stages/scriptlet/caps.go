package scriptlet

import (
	"fmt"
	"os"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// keptCaps are the capabilities a scriptlet keeps: what useradd, chown,
// chmod, setcap, su and the like need inside the tree. Docker's default
// set without CAP_MKNOD (device nodes are declared, never made: the tree
// refuses them) and CAP_NET_RAW (there is no network). Everything else is
// dropped from the bounding set, among them SYS_ADMIN (mount, setns,
// sethostname), SYS_MODULE, SYS_RAWIO, SYS_TIME, SYS_BOOT, SYS_PTRACE,
// MAC_ADMIN, MAC_OVERRIDE and DAC_READ_SEARCH (open_by_handle_at, the
// classic container escape).
var keptCaps = []int{unix.CAP_CHOWN, unix.CAP_DAC_OVERRIDE, unix.CAP_FOWNER, unix.CAP_FSETID, unix.CAP_KILL,
	unix.CAP_SETGID, unix.CAP_SETUID, unix.CAP_SETPCAP, unix.CAP_NET_BIND_SERVICE, unix.CAP_SYS_CHROOT,
	unix.CAP_AUDIT_WRITE, unix.CAP_SETFCAP}

// restrict bounds the calling thread's capabilities to keptCaps and sets
// no_new_privs, so that nothing it starts can gain more (no setuid or
// file-capability gain either). Capabilities are per thread: the caller
// runs on a locked OS thread, and every process it starts is forked from
// that thread. It also makes this process not dumpable, so that what it
// starts cannot ptrace it or open its /proc files (its other threads keep
// the capabilities it was started with).
func restrict() error {
	if err := unix.Prctl(unix.PR_SET_DUMPABLE, 0, 0, 0, 0); err != nil {
		return fmt.Errorf("prctl(PR_SET_DUMPABLE): %w", err)
	}
	keep := uint64(0)
	for _, c := range keptCaps {
		keep |= 1 << c
	}
	for c, last := 0, lastCap(); c <= last; c++ {
		if keep&(1<<c) != 0 {
			continue
		}
		if err := unix.Prctl(unix.PR_CAPBSET_DROP, uintptr(c), 0, 0, 0); err != nil && err != unix.EINVAL {
			return fmt.Errorf("drop capability %d from the bounding set: %w", c, err)
		}
	}
	hdr := unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}
	var data [2]unix.CapUserData
	if err := unix.Capget(&hdr, &data[0]); err != nil {
		return fmt.Errorf("capget: %w", err)
	}
	for i := range data {
		k := uint32(keep >> (32 * i))
		data[i].Effective &= k
		data[i].Permitted &= k
		data[i].Inheritable = 0
	}
	if err := unix.Capset(&hdr, &data[0]); err != nil {
		return fmt.Errorf("capset: %w", err)
	}
	if err := unix.Prctl(unix.PR_CAP_AMBIENT, unix.PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0); err != nil && err != unix.EINVAL {
		return fmt.Errorf("clear the ambient capabilities: %w", err)
	}
	if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
		return fmt.Errorf("prctl(PR_SET_NO_NEW_PRIVS): %w", err)
	}
	return nil
}

// lastCap is the highest capability this kernel knows.
func lastCap() int {
	if data, err := os.ReadFile("/proc/sys/kernel/cap_last_cap"); err == nil {
		if n, err := strconv.Atoi(strings.TrimSpace(string(data))); err == nil {
			return n
		}
	}
	return 63
}

// closeInherited marks every descriptor above 2 close-on-exec, so that no
// program this process starts inherits a descriptor it was not given: a
// descriptor the builder inherited from its own parent (Go sets
// close-on-exec only on those it opens) would otherwise reach the
// scriptlet.
func closeInherited() error {
	if unix.CloseRange(3, ^uint(0), unix.CLOSE_RANGE_CLOEXEC) == nil {
		return nil
	}
	ents, err := os.ReadDir("/proc/self/fd") // kernels before 5.11
	if err != nil {
		return fmt.Errorf("list open descriptors: %w", err)
	}
	for _, e := range ents {
		if fd, err := strconv.Atoi(e.Name()); err == nil && fd > 2 {
			unix.CloseOnExec(fd)
		}
	}
	return nil
}
