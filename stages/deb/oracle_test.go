package deb

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/disco-build/disco/internal/testtool"
	"github.com/disco-build/disco/stages/deb/ar"
	"github.com/disco-build/disco/stages/deb/debfixture"
)

// listed is one tar entry as testdata/tarlist.py prints it.
type listed struct {
	Name   string `json:"name"`
	Type   string `json:"type"`
	Mode   uint32 `json:"mode"`
	UID    uint32 `json:"uid"`
	GID    uint32 `json:"gid"`
	Uname  string `json:"uname"`
	Gname  string `json:"gname"`
	Mtime  int64  `json:"mtime"`
	Size   int64  `json:"size"`
	Link   string `json:"link"`
	Major  uint32 `json:"major"`
	Minor  uint32 `json:"minor"`
	SHA256 string `json:"sha256"`
}

func (l listed) String() string {
	b, _ := json.Marshal(l)
	return string(b)
}

func needTools(t *testing.T) { testtool.Need(t, "dpkg-deb", "python3") }

// dpkgList lists a package's data (--fsys-tarfile) or control
// (--ctrl-tarfile) archive through dpkg-deb and Python's tarfile.
func dpkgList(t *testing.T, deb, which string) []listed {
	t.Helper()
	cmd := exec.Command("sh", "-c", `dpkg-deb "$1" "$2" | python3 testdata/tarlist.py`, "sh", which, deb)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("dpkg-deb %s %s: %v\n%s", which, deb, err, stderr.Bytes())
	}
	var l []listed
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var e listed
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatal(err)
		}
		l = append(l, e)
	}
	return l
}

// dpkgOrder reorders an archive listing as dpkg unpacks it: symbolic
// links last.
func dpkgOrder(l []listed) []listed {
	var out, links []listed
	for _, e := range l {
		if e.Type == "symlink" {
			links = append(links, e)
		} else {
			out = append(out, e)
		}
	}
	return append(out, links...)
}

// ourList reads the package's data archive as a listing.
func ourList(t *testing.T, p *Package) []listed {
	t.Helper()
	r, err := p.Payload()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var l []listed
	for i := 0; ; i++ {
		e, err := r.Next()
		if err == io.EOF {
			return l
		}
		if err != nil {
			t.Fatal(err)
		}
		f := e.File
		if f.Index != i {
			t.Fatalf("%s: Index %d at position %d", f.Name, f.Index, i)
		}
		x := listed{Name: f.Name, Mode: f.Perm(), UID: f.UID, GID: f.GID, Uname: f.User, Gname: f.Group,
			Mtime: f.Mtime, Size: f.Size, Major: f.DevMajor, Minor: f.DevMinor}
		switch {
		case e.HardLinkOf != "":
			x.Type, x.Link = "hardlink", e.HardLinkOf
		case f.IsRegular():
			x.Type = "file"
			h := sha256.New()
			if _, err := io.Copy(h, r); err != nil {
				t.Fatal(err)
			}
			x.SHA256 = hex.EncodeToString(h.Sum(nil))
		case f.IsDir():
			x.Type = "dir"
		case f.IsSymlink():
			x.Type, x.Link = "symlink", f.LinkTo
		case f.Type() == ModeChar:
			x.Type = "char"
		case f.Type() == ModeBlock:
			x.Type = "block"
		case f.Type() == ModeFIFO:
			x.Type = "fifo"
		}
		l = append(l, x)
	}
}

// normalizeLinks writes hard-link targets as paths, as File does.
func normalizeLinks(l []listed) []listed {
	for i := range l {
		if l[i].Type == "hardlink" {
			l[i].Link = "/" + skipSlashDot(l[i].Link)
		}
	}
	return l
}

func compareLists(t *testing.T, what string, got, want []listed) {
	t.Helper()
	n := min(len(got), len(want))
	bad := 0
	for i := 0; i < n && bad < 5; i++ {
		if got[i] != want[i] {
			t.Errorf("%s: entry %d:\n got %s\nwant %s", what, i, got[i], want[i])
			bad++
		}
	}
	if len(got) != len(want) {
		t.Errorf("%s: %d entries, dpkg-deb lists %d", what, len(got), len(want))
	}
}

func openFile(t *testing.T, path string) *Package {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	p, err := Open(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	p.XZWorkers = 2 // the kernel image's multi-block member is decoded in parallel
	return p
}

// checkAgainstDpkgDeb compares a package's control files, identity and
// data entries with dpkg-deb's view of it; it returns the number of data
// entries compared.
func checkAgainstDpkgDeb(t *testing.T, path string) int {
	t.Helper()
	p := openFile(t, path)
	show, err := exec.Command("dpkg-deb", "--show", "--showformat=${Package}_${Version}_${Architecture}", path).Output()
	if err != nil {
		t.Fatalf("dpkg-deb --show %s: %v", path, err)
	}
	if id := p.Name() + "_" + p.Version() + "_" + p.Arch(); id != string(show) {
		t.Errorf("%s: package %s, dpkg-deb says %s", path, id, show)
	}
	var ctl []listed
	for _, f := range p.ControlFiles {
		sum := sha256.Sum256(f.Data)
		ctl = append(ctl, listed{Name: "./" + f.Name, Type: "file", Mode: f.Mode, UID: f.UID, GID: f.GID,
			Uname: f.Uname, Gname: f.Gname, Mtime: f.Mtime, Size: int64(len(f.Data)), SHA256: hex.EncodeToString(sum[:])})
	}
	var wantCtl []listed
	for _, e := range dpkgList(t, path, "--ctrl-tarfile") {
		if e.Type != "dir" {
			e.Name = "./" + skipSlashDot(e.Name)
			wantCtl = append(wantCtl, e)
		}
	}
	compareLists(t, filepath.Base(path)+": control", ctl, wantCtl)
	want := normalizeLinks(dpkgOrder(dpkgList(t, path, "--fsys-tarfile")))
	compareLists(t, filepath.Base(path)+": data", ourList(t, p), want)
	return len(want)
}

// TestDpkgDebOracle reads real Debian packages and checks that every
// control file and every data entry (name, type, mode, owner ids and
// names, time, size, link target, device numbers, content SHA-256) is what
// dpkg-deb extracts, in the order dpkg unpacks them.
func TestDpkgDebOracle(t *testing.T) {
	needTools(t)
	names := append([]string(nil), debfixture.CorpusNames...)
	if !testing.Short() {
		names = append(names, debfixture.KernelImage)
	}
	paths := debfixture.Corpus(t, names...)
	entries := 0
	for _, path := range paths {
		entries += checkAgainstDpkgDeb(t, path)
	}
	t.Logf("%d packages, %d data entries agree with dpkg-deb", len(paths), entries)
}

// repack rebuilds a package with other member compressions, keeping the
// archives' bytes.
func repack(t *testing.T, path, controlExt, dataExt string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	a, err := ar.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	var members []debfixture.Member
	for {
		h, err := a.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		raw, err := io.ReadAll(a)
		if err != nil {
			t.Fatal(err)
		}
		base, ext := h.Name, ""
		if i := strings.Index(h.Name, ".tar"); i >= 0 {
			base, ext = h.Name[:i+4], h.Name[i+4:]
		}
		want := map[string]string{"control.tar": controlExt, "data.tar": dataExt}[base]
		if base == "debian-binary" || want == ext {
			members = append(members, debfixture.Member{Name: h.Name, Data: raw})
			continue
		}
		rc, err := decompress(bytes.NewReader(raw), ext)
		if err != nil {
			t.Fatal(err)
		}
		plain, err := io.ReadAll(rc)
		if err != nil {
			t.Fatal(err)
		}
		members = append(members, debfixture.Member{Name: base + want, Data: debfixture.Compress(want, plain)})
	}
	out := filepath.Join(t.TempDir(), fmt.Sprintf("repacked%s%s.deb", controlExt, dataExt))
	if err := os.WriteFile(out, debfixture.Ar(members...), 0o644); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestCompressions repacks real packages with every member compression
// dpkg-deb reads and checks each against dpkg-deb.
func TestCompressions(t *testing.T) {
	needTools(t)
	testtool.Need(t, "bzip2")
	paths := debfixture.Corpus(t, "perl-base", "tzdata")
	for _, path := range paths {
		for _, c := range [][2]string{{"", ""}, {".gz", ".gz"}, {".zst", ".zst"}, {".xz", ".bz2"}, {".gz", ".lzma"}} {
			t.Run(filepath.Base(path)+"/control.tar"+c[0]+"+data.tar"+c[1], func(t *testing.T) {
				re := repack(t, path, c[0], c[1])
				p := openFile(t, re)
				if p.ControlName != "control.tar"+c[0] || p.DataName != "data.tar"+c[1] {
					t.Fatalf("members %s, %s", p.ControlName, p.DataName)
				}
				checkAgainstDpkgDeb(t, re)
			})
		}
	}
}
