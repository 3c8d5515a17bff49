package discoinit

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"
)

// mountRoot mounts dev on NewRoot, read-only unless cfg.ReadWrite, as
// cfg.FSType or else each block file system in /proc/filesystems in turn.
func mountRoot(l *logger, dev string, cfg Config) error {
	if err := os.MkdirAll(NewRoot, 0o755); err != nil {
		return fmt.Errorf("mkdir %s: %w", NewRoot, err)
	}
	var flags uintptr
	if !cfg.ReadWrite || cfg.FSType == "squashfs" {
		flags |= unix.MS_RDONLY
	}
	types := []string{cfg.FSType}
	if cfg.FSType == "" {
		types = blockFilesystems()
	}
	var errs []string
	for _, t := range types {
		err := unix.Mount(dev, NewRoot, t, flags, "")
		if err == nil {
			l.Debugf("mounted %s (%s) on %s", dev, t, NewRoot)
			return nil
		}
		errs = append(errs, fmt.Sprintf("%s: %v", t, err))
	}
	return fmt.Errorf("mount root %s on %s: %s (is the file system's module in the initramfs?)", dev, NewRoot, strings.Join(errs, "; "))
}

// blockFilesystems lists the kernel's file systems that need a device.
func blockFilesystems() []string {
	b, err := os.ReadFile("/proc/filesystems")
	if err != nil {
		return nil
	}
	var out []string
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) == 1 {
			out = append(out, f[0])
		}
	}
	return out
}

// switchRoot frees the initramfs, moves /dev, /proc and /sys into the new
// root (or detaches them when it has no such directory), makes NewRoot
// the root and execs init there.
func switchRoot(l *logger, init string) error {
	if err := freeInitramfs(); err != nil {
		l.Debugf("freeing the initramfs: %v", err)
	}
	for _, d := range []string{"/dev", "/proc", "/sys"} {
		if fi, err := os.Stat(NewRoot + d); err == nil && fi.IsDir() {
			if err := unix.Mount(d, NewRoot+d, "", unix.MS_MOVE, ""); err != nil {
				return fmt.Errorf("move %s to %s%s: %w", d, NewRoot, d, err)
			}
		} else if err := unix.Unmount(d, unix.MNT_DETACH); err != nil {
			return fmt.Errorf("unmount %s: %w", d, err)
		}
	}
	if err := os.Chdir(NewRoot); err != nil {
		return fmt.Errorf("chdir %s: %w", NewRoot, err)
	}
	if err := unix.Mount(".", "/", "", unix.MS_MOVE, ""); err != nil {
		return fmt.Errorf("move %s to /: %w", NewRoot, err)
	}
	if err := unix.Chroot("."); err != nil {
		return fmt.Errorf("chroot %s: %w", NewRoot, err)
	}
	if err := os.Chdir("/"); err != nil {
		return fmt.Errorf("chdir / in the new root: %w", err)
	}
	if _, err := os.Stat(init); err != nil {
		return fmt.Errorf("init %s in the root file system: %w", init, err)
	}
	l.Debugf("exec %s", init)
	argv := append([]string{init}, os.Args[1:]...)
	if err := unix.Exec(init, argv, os.Environ()); err != nil {
		return fmt.Errorf("exec %s: %w", init, err)
	}
	return nil
}

// freeInitramfs deletes the initramfs's own files (those on the device of
// "/", except NewRoot), as switch_root does, so they stop taking memory.
// It refuses unless "/" is a ramfs or tmpfs and this is PID 1.
func freeInitramfs() error {
	var sfs unix.Statfs_t
	if err := unix.Statfs("/", &sfs); err != nil {
		return err
	}
	if os.Getpid() != 1 || (sfs.Type != unix.RAMFS_MAGIC && sfs.Type != unix.TMPFS_MAGIC) {
		return errors.New("/ is not an initramfs")
	}
	var st unix.Stat_t
	if err := unix.Lstat("/", &st); err != nil {
		return err
	}
	ents, err := os.ReadDir("/")
	if err != nil {
		return err
	}
	for _, e := range ents {
		if "/"+e.Name() != NewRoot {
			removeOnDev(filepath.Join("/", e.Name()), st.Dev)
		}
	}
	return nil
}

// removeOnDev removes path and what is under it, never crossing into
// another file system (mounted /dev, /proc, /sys stay).
func removeOnDev(path string, dev uint64) {
	var st unix.Stat_t
	if unix.Lstat(path, &st) != nil || st.Dev != dev {
		return
	}
	if st.Mode&unix.S_IFMT == unix.S_IFDIR {
		ents, _ := os.ReadDir(path)
		for _, e := range ents {
			removeOnDev(filepath.Join(path, e.Name()), dev)
		}
		_ = unix.Rmdir(path)
		return
	}
	_ = unix.Unlink(path)
}
