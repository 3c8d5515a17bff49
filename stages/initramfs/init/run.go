package discoinit

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// Paths /init uses inside the initramfs.
const (
	ModuleListPath = "/etc/disco-modules"
	NewRoot        = "/newroot"
)

// Main is the body of /init. As PID 1 it never returns: it execs the
// machine's init, or on failure prints why and powers the machine off
// (with qemu -no-reboot, qemu then exits). Run as any other process it
// returns an exit status instead of powering off.
func Main() int {
	l := &logger{w: os.Stderr}
	err := run(l)
	l.Errorf("%v", err)
	if os.Getpid() == 1 {
		l.Errorf("powering off")
		drainConsole()
		unix.Sync()
		_ = unix.Reboot(unix.LINUX_REBOOT_CMD_POWER_OFF)
		select {} // PID 1 must not exit: that would panic the kernel
	}
	return 1
}

// drainConsole waits until what was written to the console has left the
// serial port (tcdrain), so the reason is not lost to the power-off.
func drainConsole() {
	_ = unix.IoctlSetInt(int(os.Stderr.Fd()), unix.TCSBRK, 1)
	time.Sleep(200 * time.Millisecond)
}

func run(l *logger) error {
	if err := mountEarly(); err != nil {
		return err
	}
	l.openConsole()
	b, err := os.ReadFile("/proc/cmdline")
	if err != nil {
		return fmt.Errorf("read kernel command line: %w", err)
	}
	cfg, err := ParseCmdline(string(b))
	if err != nil {
		return err
	}
	l.debug = cfg.Debug
	if err := loadListed(l); err != nil {
		return err
	}
	dev, err := waitRoot(l, cfg, cfg.RootWait)
	if err != nil {
		return err
	}
	if err := mountRoot(l, dev, cfg); err != nil {
		return err
	}
	return switchRoot(l, cfg.Init)
}

// mountEarly mounts /proc, /sys and /dev (devtmpfs); one already mounted is fine.
func mountEarly() error {
	for _, m := range []struct {
		fs, dir string
		flags   uintptr
	}{
		{"proc", "/proc", unix.MS_NOSUID | unix.MS_NOEXEC | unix.MS_NODEV},
		{"sysfs", "/sys", unix.MS_NOSUID | unix.MS_NOEXEC | unix.MS_NODEV},
		{"devtmpfs", "/dev", unix.MS_NOSUID},
	} {
		if err := os.MkdirAll(m.dir, 0o755); err != nil {
			return fmt.Errorf("mkdir %s: %w", m.dir, err)
		}
		err := unix.Mount(m.fs, m.dir, m.fs, m.flags, "")
		if err != nil && !errors.Is(err, unix.EBUSY) {
			return fmt.Errorf("mount %s on %s: %w", m.fs, m.dir, err)
		}
	}
	return nil
}

func loadListed(l *logger) error {
	mods, err := ReadModuleList(ModuleListPath)
	if errors.Is(err, os.ErrNotExist) {
		l.Debugf("no %s: no modules to load", ModuleListPath)
		return nil
	}
	if err != nil {
		return fmt.Errorf("read module list: %w", err)
	}
	t := time.Now()
	if err := LoadModules(mods); err != nil {
		return err
	}
	l.Debugf("loaded %d modules in %v", len(mods), time.Since(t).Round(time.Millisecond))
	return nil
}

// waitRoot polls for the root device until it appears or wait runs out.
func waitRoot(l *logger, cfg Config, wait time.Duration) (string, error) {
	deadline := time.Now().Add(wait)
	for {
		dev, err := findRoot(cfg)
		if err == nil {
			l.Debugf("root device %s", dev)
			return dev, nil
		}
		if !errors.Is(err, errNotYet) || time.Now().After(deadline) {
			return "", fmt.Errorf("root device (waited %v): %w; block devices: %s", wait, err, listBlock())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func findRoot(cfg Config) (string, error) {
	if cfg.PartUUID != "" {
		return FindPartUUID("/sys/block", "/dev", cfg.PartUUID)
	}
	name := strings.TrimPrefix(cfg.RootDev, "/dev/")
	if _, err := os.Stat(cfg.RootDev); err == nil {
		return cfg.RootDev, nil
	}
	if _, err := os.Stat("/sys/class/block/" + name + "/dev"); err != nil {
		return "", fmt.Errorf("no %s: %w", cfg.RootDev, errNotYet)
	}
	return ensureNode("/dev", name, "/sys/class/block/"+name+"/dev")
}

func listBlock() string {
	ents, err := os.ReadDir("/sys/class/block")
	if err != nil {
		return err.Error()
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	if len(names) == 0 {
		return "none (is the disk driver among the initramfs modules?)"
	}
	return strings.Join(names, " ")
}

// logger writes to the console; errors always, the rest with disco.debug.
type logger struct {
	w     io.Writer
	debug bool
}

func (l *logger) openConsole() {
	if f, err := os.OpenFile("/dev/console", os.O_WRONLY|unix.O_NOCTTY, 0); err == nil {
		l.w = f
	}
}

func (l *logger) Debugf(format string, args ...any) {
	if l.debug {
		fmt.Fprintf(l.w, "disco-init: "+format+"\n", args...)
	}
}

// Errorf prints to the console, falling back to the kernel log.
func (l *logger) Errorf(format string, args ...any) {
	msg := fmt.Sprintf("disco-init: error: "+format+"\n", args...)
	if _, err := io.WriteString(l.w, msg); err != nil {
		if k, kerr := os.OpenFile("/dev/kmsg", os.O_WRONLY, 0); kerr == nil {
			_, _ = io.WriteString(k, "<2>"+msg)
			k.Close()
		}
	}
}
