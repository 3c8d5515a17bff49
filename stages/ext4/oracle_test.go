package ext4

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/disco-build/disco/internal/testtool"
)

// This file holds the e2fsprogs oracle helpers: build an image, check it
// with e2fsck, and compare what debugfs reads back with the entries.

func testOpts() Options {
	return Options{
		UUID:     [16]byte{0x6f, 0x1c, 0x0a, 0x7e, 0x1d, 0x2b, 0x4c, 0x3d, 0x9e, 0x8f, 1, 0x23, 0x45, 0x67, 0x89, 0xab},
		HashSeed: [16]byte{0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12},
		Label:    "root",
		Epoch:    1700000000,
	}
}

func writeImage(t testing.TB, entries []Entry, opts Options) string {
	t.Helper()
	img := filepath.Join(t.TempDir(), "fs.img")
	f, err := os.Create(img)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := Write(f, entries, opts); err != nil {
		t.Fatalf("Write: %v", err)
	}
	return img
}

// fsck runs e2fsck -fn and fails on any problem it reports.
func fsck(t testing.TB, img string) {
	t.Helper()
	out, err := exec.Command("e2fsck", "-fn", img).CombinedOutput()
	if err != nil {
		t.Fatalf("e2fsck -fn: %v\n%s", err, out)
	}
}

// debugfs runs a command script and returns each command's output.
func debugfs(t testing.TB, img string, cmds []string) []string {
	t.Helper()
	script := filepath.Join(t.TempDir(), "cmds")
	if err := os.WriteFile(script, []byte(strings.Join(cmds, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("debugfs", "-f", script, img).Output()
	out = append([]byte("\n"), out...)
	if err != nil {
		t.Fatalf("debugfs: %v", err)
	}
	var parts []string
	for _, sec := range strings.Split(string(out), "\ndebugfs: ")[1:] {
		_, body, _ := strings.Cut(sec, "\n") // drop the echoed command
		parts = append(parts, body)
	}
	if len(parts) != len(cmds) {
		t.Fatalf("debugfs answered %d of %d commands:\n%s", len(parts), len(cmds), out)
	}
	return parts
}

var (
	reType  = regexp.MustCompile(`Inode: (\d+)\s+Type: ([a-zA-Z ]+?)\s+Mode:\s+(\d+)`)
	reOwner = regexp.MustCompile(`User:\s+(\d+)\s+Group:\s+(\d+).*Size: (\d+)`)
	reLinks = regexp.MustCompile(`Links: (\d+)`)
	reMtime = regexp.MustCompile(`\n mtime: 0x([0-9a-f]+):([0-9a-f]+)`)
	reDev   = regexp.MustCompile(`Device major/minor number: (\d+):(\d+)`)
	reFast  = regexp.MustCompile(`Fast link dest: "(.*)"`)
	reEA    = regexp.MustCompile(`(?m)^  \S+ \(\d+\)`)
)

var typeNames = map[uint32]string{
	S_IFREG: "regular", S_IFDIR: "directory", S_IFLNK: "symlink", S_IFCHR: "character special",
	S_IFBLK: "block special", S_IFIFO: "FIFO", S_IFSOCK: "socket",
}

func atoi(t testing.TB, s string) int64 {
	base := 10
	if h, ok := strings.CutPrefix(s, "0x"); ok {
		s, base = h, 16
	} else if len(s) > 1 && s[0] == '0' && s[1] == 'o' {
		s, base = s[2:], 8
	}
	n, err := strconv.ParseInt(s, base, 64)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// verifyTree checks every entry (and every directory listing) that
// debugfs reads from img against entries.
func verifyTree(t *testing.T, img string, entries []Entry) {
	t.Helper()
	byPath := map[string]*Entry{}
	names := map[string]int{} // canonical path -> number of names
	kids := map[string][]string{"/": {"lost+found"}}
	for i := range entries {
		e := &entries[i]
		byPath[e.Path] = e
	}
	canon := func(e *Entry) *Entry {
		for e.Link != "" {
			e = byPath[e.Link]
		}
		return e
	}
	for _, e := range entries {
		names[canon(&e).Path]++
		for p := e.Path; p != "/"; p = path.Dir(p) {
			d := path.Dir(p)
			if !slices.Contains(kids[d], path.Base(p)) {
				kids[d] = append(kids[d], path.Base(p))
			}
		}
	}
	dump := t.TempDir()
	var cmds []string
	type check func(out string)
	var checks []check
	add := func(cmd string, c check) { cmds = append(cmds, cmd); checks = append(checks, c) }
	inodeOf := map[string]string{}
	for i, e := range entries {
		c := canon(&e)
		want := *c
		add("stat "+dq(e.Path), func(out string) { checkStat(t, e.Path, out, &want, names[c.Path], inodeOf) })
		switch {
		case want.Mode&S_IFMT == S_IFREG || (want.Mode&S_IFMT == S_IFLNK && len(want.Target) >= 60):
			f := filepath.Join(dump, strconv.Itoa(i))
			add("dump "+dq(e.Path)+" "+f, func(string) { checkContent(t, e.Path, f, &want) })
		}
		add("ea_list "+dq(e.Path), func(out string) {
			if n := len(reEA.FindAllString(out, -1)); n != len(want.Xattrs) {
				t.Errorf("%s: %d xattrs listed, want %d:\n%s", e.Path, n, len(want.Xattrs), out)
			}
		})
		for _, k := range sortedKeys(want.Xattrs) {
			f := filepath.Join(dump, fmt.Sprintf("%d.%s", i, k))
			add("ea_get -f "+f+" "+dq(e.Path)+" "+k, func(string) {
				got, err := os.ReadFile(f)
				if err != nil || !bytes.Equal(got, want.Xattrs[k]) {
					t.Errorf("%s: xattr %s = %q (%v), want %q", e.Path, k, got, err, want.Xattrs[k])
				}
			})
		}
	}
	for _, d := range sortedKeys(kids) {
		add("ls -p "+dq(d), func(out string) { checkListing(t, d, out, kids[d]) })
	}
	for i, out := range debugfs(t, img, cmds) {
		checks[i](out)
	}
}

// dq quotes a path for debugfs, which takes the bytes between double
// quotes as they are.
func dq(p string) string { return `"` + p + `"` }

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func checkStat(t *testing.T, p, out string, want *Entry, links int, inodeOf map[string]string) {
	t.Helper()
	m := reType.FindStringSubmatch(out)
	if m == nil {
		t.Errorf("%s: no inode:\n%s", p, out)
		return
	}
	if prev, ok := inodeOf[want.Path]; ok && prev != m[1] {
		t.Errorf("%s: inode %s, but its link target has inode %s", p, m[1], prev)
	}
	inodeOf[want.Path] = m[1]
	if m[2] != typeNames[want.Mode&S_IFMT] || atoi(t, "0o"+m[3]) != int64(want.Mode&0o7777) {
		t.Errorf("%s: type %q mode %s, want %q %#o", p, m[2], m[3], typeNames[want.Mode&S_IFMT], want.Mode&0o7777)
	}
	o := reOwner.FindStringSubmatch(out)
	size := want.Size
	if want.Mode&S_IFMT == S_IFLNK {
		size = int64(len(want.Target))
	}
	if want.Mode&S_IFMT == S_IFDIR {
		size = atoi(t, o[3]) // checked by e2fsck
	}
	if atoi(t, o[1]) != int64(want.UID) || atoi(t, o[2]) != int64(want.GID) || atoi(t, o[3]) != size {
		t.Errorf("%s: uid %s gid %s size %s, want %d %d %d", p, o[1], o[2], o[3], want.UID, want.GID, size)
	}
	if want.Mode&S_IFMT != S_IFDIR {
		if l := reLinks.FindStringSubmatch(out); atoi(t, l[1]) != int64(links) {
			t.Errorf("%s: %s links, want %d", p, l[1], links)
		}
	}
	mt := reMtime.FindStringSubmatch(out)
	sec := int64(int32(uint32(atoi(t, "0x"+mt[1])))) + (atoi(t, "0x"+mt[2])&3)<<32
	if sec != want.Mtime {
		t.Errorf("%s: mtime %d, want %d", p, sec, want.Mtime)
	}
	switch want.Mode & S_IFMT {
	case S_IFCHR, S_IFBLK:
		d := reDev.FindStringSubmatch(out)
		if d == nil || atoi(t, d[1]) != int64(want.Major) || atoi(t, d[2]) != int64(want.Minor) {
			t.Errorf("%s: device %v, want %d:%d", p, d, want.Major, want.Minor)
		}
	case S_IFLNK:
		if len(want.Target) < 60 {
			if f := reFast.FindStringSubmatch(out); f == nil || f[1] != want.Target {
				t.Errorf("%s: fast link %v, want %q", p, f, want.Target)
			}
		}
	}
}

func checkContent(t *testing.T, p, file string, want *Entry) {
	t.Helper()
	got, err := os.Open(file)
	if err != nil {
		t.Errorf("%s: not dumped: %v", p, err)
		return
	}
	defer got.Close()
	h := sha256.New()
	n, _ := io.Copy(h, got)
	var r io.Reader = strings.NewReader(want.Target)
	if want.Mode&S_IFMT == S_IFREG && want.Size > 0 {
		rc, err := want.Open()
		if err != nil {
			t.Fatal(err)
		}
		defer rc.Close()
		r = rc
	} else if want.Mode&S_IFMT == S_IFREG {
		r = strings.NewReader("")
	}
	w := sha256.New()
	wn, _ := io.Copy(w, r)
	if n != wn || !bytes.Equal(h.Sum(nil), w.Sum(nil)) {
		t.Errorf("%s: content differs (%d bytes read back, %d written)", p, n, wn)
	}
}

func checkListing(t *testing.T, d, out string, want []string) {
	t.Helper()
	var got []string
	for _, line := range strings.Split(out, "\n") {
		f := strings.Split(line, "/")
		if len(f) < 7 || f[5] == "" || f[5] == "." || f[5] == ".." {
			continue
		}
		got = append(got, f[5])
	}
	slices.Sort(got)
	want = slices.Sorted(slices.Values(want))
	if !slices.Equal(got, want) {
		t.Errorf("%s lists %q, want %q", d, got, want)
	}
}

func needOracle(t testing.TB) {
	testtool.Need(t, "e2fsck", "debugfs", "dumpe2fs")
}
