package scriptlet

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func luaScript(body string) Script {
	return Script{Package: "filesystem-3.18-1.x86_64", Name: "pretrans", Prog: []string{LuaProg}, Body: body, Arg1: 1}
}

func TestLua(t *testing.T) {
	root := busyboxRoot(t)
	probe(t, root)
	ctx := context.Background()
	r := testRunner()
	outside := filepath.Join(t.TempDir(), "outside")
	must(t, os.WriteFile(outside, []byte("host"), 0o644))

	t.Run("posix, rpm, io and print inside the root", func(t *testing.T) {
		o := r.Run(ctx, root, luaScript(`
assert(posix.mkdir("/usr") == 0)
assert(posix.mkdir("/usr/lib") == 0)
assert(posix.symlink("usr/lib", "/lib") == 0)
assert(posix.chmod("/usr/lib", "0700") == 0)
local f = assert(io.open("/lib/marker", "w"))
f:write(rpm.expand("%{_bindir} %_sysconfdir %{undefined} 100%%"), " ", arg[1], " ", arg[2])
f:close()
print(posix.stat("/lib", "type"), posix.stat("/usr/lib").mode, posix.readlink("/lib"))
print(posix.access("/lib/marker", "r"), posix.access("/nope"))
print(rpm.vercmp("1.0", "1.0a"), os.getenv("TZ"), os.getenv("HOME"), io.open(`+strconv.Quote(outside)+`))
`))
		if o.Status != Ran {
			t.Fatalf("outcome %+v", o)
		}
		if got := readFile(t, filepath.Join(root, "usr/lib/marker")); got != "/usr/bin /etc %{undefined} 100% <lua> 1" {
			t.Errorf("marker %q", got)
		}
		want := "directory\trwx------\tusr/lib\n0\tnil\tno such file or directory\t2\n" +
			"-1\tUTC\t/root\tnil\topen " + outside + ": no such file or directory\t1\n"
		if o.Output != want {
			t.Errorf("output\n got %q\nwant %q", o.Output, want)
		}
		if fi, err := os.Stat(filepath.Join(root, "usr/lib")); err != nil || fi.Mode().Perm() != 0o700 {
			t.Errorf("chmod: %v %v", fi, err)
		}
	})
	t.Run("errors fail the scriptlet", func(t *testing.T) {
		o := r.Run(ctx, root, luaScript(`error("no good")`))
		if o.Status != Failed || !strings.Contains(o.Reason, "no good") || !strings.Contains(o.Reason, "filesystem-3.18-1.x86_64") {
			t.Errorf("outcome %+v", o)
		}
		o = r.Run(ctx, root, luaScript(`local pid = posix.fork()`))
		if o.Status != Failed || !strings.Contains(o.Reason, "posix.fork is not supported") {
			t.Errorf("outcome %+v", o)
		}
	})
	t.Run("os.exit ends the scriptlet", func(t *testing.T) {
		o := r.Run(ctx, root, luaScript(`print("before"); os.exit(0); print("after")`))
		if o.Status != Ran || o.Output != "before\n" {
			t.Errorf("outcome %+v", o)
		}
		o = r.Run(ctx, root, luaScript(`os.exit(5)`))
		if o.Status != Failed || o.ExitCode != 5 {
			t.Errorf("outcome %+v", o)
		}
		o = r.Run(ctx, root, luaScript(`os.exit(false)`))
		if o.Status != Failed || o.ExitCode != 1 {
			t.Errorf("outcome %+v", o)
		}
	})
	t.Run("rpm.next_file in file triggers", func(t *testing.T) {
		s := luaScript(`local f = rpm.next_file(); while f do print(f); f = rpm.next_file() end`)
		s.Name, s.Files = "transfiletriggerin", []string{"/a", "/b c"}
		if o := r.Run(ctx, root, s); o.Status != Ran || o.Output != "/a\n/b c\n" {
			t.Errorf("outcome %+v", o)
		}
	})
	t.Run("rpm.execute runs image programs", func(t *testing.T) {
		o := r.Run(ctx, root, luaScript(`print(rpm.execute("/bin/sh", "-c", "echo ran > /executed; exit 4"))
print(rpm.execute("sh", "-c", "exit 0"))
print(rpm.spawn({"echo", "spawned"}, {stdout = "/spawned"}))
print(rpm.spawn({"no-such-program"}))`))
		want := "nil\texit status 4\t4\n0\n0\nnil\texec: \"no-such-program\": executable file not found in $PATH\t0\n"
		if o.Status != Ran || o.Output != want || readFile(t, filepath.Join(root, "executed")) != "ran\n" {
			t.Errorf("outcome %+v, want output %q", o, want)
		}
		if got := readFile(t, filepath.Join(root, "spawned")); got != "spawned\n" {
			t.Errorf("rpm.spawn's stdout: %q", got)
		}
	})
	t.Run("glibc's post_exec pattern with rpm.spawn, utime and uname", func(t *testing.T) {
		o := r.Run(ctx, root, luaScript(`
function post_exec (msg, program, ...)
  if rpm.spawn ~= nil then
    local status = rpm.spawn ({program, ...})
    if status == nil then
      io.stdout:write (msg)
      assert (nil)
    end
  else
    local pid = posix.fork ()
  end
end
post_exec("Error: touch failed.\n", "touch", "/stamp")
assert(posix.utime("/stamp") == 0)
assert(posix.utime("/bin/busybox", 1000) == 0)
print(posix.stat("/stamp", "mtime"), posix.stat("/bin/busybox", "mtime"), posix.uname("%n %%"), posix.uname("%s"))
`))
		if o.Status != Ran || o.Output != "1234567890\t1000\tlocalhost %\tLinux\n" {
			t.Errorf("outcome %+v", o)
		}
	})
}
