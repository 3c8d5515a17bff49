package plan

import (
	"errors"
	"strings"
	"testing"
)

// TestDiskNeedsARootMount: a disk none of whose partitions is mounted at
// "/" would leave the whole root tree out of the image.
func TestDiskNeedsARootMount(t *testing.T) {
	pos := Pos{File: "m.star", Line: 3, Col: 12}
	d := &Disk{Pos: pos, Table: "gpt", Partitions: []Partition{
		{Pos: pos, Name: "data", Size: "1M", Type: "linux", Mount: "/srv", FS: &Filesystem{Type: "ext4"}},
		{Pos: pos, Name: "more", Size: "1M", Type: "linux", Mount: "/srv", FS: &Filesystem{Type: "ext4"}},
		{Pos: pos, Name: "odd", Size: "1M", Type: "linux", Mount: "srv/", FS: &Filesystem{Type: "ext4"}},
	}}
	got := errors.Join(checkDisk(d)...)
	for _, want := range []string{
		`m.star:3:12: disk: no partition is mounted at "/"`,
		`m.star:3:12: partition "more": mount /srv already taken by the partition at m.star:3:12`,
		`m.star:3:12: partition odd mount "srv/": must be absolute`,
	} {
		if got == nil || !strings.Contains(got.Error(), want) {
			t.Errorf("got %v, want %q", got, want)
		}
	}
}
