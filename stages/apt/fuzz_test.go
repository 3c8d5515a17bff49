package apt

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/disco-build/disco/internal/debtest"
	"github.com/disco-build/disco/stages/debver"
)

// FuzzParsePackages: the index parser never panics, names the file in
// every error, and what it accepts has every required field.
func FuzzParsePackages(f *testing.F) {
	f.Add(testPackages)
	f.Add("Package: a\nVersion: 1\nArchitecture: all\nFilename: a\nSize: 1\nSHA256: " + strings.Repeat("0", 64) + "\nProvides: b (= 1)\nDepends: c:any (>= 1) | d\n")
	f.Fuzz(func(t *testing.T, text string) {
		pkgs, err := ParsePackages(text, "P")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "P:") {
				t.Fatalf("error without file:line: %v", err)
			}
			return
		}
		for _, p := range pkgs {
			if p.Name == "" || p.Version.Upstream == "" || p.Architecture == "" || p.Filename == "" || len(p.SHA256) != 64 {
				t.Fatalf("incomplete package %+v", p)
			}
		}
	})
}

// FuzzRelease: the Release parser and the clearsigned-file splitter never
// panic; errors name the file.
func FuzzRelease(f *testing.F) {
	f.Add("Origin: x\nDate: Sat, 11 Jul 2026 10:16:37 UTC\nSHA256:\n " + strings.Repeat("a", 64) + " 1 main/binary-amd64/Packages\n")
	f.Add("-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\nOrigin: x\n-----BEGIN PGP SIGNATURE-----\n\nAA==\n-----END PGP SIGNATURE-----\n")
	f.Fuzz(func(t *testing.T, text string) {
		if _, err := ParseRelease(text, "R"); err != nil && !strings.HasPrefix(err.Error(), "R") {
			t.Fatalf("error without the file: %v", err)
		}
		cs, err := splitClearsigned("I", text)
		if err != nil && !errors.Is(err, errNotClearsigned) && !strings.Contains(err.Error(), " I ") {
			t.Fatalf("error without the file: %v", err)
		}
		if err == nil {
			kr := &Keyring{}
			kr.verifySignatures("I", cs.signed, cs.signatures, nil, testNow) // must not panic
		}
	})
}

// FuzzPool feeds damaged pool payloads to the reader and decoder: they
// must refuse or decode without panicking, and every lookup must stay in
// range.
func FuzzPool(f *testing.F) {
	pkgs, err := ParsePackages(testPackages+debtest.PackagesText("all", "x 1 y, z | w (<< 2)"), "P")
	if err != nil {
		f.Fatal(err)
	}
	good := bytes.Join(buildPool(pkgs), nil)
	f.Add(good, 0, byte(0))
	f.Fuzz(func(t *testing.T, payload []byte, at int, xor byte) {
		b := bytes.Clone(payload)
		if len(b) > 0 {
			b[uint(at)%uint(len(b))] ^= xor
		}
		enc, err := readPoolEncoding(string(b))
		if err != nil {
			return
		}
		p := newPool(enc)
		var rec ScanRecord
		for i := range p.Len() {
			p.Package(i)
			p.Scan(i, &rec)
		}
		for _, name := range []string{"foo", "libfoo1", "x", "", "nothing"} {
			for _, id := range p.Providers(nil, name) {
				if id < 0 || int(id) >= p.Len() {
					t.Fatalf("id %d out of range", id)
				}
			}
		}
	})
}

// TestPoolRoundTrip: what the pool decodes is what was parsed.
func TestPoolRoundTrip(t *testing.T) {
	text := testPackages + "Package: v\nVersion: 0:1-1\nArchitecture: all\nMulti-Arch: same\nProtected: yes\nSource: s (2)\n" +
		"Provides: p (= 1:2), q\nConflicts: c\nReplaces: r (<< 1)\nEnhances: e\nSuggests: s:any\nRecommends: rr | rs\n" +
		"Filename: f\nSize: 3\nInstalled-Size: 4\nSHA256: " + strings.Repeat("f", 64) + "\nPriority: required\nSection: admin\n"
	pkgs, err := ParsePackages(text, "P")
	if err != nil {
		t.Fatal(err)
	}
	enc, err := readPoolEncoding(string(bytes.Join(buildPool(pkgs), nil)))
	if err != nil {
		t.Fatal(err)
	}
	p := newPool(enc)
	p.Repo = "r"
	for i, want := range pkgs {
		got := p.Package(i)
		want.Repo = "r"
		if got == nil || !equalPackages(got, want) {
			t.Errorf("package %d: decoded %+v, parsed %+v", i, got, want)
		}
	}
	if ids := p.Providers(nil, "p"); len(ids) != 1 || p.Package(int(ids[0])).Name != "v" {
		t.Errorf("providers of p: %v", ids)
	}
	if ids := p.Named(nil, "p"); len(ids) != 0 {
		t.Errorf("packages named p: %v", ids)
	}
}

func equalPackages(a, b *Package) bool {
	return strings.Join(describe(a), "\n") == strings.Join(describe(b), "\n")
}

func describe(p *Package) []string {
	out := []string{p.Name, p.Version.String(), p.Architecture, p.MultiArch, p.Priority, p.Section, p.Source,
		p.SourceVersion.String(), p.Filename, p.SHA256, p.Description, p.Repo}
	out = append(out, strings.Repeat("E", b2i(p.Essential))+strings.Repeat("P", b2i(p.Protected)))
	out = append(out, string(rune(p.Size)), string(rune(p.InstalledSize)))
	for i, l := range relationLists(p) {
		out = append(out, relationFields[i]+": "+formatRel(*l))
	}
	for _, r := range p.Provides {
		out = append(out, "provides "+r.String())
	}
	return out
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func formatRel(l []debver.Alternatives) string { return debver.FormatRelations(l) }
