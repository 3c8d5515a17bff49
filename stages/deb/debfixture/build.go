// Package debfixture makes Debian packages for the tests of packages deb and
// dpkgdb: hand-made .deb files (Deb, with an ar writer, tar entries of
// every kind and the compressions dpkg-deb knows, so that tests can also
// make the hostile packages dpkg-deb refuses to build), and a corpus of
// real Debian packages downloaded with apt-get into a cache folder
// (Corpus).
package debfixture

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"fmt"
	"os/exec"
	"sort"
	"strings"
	"time"

	"github.com/klauspost/compress/zstd"
	"github.com/ulikunitz/xz"
	"github.com/ulikunitz/xz/lzma"
)

// Member is one ar member.
type Member struct {
	Name string
	Data []byte
}

// Ar lays out an ar archive as dpkg-deb writes one: the magic, then each
// member with a 60-byte header (mtime 0, owner 0, mode 100644) and a
// newline after odd-sized data.
func Ar(members ...Member) []byte {
	var b bytes.Buffer
	b.WriteString("!<arch>\n")
	for _, m := range members {
		fmt.Fprintf(&b, "%-16s%-12d%-6d%-6d%-8o%-10d`\n", m.Name, 0, 0, 0, 0o100644, len(m.Data))
		b.Write(m.Data)
		if len(m.Data)%2 == 1 {
			b.WriteByte('\n')
		}
	}
	return b.Bytes()
}

// Entry is one tar entry; Header.Format decides the header layout
// (archive/tar's; GNU, with long names as 'L'/'K' entries, when unset).
type Entry struct {
	Header tar.Header
	Data   []byte // content of a regular file
}

// File, Dir, Symlink, HardLink, Char, Block and FIFO make entries owned by
// root:root with mtime 1700000000.
func File(name string, mode int64, data string) Entry {
	return Entry{Header: hdr(name, tar.TypeReg, mode, int64(len(data))), Data: []byte(data)}
}

// Dir makes a folder entry; name should end in "/", as dpkg-deb writes.
func Dir(name string, mode int64) Entry { return Entry{Header: hdr(name, tar.TypeDir, mode, 0)} }

// Symlink makes a symbolic link.
func Symlink(name, target string) Entry {
	e := Entry{Header: hdr(name, tar.TypeSymlink, 0o777, 0)}
	e.Header.Linkname = target
	return e
}

// HardLink makes a hard link to an earlier entry.
func HardLink(name, target string, mode int64) Entry {
	e := Entry{Header: hdr(name, tar.TypeLink, mode, 0)}
	e.Header.Linkname = target
	return e
}

// Char makes a character device.
func Char(name string, mode, major, minor int64) Entry {
	e := Entry{Header: hdr(name, tar.TypeChar, mode, 0)}
	e.Header.Devmajor, e.Header.Devminor = major, minor
	return e
}

// Block makes a block device.
func Block(name string, mode, major, minor int64) Entry {
	e := Entry{Header: hdr(name, tar.TypeBlock, mode, 0)}
	e.Header.Devmajor, e.Header.Devminor = major, minor
	return e
}

// FIFO makes a named pipe.
func FIFO(name string, mode int64) Entry { return Entry{Header: hdr(name, tar.TypeFifo, mode, 0)} }

func hdr(name string, typ byte, mode, size int64) tar.Header {
	return tar.Header{Name: name, Typeflag: typ, Mode: mode, Size: size, Uname: "root", Gname: "root",
		ModTime: unixTime(1700000000), Format: tar.FormatGNU}
}

// Tar writes entries as a tar archive (ended by two zero records).
func Tar(entries ...Entry) []byte {
	var b bytes.Buffer
	w := tar.NewWriter(&b)
	for _, e := range entries {
		h := e.Header
		if h.Format == tar.FormatUnknown {
			h.Format = tar.FormatGNU
		}
		if err := w.WriteHeader(&h); err != nil {
			panic(fmt.Sprintf("debfixture: %s: %v", h.Name, err))
		}
		if _, err := w.Write(e.Data); err != nil {
			panic(fmt.Sprintf("debfixture: %s: %v", h.Name, err))
		}
	}
	if err := w.Close(); err != nil {
		panic(err)
	}
	return b.Bytes()
}

// Compress compresses data for a member extension: "", ".gz", ".xz",
// ".zst", ".bz2" (with the bzip2 program) or ".lzma".
func Compress(ext string, data []byte) []byte {
	var b bytes.Buffer
	switch ext {
	case "":
		return data
	case ".gz":
		w := gzip.NewWriter(&b)
		w.Write(data)
		w.Close()
	case ".xz":
		w, _ := xz.NewWriter(&b)
		w.Write(data)
		w.Close()
	case ".zst":
		w, _ := zstd.NewWriter(&b)
		w.Write(data)
		w.Close()
	case ".lzma":
		w, _ := lzma.NewWriter(&b)
		w.Write(data)
		w.Close()
	case ".bz2":
		cmd := exec.Command("bzip2", "-c")
		cmd.Stdin = bytes.NewReader(data)
		out, err := cmd.Output()
		if err != nil {
			panic(fmt.Sprintf("debfixture: bzip2: %v", err))
		}
		return out
	default:
		panic("debfixture: unknown extension " + ext)
	}
	return b.Bytes()
}

// Deb describes a package to build.
type Deb struct {
	// Control is the control file's text; Fields, when Control is empty,
	// are written in order as "Name: value" lines.
	Control string
	Fields  [][2]string
	// ControlFiles are further control files (md5sums, postinst, ...),
	// each a regular file of mode 0644 unless its name is a maintainer
	// script (0755).
	ControlFiles map[string]string
	Data         []Entry
	// ControlExt and DataExt are the members' compressions (".xz" when
	// empty; "none" for none).
	ControlExt, DataExt string
}

// Bytes lays the package out as dpkg-deb does.
func (d Deb) Bytes() []byte {
	return Ar(Member{"debian-binary", []byte("2.0\n")}, d.ControlMember(), d.DataMember())
}

// ControlMember is the control.tar member.
func (d Deb) ControlMember() Member {
	ext := extOf(d.ControlExt)
	return Member{"control.tar" + ext, Compress(ext, Tar(d.ControlEntries()...))}
}

// DataMember is the data.tar member.
func (d Deb) DataMember() Member {
	ext := extOf(d.DataExt)
	return Member{"data.tar" + ext, Compress(ext, Tar(d.Data...))}
}

func extOf(e string) string {
	switch e {
	case "":
		return ".xz"
	case "none":
		return ""
	}
	return e
}

// ControlEntries are the control archive's entries, "./" first, then the
// control file and the others by name.
func (d Deb) ControlEntries() []Entry {
	control := d.Control
	if control == "" {
		var b strings.Builder
		for _, f := range d.Fields {
			fmt.Fprintf(&b, "%s: %s\n", f[0], f[1])
		}
		control = b.String()
	}
	out := []Entry{Dir("./", 0o755), File("./control", 0o644, control)}
	names := make([]string, 0, len(d.ControlFiles))
	for n := range d.ControlFiles {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		mode := int64(0o644)
		switch n {
		case "preinst", "postinst", "prerm", "postrm", "config":
			mode = 0o755
		}
		out = append(out, File("./"+n, mode, d.ControlFiles[n]))
	}
	return out
}

func unixTime(s int64) time.Time { return time.Unix(s, 0).UTC() }
