package vfat

import (
	"encoding/binary"
	"time"
)

// bootSector encodes sector 0 (the BIOS parameter block).
func (img *image) bootSector() []byte {
	g, b := img.g, make([]byte, sectorSize)
	le := binary.LittleEndian
	copy(b[3:], "MSWIN4.1")
	le.PutUint16(b[11:], sectorSize)
	b[13] = byte(g.spc)
	le.PutUint16(b[14:], uint16(g.reserved))
	b[16] = numFATs
	b[21] = 0xf8 // fixed disk
	le.PutUint16(b[24:], 63)
	le.PutUint16(b[26:], 255)
	le.PutUint32(b[28:], img.opts.HiddenSectors)
	if g.sectors < 0x10000 && g.fat == 16 {
		le.PutUint16(b[19:], uint16(g.sectors))
	} else {
		le.PutUint32(b[32:], uint32(g.sectors))
	}
	ext := b[36:] // FAT16 extended BPB
	boot := 0x3e
	if g.fat == 32 {
		le.PutUint32(b[36:], uint32(g.fatSecs))
		le.PutUint32(b[44:], 2) // root directory cluster
		le.PutUint16(b[48:], 1) // FSInfo sector
		le.PutUint16(b[50:], 6) // backup boot sector
		ext, boot = b[64:], 0x5a
	} else {
		le.PutUint16(b[17:], fat16RootEntries)
		le.PutUint16(b[22:], uint16(g.fatSecs))
	}
	b[0], b[1], b[2] = 0xeb, byte(boot-2), 0x90 // jmp short boot; nop
	b[boot], b[boot+1] = 0xcd, 0x18             // int 18h: not bootable, try the next device
	ext[0] = 0x80                               // drive number
	ext[2] = 0x29                               // extended boot signature
	le.PutUint32(ext[3:], img.opts.VolumeID)
	copy(ext[7:18], labelField(img.opts.Label))
	copy(ext[18:26], map[int]string{16: "FAT16   ", 32: "FAT32   "}[g.fat])
	b[510], b[511] = 0x55, 0xaa
	return b
}

// fsInfo encodes FAT32's FSInfo sector.
func (img *image) fsInfo() []byte {
	b := make([]byte, sectorSize)
	le := binary.LittleEndian
	le.PutUint32(b[0:], 0x41615252)
	le.PutUint32(b[484:], 0x61417272)
	le.PutUint32(b[488:], uint32(img.g.clusters-img.t.used))
	le.PutUint32(b[492:], uint32(2+img.t.used))
	le.PutUint32(b[508:], 0xaa550000)
	return b
}

func labelField(l string) string {
	if l == "" {
		l = "NO NAME"
	}
	return l + "           "[:11-len(l)]
}

// stamp is a FAT date and time.
type stamp struct {
	date, time uint16
	tenths     byte // 10 ms units past time's even second
}

// fatStamp converts epoch seconds (UTC) to FAT's 1980-2107 range.
func fatStamp(epoch int64) stamp {
	t := time.Unix(epoch, 0).UTC()
	if t.Year() < 1980 {
		t = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	if t.Year() > 2107 {
		t = time.Date(2107, 12, 31, 23, 59, 58, 0, time.UTC)
	}
	return stamp{
		date:   uint16(t.Year()-1980)<<9 | uint16(t.Month())<<5 | uint16(t.Day()),
		time:   uint16(t.Hour())<<11 | uint16(t.Minute())<<5 | uint16(t.Second()/2),
		tenths: byte(t.Second()%2) * 100,
	}
}
