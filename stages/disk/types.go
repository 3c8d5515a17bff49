package disk

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/disco-build/disco/stages/ids"
)

// gptTypes maps the type names a Partition may use to GPT partition type
// GUIDs (UEFI spec and the Discoverable Partitions Specification).
var gptTypes = map[string]string{
	"esp":               "C12A7328-F81F-11D2-BA4B-00A0C93EC93B",
	"xbootldr":          "BC13C2FF-59E6-4262-A352-B275FD6F7172",
	"bios":              "21686148-6449-6E6F-744E-656564454649",
	"linux":             "0FC63DAF-8483-4772-8E79-3D69D8477DE4",
	"swap":              "0657FD6D-A4AB-43C4-84E5-0933C84B4F4F",
	"home":              "933AC7E1-2EB4-4F13-B844-0E14E2AEF915",
	"linux-root-x86-64": "4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709",
	"linux-root-arm64":  "B921B045-1DF0-41C3-AF44-4C6F280D3FAE",
	"linux-usr-x86-64":  "8484680C-9521-48C6-9C11-B0720656F69E",
	"linux-usr-arm64":   "B0E01050-EE5F-4390-949A-9101B17104E9",
	"linux-var":         "4D21B016-B534-45C2-A9FB-5C16E091FD2D",
}

// mbrTypes maps type names to MBR partition type bytes.
var mbrTypes = map[string]byte{
	"esp":   0xef,
	"linux": 0x83,
	"swap":  0x82,
	"fat32": 0x0c,
}

// TypeGUID returns the GPT type GUID (upper case text) of a type name or
// GUID string.
func TypeGUID(typ string) (string, error) {
	if g, ok := gptTypes[typ]; ok {
		return g, nil
	}
	u, err := ids.Parse(typ)
	if err != nil {
		return "", fmt.Errorf("GPT partition type %q is neither a known name nor a GUID", typ)
	}
	return strings.ToUpper(ids.Format(u)), nil
}

// MBRType returns the MBR type byte of a type name or hex byte ("83",
// "0x83").
func MBRType(typ string) (byte, error) {
	if b, ok := mbrTypes[typ]; ok {
		return b, nil
	}
	b, err := strconv.ParseUint(strings.TrimPrefix(strings.ToLower(typ), "0x"), 16, 8)
	if err != nil || b == 0 {
		return 0, fmt.Errorf("MBR partition type %q is neither a known name nor a non-zero hex byte", typ)
	}
	return byte(b), nil
}
