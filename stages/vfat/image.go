package vfat

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
)

// image writes one planned filesystem.
type image struct {
	w    io.WriterAt
	g    geometry
	t    *tree
	opts Options
}

func (img *image) write() error {
	if err := img.writeBoot(); err != nil {
		return err
	}
	if err := img.writeFATs(); err != nil {
		return err
	}
	if err := img.writeDirs(img.t.root, nil); err != nil {
		return err
	}
	var err error
	img.t.root.walk(func(n *node) {
		if err == nil && !n.dir && n.nclust > 0 {
			err = img.writeFile(n)
		}
	})
	return err
}

func (img *image) at(b []byte, off int64, what string) error {
	if _, err := img.w.WriteAt(b, off); err != nil {
		return fmt.Errorf("writing %s: %w", what, err)
	}
	return nil
}

func (img *image) writeBoot() error {
	boot := img.bootSector()
	if err := img.at(boot, 0, "boot sector"); err != nil {
		return err
	}
	if img.g.fat != 32 {
		return nil
	}
	info := img.fsInfo()
	for _, s := range []struct {
		b   []byte
		sec int64
	}{{info, 1}, {boot, 6}, {info, 7}} {
		if err := img.at(s.b, s.sec*sectorSize, "boot sectors"); err != nil {
			return err
		}
	}
	return nil
}

// writeFATs writes both FATs up to the last used cluster; the rest of
// each reads back as zeros (free).
func (img *image) writeFATs() error {
	ents := make([]uint32, 2+img.t.used)
	eoc := uint32(0x0fffffff)
	if img.g.fat == 16 {
		eoc = 0xffff
	}
	ents[0], ents[1] = eoc&^7, eoc // media byte 0xf8; clean, no errors
	img.t.root.walk(func(n *node) {
		for i := int64(0); i < n.nclust; i++ {
			c := int64(n.first) + i
			ents[c] = uint32(c + 1)
			if i == n.nclust-1 {
				ents[c] = eoc
			}
		}
	})
	var b []byte
	for _, e := range ents {
		if img.g.fat == 16 {
			b = binary.LittleEndian.AppendUint16(b, uint16(e))
		} else {
			b = binary.LittleEndian.AppendUint32(b, e)
		}
	}
	for i := int64(0); i < numFATs; i++ {
		if err := img.at(b, img.g.fatOffset(i), "FAT"); err != nil {
			return err
		}
	}
	return nil
}

// writeDirs writes directory n and those below it.
func (img *image) writeDirs(n, parent *node) error {
	off := img.g.rootOffset()
	if n.first != 0 {
		off = img.g.clusterOffset(n.first)
	}
	if err := img.at(img.dirBytes(n, parent), off, "directory "+n.path); err != nil {
		return err
	}
	for _, c := range n.children {
		if c.dir {
			if err := img.writeDirs(c, n); err != nil {
				return err
			}
		}
	}
	return nil
}

const chunk = 1 << 20

// writeFile copies a file's content into its clusters, skipping all-zero
// chunks, and checks that the content has exactly Entry.Size bytes.
func (img *image) writeFile(n *node) error {
	e := n.entry
	if e.Open == nil {
		return fmt.Errorf("%s: %d bytes but no content", n.path, e.Size)
	}
	r, err := e.Open()
	if err != nil {
		return fmt.Errorf("%s: %w", n.path, err)
	}
	defer r.Close()
	base := img.g.clusterOffset(n.first)
	buf, zero := make([]byte, chunk), make([]byte, chunk)
	for off := int64(0); off < e.Size; {
		k := int(min(chunk, e.Size-off))
		if _, err := io.ReadFull(r, buf[:k]); err != nil {
			return fmt.Errorf("%s: reading content at %d of %d bytes: %w", n.path, off, e.Size, err)
		}
		if !bytes.Equal(buf[:k], zero[:k]) {
			if err := img.at(buf[:k], base+off, n.path); err != nil {
				return err
			}
		}
		off += int64(k)
	}
	if m, _ := r.Read(buf[:1]); m > 0 {
		return fmt.Errorf("%s: content is longer than its size %d", n.path, e.Size)
	}
	return nil
}
