package deb

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/disco-build/disco/internal/testtool"
	"github.com/disco-build/disco/stages/deb/debfixture"
)

// raw is one hand-laid tar header (and content), for archives no tar
// writer makes.
type raw struct {
	name, link, uname, gname string
	typ                      byte
	mode, uid, gid, mtime    int64
	size                     int64 // header size; len(data) when -1
	data                     []byte
	magic                    string // "" for GNU's "ustar  \x00"
	prefix                   string
	major, minor             int64
	badSum                   bool
	uidField                 []byte // raw uid field bytes, instead of uid
}

func octal(b []byte, v int64) {
	s := fmt.Sprintf("%0*o", len(b)-1, v)
	copy(b, s)
}

// block lays out the header record(s) and content of r.
func (r raw) block() []byte {
	var h [512]byte
	copy(h[0:100], r.name)
	mode := r.mode
	if mode == 0 {
		mode = 0o644
	}
	octal(h[100:108], mode)
	octal(h[108:116], r.uid)
	if r.uidField != nil {
		copy(h[108:116], r.uidField)
	}
	octal(h[116:124], r.gid)
	size := r.size
	if size == -1 {
		size = int64(len(r.data))
	}
	octal(h[124:136], size)
	octal(h[136:148], max(r.mtime, 1700000000))
	h[156] = r.typ
	copy(h[157:257], r.link)
	magic := r.magic
	if magic == "" {
		magic = "ustar  \x00"
	}
	copy(h[257:265], magic)
	uname, gname := r.uname, r.gname
	if uname == "" {
		uname, gname = "root", "root"
	}
	copy(h[265:297], uname)
	copy(h[297:329], gname)
	octal(h[329:337], r.major)
	octal(h[337:345], r.minor)
	copy(h[345:500], r.prefix)
	copy(h[148:156], "        ")
	sum := 0
	for _, c := range h {
		sum += int(c)
	}
	if r.badSum {
		sum++
	}
	copy(h[148:156], fmt.Sprintf("%06o\x00 ", sum))
	out := h[:]
	if len(r.data) > 0 {
		out = append(out, r.data...)
		out = append(out, make([]byte, (512-len(r.data)%512)%512)...)
	}
	return out
}

func rdir(name string) raw          { return raw{name: name, typ: '5', mode: 0o755} }
func rfile(name, data string) raw   { return raw{name: name, typ: '0', size: -1, data: []byte(data)} }
func rlink(name, target string) raw { return raw{name: name, typ: '2', link: target, mode: 0o777} }
func rhard(name, target string) raw { return raw{name: name, typ: '1', link: target} }

// long is a GNU long name ('L') or link ('K') record for the next entry.
func long(typ byte, s string) raw {
	return raw{name: "././@LongLink", typ: typ, size: -1, data: append([]byte(s), 0)}
}

var endOfArchive = make([]byte, 1024)

// rawTar joins records; the archive ends with two zero records unless tail
// says otherwise.
func rawTar(tail []byte, rs ...raw) []byte {
	var b bytes.Buffer
	for _, r := range rs {
		b.Write(r.block())
	}
	b.Write(tail)
	return b.Bytes()
}

// debWith is tinyDeb's control with a hand-made data archive.
func debWith(data []byte) []byte {
	d := tinyDeb()
	d.ControlFiles = nil
	return debfixture.Ar(debfixture.Member{Name: "debian-binary", Data: []byte("2.0\n")}, d.ControlMember(),
		debfixture.Member{Name: "data.tar", Data: data})
}

// ourList reads a package and returns dpkg's file list as this package
// computes it (File.ListName in unpack order).
func ourListNames(data []byte) ([]string, error) {
	p, err := Open(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	files, err := p.Files()
	var names []string
	for _, f := range files {
		names = append(names, f.ListName)
	}
	return names, err
}

// dpkgUnpack unpacks a package with the real dpkg into a root three
// folders down a temporary folder and returns the file list dpkg recorded.
func dpkgUnpack(t *testing.T, data []byte) ([]string, error) {
	t.Helper()
	top := t.TempDir()
	root := filepath.Join(top, "a", "b", "root")
	for _, d := range []string{"var/lib/dpkg/info", "var/lib/dpkg/updates", "var/lib/dpkg/triggers"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(root, "var/lib/dpkg/status"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	deb := filepath.Join(top, "p.deb")
	if err := os.WriteFile(deb, data, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("dpkg", "--root="+root, "--force-not-root", "--force-bad-path", "--force-unsafe-io",
		"--log=/dev/null", "--unpack", deb)
	cmd.Env = append(os.Environ(), "PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C")
	if out, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("%v: %s", err, out)
	}
	list, err := os.ReadFile(filepath.Join(root, "var/lib/dpkg/info/tiny.list"))
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSuffix(string(list), "\n"), "\n"), nil
}

// dpkg's verdicts where this reader differs from it on purpose.
const (
	same        = ""
	dpkgEscapes = "escape"   // dpkg would write outside its root: not run
	dpkgAccepts = "accepts"  // dpkg unpacks it; refused here (reason in the case)
	dpkgRefuses = "refuses"  // dpkg refuses it; accepted here (reason in the case)
	needRoot    = "needroot" // dpkg needs root for this one
)

// TestDataArchive reads hand-made data archives, well-formed and hostile,
// and checks each against dpkg --unpack: the same verdict and, when both
// accept, the same file list in the same order.
func TestDataArchive(t *testing.T) {
	testtool.Need(t, "dpkg")
	top := rdir("./")
	longName := "./usr/share/" + strings.Repeat("d", 120) + "/" + strings.Repeat("f", 90)
	longTarget := "/" + strings.Repeat("t", 200)
	usr, share := rdir("./usr/"), rdir("./usr/share/")
	symlinkWithData := rlink("./usr/l", "share")
	symlinkWithData.size = 512 // dpkg ignores it: the next header follows at once
	cases := []struct {
		name string
		data []byte
		want string // substring of our error; "" when accepted
		dpkg string // dpkg's verdict differs as said
	}{
		{"plain", rawTar(endOfArchive, top, usr, rfile("./usr/x", "x")), "", same},
		{"absolute-and-bare-names", rawTar(endOfArchive, rdir("/"), rdir("/usr/"), rfile("/usr/x", "x"), rfile("usr/y", "y"), rfile(".//usr/z", "z")), "", same},
		{"gnu-long-names", rawTar(endOfArchive, top, usr, share, long('L', longName[:len(longName)-91]+"/"),
			raw{name: "ignored", typ: '5', mode: 0o755}, long('L', longName), rfile("ignored", "x"),
			long('K', longTarget), rlink("./usr/share/l", "ignored")), "", same},
		{"ustar-prefix", rawTar(endOfArchive, top, usr, share, raw{name: "f", prefix: "./usr/share", typ: '0', size: -1, data: []byte("x"), magic: "ustar\x0000"}), "", same},
		{"base-256-uid", rawTar(endOfArchive, top, raw{name: "./x", typ: '0', size: -1, data: []byte("x"), uidField: []byte{0x80, 0, 0, 0, 0, 0x2d, 0xc6, 0xc0}}), "", same},
		{"hard-link", rawTar(endOfArchive, top, usr, rfile("./usr/x", "data"), rhard("./usr/y", "./usr/x")), "", same},
		{"devices", rawTar(endOfArchive, top, rdir("./dev/"), raw{name: "./dev/null", typ: '3', mode: 0o666, major: 1, minor: 3},
			raw{name: "./dev/sda", typ: '4', mode: 0o660, major: 8}, raw{name: "./dev/fifo", typ: '6'}), "", needRoot},
		{"no-end-records", rawTar(nil, top, rfile("./x", "x")), "", same},
		{"garbage-after-end", rawTar(append(bytes.Clone(endOfArchive), "garbage"...), top, rfile("./x", "x")), "", same},
		{"end-record-with-bad-checksum", rawTar(nil, top, rfile("./x", "x"), raw{badSum: true}), "", same},
		{"dangling-long-name", rawTar(nil, top, rfile("./x", "x"), long('L', "./y")), "", same},
		{"symlink-size-ignored", rawTar(endOfArchive, top, usr, share, symlinkWithData, rfile("./usr/evil", "x")), "", same},
		{"absolute-symlink", rawTar(endOfArchive, top, rlink("./etc", "/etc")), "", same},
		{"bad-checksum", rawTar(endOfArchive, top, raw{name: "./x", typ: '0', badSum: true}), "./x (header at offset 512): invalid tar header checksum", same},
		{"pax-header", rawTar(endOfArchive, top, raw{name: "./PaxHeaders/x", typ: 'x', size: -1, data: []byte("30 path=./y\n")}, rfile("./x", "x")), "unsupported PAX tar header type 'x'", same},
		{"pax-global", rawTar(endOfArchive, top, raw{name: "pax_global_header", typ: 'g', size: -1, data: []byte("30 path=./y\n")}), "unsupported PAX tar header type 'g'", same},
		{"gnu-sparse", rawTar(endOfArchive, top, raw{name: "./x", typ: 'S'}), "unsupported GNU tar header type 'S'", same},
		{"unknown-type", rawTar(endOfArchive, top, raw{name: "./x", typ: 'Z'}), "unknown tar header type 'Z'", same},
		{"contiguous-type", rawTar(endOfArchive, top, raw{name: "./x", typ: '7'}), "unknown tar header type '7'", same},
		{"partial-header", append(rawTar(nil, top), make([]byte, 300)...), "partially read tar header", same},
		{"truncated-content", rawTar(nil, top, raw{name: "./x", typ: '0', size: -1, data: make([]byte, 4096)})[:1024+100], "archive ends", same},
		{"empty-name", rawTar(endOfArchive, top, raw{name: "", typ: '0', uid: 1}), "empty name field", same},
		{"newline-in-name", rawTar(endOfArchive, top, rfile("./x\ny", "x")), "newline not allowed", same},
		{"file-below-symlink", rawTar(endOfArchive, top, rdir("./sub/"), rlink("./a", "sub"), rfile("./a/x", "x")), "/a/x lies below /a, a symbolic link", same},
		{"symlink-above-earlier-file", rawTar(endOfArchive, top, rfile("./a/x", "x"), rlink("./a", "/etc")), "symbolic link /a is a folder of entries", same},
		{"symlink-below-symlink", rawTar(endOfArchive, top, rlink("./a", "/etc"), rlink("./a/b", "x")), "/a/b lies below /a", same},
		{"hard-link-outside", rawTar(endOfArchive, top, rhard("./x", "/etc/passwd")), "hard link to \"/etc/passwd\"", same},
		{"hard-link-to-later", rawTar(endOfArchive, top, rhard("./x", "./y"), rfile("./y", "y")), "hard link to \"./y\"", same},
		{"hard-link-to-dir", rawTar(endOfArchive, top, rdir("./d/"), rhard("./x", "./d")), "hard link to \"./d\"", same},
		{"hard-link-climbing", rawTar(endOfArchive, top, rfile("./y", "y"), rhard("./x", "./../y")), "hard link to \"./../y\"", dpkgEscapes},
		{"dot-dot", rawTar(endOfArchive, top, rfile("./../canary", "x")), "\"..\" path component", dpkgEscapes},
		{"dot-dot-inside", rawTar(endOfArchive, top, usr, rfile("./usr/../../canary", "x")), "\"..\" path component", dpkgEscapes},
		// dpkg records "/usr/./x", "/usr//x" and "/usr" twice in its file
		// list; a name is refused here unless it is clean.
		{"dot-inside", rawTar(endOfArchive, top, usr, rfile("./usr/./x", "x")), "\".\" path component", dpkgAccepts},
		{"double-slash", rawTar(endOfArchive, top, usr, rfile("./usr//x", "x")), "empty path component", dpkgAccepts},
		// dpkg keeps the second copy; which one a build keeps should not
		// depend on that.
		{"duplicate-file", rawTar(endOfArchive, top, rfile("./x", "1"), rfile("./x", "2")), "/x appears twice", dpkgAccepts},
		{"duplicate-dir", rawTar(endOfArchive, top, usr, usr), "/usr appears twice", dpkgAccepts},
		{"symlink-empty-target", rawTar(endOfArchive, top, rlink("./x", "")), "empty target", same},
		// dpkg makes a regular file "/d" of a regular-file entry "./d/".
		{"file-with-slash", rawTar(endOfArchive, top, raw{name: "./d/", typ: '0'}), "name ending in \"/\"", dpkgAccepts},
		{"top-not-folder", rawTar(endOfArchive, rfile(".", "x")), "top folder is not a folder", same},
		// dpkg creates no missing folders: a file whose folder is neither
		// in the archive nor in the root fails. Whether the root has it is
		// for the install stage to check.
		{"missing-parent", rawTar(endOfArchive, top, rfile("./nodir/x", "x")), "", dpkgRefuses},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			deb := debWith(c.data)
			got, err := ourListNames(deb)
			switch {
			case c.want == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case c.want != "" && err == nil:
				t.Fatalf("accepted, want an error with %q", c.want)
			case c.want != "" && !strings.Contains(err.Error(), c.want):
				t.Fatalf("error %q does not say %q", err, c.want)
			}
			if err != nil {
				t.Log(err)
			}
			if c.dpkg == dpkgEscapes || c.dpkg == needRoot && os.Geteuid() != 0 {
				return
			}
			want, dpkgErr := dpkgUnpack(t, deb)
			dpkgOK := dpkgErr == nil
			switch {
			case c.dpkg == dpkgAccepts || c.dpkg == dpkgRefuses:
				if dpkgOK != (c.dpkg == dpkgAccepts) {
					t.Errorf("dpkg no longer %s it: %v", c.dpkg, dpkgErr)
				}
			case dpkgOK != (err == nil):
				t.Errorf("our error %v, dpkg's %v", err, dpkgErr)
			case dpkgOK && strings.Join(got, "\n") != strings.Join(want, "\n"):
				t.Errorf("file list\n%s\ndpkg's\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		})
	}
}
