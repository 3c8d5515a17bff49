package scriptlet

import (
	"fmt"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// devNodes are the host device nodes bind-mounted into the root's /dev.
var devNodes = []string{"null", "zero", "full", "random", "urandom", "tty"}

// devLinks are the usual symbolic links of a /dev.
var devLinks = [][2]string{{"fd", "/proc/self/fd"}, {"stdin", "/proc/self/fd/0"},
	{"stdout", "/proc/self/fd/1"}, {"stderr", "/proc/self/fd/2"}}

// mountPoints makes sure ROOT/dev and ROOT/proc are folders, creating them
// when missing (the parent removes them afterwards: see leftovers); a
// symbolic link or file there is refused rather than followed.
func mountPoints(root string) error {
	for _, d := range []string{"dev", "proc"} {
		dir := filepath.Join(root, d)
		fi, err := os.Lstat(dir)
		switch {
		case os.IsNotExist(err):
			if err := os.Mkdir(dir, 0o755); err != nil {
				return err
			}
		case err != nil:
			return err
		case !fi.IsDir():
			return fmt.Errorf("%s is a %v, not a folder: refusing to mount over it", dir, fi.Mode().Type())
		}
	}
	return nil
}

// mountIDMapped mounts over root a clone of it whose owners are seen
// through the user namespace userns (uid 0 there is idBase on the host):
// what the scriptlet, root in that namespace, writes or chowns lands on
// disk with the ids it sees. The clone is nodev and nosuid. The kernel
// refuses (EINVAL, EPERM, ENOSYS) before 5.12 or on a file system without
// id-mapped mounts (tmpfs before 6.3).
func mountIDMapped(root string, userns int) error {
	fd, err := unix.OpenTree(unix.AT_FDCWD, root, unix.OPEN_TREE_CLONE|unix.OPEN_TREE_CLOEXEC)
	if err != nil {
		return fmt.Errorf("open_tree %s: %w", root, err)
	}
	defer unix.Close(fd)
	attr := unix.MountAttr{Attr_set: unix.MOUNT_ATTR_IDMAP | unix.MOUNT_ATTR_NODEV | unix.MOUNT_ATTR_NOSUID,
		Userns_fd: uint64(userns), Propagation: unix.MS_PRIVATE}
	if err := unix.MountSetattr(fd, "", unix.AT_EMPTY_PATH, &attr); err != nil {
		return fmt.Errorf("id-map the mount of %s: %w", root, err)
	}
	if err := unix.MoveMount(fd, "", unix.AT_FDCWD, root, unix.MOVE_MOUNT_F_EMPTY_PATH); err != nil {
		return fmt.Errorf("move_mount onto %s: %w", root, err)
	}
	return nil
}

// bindTree makes root a mount point of its own, nodev and nosuid (the
// flags the host mount has that an unprivileged caller may not clear are
// kept).
func bindTree(root string) error {
	if err := unix.Mount(root, root, "", unix.MS_BIND, ""); err != nil {
		return fmt.Errorf("bind-mount %s: %w", root, err)
	}
	return remount(root, unix.MS_NODEV|unix.MS_NOSUID)
}

// remount adds flags to the bind mount at p, keeping those it has.
func remount(p string, flags uintptr) error {
	var st unix.Statfs_t
	if err := unix.Statfs(p, &st); err != nil {
		return err
	}
	for _, f := range [][2]uintptr{{unix.ST_RDONLY, unix.MS_RDONLY}, {unix.ST_NOEXEC, unix.MS_NOEXEC},
		{unix.ST_NOSUID, unix.MS_NOSUID}, {unix.ST_NODEV, unix.MS_NODEV}, {unix.ST_NOATIME, unix.MS_NOATIME},
		{unix.ST_NODIRATIME, unix.MS_NODIRATIME}, {unix.ST_RELATIME, unix.MS_RELATIME}} {
		if uintptr(st.Flags)&f[0] != 0 {
			flags |= f[1]
		}
	}
	if err := unix.Mount("", p, "", unix.MS_BIND|unix.MS_REMOUNT|flags, ""); err != nil {
		return fmt.Errorf("remount %s: %w", p, err)
	}
	return nil
}

// mountDev mounts a fresh tmpfs on dev (nodev, nosuid, noexec) owned by
// owner, holding read-only bind mounts of the host's null, zero, full,
// random, urandom and tty: a bind mount carries its own flags, so these
// nodes work while a node made in the tmpfs cannot be opened, and being
// read-only, they cannot be chmod'ed or chown'ed (they are the host's).
func mountDev(dev string, owner int) error {
	opts := fmt.Sprintf("mode=0755,size=1m,uid=%d,gid=%d", owner, owner)
	if err := unix.Mount("tmpfs", dev, "tmpfs", unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, opts); err != nil {
		return fmt.Errorf("mount a tmpfs on %s: %w", dev, err)
	}
	for _, n := range devNodes {
		host := "/dev/" + n
		if _, err := os.Stat(host); err != nil {
			continue
		}
		node := filepath.Join(dev, n)
		if err := os.WriteFile(node, nil, 0o666); err != nil {
			return err
		}
		if err := unix.Mount(host, node, "", unix.MS_BIND, ""); err != nil {
			return fmt.Errorf("bind-mount %s on %s: %w", host, node, err)
		}
		if err := remount(node, unix.MS_RDONLY|unix.MS_NOSUID|unix.MS_NOEXEC); err != nil {
			return err
		}
	}
	for _, l := range devLinks {
		if err := os.Symlink(l[1], filepath.Join(dev, l[0])); err != nil {
			return err
		}
	}
	for _, d := range []string{"shm", "pts"} {
		p := filepath.Join(dev, d)
		if err := os.Mkdir(p, 0o755); err != nil {
			return err
		}
		if err := os.Lchown(p, owner, owner); err != nil {
			return err
		}
	}
	return os.Chmod(filepath.Join(dev, "shm"), 0o1777)
}

// mountProc mounts a fresh, read-only proc of the helper's PID namespace:
// no sysctl, /proc/sysrq-trigger or other kernel knob can be written
// through it. A kernel that refuses a fresh proc (a host whose own /proc
// is partly masked) gets none: binding the host's /proc would show the
// host's processes.
func mountProc(proc string) error {
	flags := uintptr(unix.MS_NOSUID | unix.MS_NODEV | unix.MS_NOEXEC | unix.MS_RDONLY)
	if err := unix.Mount("proc", proc, "proc", flags, ""); err != nil {
		return fmt.Errorf("mount a fresh proc on %s: %w", proc, err)
	}
	return nil
}

// pivot makes root the root of the mount namespace and detaches the old
// root, host and all: from then on no path, "..", chroot or setns of this
// namespace leads outside the tree. Every process of the namespace whose
// root or working folder was the old root is moved into the new one.
func pivot(root string) error {
	if err := unix.Chdir(root); err != nil {
		return err
	}
	if err := unix.PivotRoot(".", "."); err != nil {
		return fmt.Errorf("pivot_root %s: %w", root, err)
	}
	if err := unix.Unmount(".", unix.MNT_DETACH); err != nil {
		return fmt.Errorf("detach the old root: %w", err)
	}
	return unix.Chdir("/")
}
