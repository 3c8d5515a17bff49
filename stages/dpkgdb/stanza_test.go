package dpkgdb

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/disco-build/disco/internal/testtool"
	"github.com/disco-build/disco/stages/deb"
	"github.com/disco-build/disco/stages/deb/debfixture"
	"github.com/disco-build/disco/stages/deb822"
)

// fieldLines writes the named fields of a package's control file as
// Stanza does.
func fieldLines(t *testing.T, p *Package, names []string) string {
	t.Helper()
	var b strings.Builder
	for _, n := range names {
		f := p.Control.Field(n)
		fi, known := lookupField(n)
		if !known {
			b.WriteString(f.Name + ": " + f.Value + "\n")
			continue
		}
		s, err := p.knownField(fi, f)
		if err != nil {
			t.Fatal(err)
		}
		b.WriteString(s)
	}
	return b.String()
}

// TestFieldsAgainstDpkgDeb asks dpkg-deb --field for every field of real
// packages and hand-made ones, which dpkg-deb parses and writes back with
// the functions that write the status file, and compares each with ours.
func TestFieldsAgainstDpkgDeb(t *testing.T) {
	testtool.Need(t, "dpkg-deb")
	var debs [][]byte
	for _, p := range debfixture.Corpus(t, debfixture.CorpusNames...) {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		debs = append(debs, b)
	}
	debs = append(debs, oddDebs()...)
	dir := t.TempDir()
	fields := 0
	for i, data := range debs {
		p, err := deb.Open(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, f := range p.Control.Fields {
			names = append(names, f.Name)
		}
		path := filepath.Join(dir, "p.deb")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command("dpkg-deb", append([]string{"--field", path}, names...)...).Output()
		if err != nil {
			t.Fatalf("package %d (%s): dpkg-deb --field: %v", i, p.ID(), err)
		}
		if got := fieldLines(t, &Package{Control: p.Control}, names); got != string(out) {
			t.Errorf("%s:\n%s", p.ID(), diffLines(got, string(out)))
		}
		fields += len(names)
	}
	t.Logf("%d packages, %d fields written as dpkg-deb writes them", len(debs), fields)
}

func para(t *testing.T, text string) deb822.Paragraph {
	t.Helper()
	s := deb822.NewScanner(text, "control", deb822.Options{})
	if !s.Scan() {
		t.Fatalf("no paragraph: %v", s.Err())
	}
	return s.Paragraph().Clone()
}

// TestStanzaErrors checks the control files dpkg refuses to record.
func TestStanzaErrors(t *testing.T) {
	base := "Package: p\nVersion: 1\nArchitecture: all\n"
	cases := map[string]string{
		"Status: install ok installed\n": "value for 'Status' field not allowed",
		"Conffiles:\n /etc/x 123\n":      "value for 'Conffiles' field not allowed",
		"Revision: 2\n":                  "obsolete 'Revision' field",
		"X: 1\n":                         "user-defined field name 'X' too short",
		"Depends: a,\n":                  "missing package name",
		"Depends: a (>= 1\n":             "version unterminated",
		"Depends: a (>< 1)\n":            "bad version relationship",
		"Depends: _a\n":                  "must start with an alphanumeric",
		"Depends: a (>= 1:)\n":           "nothing after colon",
		"Provides: a | b\n":              "alternatives ('|') not allowed in 'Provides'",
		"Essential: maybe\n":             "boolean (yes/no) 'Essential' field",
		"Multi-Arch: some\n":             "quadstate",
		"Priority: optionalx\n":          "trailing junk",
	}
	for extra, want := range cases {
		_, err := Stanza(&Package{Control: para(t, base+extra)})
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v, want %q", extra, err, want)
		}
	}
}

// TestStatusOrder checks the order of stanzas: by name, then a package
// that needs no architecture qualifier before Multi-Arch: same ones, which
// sort by architecture; and the states and conffile flags dpkg writes.
func TestStatusOrder(t *testing.T) {
	mk := func(name, arch, ma string) *Package {
		c := "Package: " + name + "\nVersion: 1\nArchitecture: " + arch + "\n"
		if ma != "" {
			c += "Multi-Arch: " + ma + "\n"
		}
		return &Package{Control: para(t, c)}
	}
	unpacked := mk("b", "all", "")
	unpacked.State, unpacked.ConfigVersion = "half-configured", "0:0.9"
	unpacked.Conffiles = []Conffile{{Path: "/etc/b", Hash: NewConffile}, {Path: "/etc/old", Hash: "x", Obsolete: true, RemoveOnUpgrade: true}}
	got, err := StatusFile([]*Package{mk("c", "amd64", "same"), mk("a", "amd64", ""), mk("c", "arm64", "same"), unpacked, mk("c", "all", "foreign")})
	if err != nil {
		t.Fatal(err)
	}
	want := `Package: a
Status: install ok installed
Architecture: amd64
Version: 1

Package: b
Status: install ok half-configured
Architecture: all
Version: 1
Config-Version: 0.9
Conffiles:
 /etc/b newconffile
 /etc/old x obsolete remove-on-upgrade

Package: c
Status: install ok installed
Architecture: all
Multi-Arch: foreign
Version: 1

Package: c
Status: install ok installed
Architecture: amd64
Multi-Arch: same
Version: 1

Package: c
Status: install ok installed
Architecture: arm64
Multi-Arch: same
Version: 1

`
	if string(got) != want {
		t.Errorf("status:\n%s", diffLines(string(got), want))
	}
}
