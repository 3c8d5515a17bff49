package stages

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/disco-build/disco/runtime/plan"
	"github.com/disco-build/disco/runtime/progress"
	"github.com/disco-build/disco/stages/vmimage"
)

// CheckOutputs fails, before anything is built, when m asks for an output
// format or compression disco cannot write.
func CheckOutputs(m *plan.Machine) error {
	var errs []error
	for _, o := range m.Outputs {
		if o.Format == "tar" {
			if o.Compress != "" {
				errs = append(errs, plan.Errorf(o.Pos, "output tar: compression is not supported for tar"))
			}
			continue
		}
		if o.Format == "appliance" {
			if o.Compress != "" {
				errs = append(errs, plan.Errorf(o.Pos, "output appliance: compression is not supported for the appliance"))
			}
			continue
		}
		if _, err := vmimage.LookupOutput(o.Format, o.Compress); err != nil {
			errs = append(errs, plan.Errorf(o.Pos, "output %s: %v", o.Format, err))
		}
		if h := m.Hardware; o.Format == "ova" && h != nil && h.NIC == "virtio" {
			errs = append(errs, plan.Errorf(h.Pos, "hardware: nic \"virtio\" cannot be described in an OVA (want e1000, vmxnet3 or none)"))
		}
	}
	if err := CheckBoot(m); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// writeOutputs is the outputs stage: every format the plan asks for,
// written from the raw disk (or, for tar, from the tree and its
// manifest) to a temporary name and renamed into the machine folder.
func writeOutputs(ctx context.Context, res *Result, epoch int64, dir string) ([]OutputFile, error) {
	var outs []OutputFile
	for i, o := range res.Machine.Outputs {
		if o.Format == "appliance" {
			continue
		}
		progress.Send(ctx, progress.Report{Stage: "outputs", Done: int64(i), Total: int64(len(res.Machine.Outputs)), Unit: "outputs", Item: o.Format})
		name, err := writeOutput(ctx, res, o, epoch, dir)
		if err != nil {
			return nil, fmt.Errorf("%s: output %s: %w", o.Pos, o.Format, err)
		}
		of, err := describe(dir, name, o.Format)
		if err != nil {
			return nil, err
		}
		outs = append(outs, of)
	}
	return outs, nil
}

func writeOutput(ctx context.Context, res *Result, o plan.Output, epoch int64, dir string) (string, error) {
	if o.Format == "tar" {
		return "root.tar", writeAtomic(filepath.Join(dir, "root.tar"), func(f *os.File) error {
			return writeTar(f, res.Tree.Tree)
		})
	}
	if o.Format == "raw" && o.Compress == "" {
		return "disk.raw", nil
	}
	format, err := vmimage.LookupOutput(o.Format, o.Compress)
	if err != nil {
		return "", err
	}
	raw, err := os.Open(res.Disk)
	if err != nil {
		return "", err
	}
	defer raw.Close()
	m := res.Machine
	params := vmimage.Params{Name: m.Name, ID: m.ID(), Time: time.Unix(epoch, 0).UTC(), TempDir: filepath.Join(dir, "tmp")}
	if m.Boot != nil && m.Boot.Loader == "systemd-boot" {
		params.OVA.Firmware = "efi"
	}
	if h := m.Hardware; h != nil {
		params.OVA.CPUs, params.OVA.MemoryMiB, params.OVA.NIC = h.CPUs, h.MemoryMiB, h.NIC
		params.OVA.BootOrder = h.BootOrder
	}
	if err := os.MkdirAll(params.TempDir, 0o755); err != nil {
		return "", err
	}
	name := "disk" + format.Extension
	return name, writeAtomic(filepath.Join(dir, name), func(f *os.File) error {
		return format.Write(ctx, f, vmimage.Disk{R: raw, Size: res.DiskSize}, params)
	})
}
