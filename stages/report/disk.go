package report

import (
	"fmt"
	"strings"

	"github.com/disco-build/disco/stages/disk"
	"github.com/disco-build/disco/stages/ids"
)

// Disk is the partitioned disk image.
type Disk struct {
	Table      string      `json:"table"` // "gpt" or "mbr"
	Size       int64       `json:"size"`
	GUID       string      `json:"guid,omitempty"`    // GPT disk GUID
	DiskID     string      `json:"disk_id,omitempty"` // MBR disk signature, 8 hex digits
	Partitions []Partition `json:"partitions"`
}

// Partition is one placed partition, in bytes.
type Partition struct {
	Name   string `json:"name"`
	Start  int64  `json:"start"`
	Size   int64  `json:"size"`
	Type   string `json:"type"`    // as the plan named it
	TypeID string `json:"type_id"` // GPT type GUID (lower case) or MBR type byte ("0x83")
	GUID   string `json:"guid,omitempty"`
	Label  string `json:"label,omitempty"`
	FSType string `json:"fs_type,omitempty"`
	FSUUID string `json:"fs_uuid,omitempty"`
	Mount  string `json:"mount,omitempty"`
}

// diskPart describes l placed as p (computed from l when p is nil).
// Partitions keep the layout's order, which is the partition table's.
func diskPart(l *disk.Layout, p *disk.Plan) (*Disk, error) {
	if l == nil {
		return nil, nil
	}
	if p == nil {
		placed, err := l.Plan()
		if err != nil {
			return nil, fmt.Errorf("disk: %w", err)
		}
		p = &placed
	}
	if len(p.Parts) != len(l.Partitions) {
		return nil, fmt.Errorf("disk: plan places %d partitions, layout has %d", len(p.Parts), len(l.Partitions))
	}
	d := &Disk{Table: l.Table, Size: p.Size, Partitions: []Partition{}}
	switch l.Table {
	case "gpt":
		d.GUID = ids.Format(l.DiskGUID)
	case "mbr":
		d.DiskID = fmt.Sprintf("%08x", l.DiskID)
	default:
		return nil, fmt.Errorf("disk: unknown partition table %q", l.Table)
	}
	for i, lp := range l.Partitions {
		part, err := partition(l.Table, lp, p.Parts[i])
		if err != nil {
			return nil, fmt.Errorf("disk: partition %s: %w", lp.Name, err)
		}
		d.Partitions = append(d.Partitions, part)
	}
	return d, nil
}

func partition(table string, lp disk.Partition, e disk.Extent) (Partition, error) {
	if e.Name != lp.Name {
		return Partition{}, fmt.Errorf("plan names it %q", e.Name)
	}
	part := Partition{
		Name: lp.Name, Start: e.Start, Size: e.Size, Type: lp.Type, Label: lp.Label,
		FSType: lp.FSType, FSUUID: lp.FSUUID, Mount: lp.Mount,
	}
	if table == "mbr" {
		b, err := disk.MBRType(lp.Type)
		if err != nil {
			return part, err
		}
		part.TypeID = fmt.Sprintf("0x%02x", b)
		return part, nil
	}
	t, err := disk.TypeGUID(lp.Type)
	if err != nil {
		return part, err
	}
	part.TypeID, part.GUID = strings.ToLower(t), ids.Format(lp.GUID)
	return part, nil
}
