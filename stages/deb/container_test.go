package deb

import (
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/disco-build/disco/internal/testtool"
	"github.com/disco-build/disco/stages/deb/debfixture"
)

// tinyDeb is a valid package with a conffile and a script.
func tinyDeb() debfixture.Deb {
	return debfixture.Deb{
		Fields: [][2]string{{"Package", "tiny"}, {"Version", "1:1.0-1"}, {"Architecture", "all"},
			{"Maintainer", "Nobody <nobody@example.org>"}, {"Description", "tiny test package"}},
		ControlFiles: map[string]string{"conffiles": "/etc/tiny.conf\n", "postinst": "#!/bin/sh\nexit 0\n",
			"md5sums": "d41d8cd98f00b204e9800998ecf8427e  usr/share/tiny/empty\n"},
		Data: []debfixture.Entry{debfixture.Dir("./", 0o755), debfixture.Dir("./etc/", 0o755),
			debfixture.File("./etc/tiny.conf", 0o644, "setting=1\n"), debfixture.Dir("./usr/", 0o755),
			debfixture.Dir("./usr/share/", 0o755), debfixture.Dir("./usr/share/tiny/", 0o755),
			debfixture.File("./usr/share/tiny/empty", 0o644, "")},
	}
}

// readAll opens a package and reads its whole payload; it reports Open's
// and the payload's errors separately.
func readAll(data []byte) (openErr, payloadErr error) {
	p, err := Open(bytes.NewReader(data))
	if err != nil {
		return err, nil
	}
	r, err := p.Payload()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	for {
		if _, err := r.Next(); err != nil {
			if err == io.EOF {
				return nil, nil
			}
			return nil, err
		}
		if _, err := io.Copy(io.Discard, r); err != nil {
			return nil, err
		}
	}
}

// dpkgDeb reports whether dpkg-deb extracts the control archive and the
// data archive of a package.
func dpkgDeb(t *testing.T, data []byte) (controlOK, dataOK bool) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "p.deb")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	run := func(action string) bool {
		return exec.Command("sh", "-c", `dpkg-deb "$1" "$2" | cat >/dev/null && exit "${PIPESTATUS:-0}"`, "sh", action, path).Run() == nil &&
			exec.Command("dpkg-deb", action, path).Run() == nil
	}
	return run("--ctrl-tarfile"), run("--fsys-tarfile")
}

func member(name string, data []byte) debfixture.Member {
	return debfixture.Member{Name: name, Data: data}
}

// TestContainer builds .deb containers dpkg-deb accepts and refuses and
// checks that Open and Payload accept exactly those dpkg-deb extracts both
// archives of, and that refusals name the member at fault.
func TestContainer(t *testing.T) {
	testtool.Need(t, "dpkg-deb")
	d := tinyDeb()
	magic := member("debian-binary", []byte("2.0\n"))
	ctl, dat := d.ControlMember(), d.DataMember()
	good := debfixture.Ar(magic, ctl, dat)
	gnuName := func(m debfixture.Member) debfixture.Member { m.Name += "/"; return m }
	withExt := func(m debfixture.Member, base, ext string) debfixture.Member {
		return member(base+ext, debfixture.Compress(ext, mustDecompress(t, m)))
	}
	cases := []struct {
		name string
		data []byte
		want string // substring of our error; "" when accepted
	}{
		{"good", good, ""},
		{"gnu-names", debfixture.Ar(gnuName(magic), gnuName(ctl), gnuName(dat)), ""},
		{"underscore-members", debfixture.Ar(magic, member("_gpgorigin", []byte("x")), ctl, member("_sig", nil), dat), ""},
		{"members-after-data", debfixture.Ar(magic, ctl, dat, member("zzz", []byte("junk"))), ""},
		{"format-2.1", debfixture.Ar(member("debian-binary", []byte("2.1\n")), ctl, dat), ""},
		{"format-junk-after-newline", debfixture.Ar(member("debian-binary", []byte("2.0\nextra")), ctl, dat), ""},
		{"control-uncompressed", debfixture.Ar(magic, withExt(ctl, "control.tar", ""), dat), ""},
		{"control-gz", debfixture.Ar(magic, withExt(ctl, "control.tar", ".gz"), dat), ""},
		{"control-zst", debfixture.Ar(magic, withExt(ctl, "control.tar", ".zst"), dat), ""},
		{"format-3.0", debfixture.Ar(member("debian-binary", []byte("3.0\n")), ctl, dat), "format version 3.0"},
		{"format-no-newline", debfixture.Ar(member("debian-binary", []byte("2.0")), ctl, dat), "no newlines"},
		{"format-bad", debfixture.Ar(member("debian-binary", []byte("2.x\n")), ctl, dat), "invalid format version"},
		{"no-magic-member", debfixture.Ar(ctl, dat), "not a Debian binary archive"},
		{"underscore-first", debfixture.Ar(member("_x", nil), magic, ctl, dat), "not a Debian binary archive"},
		{"data-before-control", debfixture.Ar(magic, dat, ctl), "premature member data.tar.xz before control.tar"},
		{"two-controls", debfixture.Ar(magic, ctl, withExt(ctl, "control.tar", ".gz"), dat), "two control members"},
		{"control-bz2", debfixture.Ar(magic, withExt(ctl, "control.tar", ".bz2"), dat), "control.tar.bz2 uses unknown compression"},
		{"data-unknown-ext", debfixture.Ar(magic, ctl, member("data.tar.foo", dat.Data)), "data.tar.foo uses unknown compression"},
		{"stray-member", debfixture.Ar(magic, ctl, member("extra", nil), dat), "premature member extra before data.tar"},
		{"no-data", debfixture.Ar(magic, ctl), "no data.tar member"},
		{"not-ar", []byte("!<arch\n" + string(good[8:])), "bad archive magic"},
		{"empty", nil, "empty file"},
		{"bad-fmag", corruptAt(good, 8+58, '#'), "bad header magic"},
		{"bad-size", corruptAt(good, 8+48, 'x'), "invalid character 'x' in size"},
		{"truncated-control", good[:8+60+4+60+len(ctl.Data)/2], "control.tar.xz: archive truncated"},
		{"truncated-data", good[:len(good)-len(dat.Data)/2], "data.tar.xz: archive truncated"},
		{"corrupt-control-xz", debfixture.Ar(magic, member("control.tar.xz", corruptAt(ctl.Data, len(ctl.Data)/2, 0)), dat), "control.tar.xz"},
		{"corrupt-data-xz", debfixture.Ar(magic, ctl, member("data.tar.xz", corruptAt(dat.Data, len(dat.Data)/2, 0))), "package tiny_1.0-1_all: data.tar.xz"},
		{"corrupt-data-gz", debfixture.Ar(magic, ctl, member("data.tar.gz", corruptAt(debfixture.Compress(".gz", mustDecompress(t, dat)), 40, 1))), "data.tar.gz"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			openErr, payloadErr := readAll(c.data)
			err := errors.Join(openErr, payloadErr)
			if err != nil {
				t.Log(err)
			}
			switch {
			case c.want == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case c.want != "" && err == nil:
				t.Fatalf("accepted, want an error with %q", c.want)
			case c.want != "" && !strings.Contains(err.Error(), c.want):
				t.Fatalf("error %q does not say %q", err, c.want)
			case err != nil && !errors.Is(err, ErrFormat):
				t.Errorf("error %q does not wrap ErrFormat", err)
			}
			// dpkg installs a package when dpkg-deb extracts both archives;
			// --ctrl-tarfile stops at the control member, and
			// --fsys-tarfile skips it unread.
			ctlOK, dataOK := dpkgDeb(t, c.data)
			if !ctlOK && openErr == nil {
				t.Errorf("opened, but dpkg-deb --ctrl-tarfile fails")
			}
			if (ctlOK && dataOK) != (err == nil) {
				t.Errorf("error %v, but dpkg-deb --ctrl-tarfile ok: %v, --fsys-tarfile ok: %v", err, ctlOK, dataOK)
			}
		})
	}
}

func mustDecompress(t *testing.T, m debfixture.Member) []byte {
	t.Helper()
	rc, err := decompress(bytes.NewReader(m.Data), m.Name[strings.Index(m.Name, ".tar")+4:])
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func corruptAt(b []byte, i int, c byte) []byte {
	out := bytes.Clone(b)
	out[i] ^= c | 0x55
	if c != 0 {
		out[i] = c
	}
	return out
}

// TestStream reads a package from a reader that cannot seek: the payload
// can be read once.
func TestStream(t *testing.T) {
	data := tinyDeb().Bytes()
	p, err := Open(io.MultiReader(bytes.NewReader(data)))
	if err != nil {
		t.Fatal(err)
	}
	files, err := p.Files()
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 7 {
		t.Errorf("%d files, want 7", len(files))
	}
	if _, err := p.Payload(); err == nil {
		t.Error("second Payload on a stream succeeded")
	}
}
