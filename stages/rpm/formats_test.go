package rpm

import (
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/disco-build/disco/internal/rpmtest"
	"github.com/disco-build/disco/internal/testtool"
)

// synthFormat builds a two-file package of the given format
// (rpmtest.Synth: rpm 3, rpmbuild 4.18's layout, rpm 6) into a temp dir.
func synthFormat(t *testing.T, format int) string {
	t.Helper()
	s := rpmtest.Synth{Name: "fmt", Version: "1", Release: "1", Arch: "noarch", Format: format,
		Files: map[string]string{"/usr/share/fmt/a": "alpha\n", "/usr/share/fmt/b": strings.Repeat("b", 5000)}}
	path, err := s.Write(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return path
}

// rpmChecksig runs the host's "rpmkeys --checksig --nosignature" (digests
// only, as rpm checks them before installing) and reports whether rpm
// found them all good.
func rpmChecksig(t *testing.T, path string) (bool, string) {
	t.Helper()
	testtool.Need(t, "rpmkeys")
	cmd := exec.Command("rpmkeys", "--checksig", "--nosignature", "-v", path)
	cmd.Env = append(os.Environ(), "LC_ALL=C")
	out, err := cmd.CombinedOutput()
	return err == nil && !bytes.Contains(out, []byte("BAD")), string(out)
}

// TestFormatsVerify reads and verifies each package format; the host's
// rpm reads the same bytes the same way and finds the same digests good.
// An rpm 6 package has no PAYLOADDIGESTALGO, which rpm reads as SHA-256:
// it used to fail with "unsupported digest algorithm 0".
func TestFormatsVerify(t *testing.T) {
	want := map[int][]string{
		3: {"MD5"},
		4: {"SHA256HEADER", "PAYLOADSHA256"},
		6: {"SHA256HEADER", "SHA3_256HEADER", "PAYLOADSHA256", "PAYLOADSHA512", "PAYLOADSHA3_256"},
	}
	for _, format := range []int{3, 4, 6} {
		t.Run(string(rune('0'+format)), func(t *testing.T) {
			path := synthFormat(t, format)
			if ok, out := rpmChecksig(t, path); !ok {
				t.Fatalf("rpm finds the synthetic package bad:\n%s", out)
			}
			got := rpmQuery(t, path, "--qf", "%{NEVRA} %{PAYLOADDIGEST}\n")
			p := openFile(t, path)
			if w := p.NEVRA() + " " + p.PayloadDigest() + "\n"; format != 3 && got != w {
				t.Errorf("rpm -qp says %q, we read %q", got, w)
			}
			ok, err := p.Verify()
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, d := range ok {
				names = append(names, d.Name)
			}
			if !slices.Equal(names, want[format]) {
				t.Errorf("verified %v, want %v", names, want[format])
			}
			w, err := walkPayload(t, p)
			if err != io.EOF || string(w.contents["/usr/share/fmt/a"]) != "alpha\n" || len(w.contents["/usr/share/fmt/b"]) != 5000 {
				t.Errorf("payload: %v, %d files", err, len(w.contents))
			}
			if got := rpmQuery(t, path, "-l"); got != "/usr/share/fmt/a\n/usr/share/fmt/b\n" {
				t.Errorf("rpm -qlp: %q", got)
			}
		})
	}
}

// TestFormatsCorrupt changes one byte of the header, then of the payload:
// rpm finds a digest BAD (even with signature checking off), and Verify
// names the digest with the expected and actual values.
func TestFormatsCorrupt(t *testing.T) {
	for _, c := range []struct {
		format int
		where  string
		digest string
	}{
		{3, "header", "MD5"}, {3, "payload", "MD5"},
		{4, "header", "SHA256HEADER"}, {4, "payload", "PAYLOADSHA256"},
		{6, "header", "SHA256HEADER"}, {6, "payload", "PAYLOADSHA256"},
	} {
		t.Run(string(rune('0'+c.format))+"-"+c.where, func(t *testing.T) {
			path := synthFormat(t, c.format)
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			p := openFile(t, path)
			at := int(p.PayloadOffset) + (len(data)-int(p.PayloadOffset))/2
			if c.where == "header" {
				at = bytes.Index(data, []byte("written byte by byte")) // the description
			}
			data[at] ^= 0x20
			bad := filepath.Join(t.TempDir(), "bad.rpm")
			if err := os.WriteFile(bad, data, 0o644); err != nil {
				t.Fatal(err)
			}
			if ok, out := rpmChecksig(t, bad); ok {
				t.Errorf("rpm finds the damaged package good:\n%s", out)
			}
			_, err = openFile(t, bad).Verify()
			var de *DigestError
			if !errors.As(err, &de) || !errors.Is(err, ErrDigest) || de.Digest.Name != c.digest || de.Got == de.Digest.Want ||
				!strings.Contains(err.Error(), "fmt-1-1.noarch") || !strings.Contains(err.Error(), de.Digest.Want) {
				t.Fatalf("Verify: %v, want %s mismatch naming the package and values", err, c.digest)
			}
			t.Log(err)
		})
	}
}

// TestFormatsSHA3: in an rpm 6 package whose SHA-256 header digest is
// right, a wrong SHA3-256 one is found. (The payload digests sit in the
// main header, so changing one is caught by the header digests first.)
func TestFormatsSHA3(t *testing.T) {
	path := synthFormat(t, 6)
	p := openFile(t, path)
	for _, c := range []struct {
		name string
		want string
	}{
		{"SHA3_256HEADER", p.Signature.String(SigTagSHA3_256)},
		{"SHA256HEADER", p.Header.String(TagPayloadSHA3_256)},
	} {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		i := bytes.Index(data, []byte(c.want))
		if i < 0 || c.want == "" {
			t.Fatalf("%s not found", c.name)
		}
		data[i] ^= 1 // '0'..'9' <-> another hex digit or '1'..'8'; still a digest of the same length
		q, err := Open(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		_, err = q.Verify()
		var de *DigestError
		if !errors.As(err, &de) || de.Digest.Name != c.name {
			t.Errorf("%s changed: %v", c.name, err)
		}
	}
}
