package scriptlet

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
)

// TestJail checks the jail itself, in each mode this caller can use: what
// is mounted and how, the ids the scriptlet has, the owners its files get
// on the host, and that a device node already in the tree cannot be
// opened.
func TestJail(t *testing.T) {
	for _, m := range isolationModes(t) {
		t.Run(m.want, func(t *testing.T) {
			root := busyboxRoot(t)
			probe(t, root)
			o := m.r.Run(context.Background(), root, sh("cat /proc/self/mountinfo; echo uid_map; cat /proc/self/uid_map"))
			if o.Status != Ran {
				t.Fatalf("outcome %+v", o)
			}
			m.check(t, o)
			info, uidMap, _ := strings.Cut(o.Output, "uid_map\n")
			checkMounts(t, m.want, info)
			want := map[string]string{IsolationIDMapped: "0 2147418112 65536", IsolationRoot: "0 0 4294967295",
				IsolationRootless: "0 " + strconv.Itoa(os.Geteuid()) + " 1"}[m.want]
			if got := strings.Join(strings.Fields(uidMap), " "); got != want {
				t.Errorf("uid_map %q, want %q", got, want)
			}
			if m.want != IsolationRootless {
				checkOwners(t, m.r, root)
				checkNodev(t, m.r, root)
			}
		})
	}
}

// checkMounts reads the scriptlet's mountinfo: exactly the tree (nodev,
// nosuid; id-mapped in that mode), /dev (a nodev tmpfs), its read-only
// device binds and a read-only proc.
func checkMounts(t *testing.T, mode, info string) {
	t.Helper()
	got := map[string]string{}
	var points []string
	for _, line := range strings.Split(strings.TrimSpace(info), "\n") {
		f := strings.Fields(line)
		if len(f) < 10 {
			t.Fatalf("mountinfo line %q", line)
		}
		sep := 0
		for i, x := range f {
			if x == "-" {
				sep = i
			}
		}
		got[f[4]] = f[5] + " " + f[sep+1]
		points = append(points, f[4])
	}
	sort.Strings(points)
	want := []string{"/", "/dev", "/dev/full", "/dev/null", "/dev/random", "/dev/tty", "/dev/urandom", "/dev/zero", "/proc"}
	if strings.Join(points, " ") != strings.Join(want, " ") {
		t.Errorf("mount points %q, want %q", points, want)
	}
	has := func(p string, opts ...string) {
		t.Helper()
		flags := strings.Split(strings.Fields(got[p] + " ?")[0], ",")
		for _, o := range opts {
			found := false
			for _, f := range flags {
				found = found || f == o
			}
			if !found {
				t.Errorf("%s is mounted %q, without %s", p, got[p], o)
			}
		}
	}
	has("/", "nodev", "nosuid")
	if mode == IsolationIDMapped {
		has("/", "idmapped")
	}
	has("/dev", "nodev", "nosuid", "noexec")
	for _, n := range devNodes {
		has("/dev/"+n, "ro", "nosuid", "noexec")
	}
	has("/proc", "ro", "nodev", "nosuid", "noexec")
	if !strings.HasSuffix(got["/dev"], " tmpfs") || !strings.HasSuffix(got["/proc"], " proc") {
		t.Errorf("/dev %q, /proc %q", got["/dev"], got["/proc"])
	}
}

// checkOwners: what the scriptlet creates is root's on the host, what it
// chowns has the ids it gave, in the tree on the host; a setuid bit it
// sets is kept.
func checkOwners(t *testing.T, r *Runner, root string) {
	t.Helper()
	o := r.Run(context.Background(), root, sh("set -e; touch /mine; touch /theirs; chown 48:49 /theirs; chmod 4755 /theirs; mkdir /d; id -u; id -g"))
	if o.Status != Ran || o.Output != "0\n0\n" {
		t.Fatalf("outcome %+v", o)
	}
	if fi, err := os.Stat(filepath.Join(root, "theirs")); err != nil || fi.Mode()&os.ModeSetuid == 0 || fi.Mode().Perm() != 0o755 {
		t.Errorf("ROOT/theirs: %v %v, want setuid 0755", fi.Mode(), err)
	}
	for p, want := range map[string][2]uint32{"mine": {0, 0}, "theirs": {48, 49}, "d": {0, 0}} {
		var st syscall.Stat_t
		must(t, syscall.Lstat(filepath.Join(root, p), &st))
		if st.Uid != want[0] || st.Gid != want[1] {
			t.Errorf("ROOT/%s is %d:%d on the host, want %d:%d", p, st.Uid, st.Gid, want[0], want[1])
		}
	}
}

// checkNodev: a device node that is in the tree (for /dev/zero, made here
// on the host) cannot be opened from inside.
func checkNodev(t *testing.T, r *Runner, root string) {
	t.Helper()
	node := filepath.Join(root, "zero-node")
	must(t, unix.Mknod(node, unix.S_IFCHR|0o666, int(unix.Mkdev(1, 5))))
	defer os.Remove(node)
	o := r.Run(context.Background(), root, sh("head -c 4 /zero-node > /dev/null && echo READ"))
	if o.Status != Failed || strings.Contains(o.Output, "READ") || !strings.Contains(o.Output, "Permission denied") {
		t.Errorf("reading a device node of the tree: %+v", o)
	}
}
