package disk

import (
	"fmt"
	"sort"
	"strings"

	"github.com/disco-build/disco/stages/ids"
)

// Fstab returns /etc/fstab lines for the partitions that have a Mount or
// are swap, naming each by filesystem UUID (by = "uuid", from
// Partition.FSUUID) or by partition UUID (by = "partuuid", from the GPT
// partition GUID, or for MBR the disk signature and partition number).
// Mounts come in path order, so parents precede children; swap comes last.
func Fstab(l Layout, by string) (string, error) {
	if by != "uuid" && by != "partuuid" {
		return "", fmt.Errorf("disk: fstab: %q is neither \"uuid\" nor \"partuuid\"", by)
	}
	var lines []fstabLine
	for i, p := range l.Partitions {
		if p.Mount == "" && p.FSType != "swap" {
			continue
		}
		spec, err := l.spec(i, by)
		if err != nil {
			return "", err
		}
		lines = append(lines, newLine(p, spec))
	}
	sort.SliceStable(lines, func(i, j int) bool {
		if lines[i].swap != lines[j].swap {
			return !lines[i].swap
		}
		return lines[i].mount < lines[j].mount
	})
	var b strings.Builder
	for _, ln := range lines {
		b.WriteString(ln.text)
	}
	return b.String(), nil
}

type fstabLine struct {
	mount string
	swap  bool
	text  string
}

func newLine(p Partition, spec string) fstabLine {
	opts := p.Options
	if opts == "" {
		opts = "defaults"
	}
	mount, typ, pass := p.Mount, p.FSType, 2
	switch {
	case typ == "swap":
		mount, pass = "none", 0
	case mount == "/":
		pass = 1
	}
	if typ == "" {
		typ = "auto"
	}
	return fstabLine{mount: mount, swap: typ == "swap",
		text: fmt.Sprintf("%s %s %s %s 0 %d\n", spec, mount, typ, opts, pass)}
}

// spec returns the fstab source field of partition i.
func (l Layout) spec(i int, by string) (string, error) {
	p := l.Partitions[i]
	if by == "uuid" {
		if p.FSUUID == "" {
			return "", fmt.Errorf("disk: fstab: partition %s has no filesystem UUID", p.Name)
		}
		return "UUID=" + p.FSUUID, nil
	}
	if l.Table == "mbr" {
		return fmt.Sprintf("PARTUUID=%08x-%02x", l.DiskID, i+1), nil
	}
	return "PARTUUID=" + ids.Format(p.GUID), nil
}
