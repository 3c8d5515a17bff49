package disk

import (
	"encoding/binary"
	"fmt"
	"io"

	"github.com/diskfs/go-diskfs/partition/mbr"
)

// writeMBR writes the MBR partition table, its CHS fields and the disk
// signature.
func (l Layout) writeMBR(w io.WriterAt, p Plan) error {
	t := &mbr.Table{LogicalSectorSize: SectorSize, PhysicalSectorSize: SectorSize}
	for i, part := range l.Partitions {
		typ, err := MBRType(part.Type)
		if err != nil {
			return fmt.Errorf("disk: partition %s: %w", part.Name, err)
		}
		e := p.Parts[i]
		first, last := e.Start/SectorSize, (e.Start+e.Size)/SectorSize-1
		mp := &mbr.Partition{
			Index:    i + 1,
			Bootable: part.Bootable,
			Type:     mbr.Type(typ),
			Start:    uint32(first),
			Size:     uint32(e.Size / SectorSize),
		}
		mp.StartHead, mp.StartSector, mp.StartCylinder = chs(first)
		mp.EndHead, mp.EndSector, mp.EndCylinder = chs(last)
		t.Partitions = append(t.Partitions, mp)
	}
	if err := t.Write(tableFile{w}, p.Size); err != nil {
		return fmt.Errorf("disk: writing MBR: %w", err)
	}
	var sig [4]byte
	binary.LittleEndian.PutUint32(sig[:], l.DiskID)
	if _, err := w.WriteAt(sig[:], 440); err != nil {
		return fmt.Errorf("disk: writing MBR disk signature: %w", err)
	}
	return nil
}

// chs returns the CHS address bytes of an LBA with 255 heads and 63
// sectors per track, or 1023/254/63 past what CHS can express, as fdisk
// does: head, sector (with cylinder bits 8-9 in its top bits), cylinder.
func chs(lba int64) (head, sector, cylinder byte) {
	const heads, sectors = 255, 63
	c := lba / (heads * sectors)
	if c > 1023 {
		return 254, 63 | 0xc0, 0xff
	}
	h := (lba / sectors) % heads
	s := lba%sectors + 1
	return byte(h), byte(s) | byte((c>>2)&0xc0), byte(c)
}
