package legacy

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/disco-build/disco/runtime/plan"
)

// write creates root/rel (and its folders) holding content.
func write(t *testing.T, root, rel, content string) {
	t.Helper()
	writeMode(t, root, rel, content, 0o644)
}

func writeMode(t *testing.T, root, rel, content string, mode os.FileMode) {
	t.Helper()
	p := filepath.Join(root, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(p, mode); err != nil {
		t.Fatal(err)
	}
}

func mkdir(t *testing.T, root, rel string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Join(root, filepath.FromSlash(rel)), 0o755); err != nil {
		t.Fatal(err)
	}
}

func symlink(t *testing.T, root, rel, target string) {
	t.Helper()
	p := filepath.Join(root, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, p); err != nil {
		t.Fatal(err)
	}
}

func remove(t *testing.T, root, rel string) {
	t.Helper()
	if err := os.RemoveAll(filepath.Join(root, filepath.FromSlash(rel))); err != nil {
		t.Fatal(err)
	}
}

// machine makes a minimal valid machine folder at root/dir.
func machine(t *testing.T, root, dir string) {
	t.Helper()
	write(t, root, dir+"/packages", "bash\n")
	write(t, root, dir+"/yum/yum.conf.template", "[main]\ngpgcheck=0\n")
	writeMode(t, root, dir+"/init", "#!/bin/sh\n", 0o755)
}

type result struct {
	machines []*plan.Machine
	notices  []string
	err      error
}

func read(t *testing.T, root string, opts Options) result {
	t.Helper()
	var res result
	opts.Notify = func(n Notice) { res.notices = append(res.notices, n.String()) }
	res.machines, res.err = Read(context.Background(), root, opts)
	return res
}

// mustRead reads root and fails the test on error.
func mustRead(t *testing.T, root string) result {
	t.Helper()
	res := read(t, root, Options{})
	if res.err != nil {
		t.Fatalf("Read: %v", res.err)
	}
	return res
}

func ids(ms []*plan.Machine) string {
	var s []string
	for _, m := range ms {
		s = append(s, m.ID())
	}
	return strings.Join(s, " ")
}

func find(t *testing.T, ms []*plan.Machine, id string) *plan.Machine {
	t.Helper()
	for _, m := range ms {
		if m.ID() == id {
			return m
		}
	}
	t.Fatalf("machine %s not found in %s", id, ids(ms))
	return nil
}

// flatten returns the leaves of a tree of joined errors.
func flatten(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, flatten(e)...)
		}
		return out
	}
	if err == nil {
		return nil
	}
	return []error{err}
}

// positioned returns the *plan.Error leaves of err as their strings.
func positioned(t *testing.T, err error) []string {
	t.Helper()
	var out []string
	for _, e := range flatten(err) {
		var pe *plan.Error
		if !errors.As(e, &pe) {
			t.Errorf("error %q is not a *plan.Error", e)
			continue
		}
		out = append(out, pe.Error())
	}
	return out
}
