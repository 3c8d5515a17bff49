package stages

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/disco-build/disco/runtime/plan"
	"github.com/disco-build/disco/stages/cachelock"
)

// LockMachines with NoWait fails on a machine held elsewhere, naming it
// and the holder, and lets go of the machines it had already taken.
func TestLockMachinesNoWait(t *testing.T) {
	cache := t.TempDir()
	ms := []*plan.Machine{{Group: "g", Name: "c"}, {Group: "g", Name: "a"}, {Group: "g", Name: "b"}}
	held, err := cachelock.Acquire(context.Background(), machineLockPath(cache, "g", "b"), cachelock.Exclusive, cachelock.Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = LockMachines(context.Background(), cache, ms, LockOptions{NoWait: true})
	want := fmt.Sprintf("machine g/b is being built by pid %d", os.Getpid())
	if err == nil || err.Error() != want || !errors.Is(err, cachelock.ErrBusy) {
		t.Fatalf("LockMachines = %v, want %q", err, want)
	}
	// a was taken (before b, in order) and released again; c never was.
	for _, name := range []string{"a", "c"} {
		l, ok, err := cachelock.TryAcquire(machineLockPath(cache, "g", name), cachelock.Exclusive)
		if !ok || err != nil {
			t.Fatalf("machine %s is still locked: %v", name, err)
		}
		l.Release()
	}
	held.Release()
	ml, err := LockMachines(context.Background(), cache, ms, LockOptions{NoWait: true})
	if err != nil {
		t.Fatal(err)
	}
	ml.Release(ms[0])
	ml.ReleaseAll()
}

// The leftovers of a machine folder: a root tree only while it is marked
// incomplete, tmp/, and temporary names, here and in appliance/; nothing
// else.
func TestMachineLeftovers(t *testing.T) {
	dir := t.TempDir()
	files := map[string]bool{ // path: is a leftover
		"root/etc/motd":                 true,
		RootIncomplete:                  true,
		"tmp/squashfs/x":                true,
		".disk.raw.tmp-123":             true,
		".manifest.jsonl.tmp-9":         true,
		"appliance/.root.img.tmp-4":     true,
		"disk.raw":                      false,
		"manifest.jsonl":                false,
		".test-console.log":             false,
		"appliance/root.img":            false,
		"generated/etc/x.tmp-1":         false,
		"build-stamp.json":              false,
		"appliance/sub/.deeper.tmp-1/f": false,
	}
	for p := range files {
		os.MkdirAll(filepath.Join(dir, filepath.Dir(p)), 0o755)
		os.WriteFile(filepath.Join(dir, p), []byte("x"), 0o644)
	}
	left, err := machineLeftovers(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, l := range left {
		got = append(got, strings.TrimPrefix(l.Path, dir+"/"))
	}
	if want := "root tmp .disk.raw.tmp-123 .manifest.jsonl.tmp-9 appliance/.root.img.tmp-4"; strings.Join(got, " ") != want {
		t.Errorf("removed %q, want %q", got, want)
	}
	for p, gone := range files {
		if _, err := os.Stat(filepath.Join(dir, p)); (err != nil) != gone {
			t.Errorf("%s: removed=%v, want %v", p, err != nil, gone)
		}
	}
	// A complete tree (no marker) is not a leftover.
	os.MkdirAll(filepath.Join(dir, "root", "etc"), 0o755)
	if left, err := machineLeftovers(dir); err != nil || len(left) != 0 {
		t.Errorf("a finished folder gave leftovers %v, %v", left, err)
	}
}
