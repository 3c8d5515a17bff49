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
