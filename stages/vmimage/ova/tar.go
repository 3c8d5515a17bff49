package ova

import (
	"archive/tar"
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"

	"github.com/disco-build/disco/stages/vmimage/vmdk"
)

// diskFile is the spooled VMDK and what the descriptor says about it.
type diskFile struct {
	size, capacity, populated int64
	sha256                    string
}

func spoolVMDK(ctx context.Context, f *os.File, r io.ReaderAt, size int64, opts vmdk.Options) (diskFile, error) {
	h := sha256.New()
	bw := bufio.NewWriterSize(io.MultiWriter(f, h), 1<<20)
	st, err := vmdk.Write(ctx, bw, r, size, opts)
	if err == nil {
		err = bw.Flush()
	}
	if err != nil {
		return diskFile{}, fmt.Errorf("write VMDK to %s: %w", f.Name(), err)
	}
	return diskFile{
		size:      st.Size,
		populated: min(st.Grains*64<<10, size),
		sha256:    hex.EncodeToString(h.Sum(nil)),
	}, nil
}

// writeTar writes the descriptor, the manifest and the disk.
func writeTar(w io.Writer, spool *os.File, disk diskFile, o Options) error {
	tw := tar.NewWriter(w)
	ovf := descriptor(disk, o)
	ovfName, mfName, diskName := o.Name+".ovf", o.Name+".mf", o.Disk.FileName
	if err := addBytes(tw, ovfName, ovf, o); err != nil {
		return err
	}
	if !o.NoManifest {
		sum := sha256.Sum256(ovf)
		mf := fmt.Sprintf("SHA256(%s)= %x\nSHA256(%s)= %s\n", ovfName, sum, diskName, disk.sha256)
		if err := addBytes(tw, mfName, []byte(mf), o); err != nil {
			return err
		}
	}
	if err := tw.WriteHeader(header(diskName, disk.size, o)); err != nil {
		return fmt.Errorf("tar header of %s: %w", diskName, err)
	}
	n, err := io.Copy(tw, io.NewSectionReader(spool, 0, disk.size))
	if err == nil && n != disk.size {
		err = io.ErrUnexpectedEOF
	}
	if err != nil {
		return fmt.Errorf("copy %s into the OVA: %w", spool.Name(), err)
	}
	if err := tw.Close(); err != nil {
		return fmt.Errorf("finish tar: %w", err)
	}
	return nil
}

func addBytes(tw *tar.Writer, name string, b []byte, o Options) error {
	if err := tw.WriteHeader(header(name, int64(len(b)), o)); err != nil {
		return fmt.Errorf("tar header of %s: %w", name, err)
	}
	if _, err := tw.Write(b); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	return nil
}

// header is a plain file entry: root-owned, 0644, at Options.Time.
func header(name string, size int64, o Options) *tar.Header {
	format := tar.FormatUSTAR
	if size >= 1<<33 { // ustar's 11 octal digits stop short of 8 GiB
		format = tar.FormatPAX
	}
	return &tar.Header{
		Typeflag: tar.TypeReg,
		Name:     name,
		Size:     size,
		Mode:     0o644,
		ModTime:  o.Time.UTC().Truncate(1e9),
		Format:   format,
	}
}
