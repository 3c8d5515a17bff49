package rpmtest

import (
	"bytes"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha3"
	"crypto/sha512"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/klauspost/compress/gzip"
)

// Synth is a package written byte by byte as rpm's format documents lay it
// out (docs/manual/format_v3.md, format_v4.md, format_v6.md,
// format_header.md, signatures_digests.md), for the forms the host's
// rpmbuild 4.18 cannot make:
//
//   - Format 3: rpm 3. Lead major 3, headers without an immutable region,
//     a flat OLDFILENAMES list, MD5 file digests, SIZE and MD5 (of header
//     and payload) in the signature header, no header digest, no payload
//     digest, an SVR4 "070701" cpio payload.
//   - Format 4: rpmbuild 4.18's layout: regions, DIRNAMES/BASENAMES,
//     SHA-256 file digests, SHA1HEADER, SHA256HEADER, MD5, SIZE and
//     PAYLOADSIZE in the signature header, PAYLOADDIGEST with
//     PAYLOADDIGESTALGO 8.
//   - Format 6: rpm 6.0. Lead major 4 with zero arch and OS; a signature
//     header of SHA256HEADER, SHA3_256HEADER, signatures in OPENPGP and
//     RESERVED last; RPMFORMAT 6, LONGFILESIZES, PAYLOADSHA256 without
//     PAYLOADDIGESTALGO, PAYLOADSHA512, PAYLOADSHA3_256 (and their ALT
//     twins), PAYLOADSIZE; a stripped "07070X" cpio payload.
//
// Payloads are gzip-compressed. Files are regular, mode 0644, root-owned.
type Synth struct {
	Name, Version, Release, Arch string
	Format                       int               // 3, 4 or 6
	Files                        map[string]string // absolute path -> content
	Provides                     []string          // extra unversioned provides (format 4 and 6 add name = EVR)
	// HeaderSigs signs the main header (its bytes, magic included):
	// format 4 stores the first signature in RSAHEADER (DSAHEADER with
	// DSA), format 6 every one, base64, in OPENPGP.
	HeaderSigs func(header []byte) ([][]byte, error)
	// LegacySig signs header and payload; stored in PGP (GPG with DSA).
	LegacySig func(headerAndPayload []byte) ([]byte, error)
	DSA       bool
}

// Header and signature tag numbers (include/rpm/rpmtag.h).
const (
	tagHeaderSignatures = 62
	tagHeaderImmutable  = 63
	sigSize             = 1000
	sigPGP              = 1002
	sigMD5              = 1004
	sigGPG              = 1005
	sigPayloadSize      = 1007
	sigDSA              = 267
	sigRSA              = 268
	sigSHA1             = 269
	sigSHA256           = 273
	sigOpenPGP          = 278
	sigSHA3_256         = 279
	sigReserved         = 999
)

// Entry types.
const (
	tChar        = 1
	tInt16       = 3
	tInt32       = 4
	tInt64       = 5
	tString      = 6
	tBin         = 7
	tStringArray = 8
	tI18N        = 9
)

type tv struct {
	tag, typ uint32
	val      any // string, []string, []byte, []uint16, []uint32, []uint64
}

// NEVRA is the package's name-version-release.arch.
func (s Synth) NEVRA() string { return s.Name + "-" + s.Version + "-" + s.Release + "." + s.Arch }

// Write builds the package into dir as NEVRA.rpm and returns its path.
func (s Synth) Write(dir string) (string, error) {
	b, err := s.Build()
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, s.NEVRA()+".rpm")
	return path, os.WriteFile(path, b, 0o644)
}

// Build returns the package's bytes.
func (s Synth) Build() ([]byte, error) {
	if s.Format != 3 && s.Format != 4 && s.Format != 6 {
		return nil, fmt.Errorf("synth: format %d", s.Format)
	}
	paths := make([]string, 0, len(s.Files))
	for p := range s.Files {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	archive := s.archive(paths)
	var z bytes.Buffer
	gz, _ := gzip.NewWriterLevel(&z, gzip.BestCompression)
	gz.Write(archive)
	gz.Close()
	payload := z.Bytes()

	region := uint32(tagHeaderImmutable)
	if s.Format == 3 {
		region = 0
	}
	hdr := encode(region, s.mainTags(paths, archive, payload))
	sig, err := s.sigTags(hdr, payload, len(archive))
	if err != nil {
		return nil, err
	}
	sigRegion := uint32(tagHeaderSignatures)
	if s.Format == 3 {
		sigRegion = 0
	}
	var out bytes.Buffer
	out.Write(s.lead())
	out.Write(encode(sigRegion, sig))
	for out.Len()%8 != 0 {
		out.WriteByte(0)
	}
	out.Write(hdr)
	out.Write(payload)
	return out.Bytes(), nil
}

func (s Synth) lead() []byte {
	b := make([]byte, 96)
	copy(b, []byte{0xed, 0xab, 0xee, 0xdb})
	b[4] = 3
	if s.Format != 3 {
		b[4] = 4
	}
	if s.Format != 6 {
		binary.BigEndian.PutUint16(b[8:], 1)  // arch: i386/x86_64
		binary.BigEndian.PutUint16(b[76:], 1) // os: linux
	}
	copy(b[10:75], s.Name+"-"+s.Version+"-"+s.Release)
	binary.BigEndian.PutUint16(b[78:], 5) // RPMSIGTYPE_HEADERSIG
	return b
}

// archive is the cpio payload: newc entries named "./path" for formats 3
// and 4, stripped 07070X entries (file index only) for format 6.
func (s Synth) archive(paths []string) []byte {
	var b bytes.Buffer
	pad := func() {
		for b.Len()%4 != 0 {
			b.WriteByte(0)
		}
	}
	newc := func(ino int, name string, mode uint32, data string) {
		fmt.Fprintf(&b, "070701%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%s\x00",
			ino, mode, 0, 0, 1, 1700000000, len(data), 0, 0, 0, 0, len(name)+1, 0, name)
		pad()
		b.WriteString(data)
		pad()
	}
	for i, p := range paths {
		if s.Format == 6 {
			fmt.Fprintf(&b, "07070X%08x", i)
			pad()
			b.WriteString(s.Files[p])
			pad()
			continue
		}
		newc(i+1, "."+p, 0o100644, s.Files[p])
	}
	newc(0, "TRAILER!!!", 0, "")
	return b.Bytes()
}

func (s Synth) mainTags(paths []string, archive, payload []byte) []tv {
	n := len(paths)
	fill := func(v uint32) []uint32 {
		u := make([]uint32, n)
		for i := range u {
			u[i] = v
		}
		return u
	}
	str := func(v string) []string {
		u := make([]string, n)
		for i := range u {
			u[i] = v
		}
		return u
	}
	var size uint64
	sizes32, sizes64, digests := make([]uint32, n), make([]uint64, n), make([]string, n)
	for i, p := range paths {
		c := s.Files[p]
		size += uint64(len(c))
		sizes32[i], sizes64[i] = uint32(len(c)), uint64(len(c))
		if s.Format == 3 {
			sum := md5.Sum([]byte(c))
			digests[i] = hex.EncodeToString(sum[:])
		} else {
			sum := sha256.Sum256([]byte(c))
			digests[i] = hex.EncodeToString(sum[:])
		}
	}
	modes := make([]uint16, n)
	for i := range modes {
		modes[i] = 0o100644
	}
	t := []tv{
		{1000, tString, s.Name}, {1001, tString, s.Version}, {1002, tString, s.Release},
		{1004, tI18N, []string{"synthetic " + s.Name}}, {1005, tI18N, []string{"A package written byte by byte."}},
		{1006, tInt32, []uint32{1700000000}}, {1007, tString, "disco.test"}, {1009, tInt32, []uint32{uint32(size)}},
		{1014, tString, "MIT"}, {1016, tI18N, []string{"Unspecified"}}, {1021, tString, "linux"},
		{1022, tString, s.Arch}, {1044, tString, s.Name + "-" + s.Version + "-" + s.Release + ".src.rpm"},
		{1030, tInt16, modes}, {1033, tInt16, make([]uint16, n)}, {1034, tInt32, fill(1700000000)},
		{1035, tStringArray, digests}, {1036, tStringArray, str("")}, {1037, tInt32, fill(0)},
		{1039, tStringArray, str("root")}, {1040, tStringArray, str("root")}, {1045, tInt32, fill(0xffffffff)},
		{1095, tInt32, fill(1)}, {1097, tStringArray, str("")},
		{1124, tString, "cpio"}, {1125, tString, "gzip"}, {1126, tString, "9"},
	}
	inodes := make([]uint32, n)
	for i := range inodes {
		inodes[i] = uint32(i + 1)
	}
	t = append(t, tv{1096, tInt32, inodes})
	if s.Format == 6 {
		t = append(t, tv{5008, tInt64, sizes64})
	} else {
		t = append(t, tv{1028, tInt32, sizes32})
	}
	if s.Format == 3 {
		t = append(t, tv{1027, tStringArray, paths}, tv{1064, tString, "3.0.6"})
		if len(s.Provides) > 0 {
			t = append(t, tv{1047, tStringArray, s.Provides})
		}
		return t
	}
	t = append(t, s.fileList(paths)...)
	t = append(t, s.provides()...)
	t = append(t, tv{5011, tInt32, []uint32{8}}, tv{5062, tString, "utf-8"})
	sumC, sumU := sha256.Sum256(payload), sha256.Sum256(archive)
	t = append(t, tv{5092, tStringArray, []string{hex.EncodeToString(sumC[:])}},
		tv{5097, tStringArray, []string{hex.EncodeToString(sumU[:])}})
	if s.Format == 4 {
		return append(t, tv{5093, tInt32, []uint32{8}}, tv{1064, tString, "4.18.0"})
	}
	c512, u512 := sha512.Sum512(payload), sha512.Sum512(archive)
	c3, u3 := sha3.Sum256(payload), sha3.Sum256(archive)
	return append(t, tv{1064, tString, "6.0.0"}, tv{5114, tInt32, []uint32{6}},
		tv{5112, tInt64, []uint64{uint64(len(payload))}}, tv{5113, tInt64, []uint64{uint64(len(archive))}},
		tv{5120, tString, s.Name + "-" + s.Version + "-" + s.Release},
		tv{5121, tString, hex.EncodeToString(c512[:])}, tv{5122, tString, hex.EncodeToString(u512[:])},
		tv{5123, tString, hex.EncodeToString(c3[:])}, tv{5124, tString, hex.EncodeToString(u3[:])})
}

// fileList is the DIRNAMES/BASENAMES/DIRINDEXES form of paths.
func (s Synth) fileList(paths []string) []tv {
	var dirs, bases []string
	var idx []uint32
	for _, p := range paths {
		d := p[:strings.LastIndex(p, "/")+1]
		i := slices.Index(dirs, d)
		if i < 0 {
			i = len(dirs)
			dirs = append(dirs, d)
		}
		idx = append(idx, uint32(i))
		bases = append(bases, p[len(d):])
	}
	return []tv{{1116, tInt32, idx}, {1117, tStringArray, bases}, {1118, tStringArray, dirs}}
}

func (s Synth) provides() []tv {
	names := append(slices.Clone(s.Provides), s.Name)
	vers := make([]string, len(names))
	flags := make([]uint32, len(names))
	vers[len(vers)-1], flags[len(flags)-1] = s.Version+"-"+s.Release, 8 // RPMSENSE_EQUAL
	return []tv{{1047, tStringArray, names}, {1112, tInt32, flags}, {1113, tStringArray, vers}}
}

func (s Synth) sigTags(hdr, payload []byte, archiveSize int) ([]tv, error) {
	var t []tv
	sum1, sum256, sum3 := sha1hex(hdr), sha256.Sum256(hdr), sha3.Sum256(hdr)
	md := md5.New()
	md.Write(hdr)
	md.Write(payload)
	if s.HeaderSigs != nil && s.Format != 3 {
		sigs, err := s.HeaderSigs(hdr)
		if err != nil {
			return nil, err
		}
		if s.Format == 6 {
			enc := make([]string, len(sigs))
			for i, b := range sigs {
				enc[i] = base64.StdEncoding.EncodeToString(b)
			}
			t = append(t, tv{sigOpenPGP, tStringArray, enc})
		} else if len(sigs) > 0 {
			t = append(t, tv{map[bool]uint32{false: sigRSA, true: sigDSA}[s.DSA], tBin, sigs[0]})
		}
	}
	switch s.Format {
	case 6:
		return append(t, tv{sigSHA256, tString, hex.EncodeToString(sum256[:])},
			tv{sigSHA3_256, tString, hex.EncodeToString(sum3[:])}, tv{sigReserved, tBin, make([]byte, 4096)}), nil
	case 4:
		t = append(t, tv{sigSHA1, tString, sum1}, tv{sigSHA256, tString, hex.EncodeToString(sum256[:])},
			tv{sigPayloadSize, tInt32, []uint32{uint32(archiveSize)}})
	}
	t = append(t, tv{sigSize, tInt32, []uint32{uint32(len(hdr) + len(payload))}}, tv{sigMD5, tBin, md.Sum(nil)})
	if s.LegacySig != nil && s.Format != 6 {
		b, err := s.LegacySig(append(slices.Clone(hdr), payload...))
		if err != nil {
			return nil, err
		}
		t = append(t, tv{map[bool]uint32{false: sigPGP, true: sigGPG}[s.DSA], tBin, b})
	}
	return t, nil
}

// encode lays out a header as rpm's headerExport does: index sorted by
// tag, data aligned per type and, with a region tag, a region entry first
// whose 16-byte trailer closes the data.
func encode(region uint32, entries []tv) []byte {
	sort.SliceStable(entries, func(i, j int) bool { return entries[i].tag < entries[j].tag })
	var index, data bytes.Buffer
	put := func(w *bytes.Buffer, v ...uint32) {
		for _, x := range v {
			binary.Write(w, binary.BigEndian, x)
		}
	}
	for _, e := range entries {
		align := map[uint32]int{tInt16: 2, tInt32: 4, tInt64: 8}[e.typ]
		for align > 1 && data.Len()%align != 0 {
			data.WriteByte(0)
		}
		off, count := data.Len(), 1
		switch v := e.val.(type) {
		case string:
			data.WriteString(v + "\x00")
		case []string:
			for _, s := range v {
				data.WriteString(s + "\x00")
			}
			count = len(v)
		case []byte:
			data.Write(v)
			count = len(v)
		case []uint16:
			binary.Write(&data, binary.BigEndian, v)
			count = len(v)
		case []uint32:
			binary.Write(&data, binary.BigEndian, v)
			count = len(v)
		case []uint64:
			binary.Write(&data, binary.BigEndian, v)
			count = len(v)
		}
		put(&index, e.tag, e.typ, uint32(off), uint32(count))
	}
	n := len(entries)
	if region != 0 {
		trailer := data.Len()
		put(&data, region, tBin, uint32(-int32((n+1)*16)), 16)
		var first bytes.Buffer
		put(&first, region, tBin, uint32(trailer), 16)
		index = *bytes.NewBuffer(append(first.Bytes(), index.Bytes()...))
		n++
	}
	var out bytes.Buffer
	out.Write([]byte{0x8e, 0xad, 0xe8, 0x01, 0, 0, 0, 0})
	put(&out, uint32(n), uint32(data.Len()))
	out.Write(index.Bytes())
	out.Write(data.Bytes())
	return out.Bytes()
}

func sha1hex(b []byte) string {
	s := sha1.Sum(b)
	return hex.EncodeToString(s[:])
}
