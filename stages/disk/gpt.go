package disk

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"unicode/utf16"

	"github.com/diskfs/go-diskfs/partition/gpt"

	"github.com/disco-build/disco/stages/ids"
)

// attrLegacyBoot is GPT attribute bit 2, "legacy BIOS bootable".
const attrLegacyBoot = 1 << 2

func utf16Units(s string) []uint16 { return utf16.Encode([]rune(s)) }

// writeGPT writes the protective MBR, the primary and the backup GPT.
func (l Layout) writeGPT(w io.WriterAt, p Plan) error {
	t := &gpt.Table{
		LogicalSectorSize:  SectorSize,
		PhysicalSectorSize: SectorSize,
		ProtectiveMBR:      true,
		GUID:               ids.Format(l.DiskGUID),
	}
	for i, part := range l.Partitions {
		typ, err := TypeGUID(part.Type)
		if err != nil {
			return fmt.Errorf("disk: partition %s: %w", part.Name, err)
		}
		e := p.Parts[i]
		gp := &gpt.Partition{
			Index: i + 1,
			Start: uint64(e.Start / SectorSize),
			End:   uint64((e.Start+e.Size)/SectorSize - 1),
			Size:  uint64(e.Size),
			Type:  gpt.Type(typ),
			Name:  part.Label,
			GUID:  ids.Format(part.GUID),
		}
		if part.Bootable {
			gp.Attributes = attrLegacyBoot
		}
		t.Partitions = append(t.Partitions, gp)
	}
	if err := t.Write(tableFile{w}, p.Size); err != nil {
		return fmt.Errorf("disk: writing GPT: %w", err)
	}
	return fixProtectiveCHS(w, p.Size)
}

// fixProtectiveCHS sets the protective MBR entry's CHS fields, which
// go-diskfs leaves zero, as the UEFI specification (and sgdisk) has them:
// start 0/0/2, end the CHS address of the disk's last sector, or 0xffffff
// past what CHS can express.
func fixProtectiveCHS(w io.WriterAt, size int64) error {
	end := []byte{0xff, 0xff, 0xff}
	if last := size/SectorSize - 1; last/(255*63) <= 1023 {
		h, s, c := chs(last)
		end = []byte{h, s, c}
	}
	if _, err := w.WriteAt([]byte{0x00, 0x02, 0x00}, 446+1); err != nil {
		return fmt.Errorf("disk: writing protective MBR: %w", err)
	}
	if _, err := w.WriteAt(end, 446+5); err != nil {
		return fmt.Errorf("disk: writing protective MBR: %w", err)
	}
	return nil
}

// tableFile lends go-diskfs's table writers the one method they use,
// WriteAt, on any io.WriterAt; the rest of their file interface fails.
type tableFile struct{ io.WriterAt }

var errNoRead = errors.New("disk: table writer tried to read")

func (tableFile) Stat() (fs.FileInfo, error)        { return nil, errNoRead }
func (tableFile) Read([]byte) (int, error)          { return 0, errNoRead }
func (tableFile) ReadAt([]byte, int64) (int, error) { return 0, errNoRead }
func (tableFile) Seek(int64, int) (int64, error)    { return 0, errNoRead }
func (tableFile) Close() error                      { return nil }
