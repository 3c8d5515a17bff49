package vmimage

import (
	"context"
	"fmt"
	"io"

	"github.com/disco-build/disco/stages/vmimage/internal/sparsecopy"
	"github.com/disco-build/disco/stages/vmimage/ova"
	"github.com/disco-build/disco/stages/vmimage/qcow2"
	"github.com/disco-build/disco/stages/vmimage/vdi"
	"github.com/disco-build/disco/stages/vmimage/vhd"
	"github.com/disco-build/disco/stages/vmimage/vmdk"
)

func writeRaw(ctx context.Context, w io.Writer, d Disk, _ Params) error {
	if err := sparsecopy.Copy(ctx, w, d.R, d.Size); err != nil {
		return fmt.Errorf("raw: %w", err)
	}
	return nil
}

func writeQCOW2(ctx context.Context, w io.Writer, d Disk, p Params) error {
	return qcow2.Write(ctx, w, d.R, d.Size, qcow2.Options{Compress: p.CompressQCOW2})
}

func vmdkOptions(p Params) vmdk.Options {
	return vmdk.Options{CID: CID(p.ID), UUID: UUID(p.ID, "vmdk"), FileName: p.Name + ".vmdk"}
}

func writeVMDK(ctx context.Context, w io.Writer, d Disk, p Params) error {
	_, err := vmdk.Write(ctx, w, d.R, d.Size, vmdkOptions(p))
	return err
}

func writeVHD(ctx context.Context, w io.Writer, d Disk, p Params) error {
	return vhd.Write(ctx, w, d.R, d.Size, vhd.Options{Time: p.Time, UUID: UUID(p.ID, "vhd")})
}

func writeVDI(ctx context.Context, w io.Writer, d Disk, p Params) error {
	return vdi.Write(ctx, w, d.R, d.Size, vdi.Options{UUID: UUID(p.ID, "vdi"), ModificationUUID: UUID(p.ID, "vdi-modification")})
}

func writeOVA(ctx context.Context, w io.Writer, d Disk, p Params) error {
	o := p.OVA
	o.Name, o.Time, o.TempDir = p.Name, p.Time, p.TempDir
	o.Disk = vmdkOptions(p)
	o.Disk.UUID = UUID(p.ID, "ova-vmdk")
	return ova.Write(ctx, w, d.R, d.Size, o)
}
