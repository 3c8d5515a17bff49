package stages

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/disco-build/disco/runtime/plan"
	"github.com/disco-build/disco/stages/tree"
)

func newPlacer(t *testing.T, root string) *Placer {
	t.Helper()
	tr, err := tree.New(filepath.Join(t.TempDir(), "root"), 1700000000)
	if err != nil {
		t.Fatal(err)
	}
	return NewPlacer(tr, root, 1700000000)
}

// TestPlacerRefusesWhatChanged: a file or init read from the config root
// must still be what the plan recorded.
func TestPlacerRefusesWhatChanged(t *testing.T) {
	root := t.TempDir()
	put(t, root, "files/motd", "edited after eval\n", 0o644)
	p := newPlacer(t, root)
	pos := plan.Pos{File: "machines.star", Line: 4, Col: 9}
	planned := "0000000000000000000000000000000000000000000000000000000000000000"
	err := p.File(plan.File{Pos: pos, Path: "/etc/motd", Kind: "file", Source: "files/motd", SHA256: planned, Mode: 0o644, Owner: "root", Group: "root"})
	if err == nil || !strings.Contains(err.Error(), "machines.star:4:9: /etc/motd: files/motd changed after the plan was made") {
		t.Errorf("file: %v", err)
	}
	err = p.Init(&plan.Init{Pos: pos, Source: "files/motd", SHA256: planned, Path: "/init"})
	if err == nil || !strings.Contains(err.Error(), "machines.star:4:9: init: files/motd changed after the plan was made") {
		t.Errorf("init: %v", err)
	}
}

func TestPlacerDeviceOutOfRange(t *testing.T) {
	p := newPlacer(t, t.TempDir())
	big, one := int64(4096), int64(1)
	err := p.Device(plan.Device{Pos: plan.Pos{File: "d", Line: 1}, Path: "/dev/x", Type: "b", Mode: 0o600, Major: &big, Minor: &one})
	if err == nil || !strings.Contains(err.Error(), "d:1: device /dev/x: 4096:1 does not fit") {
		t.Errorf("got %v", err)
	}
}

func TestPlacerDeleteOfNothingIsNoticed(t *testing.T) {
	p := newPlacer(t, t.TempDir())
	if err := p.Delete(plan.Delete{Pos: plan.Pos{File: "m.star", Line: 2, Col: 3}, Path: "/usr/share/man"}); err != nil {
		t.Fatal(err)
	}
	if len(p.Notices) != 1 || p.Notices[0] != "m.star:2:3: delete /usr/share/man: not in the root, nothing removed" {
		t.Errorf("notices %q", p.Notices)
	}
}
