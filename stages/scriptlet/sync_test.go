package scriptlet

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/disco-build/disco/stages/tree"
)

// TestTreeSync runs scriptlets in a stages/tree root: the tree's Sync must
// see exactly what the scriptlets did, and nothing of the run itself
// (/dev, /proc, /var/tmp and the script files).
func TestTreeSync(t *testing.T) {
	bb := busyboxRoot(t)
	probe(t, bb)
	data, err := os.ReadFile(filepath.Join(bb, "bin", "busybox"))
	must(t, err)
	tr, err := tree.New(filepath.Join(t.TempDir(), "root"), 1234567890)
	must(t, err)
	must(t, tr.WriteFile("/bin/busybox", bytes.NewReader(data), tree.Meta{Mode: 0o755}))
	for _, a := range applets {
		must(t, tr.Symlink("busybox", "/bin/"+a, tree.Meta{}))
	}
	must(t, tr.Mkdir("/etc", tree.Meta{Mode: 0o755}))
	if ch, err := tr.Sync("setup"); err != nil || len(ch) != 0 {
		t.Fatalf("Sync before: %v %v", ch, err)
	}
	r := testRunner()
	for _, s := range []Script{sh("echo demo > /etc/demo.conf; mkdir -p /var/lib/demo"),
		sh("test -c /dev/null && test -d /proc/self"),
		{Package: "lua-1-1.noarch", Name: "post", Prog: []string{LuaProg}, Body: `posix.symlink("demo.conf", "/etc/alias")`, Arg1: 1}} {
		if o := r.Run(context.Background(), tr.Dir(), s); o.Status != Ran {
			t.Fatalf("outcome %+v", o)
		}
	}
	changes, err := tr.Sync("scriptlet")
	must(t, err)
	want := []tree.Change{{Path: "/etc/alias", Change: "added"}, {Path: "/etc/demo.conf", Change: "added"},
		{Path: "/var", Change: "added"}, {Path: "/var/lib", Change: "added"}, {Path: "/var/lib/demo", Change: "added"}}
	defer checkNoSetuidOnHost(t, tr, r)
	if len(changes) != len(want) {
		t.Fatalf("changes %v, want %v", changes, want)
	}
	for i := range want {
		if changes[i] != want[i] {
			t.Errorf("change %d: %v, want %v", i, changes[i], want[i])
		}
	}
}

// checkNoSetuidOnHost: a setuid or setgid program a scriptlet makes is in
// the manifest with those bits, but its copy in the tree on the host never
// has them, where the scriptlet set them or not (the tree lives in a cache
// other host users may be able to reach: a setuid copy of a shell would be
// root for them).
func checkNoSetuidOnHost(t *testing.T, tr *tree.Tree, r *Runner) {
	t.Helper()
	for i, body := range []string{"cp /bin/busybox /bin/suid; chmod 6755 /bin/suid", "chmod 6755 /bin/suid"} {
		if o := r.Run(context.Background(), tr.Dir(), sh(body)); o.Status != Ran {
			t.Fatalf("outcome %+v", o)
		}
		if _, err := tr.Sync("scriptlet"); err != nil {
			t.Fatal(err)
		}
		e := tr.Manifest().Get("/bin/suid")
		if e == nil || e.Mode != 0o6755 {
			t.Fatalf("run %d: manifest entry %+v, want mode 06755", i, e)
		}
		fi, err := os.Stat(filepath.Join(tr.Dir(), "bin", "suid"))
		must(t, err)
		if fi.Mode()&(os.ModeSetuid|os.ModeSetgid) != 0 {
			t.Errorf("run %d: the host copy is %v", i, fi.Mode())
		}
	}
}
