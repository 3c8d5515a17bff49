package report

import (
	"encoding/json"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/disco-build/disco/internal/testtool"
	"github.com/disco-build/disco/stages/disk"
)

// sfdiskTable is what `sfdisk --json` prints of a disk image.
type sfdiskTable struct {
	PartitionTable struct {
		Label      string
		ID         string
		SectorSize int64
		Partitions []struct {
			Start, Size int64
			Type, UUID  string
			Name        string
		}
	}
}

// TestDiskMatchesSfdisk writes the fixture layout as a real image and
// reads its partition table back with sfdisk: the report must name the
// same IDs, types and places as the bytes on disk, for GPT and MBR.
func TestDiskMatchesSfdisk(t *testing.T) {
	testtool.Need(t, "sfdisk")
	for _, table := range []string{"gpt", "mbr"} {
		t.Run(table, func(t *testing.T) {
			in := fixtureInput(t)
			in.Layout.Table = table
			if table == "mbr" {
				in.Layout.Partitions[0].Type, in.Layout.Partitions[1].Type = "ef", "83"
			}
			img := filepath.Join(t.TempDir(), "disk.raw")
			placed, err := disk.WriteFile(img, *in.Layout)
			if err != nil {
				t.Fatal(err)
			}
			in.DiskPlan = &placed
			d := build(t, in).Disk
			out, err := exec.Command("sfdisk", "--json", img).Output()
			if err != nil {
				t.Fatalf("sfdisk: %v", err)
			}
			var st sfdiskTable
			if err := json.Unmarshal(out, &st); err != nil {
				t.Fatal(err)
			}
			compareTable(t, d, st, string(out))
		})
	}
}

func compareTable(t *testing.T, d *Disk, st sfdiskTable, raw string) {
	t.Helper()
	pt := st.PartitionTable
	wantLabel, wantID := "gpt", d.GUID
	if d.Table == "mbr" {
		wantLabel, wantID = "dos", "0x"+d.DiskID
	}
	if pt.Label != wantLabel || !strings.EqualFold(pt.ID, wantID) || len(pt.Partitions) != len(d.Partitions) {
		t.Fatalf("sfdisk sees %s %s with %d partitions, report %s %s with %d:\n%s",
			pt.Label, pt.ID, len(pt.Partitions), wantLabel, wantID, len(d.Partitions), raw)
	}
	for i, sp := range pt.Partitions {
		p := d.Partitions[i]
		typ := strings.TrimPrefix(p.TypeID, "0x")
		if sp.Start*pt.SectorSize != p.Start || sp.Size*pt.SectorSize != p.Size || !strings.EqualFold(sp.Type, typ) ||
			!strings.EqualFold(sp.UUID, p.GUID) || sp.Name != p.Label && d.Table == "gpt" {
			t.Errorf("partition %d: sfdisk %+v, report %+v", i+1, sp, p)
		}
	}
}
