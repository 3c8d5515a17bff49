package stages

import (
	"io"
	"strings"
	"testing"

	"github.com/disco-build/disco/runtime/plan"
	"github.com/disco-build/disco/stages/tree"
)

func readTree(t *testing.T, tr *tree.Tree, p string) string {
	t.Helper()
	rc, err := tr.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestAccountsWriteNothingUnvalidated: the stage checks every field again,
// so a plan that skipped validation cannot inject a passwd line.
func TestAccountsWriteNothingUnvalidated(t *testing.T) {
	p := newPlacer(t, t.TempDir())
	evil := plan.User{Pos: plan.Pos{File: "m.star", Line: 3, Col: 9}, Name: "app", Shell: "/bin/sh\nroot2::0:0::/:/bin/sh"}
	err := NewAccounts(p.tree, 1).Apply(&plan.Machine{Users: []plan.User{evil}})
	if err == nil || !strings.Contains(err.Error(), `m.star:3:9: user "app": shell`) {
		t.Fatalf("got %v", err)
	}
	if e, _ := p.tree.Lookup("/etc/passwd"); e != nil {
		t.Errorf("/etc/passwd written despite the error")
	}
}

// TestAccountsShortGroupLines: a package's /etc/group line without a
// member field still gets the member; one without a gid is an error, not
// a crash.
func TestAccountsShortGroupLines(t *testing.T) {
	p := newPlacer(t, t.TempDir())
	meta := tree.Meta{Mode: 0o644, Mtime: 1}
	if err := p.tree.WriteFile("/etc/group", strings.NewReader("root:x:0:\nwheel:x:10\n"), meta); err != nil {
		t.Fatal(err)
	}
	uid := int64(1000)
	m := &plan.Machine{Users: []plan.User{{Name: "ann", UID: &uid, Groups: []string{"wheel"}}}}
	if err := NewAccounts(p.tree, 1).Apply(m); err != nil {
		t.Fatal(err)
	}
	if got := readTree(t, p.tree, "/etc/group"); !strings.Contains(got, "\nwheel:x:10:ann\n") {
		t.Errorf("/etc/group:\n%s", got)
	}
	if got := readTree(t, p.tree, "/etc/passwd"); !strings.HasPrefix(got, "ann:x:1000:") || strings.Count(got, "\n") != 1 {
		t.Errorf("/etc/passwd:\n%s", got)
	}
	if err := p.tree.WriteFile("/etc/group", strings.NewReader("broken\n"), meta); err != nil {
		t.Fatal(err)
	}
	m = &plan.Machine{Users: []plan.User{{Pos: plan.Pos{File: "m.star", Line: 1}, Name: "bob", Group: "broken"}}}
	if err := NewAccounts(p.tree, 1).Apply(m); err == nil || !strings.Contains(err.Error(), `m.star:1: user "bob": the image's /etc/group line for "broken" is malformed`) {
		t.Errorf("got %v", err)
	}
}
