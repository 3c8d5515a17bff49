package scriptlet

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"
)

func sh(body string) Script {
	return Script{Package: "demo-1.0-1.x86_64", Name: "post", Prog: []string{"/bin/sh"}, Body: body, Arg1: 1}
}

// TestScriptlets runs as whoever runs the tests: as root it uses mount and
// PID namespaces; otherwise a user namespace too (TestUnprivileged re-runs
// it as nobody).
func TestScriptlets(t *testing.T) {
	root := busyboxRoot(t)
	probe(t, root)
	ctx := context.Background()
	r := testRunner()

	t.Run("writes inside the root only", func(t *testing.T) {
		o := r.Run(ctx, root, sh("echo hello > /created; echo out; echo err >&2"))
		if o.Status != Ran || o.ExitCode != 0 || o.Reason != "" {
			t.Fatalf("outcome %+v", o)
		}
		if got := readFile(t, filepath.Join(root, "created")); got != "hello\n" {
			t.Errorf("ROOT/created = %q", got)
		}
		if _, err := os.Lstat("/created"); err == nil {
			t.Errorf("/created exists on the host")
		}
		if o.Output != "out\nerr\n" {
			t.Errorf("output %q", o.Output)
		}
	})
	t.Run("exit code", func(t *testing.T) {
		o := r.Run(ctx, root, sh("echo failing; exit 3"))
		if o.Status != Failed || o.ExitCode != 3 || !strings.Contains(o.Reason, "status 3") || o.Output != "failing\n" {
			t.Fatalf("outcome %+v", o)
		}
	})
	t.Run("missing interpreter", func(t *testing.T) {
		s := sh("echo never")
		s.Prog = []string{"/bin/bash", "-e"}
		o := r.Run(ctx, root, s)
		if o.Status != Failed || !strings.Contains(o.Reason, "/bin/bash") || !strings.Contains(o.Reason, "demo-1.0-1.x86_64") {
			t.Fatalf("outcome %+v", o)
		}
	})
	t.Run("interpreter without its ELF loader", func(t *testing.T) {
		// The host's dynamically linked bash, without any library.
		data, err := os.ReadFile("/bin/bash")
		if err != nil {
			t.Skip("no /bin/bash on the host")
		}
		noLibs := busyboxRoot(t)
		must(t, os.WriteFile(filepath.Join(noLibs, "bin", "bash"), data, 0o755))
		s := sh("true")
		s.Prog = []string{"/bin/bash"}
		o := r.Run(ctx, noLibs, s)
		if o.Status != Failed || !strings.Contains(o.Reason, "cannot execute /bin/bash: its ELF interpreter or a library is missing") {
			t.Fatalf("outcome %+v", o)
		}
	})
	t.Run("environment is exactly rpm's", func(t *testing.T) {
		for _, prefixes := range [][]string{nil, {"/opt/demo", "/srv"}} {
			s := sh(`tr '\0' '\n' < /proc/$$/environ > /env`)
			s.Prefixes = prefixes
			if o := r.Run(ctx, root, s); o.Status != Ran {
				t.Fatalf("outcome %+v", o)
			}
			got := strings.Fields(readFile(t, filepath.Join(root, "env")))
			want := Env(r.Epoch, prefixes)
			sort.Strings(got)
			sort.Strings(want)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("environment\n got %q\nwant %q", got, want)
			}
		}
		if !strings.Contains(strings.Join(Env(1, []string{"/opt"}), " "), "RPM_INSTALL_PREFIX=/opt RPM_INSTALL_PREFIX0=/opt") {
			t.Errorf("Env with a prefix: %q", Env(1, []string{"/opt"}))
		}
	})
	t.Run("arguments", func(t *testing.T) {
		s := sh(`echo "$0|$#|$1" > /args`)
		s.Prog = []string{"/bin/sh", "-e"}
		s.Arg1 = 2
		if o := r.Run(ctx, root, s); o.Status != Ran {
			t.Fatalf("outcome %+v", o)
		}
		if got, want := readFile(t, filepath.Join(root, "args")), "/var/tmp/"+tmpName(s)+"|1|2\n"; got != want {
			t.Errorf("args %q, want %q", got, want)
		}
		trig := sh(`echo "$#|$1|$2" > /targs`)
		trig.Name, trig.Arg1, trig.Arg2 = "triggerin", 1, 0
		if o := r.Run(ctx, root, trig); o.Status != Ran {
			t.Fatalf("outcome %+v", o)
		}
		if got := readFile(t, filepath.Join(root, "targs")); got != "2|1|0\n" {
			t.Errorf("trigger args %q", got)
		}
		prog := Script{Package: "p", Name: "post", Prog: []string{"/bin/sh", "-c", `echo "$0" > /progarg`}, Arg1: 1}
		if o := r.Run(ctx, root, prog); o.Status != Ran {
			t.Fatalf("outcome %+v", o)
		}
		if got := readFile(t, filepath.Join(root, "progarg")); got != "1\n" {
			t.Errorf("program-only scriptlet got %q as its last argument", got)
		}
	})
	t.Run("file trigger paths on stdin", func(t *testing.T) {
		s := sh("cat > /trigger-files")
		s.Name, s.Files = "filetriggerin", []string{"/usr/lib/a.so", "/usr/lib/b.so"}
		if o := r.Run(ctx, root, s); o.Status != Ran {
			t.Fatalf("outcome %+v", o)
		}
		if got := readFile(t, filepath.Join(root, "trigger-files")); got != "/usr/lib/a.so\n/usr/lib/b.so\n" {
			t.Errorf("stdin %q", got)
		}
		if o := r.Run(ctx, root, sh("cat > /no-files")); o.Status != Ran || readFile(t, filepath.Join(root, "no-files")) != "" {
			t.Errorf("stdin of a plain scriptlet: %+v", o)
		}
	})
	t.Run("dev and proc", func(t *testing.T) {
		o := r.Run(ctx, root, sh(`set -e; echo x > /dev/null; test -c /dev/null; test -e /proc/self/status
head -c 16 /dev/urandom | wc -c > /devcheck; echo $$ > /pid; set -- /proc/[0-9]*; echo $# >> /devcheck; cat /pid >> /devcheck
hostname >> /devcheck; grep -c : /proc/net/dev >> /devcheck`))
		if o.Status != Ran {
			t.Fatalf("outcome %+v", o)
		}
		// 16 random bytes; the processes of the namespace only (helper,
		// sandbox and sh); the shell is not PID 1 (the helper is); host
		// name; only the loopback network device.
		got := strings.Fields(readFile(t, filepath.Join(root, "devcheck")))
		if len(got) == 5 && got[2] != "1" {
			got[2] = "not 1"
		}
		if want := []string{"16", "3", "not 1", "localhost", "1"}; !reflect.DeepEqual(got, want) {
			t.Errorf("devcheck %q, want %q", got, want)
		}
	})
	t.Run("timeout and leftover processes", func(t *testing.T) {
		tr := *r
		tr.Timeout = 300 * time.Millisecond
		o := tr.Run(ctx, root, sh("sleep 5"))
		if o.Status != Failed || !strings.Contains(o.Reason, "timed out") {
			t.Fatalf("outcome %+v", o)
		}
		// A scriptlet leaving a process behind returns about as fast as
		// one that does not, and the process never finishes its work.
		start := time.Now()
		r.Run(ctx, root, sh("true"))
		base := time.Since(start)
		start = time.Now()
		o = r.Run(ctx, root, sh("(sleep 3; echo late > /late) & echo started"))
		if took := time.Since(start); o.Status != Ran || took > base+1500*time.Millisecond {
			t.Fatalf("outcome %+v after %v (a plain run takes %v)", o, took, base)
		}
		time.Sleep(time.Until(start.Add(3500 * time.Millisecond)))
		if _, err := os.Stat(filepath.Join(root, "late")); err == nil {
			t.Errorf("a process the scriptlet left ran on after it")
		}
	})
	t.Run("mount points and script files cleaned up", func(t *testing.T) {
		for _, p := range []string{"dev", "proc", "var"} {
			if _, err := os.Lstat(filepath.Join(root, p)); err == nil {
				t.Errorf("ROOT/%s left behind", p)
			}
		}
		existing := busyboxRoot(t)
		for _, p := range []string{"dev", "proc", "var/tmp"} {
			must(t, os.MkdirAll(filepath.Join(existing, p), 0o755))
		}
		if o := r.Run(ctx, existing, sh("touch /dev/made-in-tmpfs")); o.Status != Ran {
			t.Fatalf("outcome %+v", o)
		}
		for _, p := range []string{"dev", "proc", "var/tmp"} {
			ents, err := os.ReadDir(filepath.Join(existing, p))
			if err != nil || len(ents) != 0 {
				t.Errorf("ROOT/%s: %v, entries %v", p, err, ents)
			}
		}
	})
	t.Run("outcome record is deterministic", func(t *testing.T) {
		rr := testRunner()
		o := rr.Run(ctx, root, sh("echo same"))
		data, _ := json.Marshal(o)
		want := `{"package":"demo-1.0-1.x86_64","name":"post","status":"ran","exitCode":0,"seconds":0.25,"output":"same\n","isolation":"` + o.Isolation + `"}`
		if string(data) != want {
			t.Errorf("outcome\n got %s\nwant %s", data, want)
		}
	})
	t.Run("output cap and signals", func(t *testing.T) {
		cr := *r
		cr.OutputLimit = 1000
		o := cr.Run(ctx, root, sh("i=0; while [ $i -lt 500 ]; do echo 0123456789; i=$((i+1)); done"))
		if o.Status != Ran || !strings.HasSuffix(o.Output, "\n[4500 more bytes of output dropped]\n") || len(o.Output) != 1000+len("\n[4500 more bytes of output dropped]\n") {
			t.Errorf("capped output: status %s, %d bytes, ends %q", o.Status, len(o.Output), o.Output[max(0, len(o.Output)-60):])
		}
		o = r.Run(ctx, root, sh("kill -9 $$"))
		if o.Status != Failed || o.ExitCode != 137 || !strings.Contains(o.Reason, "signal killed") {
			t.Errorf("outcome %+v", o)
		}
	})
	t.Run("bad input", func(t *testing.T) {
		for _, s := range []Script{{Package: "p", Name: "post"}, {Package: "p", Name: "post", Prog: []string{"sh"}}} {
			if o := r.Run(ctx, root, s); o.Status != Failed || !strings.Contains(o.Reason, "package p: %post") {
				t.Errorf("%+v: outcome %+v", s, o)
			}
		}
		if o := r.Run(ctx, "relative", sh("true")); o.Status != Failed {
			t.Errorf("relative root: %+v", o)
		}
	})
}
