package apt

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/disco-build/disco/internal/debtest"
	"github.com/disco-build/disco/stages/debver"
)

func TestParsePackages(t *testing.T) {
	text := debtest.PackagesText("amd64", "libfoo1 1.2-3", "foo 1:2.0~rc1-1 libfoo1 (>= 1.2), bar | baz:any") +
		"Package: bar\nVersion: 0:0.9\nArchitecture: all\nMulti-Arch: foreign\nEssential: yes\nSource: barsrc (0.8-1)\n" +
		"Provides: vbar (= 1.0), other\nPre-Depends: dpkg (>= 1.19)\nBreaks: old (<< 2)\nFilename: pool/b.deb\nSize: 5\n" +
		"SHA256: " + strings.Repeat("ab", 32) + "\nDescription: synopsis\n long\n"
	pkgs, err := ParsePackages(text, "Packages")
	if err != nil {
		t.Fatal(err)
	}
	if len(pkgs) != 3 {
		t.Fatalf("%d packages", len(pkgs))
	}
	foo, bar := pkgs[1], pkgs[2]
	if foo.Version.String() != "1:2.0~rc1-1" || debver.FormatRelations(foo.Depends) != "libfoo1 (>= 1.2), bar | baz:any" ||
		foo.Source != "foo" || foo.Size != 1234 || foo.InstalledSize != 10 || foo.Description != "test package foo" {
		t.Errorf("foo = %+v", foo)
	}
	if bar.Version.String() != "0:0.9" || bar.MultiArch != "foreign" || !bar.Essential || bar.Source != "barsrc" ||
		bar.SourceVersion.String() != "0.8-1" || len(bar.Provides) != 2 || bar.Provides[0].Version.String() != "1.0" ||
		debver.FormatRelations(bar.PreDepends) != "dpkg (>= 1.19)" || debver.FormatRelations(bar.Breaks) != "old (<< 2)" {
		t.Errorf("bar = %+v", bar)
	}
}

func TestParsePackagesErrors(t *testing.T) {
	good := "Package: a\nVersion: 1\nArchitecture: amd64\nFilename: pool/a.deb\nSize: 1\nSHA256: " + strings.Repeat("0", 64) + "\n"
	for _, c := range []struct{ edit, want string }{
		{"Version: 1\n=>Version: x1\n", "P:2: package a: Version: version 'x1' has bad syntax: version number does not start with digit"},
		{"Package: a\n=>Package: A\n", "P:1: package A: Package: package name \"A\" must start"},
		{"Size: 1\n=>Size: -1\n", "P:5: package a: Size: bad size"},
		{"Filename: pool/a.deb\n=>Filename: ../a.deb\n", "P:4: package a: Filename: bad path"},
		{"Architecture: amd64\n=>Architecture: amd64\nDepends: b (>= )\n", "P:4: package a: Depends: relation \"b (>= )\": no version"},
		{"Architecture: amd64\n=>Architecture: amd64\nDepends: b [amd64]\n", "P:4: package a: Depends: relation \"b [amd64]\": architecture restriction not allowed here"},
		{"Architecture: amd64\n=>Architecture: amd64\nProvides: b (>= 1)\n", "P:4: package a: Provides: only = is allowed"},
		{"Architecture: amd64\n=>Architecture: amd64\nMulti-Arch: sometimes\n", "P:4: package a: Multi-Arch: unknown Multi-Arch type"},
		{"Architecture: amd64\n=>Architecture: amd64\nEssential: maybe\n", "P:4: package a: Essential: \"maybe\" is not yes or no"},
		{"SHA256: =>SHA256: XY", "P:6: package a: SHA256: bad digest"},
		{"Version: 1\n=>", "P:1: package a: paragraph: no Version field"},
		{"Package: a\n=>Package: a\nVersion: 2\n", "P:3: field Version repeated"},
	} {
		old, new, _ := strings.Cut(c.edit, "=>")
		text := strings.Replace(good, old, new, 1)
		_, err := ParsePackages(text, "P")
		if err == nil || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("%q: error %v, want %q", c.edit, err, c.want)
		}
	}
}

func TestParseRelease(t *testing.T) {
	sum := strings.Repeat("a", 64)
	text := "Origin: Debian\nSuite: stable\nCodename: bookworm\nDate: Sat, 11 Jul 2026 10:16:37 UTC\nValid-Until: Sun, 19 Jul 2026 10:16:37 +0000\n" +
		"Acquire-By-Hash: yes\nNo-Support-for-Architecture-all: Packages\nArchitectures: all amd64\nComponents: main\n" +
		"MD5Sum:\n " + strings.Repeat("b", 32) + " 10 main/binary-amd64/Packages\nSHA256:\n " + sum + " 10 main/binary-amd64/Packages\n " + sum + " 4 main/binary-amd64/Packages.xz\n"
	r, err := ParseRelease(text, "Release")
	if err != nil {
		t.Fatal(err)
	}
	if !r.Date.Equal(time.Date(2026, 7, 11, 10, 16, 37, 0, time.UTC)) || !r.ValidUntil.Equal(time.Date(2026, 7, 19, 10, 16, 37, 0, time.UTC)) ||
		!r.AcquireByHash || !r.StrongHashes || len(r.Files) != 2 || r.Files["main/binary-amd64/Packages"].MD5 == "" ||
		r.Files["main/binary-amd64/Packages.xz"].Size != 4 || r.NoSupportForArchitectureAll[0] != "Packages" {
		t.Errorf("%+v", r)
	}
	for _, bad := range []struct{ edit, want string }{
		{"Valid-Until: Sun, 19 Jul 2026 10:16:37 +0000=>Valid-Until: tomorrow", "Release:5: invalid 'Valid-Until'"},
		{" " + sum + " 10 main=> " + sum + " 11 main", "Release:13: SHA256: main/binary-amd64/Packages: size 11, but 10"},
		{" " + sum + " 4 main=> abc 4 main", "Release:14: SHA256: main/binary-amd64/Packages.xz: bad digest"},
		{" " + sum + " 4 main=> " + sum + " main", "Release:14: SHA256: want \"digest size path\""},
	} {
		old, new, _ := strings.Cut(bad.edit, "=>")
		_, err := ParseRelease(strings.Replace(text, old, new, 1), "Release")
		if err == nil || !strings.HasPrefix(err.Error(), bad.want) {
			t.Errorf("%q: error %v, want %q", bad.edit, err, bad.want)
		}
	}
	for _, d := range []string{"Sun, 06 Nov 1994 08:49:37 GMT", "Sun Nov  6 08:49:37 1994", "sun, 6 nov 1994 08:49:37 Z"} {
		if got, err := parseDate(d); err != nil || !got.Equal(time.Date(1994, 11, 6, 8, 49, 37, 0, time.UTC)) {
			t.Errorf("parseDate(%q) = %v, %v", d, got, err)
		}
	}
	for _, d := range []string{"", "Sunday 06 Nov 1994", "Sun, 06 Nov 1994 08:49:37 CET", "Sun, 06 Nov 1994 08:49:37 +0100", "Xyz, 06 Nov 1994 08:49:37 GMT"} {
		if _, err := parseDate(d); err == nil {
			t.Errorf("parseDate(%q) accepted", d)
		}
	}
}

func TestSplitClearsigned(t *testing.T) {
	sig := "-----BEGIN PGP SIGNATURE-----\n\nAAAA\n-----END PGP SIGNATURE-----\n"
	good := "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\nOrigin: x  \n- -dash\nLabel: y\r\n" + sig
	c, err := splitClearsigned("InRelease", good)
	if err != nil || c.text != "Origin: x\n-dash\nLabel: y" || string(c.signed) != "Origin: x\r\n-dash\r\nLabel: y" || !strings.HasPrefix(c.signatures, "-----BEGIN PGP SIGNATURE-----\n") {
		t.Fatalf("%+v %v", c, err)
	}
	if _, err := splitClearsigned("InRelease", good+sig); err != nil {
		t.Errorf("two signature blocks: %v", err)
	}
	if _, err := splitClearsigned("Release", "Origin: x\n"); !errors.Is(err, errNotClearsigned) {
		t.Errorf("unsigned file: %v", err)
	}
	for _, c := range []struct{ doc, want string }{
		{"junk\n" + good, "does not start with a signed message block"},
		{good + "Origin: evil\n", "contains unsigned lines"},
		{good + "\n", "contains unsigned lines"},
		{strings.Replace(good, "Hash: SHA512", "-Hash: SHA512", 1), "unexpected line starting with a dash (armor)"},
		{strings.Replace(good, "- -dash", "-dash", 1), "unexpected line starting with a dash (msg)"},
		{strings.Replace(good, "AAAA", "-AAAA", 1), "unexpected line starting with a dash (sig)"},
		{strings.TrimSuffix(good, "-----END PGP SIGNATURE-----\n"), "wasn't closed"},
		{"-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\nOrigin: x\n", "doesn't contain all expected parts"},
	} {
		if _, err := splitClearsigned("InRelease", c.doc); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: error %v, want %q", c.doc, err, c.want)
		}
	}
}

func TestKeyringFiles(t *testing.T) {
	k := testKeys(t)["ed"]
	dir := t.TempDir()
	bin, asc := filepath.Join(dir, "k.gpg"), filepath.Join(dir, "k.asc")
	debtest.WriteKeyring(t, bin, k, testKeys(t)["rsa"])
	debtest.WriteKeyring(t, asc, k)
	kr, err := LoadKeyring(bin, asc)
	if err != nil || kr.Len() != 3 {
		t.Fatalf("%v, %d keys", err, kr.Len())
	}
	only, err := kr.Only(strings.ToLower(k.Fingerprint()))
	if err != nil || only.Len() != 1 || only.Fingerprints()[0] != k.Fingerprint() {
		t.Fatalf("Only: %v %v", only, err)
	}
	if _, err := kr.Only("0123456789ABCDEF0123456789ABCDEF01234567"); err == nil {
		t.Error("Only found a key that is not there")
	}
	// apt reads .asc as armored and anything else as binary.
	wrong := filepath.Join(dir, "armored.gpg")
	b, _ := os.ReadFile(asc)
	os.WriteFile(wrong, b, 0o644)
	if _, err := LoadKeyring(wrong); err == nil || !strings.Contains(err.Error(), "apt would ignore") {
		t.Errorf("armored .gpg: %v", err)
	}
	wrong = filepath.Join(dir, "binary.asc")
	b, _ = os.ReadFile(bin)
	os.WriteFile(wrong, b, 0o644)
	if _, err := LoadKeyring(wrong); err == nil || !strings.Contains(err.Error(), "apt would ignore") {
		t.Errorf("binary .asc: %v", err)
	}
}

// TestCacheDamage damages a cached pool: a flipped byte fails the CRC and a
// consistent but garbled payload fails to decode; either way LoadPool
// parses the index again instead of trusting the file.
func TestCacheDamage(t *testing.T) {
	sc := scenarios[0]
	archive, kr := sc.setup(t)
	cacheDir := t.TempDir()
	loadWith := func() *Pool {
		t.Helper()
		k, _ := LoadKeyring(kr)
		s, err := OpenSuite(t.Context(), Repository{Name: "test", URIs: []string{archive}, Suite: "stable", Keyring: k}, dirFetcher{}, testNow)
		if err != nil {
			t.Fatal(err)
		}
		idx, _ := s.PackagesIndexes("main", "amd64", nil)
		p, err := LoadPool(t.Context(), s, idx[0], dirFetcher{}, NewCache(cacheDir))
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	if p := loadWith(); p.Cached {
		t.Fatal("first load came from the cache")
	}
	if p := loadWith(); !p.Cached || p.Package(1).Name != "foo" {
		t.Fatal("second load did not come from the cache")
	}
	files, _ := filepath.Glob(filepath.Join(cacheDir, "packages-*.pool"))
	if len(files) != 1 {
		t.Fatalf("cache files %v", files)
	}
	b, _ := os.ReadFile(files[0])
	b[len(b)-3] ^= 1
	os.WriteFile(files[0], b, 0o644)
	if p := loadWith(); p.Cached || p.Package(1).Name != "foo" {
		t.Fatal("a damaged cache file was trusted")
	}
	if p := loadWith(); !p.Cached {
		t.Fatal("the damaged cache file was not rewritten")
	}
}

// dirFetcher reads a repository in a local folder, checking nothing
// itself: LoadPool must.
type dirFetcher struct{}

func (dirFetcher) Get(_ context.Context, base, path string) ([]byte, error) {
	return os.ReadFile(filepath.Join(base, path))
}

func (dirFetcher) Open(_ context.Context, bases, paths []string, _ string, _ int64) (io.ReadCloser, error) {
	var err error
	for _, p := range paths {
		var f *os.File
		if f, err = os.Open(filepath.Join(bases[0], p)); err == nil {
			return f, nil
		}
	}
	return nil, err
}

// TestStreamLines: an index parsed in parts while it is decompressed
// reports errors at the line of the whole file, and loads whole.
func TestStreamLines(t *testing.T) {
	var specs []string
	for i := range 30000 {
		specs = append(specs, fmt.Sprintf("pkg%d 1.%d dep%d (>= 1)", i, i, i))
	}
	text := debtest.PackagesText("amd64", specs...)
	if len(text) < 2*(4<<20) {
		t.Fatalf("index of %d bytes: too small to span parts", len(text))
	}
	load := func(text string) (*Pool, error) {
		k := testKeys(t)["ed"]
		a := &debtest.Archive{Dir: filepath.Join(t.TempDir(), "a"), Packages: map[string]string{"main/binary-amd64": text}, Compressions: []string{"", "gz"}}
		a.SignInRelease(t, a.Write(t), k)
		kf := filepath.Join(t.TempDir(), "k.gpg")
		debtest.WriteKeyring(t, kf, k)
		kr, _ := LoadKeyring(kf)
		s, err := OpenSuite(t.Context(), Repository{Name: "big", URIs: []string{a.Dir}, Suite: "stable", Keyring: kr}, dirFetcher{}, testNow)
		if err != nil {
			t.Fatal(err)
		}
		idx, _ := s.PackagesIndexes("main", "amd64", nil)
		return LoadPool(t.Context(), s, idx[0], dirFetcher{}, nil)
	}
	p, err := load(text)
	if err != nil || p.Len() != 30000 || p.Package(29999).Name != "pkg29999" || len(p.Named(nil, "pkg12345")) != 1 {
		t.Fatalf("%v", err)
	}
	bad := strings.Replace(text, "Version: 1.25000\n", "Version: x\n", 1)
	want := 1 + strings.Count(bad[:strings.Index(bad, "Version: x\n")], "\n")
	_, err = load(bad)
	if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("dists/stable/main/binary-amd64/Packages.gz:%d: package pkg25000: Version:", want)) {
		t.Fatalf("error %v, want line %d", err, want)
	}
}

// TestScanMatchesPackage checks Scan against the full decode.
func TestScanMatchesPackage(t *testing.T) {
	pkgs, err := ParsePackages(`Package: foo
Version: 1:2.0-1
Architecture: amd64
Multi-Arch: allowed
Essential: yes
Priority: required
Depends: libc6 (>= 2.34), bar:any | baz
Pre-Depends: dpkg
Conflicts: old
Provides: virt (= 1), other
Filename: pool/f/foo.deb
Size: 1
SHA256: 0000000000000000000000000000000000000000000000000000000000000000
Description: x

Package: bar
Version: 1
Architecture: all
Filename: pool/b/bar.deb
Size: 1
SHA256: 0000000000000000000000000000000000000000000000000000000000000000
Description: y
`, "Packages")
	if err != nil {
		t.Fatal(err)
	}
	p := poolOf(t, pkgs)
	var rec ScanRecord
	for i := range p.Len() {
		if !p.Scan(i, &rec) {
			t.Fatalf("package %d: Scan failed", i)
		}
		pk := p.Package(i)
		if rec.Name != pk.Name || rec.Architecture != pk.Architecture || rec.MultiArch != pk.MultiArch ||
			rec.Priority != pk.Priority || rec.Essential != pk.Essential {
			t.Fatalf("Scan %+v, Package %v", rec, pk)
		}
		var want []NameRef
		for f, l := range relationLists(pk) {
			for _, alts := range *l {
				for _, r := range alts {
					want = append(want, NameRef{uint8(f), r.Name, r.ArchQual, r.Op})
				}
			}
		}
		for _, r := range pk.Provides {
			want = append(want, NameRef{ProvidesField, r.Name, r.ArchQual, r.Op})
		}
		if fmt.Sprint(want) != fmt.Sprint(rec.Refs) {
			t.Fatalf("%s: Scan refs %v, want %v", pk.Name, rec.Refs, want)
		}
	}
	if p.Scan(p.Len(), &rec) || p.Scan(-1, &rec) {
		t.Fatal("Scan out of range succeeded")
	}
}

func poolOf(t *testing.T, pkgs []*Package) *Pool {
	t.Helper()
	enc, err := readPoolEncoding(string(bytes.Join(buildPool(pkgs), nil)))
	if err != nil {
		t.Fatal(err)
	}
	return newPool(enc)
}
