package rpm

import (
	"bytes"
	"crypto/md5"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// tagValue is one entry for encodeHeader; val is a string, []string,
// []byte, []uint16, []uint32 or []uint64.
type tagValue struct {
	tag Tag
	typ Type
	val any
}

// encodeHeader lays out a header as rpm's headerExport does: index sorted by
// tag, data aligned per type, and, when region is set, a region entry whose
// trailer closes the data store.
func encodeHeader(region Tag, entries []tagValue) []byte {
	sort.Slice(entries, func(i, j int) bool { return entries[i].tag < entries[j].tag })
	var index, store bytes.Buffer
	put := func(tag Tag, typ Type, off, count int) {
		for _, v := range []uint32{uint32(tag), uint32(typ), uint32(off), uint32(count)} {
			binary.Write(&index, binary.BigEndian, v)
		}
	}
	for _, e := range entries {
		if sz := e.typ.size(); sz > 1 {
			for store.Len()%sz != 0 {
				store.WriteByte(0)
			}
		}
		off, count := store.Len(), 1
		switch v := e.val.(type) {
		case string:
			store.WriteString(v + "\x00")
		case []string:
			for _, s := range v {
				store.WriteString(s + "\x00")
			}
			count = len(v)
		case []byte:
			store.Write(v)
			count = len(v)
		case []uint16:
			binary.Write(&store, binary.BigEndian, v)
			count = len(v)
		case []uint32:
			binary.Write(&store, binary.BigEndian, v)
			count = len(v)
		case []uint64:
			binary.Write(&store, binary.BigEndian, v)
			count = len(v)
		}
		put(e.tag, e.typ, off, count)
	}
	n := len(entries)
	var out bytes.Buffer
	out.Write(headerMagic[:])
	if region != 0 {
		trailerOff := store.Len()
		binary.Write(&store, binary.BigEndian, []int32{int32(region), int32(TypeBin), -int32((n + 1) * 16), 16})
		var first bytes.Buffer
		binary.Write(&first, binary.BigEndian, []int32{int32(region), int32(TypeBin), int32(trailerOff), 16})
		index = *bytes.NewBuffer(append(first.Bytes(), index.Bytes()...))
		n++
	}
	binary.Write(&out, binary.BigEndian, []uint32{uint32(n), uint32(store.Len())})
	out.Write(index.Bytes())
	out.Write(store.Bytes())
	return out.Bytes()
}

func encodeLead(name string) []byte {
	b := make([]byte, LeadSize)
	copy(b, leadMagic)
	b[4] = 3
	binary.BigEndian.PutUint16(b[8:], 1)
	copy(b[10:76], name)
	binary.BigEndian.PutUint16(b[76:], 1)
	binary.BigEndian.PutUint16(b[78:], headerSigType)
	return b
}

// synthPackage assembles lead, signature header, main header and an
// uncompressed newc payload.
func synthPackage(main []tagValue, payload []byte) []byte {
	var b bytes.Buffer
	b.Write(encodeLead("synth-1-1"))
	hdr := encodeHeader(TagHeaderImmutable, main)
	sig := encodeHeader(TagHeaderSignatures, []tagValue{
		{SigTagSize, TypeInt32, []uint32{uint32(len(hdr) + len(payload))}}})
	b.Write(sig)
	for b.Len()%8 != 0 {
		b.WriteByte(0)
	}
	b.Write(hdr)
	b.Write(payload)
	return b.Bytes()
}

func newcArchive(files map[string]string, order []string) []byte {
	var b bytes.Buffer
	entry := func(name string, mode uint32, data string) {
		fmt.Fprintf(&b, "070701%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%s\x00",
			1, mode, 0, 0, 1, 0, len(data), 0, 0, 0, 0, len(name)+1, 0, name)
		for b.Len()%4 != 0 {
			b.WriteByte(0)
		}
		b.WriteString(data)
		for b.Len()%4 != 0 {
			b.WriteByte(0)
		}
	}
	for _, name := range order {
		entry("."+name, 0o100644, files[name])
	}
	entry("TRAILER!!!", 0, "")
	return b.Bytes()
}

// TestSyntheticLegacyPackage covers what rpmbuild 4.18 no longer writes:
// the flat OLDFILENAMES list, LONGFILESIZES beside FILESIZES, MD5 digests
// by default, a scriptlet interpreter with arguments, and an unknown tag. rpm
// itself reads the same bytes as the oracle.
func TestSyntheticLegacyPackage(t *testing.T) {
	sum := md5.Sum([]byte("one"))
	main := []tagValue{
		{TagName, TypeString, "synth"}, {TagVersion, TypeString, "1"}, {TagRelease, TypeString, "1"},
		{TagArch, TypeString, "noarch"}, {TagOS, TypeString, "linux"},
		{TagSummary, TypeI18NString, []string{"synthetic"}},
		{TagSourceRPM, TypeString, "synth-1-1.src.rpm"},
		{TagOldFilenames, TypeStringArray, []string{"/opt/synth/big", "/opt/synth/one"}},
		{TagFileModes, TypeInt16, []uint16{0o100644, 0o100600}},
		{TagLongFileSizes, TypeInt64, []uint64{5_000_000_000, 3}},
		{TagFileUserName, TypeStringArray, []string{"root", "bin"}},
		{TagFileGroupName, TypeStringArray, []string{"root", "daemon"}},
		{TagFileMtimes, TypeInt32, []uint32{1600000000, 1700000000}},
		{TagFileDigests, TypeStringArray, []string{"", hex.EncodeToString(sum[:])}},
		{TagFileFlags, TypeInt32, []uint32{uint32(FileGhost), uint32(FileConfig)}},
		{TagFileRdevs, TypeInt16, []uint16{0, 0}},
		{TagFileLinkTos, TypeStringArray, []string{"", ""}},
		{TagFileInodes, TypeInt32, []uint32{1, 2}},
		{TagFileDevices, TypeInt32, []uint32{1, 1}},
		{TagFileLangs, TypeStringArray, []string{"", ""}},
		{TagPreIn, TypeString, "print 1"},
		{TagPreInProg, TypeStringArray, []string{"/usr/bin/perl", "-w"}},
		{4999, TypeInt32, []uint32{42}},
	}
	data := synthPackage(main, newcArchive(map[string]string{"/opt/synth/one": "one"}, []string{"/opt/synth/one"}))
	path := filepath.Join(t.TempDir(), "synth-1-1.noarch.rpm")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	p := openFile(t, path)
	compareDump(t, path, p)
	files, _ := p.Files()
	if files[0].Size != 5_000_000_000 || files[0].Path != "/opt/synth/big" {
		t.Errorf("LONGFILESIZES not used: %+v", files[0])
	}
	pre, _ := p.Script("pre")
	if strings.Join(pre.Prog, " ") != "/usr/bin/perl -w" {
		t.Errorf("pre prog %q", pre.Prog)
	}
	if !strings.Contains(rpmQuery(t, path, "--scripts"), "preinstall scriptlet (using /usr/bin/perl -w)") {
		t.Errorf("rpm does not read the synthetic scriptlet the same way")
	}
	if v, ok := p.Header.Int(4999); !ok || v != 42 {
		t.Errorf("unknown tag 4999 = %d %v", v, ok)
	}
	w, err := walkPayload(t, p)
	if err != io.EOF || string(w.contents["/opt/synth/one"]) != "one" || len(w.entries) != 1 {
		t.Errorf("payload: %d entries, %v", len(w.entries), err)
	}
}

// TestHeaderWithoutRegion reads a legacy header that has no region tag.
func TestHeaderWithoutRegion(t *testing.T) {
	b := encodeHeader(0, []tagValue{{TagName, TypeString, "old"}, {TagEpoch, TypeInt32, []uint32{0}}})
	h, err := ParseHeader(b)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := h.Region(); ok || h.RegionBlob() != nil || h.String(TagName) != "old" {
		t.Errorf("region-less header read wrong")
	}
	if e, ok := h.Int(TagEpoch); !ok || e != 0 {
		t.Errorf("epoch 0 must be present: %d %v", e, ok)
	}
}
