package vmimage

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/disco-build/disco/stages/vmimage/compress"
	"github.com/disco-build/disco/stages/vmimage/ova"
)

// Disk is a finished raw disk image: Size bytes read through R.
type Disk struct {
	R    io.ReaderAt
	Size int64
}

// Params is what the formats need besides the disk.
type Params struct {
	// Name is the machine's name: the OVA's virtual system and file names.
	Name string
	// ID is the machine's identity, "group/machine"; every UUID and CID
	// derives from it (see UUID).
	ID string
	// Time is SOURCE_DATE_EPOCH: the VHD timestamp and the OVA's mtimes.
	Time time.Time
	// OVA gives the virtual hardware and product of an OVA; its Name,
	// Time, Disk and TempDir are set from the other fields.
	OVA ova.Options
	// CompressQCOW2 stores qcow2 clusters deflate-compressed.
	CompressQCOW2 bool
	// TempDir is where the OVA spools its VMDK; default os.TempDir().
	TempDir string
}

// WriteFunc writes the disk in one format to w.
type WriteFunc func(ctx context.Context, w io.Writer, d Disk, p Params) error

// Format is one output format.
type Format struct {
	Name        string // as plans spell it
	Extension   string // of the output file, with its dot
	Description string
	Write       WriteFunc
}

// Formats is the registry of disk image formats by name.
var Formats = map[string]Format{
	"raw":   {"raw", ".raw", "the raw disk, holes kept where the output is a file", writeRaw},
	"qcow2": {"qcow2", ".qcow2", "QEMU qcow2 v3, sparse", writeQCOW2},
	"vmdk":  {"vmdk", ".vmdk", "VMware streamOptimized VMDK", writeVMDK},
	"vhd":   {"vhd", ".vhd", "fixed VHD for Azure and Hyper-V", writeVHD},
	"vdi":   {"vdi", ".vdi", "VirtualBox dynamic VDI", writeVDI},
	"ova":   {"ova", ".ova", "OVF 1.0 appliance: descriptor, manifest and VMDK in a tar", writeOVA},
}

// Names lists the registered formats, sorted.
func Names() []string {
	names := make([]string, 0, len(Formats))
	for n := range Formats {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Lookup returns the format called name, or an error listing the known ones.
func Lookup(name string) (Format, error) {
	f, ok := Formats[name]
	if !ok {
		return Format{}, fmt.Errorf("unknown image format %q (known: %s)", name, strings.Join(Names(), ", "))
	}
	return f, nil
}

// LookupOutput returns the format called name, compressed with the
// compress method called compression unless that is empty: its extension
// gains the method's (".raw.zst") and its writer compresses the stream.
func LookupOutput(name, compression string) (Format, error) {
	f, err := Lookup(name)
	if err != nil || compression == "" {
		return f, err
	}
	m, err := compress.Lookup(compression)
	if err != nil {
		return Format{}, err
	}
	inner := f.Write
	f.Name += "+" + m.Name
	f.Extension += m.Extension
	f.Description += ", " + m.Name + "-compressed"
	f.Write = func(ctx context.Context, w io.Writer, d Disk, p Params) error {
		cw, err := m.NewWriter(w)
		if err != nil {
			return fmt.Errorf("start %s stream: %w", m.Name, err)
		}
		if err := inner(ctx, cw, d, p); err != nil {
			return err
		}
		if err := cw.Close(); err != nil {
			return fmt.Errorf("finish %s stream: %w", m.Name, err)
		}
		return nil
	}
	return f, nil
}
