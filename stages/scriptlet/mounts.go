package scriptlet

import (
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// devNodes are the host device nodes bind-mounted into the root's /dev.
var devNodes = []string{"null", "zero", "full", "random", "urandom", "tty"}

// devLinks are the usual symbolic links of a /dev.
var devLinks = [][2]string{{"fd", "/proc/self/fd"}, {"stdin", "/proc/self/fd/0"},
	{"stdout", "/proc/self/fd/1"}, {"stderr", "/proc/self/fd/2"}}

// mounts remembers which mount points enter created, as paths inside the
// root, so that leave can remove them.
type mounts struct {
	created []string
}

// enter makes every mount private, mounts /dev and /proc inside root and
// chroots into it. It runs in the helper's fresh mount namespace, so the
// mounts are gone when the helper ends.
func enter(root string) (*mounts, error) {
	m := &mounts{}
	if err := m.enter(root); err != nil {
		syscall.Unmount(filepath.Join(root, "proc"), syscall.MNT_DETACH)
		syscall.Unmount(filepath.Join(root, "dev"), syscall.MNT_DETACH)
		for _, d := range m.created {
			os.Remove(filepath.Join(root, d))
		}
		return nil, err
	}
	return m, nil
}

func (m *mounts) enter(root string) error {
	if err := syscall.Mount("", "/", "", syscall.MS_REC|syscall.MS_PRIVATE, ""); err != nil {
		return fmt.Errorf("make mounts private: %w", err)
	}
	for _, d := range []string{"dev", "proc"} {
		created, err := mountPoint(filepath.Join(root, d))
		if err != nil {
			return err
		}
		if created {
			m.created = append(m.created, "/"+d)
		}
	}
	if err := mountDev(filepath.Join(root, "dev")); err != nil {
		return err
	}
	if err := mountProc(filepath.Join(root, "proc")); err != nil {
		return err
	}
	if err := syscall.Chroot(root); err != nil {
		return fmt.Errorf("chroot %s: %w", root, err)
	}
	if err := os.Chdir("/"); err != nil {
		return err
	}
	return nil
}

// mountPoint makes sure dir is a folder, creating it when missing; a
// symbolic link or file there is refused rather than followed.
func mountPoint(dir string) (bool, error) {
	fi, err := os.Lstat(dir)
	switch {
	case os.IsNotExist(err):
		if err := os.Mkdir(dir, 0o755); err != nil {
			return false, err
		}
		return true, nil
	case err != nil:
		return false, err
	case !fi.IsDir():
		return false, fmt.Errorf("%s is a %v, not a folder: refusing to mount over it", dir, fi.Mode().Type())
	}
	return false, nil
}

func mountDev(dev string) error {
	if err := syscall.Mount("tmpfs", dev, "tmpfs", syscall.MS_NOSUID|syscall.MS_NOEXEC, "mode=0755,size=1m"); err != nil {
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
		if err := syscall.Mount(host, node, "", syscall.MS_BIND, ""); err != nil {
			return fmt.Errorf("bind-mount %s on %s: %w", host, node, err)
		}
	}
	for _, l := range devLinks {
		if err := os.Symlink(l[1], filepath.Join(dev, l[0])); err != nil {
			return err
		}
	}
	for _, d := range []string{"shm", "pts"} {
		if err := os.Mkdir(filepath.Join(dev, d), 0o755); err != nil {
			return err
		}
	}
	return os.Chmod(filepath.Join(dev, "shm"), 0o1777)
}

// mountProc mounts a proc of the helper's PID namespace, or, where the
// kernel refuses a fresh proc (a host whose /proc is partly masked), binds
// the host's.
func mountProc(proc string) error {
	flags := uintptr(syscall.MS_NOSUID | syscall.MS_NODEV | syscall.MS_NOEXEC)
	if err := syscall.Mount("proc", proc, "proc", flags, ""); err == nil {
		return nil
	}
	if err := syscall.Mount("/proc", proc, "", syscall.MS_BIND|syscall.MS_REC, ""); err != nil {
		return fmt.Errorf("mount proc on %s: %w", proc, err)
	}
	return nil
}

// leave unmounts /dev and /proc (the process is chrooted) and removes the
// mount points enter created.
func (m *mounts) leave() error {
	for _, d := range []string{"/proc", "/dev"} {
		if err := syscall.Unmount(d, syscall.MNT_DETACH); err != nil {
			return fmt.Errorf("unmount %s: %w", d, err)
		}
	}
	for _, d := range m.created {
		if err := os.Remove(d); err != nil {
			return fmt.Errorf("remove the mount point %s: %w", d, err)
		}
	}
	return nil
}
