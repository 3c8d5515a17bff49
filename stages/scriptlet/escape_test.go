package scriptlet

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
)

// The escape tests run hostile scriptlets, as a package could ship them,
// and check that the host is untouched. Every attempt aims at a canary
// folder under a temporary folder (never at a real host file), and every
// attempt that could change something on the host is harmless if it
// succeeds: a disk is only opened for reading, a sysctl is written its own
// value, the clock's tick is set to its current value, sysrq gets "h"
// (print help). A script prints "ESCAPED ..." and exits 0 when an attempt
// works; when all are blocked it exits 97, so the outcome must be Failed.

// escapeProbe is the test binary's second life: copied into a root as
// /bin/escape-probe, it makes the system calls busybox has no applet for.
func init() {
	if filepath.Base(os.Args[0]) == "escape-probe" && len(os.Args) >= 2 {
		os.Exit(escapeProbe(os.Args[1], os.Args[2:]))
	}
}

func escapeProbe(what string, args []string) int {
	escaped := func(format string, a ...any) int { fmt.Printf("ESCAPED "+format+"\n", a...); return 0 }
	blocked := func(format string, a ...any) int { fmt.Printf("blocked: "+format+"\n", a...); return 97 }
	switch what {
	case "chroot-climb": // args: canary folder
		os.Mkdir("/climb", 0o755)
		if err := syscall.Chroot("/climb"); err != nil {
			return blocked("chroot /climb: %v", err)
		}
		for range 64 {
			syscall.Chdir("..")
		}
		if err := syscall.Chroot("."); err != nil {
			return blocked("chroot .: %v", err)
		}
		return touchCanary(args[0], escaped, blocked)
	case "ptrace": // every process of the namespace but this one and its shell
		ents, _ := os.ReadDir("/proc")
		for _, e := range ents {
			pid, err := strconv.Atoi(e.Name())
			if err != nil || pid == os.Getpid() || pid == os.Getppid() {
				continue
			}
			if err := syscall.PtraceAttach(pid); err == nil {
				var ws syscall.WaitStatus
				syscall.Wait4(pid, &ws, unix.WALL, nil)
				syscall.PtraceDetach(pid)
				return escaped("ptrace-attached PID %d", pid)
			} else {
				fmt.Printf("ptrace %d: %v\n", pid, err)
			}
		}
		return blocked("ptrace")
	case "fds": // this process's descriptors: what its shell passed on
		fd, err := unix.Open("/proc/self/fd", unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
		if err != nil {
			return blocked("open /proc/self/fd: %v", err)
		}
		buf := make([]byte, 4096)
		n, _ := unix.Getdents(fd, buf)
		var names []string
		_, _, names = unix.ParseDirent(buf[:n], -1, names)
		for _, name := range names {
			if name == strconv.Itoa(fd) {
				continue
			}
			target, _ := os.Readlink("/proc/self/fd/" + name)
			fmt.Printf("fd %s -> %s\n", name, target)
			switch {
			case name == "0" && (target == "/dev/null" || strings.HasPrefix(target, "pipe:")):
			case (name == "1" || name == "2") && strings.HasPrefix(target, "pipe:"):
			case strings.HasPrefix(target, "/var/tmp/rpm-tmp."): // the shell's script
			default:
				return escaped("inherited fd %s -> %s", name, target)
			}
		}
		return blocked("only stdin, stdout and stderr")
	case "module":
		image := make([]byte, 64)
		err := unix.InitModule(image, "")
		if err == syscall.EPERM || err == syscall.ENOSYS {
			return blocked("init_module: %v", err)
		}
		return escaped("init_module got past the permission check: %v", err)
	case "clock":
		var tx unix.Timex
		if _, err := unix.Adjtimex(&tx); err != nil {
			return blocked("read the clock: %v", err)
		}
		set := unix.Timex{Modes: unix.ADJ_TICK, Tick: tx.Tick} // its own value
		if _, err := unix.Adjtimex(&set); err != nil {
			return blocked("adjtimex: %v", err)
		}
		return escaped("set the clock's tick (to its own value %d)", tx.Tick)
	case "hostname":
		if err := syscall.Sethostname([]byte("escaped-host")); err != nil {
			return blocked("sethostname: %v", err)
		}
		return escaped("sethostname worked (in the UTS namespace only, the test checks the host)")
	case "net": // args: TCP port on 127.0.0.1, abstract unix socket name
		port, _ := strconv.Atoi(args[0])
		if err := dial(syscall.AF_INET, &syscall.SockaddrInet4{Port: port, Addr: [4]byte{127, 0, 0, 1}}); err == nil {
			return escaped("connected to the host's 127.0.0.1:%d", port)
		} else {
			fmt.Println("tcp:", err)
		}
		if err := dial(syscall.AF_UNIX, &syscall.SockaddrUnix{Name: "@" + args[1]}); err == nil {
			return escaped("connected to the host's abstract socket @%s", args[1])
		} else {
			fmt.Println("unix:", err)
		}
		return blocked("network")
	case "mount":
		os.Mkdir("/mnt", 0o755)
		if err := syscall.Mount("none", "/mnt", "tmpfs", 0, ""); err == nil {
			syscall.Unmount("/mnt", syscall.MNT_DETACH)
			return escaped("mounted a tmpfs")
		} else {
			return blocked("mount: %v", err)
		}
	case "caps":
		return probeCaps(escaped, blocked)
	case "tty": // the builder's controlling terminal, if it reached the scriptlet
		fd, err := unix.Open("/dev/tty", unix.O_RDWR|unix.O_NOCTTY, 0)
		if err != nil {
			return blocked("open /dev/tty: %v", err)
		}
		unix.Write(fd, []byte("ESCAPED-TTY\n"))
		return escaped("opened the builder's terminal")
	}
	return blocked("unknown probe %s", what)
}

// dial connects a stream socket (the package net would link cgo and make
// the probe a dynamic executable).
func dial(family int, sa syscall.Sockaddr) error {
	fd, err := syscall.Socket(family, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer syscall.Close(fd)
	return syscall.Connect(fd, sa)
}

// listen opens a listening stream socket; it returns its fd.
func listen(t *testing.T, family int, sa syscall.Sockaddr) int {
	fd, err := syscall.Socket(family, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	must(t, err)
	t.Cleanup(func() { syscall.Close(fd) })
	must(t, syscall.Bind(fd, sa))
	must(t, syscall.Listen(fd, 4))
	return fd
}

// touchCanary tries to read the canary's secret and write a file beside it.
func touchCanary(canary string, escaped, blocked func(string, ...any) int) int {
	if data, err := os.ReadFile(filepath.Join(canary, "secret")); err == nil {
		return escaped("read %q outside the root", data)
	}
	if err := os.WriteFile(filepath.Join(canary, "escaped"), []byte("pwned\n"), 0o644); err == nil {
		return escaped("wrote outside the root")
	}
	return blocked("the canary is out of reach")
}

// forbiddenCaps may not be in a scriptlet's bounding or effective set.
var forbiddenCaps = map[int]string{unix.CAP_SYS_MODULE: "SYS_MODULE", unix.CAP_SYS_RAWIO: "SYS_RAWIO",
	unix.CAP_SYS_TIME: "SYS_TIME", unix.CAP_SYS_BOOT: "SYS_BOOT", unix.CAP_MAC_ADMIN: "MAC_ADMIN",
	unix.CAP_MAC_OVERRIDE: "MAC_OVERRIDE", unix.CAP_SYS_PTRACE: "SYS_PTRACE", unix.CAP_SYS_ADMIN: "SYS_ADMIN",
	unix.CAP_DAC_READ_SEARCH: "DAC_READ_SEARCH", unix.CAP_MKNOD: "MKNOD", unix.CAP_NET_ADMIN: "NET_ADMIN",
	unix.CAP_BPF: "BPF", unix.CAP_PERFMON: "PERFMON", unix.CAP_SYSLOG: "SYSLOG", unix.CAP_SYS_RESOURCE: "SYS_RESOURCE"}

func probeCaps(escaped, blocked func(string, ...any) int) int {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return blocked("read /proc/self/status: %v", err)
	}
	var found []string
	for _, line := range strings.Split(string(data), "\n") {
		k, v, _ := strings.Cut(line, ":")
		v = strings.TrimSpace(v)
		switch k {
		case "CapBnd", "CapEff", "CapPrm":
			set, _ := strconv.ParseUint(v, 16, 64)
			for c, name := range forbiddenCaps {
				if set&(1<<c) != 0 {
					found = append(found, k+":"+name)
				}
			}
		case "NoNewPrivs":
			if v != "1" {
				found = append(found, "NoNewPrivs:"+v)
			}
		}
	}
	if len(found) > 0 {
		sort.Strings(found)
		return escaped("holds %s", strings.Join(found, " "))
	}
	return blocked("no forbidden capability, no_new_privs set")
}

// escapeRoot is a busybox root with the probe and the applets the hostile
// scripts use.
func escapeRoot(t *testing.T) string {
	t.Helper()
	root := busyboxRoot(t)
	for _, a := range []string{"chroot", "nsenter", "cp", "mknod", "dd", "rm", "mount", "umount", "readlink", "sysctl"} {
		os.Symlink("busybox", filepath.Join(root, "bin", a))
	}
	self, err := os.Executable()
	must(t, err)
	data, err := os.ReadFile(self)
	must(t, err)
	must(t, os.WriteFile(filepath.Join(root, "bin", "escape-probe"), data, 0o755))
	return root
}

// canary is a host folder holding only a file named secret.
type canary struct {
	dir    string
	secret string
}

func newCanary(t *testing.T) canary {
	c := canary{dir: filepath.Join(t.TempDir(), "canary"), secret: "host-secret-" + strconv.Itoa(os.Getpid())}
	must(t, os.Mkdir(c.dir, 0o755))
	must(t, os.WriteFile(filepath.Join(c.dir, "secret"), []byte(c.secret+"\n"), 0o644))
	return c
}

// untouched fails the test when anything but the secret is in the canary
// folder or the secret changed.
func (c canary) untouched(t *testing.T) {
	t.Helper()
	ents, err := os.ReadDir(c.dir)
	must(t, err)
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	if len(names) != 1 || names[0] != "secret" {
		t.Errorf("HOST CHANGED: the canary folder holds %q", names)
	}
	if got := readFile(t, filepath.Join(c.dir, "secret")); got != c.secret+"\n" {
		t.Errorf("HOST CHANGED: the secret is now %q", got)
	}
}

// blockDevice is the major and minor of the block device holding dir, or
// false when its file system has none (tmpfs, overlay).
func blockDevice(dir string) (uint32, uint32, bool) {
	var st syscall.Stat_t
	if syscall.Stat(dir, &st) != nil || unix.Major(st.Dev) == 0 {
		return 0, 0, false
	}
	return unix.Major(st.Dev), unix.Minor(st.Dev), true
}

// mountRelative is dir's path relative to the root of its file system
// (climbing while the device stays the same).
func mountRelative(dir string) string {
	var st, up syscall.Stat_t
	syscall.Stat(dir, &st)
	p := dir
	for p != "/" {
		if syscall.Stat(filepath.Dir(p), &up) != nil || up.Dev != st.Dev {
			break
		}
		p = filepath.Dir(p)
	}
	rel, _ := filepath.Rel(p, dir)
	return "/" + rel
}

// escapeScripts are the hostile %post bodies, by name; CANARY and the other
// upper-case words are replaced before they run.
var escapeScripts = map[string]string{
	// A chroot into a subfolder leaves the working folder outside the new
	// root; ".." then climbs as far as the mount namespace's root, and a
	// chroot there is the host's root unless the root was pivoted.
	"chroot-climb": `mkdir -p /x/bin && cp /bin/busybox /x/bin/busybox
cd /
nsenter -r/x /bin/busybox sh -c 'cd -P ../../../../../../../../../..; exec /bin/busybox chroot . /bin/sh -c "cat CANARY/secret && echo pwned > CANARY/escaped"' && { echo ESCAPED chroot-climb; exit 0; }
/bin/escape-probe chroot-climb CANARY && exit 0
exit 97`,
	"proc-root": `for p in /proc/1/root /proc/1/cwd /proc/self/root /proc/[0-9]*/root /proc/[0-9]*/cwd; do
  if cat "$p/CANARY/secret" 2>/dev/null; then echo "ESCAPED read through $p"; exit 0; fi
  if echo pwned 2>/dev/null > "$p/CANARY/escaped"; then echo "ESCAPED wrote through $p"; exit 0; fi
done
exit 97`,
	// /proc/PID/exe of a process started from the host (the helper) is a
	// host file.
	"proc-exe": `for e in /proc/[0-9]*/exe; do
  t=$(readlink "$e") || continue
  if [ ! -e "$t" ] && head -c 1 "$e" >/dev/null 2>&1; then echo "ESCAPED read the host file $t through $e"; exit 0; fi
done
exit 97`,
	// Joining the helper's mount namespace resets the root to its root.
	"setns": `nsenter -t 1 -m /bin/sh -c "cat CANARY/secret && echo pwned > CANARY/escaped" && { echo ESCAPED setns; exit 0; }
exit 97`,
	"dotdot": `for d in / /dev /dev/shm /dev/pts /proc /proc/self /proc/self/fd /proc/self/root /proc/1/root /var/tmp /bin; do
  p="$d/../../../../../../../../../../..CANARY"
  if cat "$p/secret" 2>/dev/null; then echo "ESCAPED read through $d/.."; exit 0; fi
  if echo pwned 2>/dev/null > "$p/escaped"; then echo "ESCAPED wrote through $d/.."; exit 0; fi
  if (cd -P "$d" && cd -P ../../../../../.. && cat ./CANARY/secret) 2>/dev/null; then echo "ESCAPED cd $d/.."; exit 0; fi
done
exit 97`,
	"mknod-disk": `for d in / /dev /dev/shm /var/tmp; do
  mkdir -p $d
  if mknod "$d/hostdisk" b MAJOR MINOR 2>/dev/null; then
    n=$(dd if="$d/hostdisk" bs=512 count=1 2>/dev/null | wc -c)
    rm -f "$d/hostdisk"
    if [ "$n" = 512 ]; then echo "ESCAPED read the host disk through $d/hostdisk"; exit 0; fi
    echo "made $d/hostdisk but could not read it"
  fi
done
exit 97`,
	// A device node for /dev/zero (1:5): opening it must fail too, since
	// the same node could name any host device.
	"mknod-char": `for d in / /dev /dev/shm /var/tmp; do
  mkdir -p $d
  if mknod "$d/zero" c 1 5 2>/dev/null; then
    n=$(dd if="$d/zero" bs=16 count=1 2>/dev/null | wc -c)
    rm -f "$d/zero"
    if [ "$n" = 16 ]; then echo "ESCAPED opened a device node it made: $d/zero"; exit 0; fi
    echo "made $d/zero but could not read it"
  fi
done
exit 97`,
	"mount-disk": `mkdir -p /mnt
if mknod /hostdisk b MAJOR MINOR && mount -t FSTYPE /hostdisk /mnt; then
  echo pwned > /mnt/FSREL/escaped && echo "ESCAPED wrote through a mount of the host disk"
  umount /mnt; rm -f /hostdisk; exit 0
fi
rm -f /hostdisk
/bin/escape-probe mount && exit 0
exit 97`,
	"inherited-fd": `if echo pwned > /proc/self/fd/FD; then echo "ESCAPED wrote through inherited fd FD"; exit 0; fi
/bin/escape-probe fds && exit 0
exit 97`,
	// A Lua scriptlet runs in disco's own process, not a shell: the same
	// climbs from Lua, and a program it starts.
	"lua": `for i = 1, 40 do posix.chdir("..") end
for _, p in ipairs({"CANARY/secret", "/proc/1/root/CANARY/secret", "/proc/self/fd/FD"}) do
  local f = io.open(p, p:find("fd") and "w" or "r")
  if f then print("ESCAPED opened " .. p); os.exit(0) end
end
if rpm.execute("/bin/escape-probe", "chroot-climb", "CANARY") then os.exit(0) end
if rpm.execute("/bin/escape-probe", "caps") then os.exit(0) end
os.exit(97)`,
	"ptrace": `/bin/escape-probe ptrace && exit 0; exit 97`,
	"sysctl": `v=$(cat /proc/sys/vm/swappiness) && echo $v 2>/dev/null > /proc/sys/vm/swappiness && { echo "ESCAPED wrote /proc/sys/vm/swappiness (its own value)"; exit 0; }
echo h 2>/dev/null > /proc/sysrq-trigger && { echo "ESCAPED wrote /proc/sysrq-trigger"; exit 0; }
mkdir -p /sys
if mount -t sysfs sysfs /sys 2>/dev/null; then umount /sys; echo "ESCAPED mounted sysfs"; exit 0; fi
exit 97`,
	"module":   `/bin/escape-probe module && exit 0; exit 97`,
	"clock":    `/bin/escape-probe clock && exit 0; exit 97`,
	"hostname": `/bin/escape-probe hostname && exit 0; exit 97`,
	"network":  `/bin/escape-probe net TCPPORT ABSTRACT && exit 0; exit 97`,
	"tty":      `/bin/escape-probe tty && exit 0; exit 97`,
	"caps":     `/bin/escape-probe caps && exit 0; exit 97`,
}

// TestEscapes runs each hostile scriptlet in each isolation mode this
// caller can use: each must fail (exit 97: every attempt blocked), print
// no ESCAPED line, and leave the host as it was.
func TestEscapes(t *testing.T) {
	root := escapeRoot(t)
	probe(t, root)
	e := newEscapeEnv(t, root)
	for _, m := range isolationModes(t) {
		t.Run(m.want, func(t *testing.T) {
			m.check(t, m.r.Run(context.Background(), root, sh("true")))
			for _, name := range escapeNames() {
				t.Run(name, func(t *testing.T) { e.try(t, m, name) })
			}
		})
	}
}

func escapeNames() []string {
	names := make([]string, 0, len(escapeScripts))
	for n := range escapeScripts {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// escapeEnv is what the escapes aim at besides the canary.
type escapeEnv struct {
	root, host, abstract string
	port                 int
}

// newEscapeEnv notes the host name and listens on 127.0.0.1 and on an
// abstract unix socket.
func newEscapeEnv(t *testing.T, root string) escapeEnv {
	e := escapeEnv{root: root}
	var err error
	e.host, err = os.Hostname()
	must(t, err)
	tcp := listen(t, syscall.AF_INET, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}})
	sa, err := syscall.Getsockname(tcp)
	must(t, err)
	e.port = sa.(*syscall.SockaddrInet4).Port
	e.abstract = fmt.Sprintf("disco-escape-%d", os.Getpid())
	listen(t, syscall.AF_UNIX, &syscall.SockaddrUnix{Name: "@" + e.abstract})
	return e
}

// inheritable opens a file for writing without close-on-exec, as a
// descriptor the builder inherited from its parent would be, at a number
// from 200 up: the shell keeps descriptors it saves around a redirection
// at 10 and up, and /proc/self/fd/N of one of those is no inherited file.
func inheritable(t *testing.T) (string, int) {
	p := filepath.Join(t.TempDir(), "inherited")
	fd, err := syscall.Open(p, syscall.O_WRONLY|syscall.O_CREAT|syscall.O_CLOEXEC, 0o644)
	must(t, err)
	defer syscall.Close(fd)
	high := 200
	for ; ; high++ {
		if _, err := unix.FcntlInt(uintptr(high), unix.F_GETFD, 0); err == unix.EBADF {
			break
		}
	}
	must(t, unix.Dup3(fd, high, 0)) // no O_CLOEXEC
	t.Cleanup(func() { syscall.Close(high) })
	return p, high
}

// replacer fills in a script's upper-case words.
func (e escapeEnv) replacer(c canary, fd int) *strings.Replacer {
	major, minor, _ := blockDevice(c.dir)
	return strings.NewReplacer("CANARY", c.dir, "MAJOR", strconv.Itoa(int(major)), "MINOR", strconv.Itoa(int(minor)),
		"FSTYPE", fsTypeOf(c.dir), "FSREL", strings.TrimPrefix(mountRelative(c.dir), "/"), "FD", strconv.Itoa(fd),
		"TCPPORT", strconv.Itoa(e.port), "ABSTRACT", e.abstract)
}

// try runs one escape and checks the host.
func (e escapeEnv) try(t *testing.T, m isolationMode, name string) {
	c := newCanary(t)
	inherited, fd := inheritable(t)
	if _, _, hasDisk := blockDevice(c.dir); (name == "mknod-disk" || name == "mount-disk") && !hasDisk {
		t.Skipf("%s is on no block device", c.dir)
	}
	s := sh(e.replacer(c, fd).Replace(escapeScripts[name]))
	if name == "lua" {
		s.Prog = []string{LuaProg}
	}
	e.verify(t, m, m.r.Run(context.Background(), e.root, s), c, inherited)
}

// verify checks that the escape failed and the host is as it was.
func (e escapeEnv) verify(t *testing.T, m isolationMode, o Outcome, c canary, inherited string) {
	t.Helper()
	t.Logf("status %s, exit %d, isolation %s, reason %q\n%s", o.Status, o.ExitCode, o.Isolation, o.Reason, o.Output)
	if strings.Contains(o.Output, "ESCAPED") || strings.Contains(o.Output, c.secret) {
		t.Errorf("ESCAPE: %s", o.Output)
	}
	if o.Status != Failed || o.ExitCode != 97 {
		t.Errorf("status %s, exit %d, want failed with 97 (every attempt blocked)", o.Status, o.ExitCode)
	}
	m.check(t, o)
	c.untouched(t)
	if data, _ := os.ReadFile(inherited); len(data) != 0 {
		t.Errorf("HOST CHANGED: %s holds %q", inherited, data)
	}
	if now, _ := os.Hostname(); now != e.host {
		t.Errorf("HOST CHANGED: host name %q, was %q", now, e.host)
	}
}

// isolationMode is a runner and the isolation its outcomes must report.
type isolationMode struct {
	want string
	r    *Runner
}

// isolationModes are the modes this caller can use: as root the id-mapped
// one and the fallback; otherwise the rootless one.
func isolationModes(t *testing.T) []isolationMode {
	if os.Geteuid() != 0 {
		return []isolationMode{{IsolationRootless, testRunner()}}
	}
	fallback := testRunner()
	fallback.noIDMap = true
	return []isolationMode{{IsolationIDMapped, testRunner()}, {IsolationRoot, fallback}}
}

// check fails the test when o was not jailed the way m wants; a root
// helper on a kernel or file system without id-mapped mounts skips the
// id-mapped tests, except under CI, whose machines have them.
func (m isolationMode) check(t *testing.T, o Outcome) {
	t.Helper()
	if m.want == IsolationIDMapped && strings.HasPrefix(o.Isolation, IsolationRoot) {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI machines must run scriptlets id-mapped; this one: %s", o.Isolation)
		}
		t.Skipf("this host cannot id-map the tree: %s", o.Isolation)
	}
	if !strings.HasPrefix(o.Isolation, m.want) {
		t.Errorf("isolation %q, want %s", o.Isolation, m.want)
	}
}

// fsTypeOf is the type of the file system holding dir, from mountinfo.
func fsTypeOf(dir string) string {
	var st syscall.Stat_t
	syscall.Stat(dir, &st)
	data, _ := os.ReadFile("/proc/self/mountinfo")
	want := fmt.Sprintf("%d:%d", unix.Major(st.Dev), unix.Minor(st.Dev))
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(line)
		if len(f) < 10 || f[2] != want {
			continue
		}
		for i, x := range f {
			if x == "-" && i+1 < len(f) {
				return f[i+1]
			}
		}
	}
	return "ext4"
}
