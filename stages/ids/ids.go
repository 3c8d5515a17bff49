// Package ids derives every identifier disco writes into an image (disk
// GUID, partition GUIDs, filesystem UUIDs, FAT volume IDs, VMDK CIDs) from
// names such as "group/machine/partition", so rebuilds produce the same
// bytes and the IDs stay stable as the image's contents change.
//
// Entry points:
//   - UUID: an RFC 4122 version-5 UUID (SHA-1 over Namespace and the name),
//     in RFC byte order, as filesystems store it (ext4, swap).
//   - GUID: the same identifier in the mixed-endian order GPT and EFI store
//     on disk; it prints (FormatGUID) as the same string as UUID.
//   - VolumeID (FAT serial number) and CID (VMDK content ID): the first 32
//     bits of the UUID of the same name.
//   - Format, FormatGUID, Parse, ParseGUID convert to and from text.
//
// The parts are joined with "/", so UUID("g", "m", "root") equals
// UUID("g/m/root"). Namespace is itself version-5, derived from the URL
// namespace and the module's URL, so no constant here was made up.
package ids

import (
	"crypto/sha1"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strings"
)

// urlNamespace is RFC 4122 appendix C's NameSpace_URL.
var urlNamespace = [16]byte{0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8}

// Namespace is disco's name space UUID: version 5 of the URL namespace and
// "https://github.com/disco-build/disco".
var Namespace = v5(urlNamespace, "https://github.com/disco-build/disco")

// v5 returns the RFC 4122 version-5 UUID of name in namespace ns.
func v5(ns [16]byte, name string) [16]byte {
	h := sha1.New()
	h.Write(ns[:])
	h.Write([]byte(name))
	var u [16]byte
	copy(u[:], h.Sum(nil))
	u[6] = u[6]&0x0f | 0x50 // version 5
	u[8] = u[8]&0x3f | 0x80 // RFC 4122 variant
	return u
}

// UUID returns the version-5 UUID of the name made by joining parts with
// "/", in RFC 4122 (big-endian) byte order.
func UUID(parts ...string) [16]byte {
	return v5(Namespace, strings.Join(parts, "/"))
}

// GUID returns UUID(parts...) in the mixed-endian layout that GPT headers
// and partition entries store: the first three fields little-endian.
func GUID(parts ...string) [16]byte {
	return swapFields(UUID(parts...))
}

// swapFields converts between RFC byte order and EFI GUID byte order (the
// conversion is its own inverse).
func swapFields(u [16]byte) [16]byte {
	g := u
	g[0], g[1], g[2], g[3] = u[3], u[2], u[1], u[0]
	g[4], g[5] = u[5], u[4]
	g[6], g[7] = u[7], u[6]
	return g
}

// VolumeID returns a FAT volume serial number: the first 32 bits of
// UUID(parts...), big-endian.
func VolumeID(parts ...string) uint32 {
	u := UUID(parts...)
	return binary.BigEndian.Uint32(u[:4])
}

// CID returns a VMDK content ID: the first 32 bits of UUID(parts...),
// except that 0xffffffff (which VMDK reads as "no parent") becomes
// 0xfffffffe.
func CID(parts ...string) uint32 {
	c := VolumeID(parts...)
	if c == 0xffffffff {
		c = 0xfffffffe
	}
	return c
}

// Format returns the canonical text form of a UUID in RFC byte order,
// e.g. "6ba7b811-9dad-11d1-80b4-00c04fd430c8".
func Format(u [16]byte) string {
	var b [36]byte
	hex.Encode(b[0:8], u[0:4])
	b[8] = '-'
	hex.Encode(b[9:13], u[4:6])
	b[13] = '-'
	hex.Encode(b[14:18], u[6:8])
	b[18] = '-'
	hex.Encode(b[19:23], u[8:10])
	b[23] = '-'
	hex.Encode(b[24:], u[10:])
	return string(b[:])
}

// FormatGUID returns the text form of a GUID held in EFI byte order.
func FormatGUID(g [16]byte) string {
	return Format(swapFields(g))
}

// Parse reads the canonical text form (either case) into RFC byte order.
func Parse(s string) ([16]byte, error) {
	var u [16]byte
	if len(s) != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-' {
		return u, fmt.Errorf("ids: %q is not a UUID (want xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)", s)
	}
	h := s[0:8] + s[9:13] + s[14:18] + s[19:23] + s[24:]
	if _, err := hex.Decode(u[:], []byte(h)); err != nil {
		return [16]byte{}, fmt.Errorf("ids: %q is not a UUID: %w", s, err)
	}
	return u, nil
}

// ParseGUID reads the canonical text form into EFI GUID byte order.
func ParseGUID(s string) ([16]byte, error) {
	u, err := Parse(s)
	if err != nil {
		return u, err
	}
	return swapFields(u), nil
}
