package ids

import (
	"encoding/hex"
	"testing"
)

// The pinned values were computed with Python's uuid module (uuid5,
// bytes_le), an implementation independent of this one.
func TestNamespace(t *testing.T) {
	if got, want := Format(Namespace), "29c77494-3739-5223-a77d-3a77b7426ca5"; got != want {
		t.Fatalf("Namespace = %s, want %s", got, want)
	}
}

func TestPinned(t *testing.T) {
	for _, tc := range []struct {
		parts         []string
		uuid, guidHex string
		volid         uint32
	}{
		{[]string{"g", "m", "root"}, "04ae0676-53ce-5f9c-a606-c11a1f417382", "7606ae04ce539c5fa606c11a1f417382", 0x04ae0676},
		{[]string{"default/web/esp"}, "865f9153-c36a-5915-8752-a5edc4401309", "53915f866ac315598752a5edc4401309", 0x865f9153},
		{nil, "17c5b332-c67b-5949-8c24-af5d633c47a7", "32b3c5177bc649598c24af5d633c47a7", 0x17c5b332},
	} {
		u := UUID(tc.parts...)
		if got := Format(u); got != tc.uuid {
			t.Errorf("UUID(%q) = %s, want %s", tc.parts, got, tc.uuid)
		}
		g := GUID(tc.parts...)
		if got := hex.EncodeToString(g[:]); got != tc.guidHex {
			t.Errorf("GUID(%q) bytes = %s, want %s", tc.parts, got, tc.guidHex)
		}
		if got := FormatGUID(g); got != tc.uuid {
			t.Errorf("FormatGUID(GUID(%q)) = %s, want %s", tc.parts, got, tc.uuid)
		}
		if got := VolumeID(tc.parts...); got != tc.volid {
			t.Errorf("VolumeID(%q) = %08x, want %08x", tc.parts, got, tc.volid)
		}
		if got := CID(tc.parts...); got != tc.volid {
			t.Errorf("CID(%q) = %08x, want %08x", tc.parts, got, tc.volid)
		}
	}
}

func TestVersionVariant(t *testing.T) {
	for _, name := range []string{"a", "b/c", "default/x/swap", "z/z/z/z"} {
		u := UUID(name)
		if u[6]>>4 != 5 {
			t.Errorf("UUID(%q) version nibble %x, want 5", name, u[6]>>4)
		}
		if u[8]>>6 != 2 {
			t.Errorf("UUID(%q) variant bits %b, want 10", name, u[8]>>6)
		}
	}
	if UUID("a", "b") == UUID("a", "c") {
		t.Fatal("different names gave the same UUID")
	}
}

func TestParse(t *testing.T) {
	u := UUID("g/m/root")
	p, err := Parse("04AE0676-53CE-5F9C-A606-C11A1F417382")
	if err != nil || p != u {
		t.Fatalf("Parse = %x, %v; want %x", p, err, u)
	}
	g, err := ParseGUID(Format(u))
	if err != nil || g != GUID("g/m/root") {
		t.Fatalf("ParseGUID = %x, %v", g, err)
	}
	for _, bad := range []string{"", "04ae0676-53ce-5f9c-a606-c11a1f41738", "04ae0676x53ce-5f9c-a606-c11a1f417382", "zzae0676-53ce-5f9c-a606-c11a1f417382"} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("Parse(%q) succeeded", bad)
		}
	}
}
