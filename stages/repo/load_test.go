package repo_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/disco-build/disco/stages/repo"
	"github.com/disco-build/disco/stages/repo/repotest"
)

// TestLoadXMLBase: createrepo_c --baseurl puts xml:base on every package
// location; the loader keeps it.
func TestLoadXMLBase(t *testing.T) {
	rd := makeRepo(t, "--baseurl=http://pkgs.example/base/")
	r, err := loadDir(t, "based", rd, repo.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range r.Packages {
		if p.LocationBase != "http://pkgs.example/base/" || !strings.HasSuffix(p.Location, ".rpm") {
			t.Errorf("%s: base %q location %q", p.Name, p.LocationBase, p.Location)
		}
	}
}

// TestLoadMetadataXMLBase: a repomd <location xml:base=...> sends the
// loader to that place for the file.
func TestLoadMetadataXMLBase(t *testing.T) {
	other := t.TempDir()
	if err := repotest.WriteRepo(other, repotest.Spec{Packages: 3}); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	prim, _ := os.ReadFile(filepath.Join(other, "repodata/primary.xml.gz"))
	err := repotest.WriteRepoMD(dir, []repotest.File{
		{Type: "primary", Name: "primary.xml.gz", Content: prim, Base: "file://" + other},
	})
	if err != nil {
		t.Fatal(err)
	}
	os.Remove(filepath.Join(dir, "repodata/primary.xml.gz")) // only the xml:base copy exists
	r, err := loadDir(t, "elsewhere", dir, repo.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Packages) != 3 {
		t.Errorf("%d packages", len(r.Packages))
	}
}

// TestLoadChecksumMismatch corrupts primary.xml.gz after createrepo_c: the
// error is a *ChecksumError naming the repo and the file.
func TestLoadChecksumMismatch(t *testing.T) {
	rd := makeRepo(t, "--general-compress-type=gz")
	files, _ := filepath.Glob(filepath.Join(rd, "repodata/*-primary.xml.gz"))
	if len(files) != 1 {
		t.Fatalf("primary files: %q", files)
	}
	data, _ := os.ReadFile(files[0])
	data[len(data)/2] ^= 0x55
	os.WriteFile(files[0], data, 0o644)
	_, err := loadDir(t, "broken-repo", rd, repo.Options{})
	var ce *repo.ChecksumError
	if !errors.As(err, &ce) || ce.RepoID != "broken-repo" || !strings.Contains(err.Error(), filepath.Base(files[0])) {
		t.Fatalf("error %v, want a checksum error naming broken-repo and %s", err, filepath.Base(files[0]))
	}
}

// writeOneFileRepo makes a repository whose primary.xml is content
// (stored uncompressed), with a correct checksum.
func writeOneFileRepo(t *testing.T, content string) string {
	dir := t.TempDir()
	err := repotest.WriteRepoMD(dir, []repotest.File{{Type: "primary", Name: "primary.xml", Content: []byte(content)}})
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestLoadBadXML: truncated or garbled primary.xml (with matching
// checksums) gives an error naming the repo, file and line.
func TestLoadBadXML(t *testing.T) {
	var full bytes.Buffer
	repotest.WritePrimary(&full, repotest.Spec{Packages: 4})
	good := full.String()
	for name, tc := range map[string]struct{ xml, want string }{
		"truncated":   {good[:len(good)*2/3], "unexpected end of file in a start tag inside <rpm:provides>"},
		"mismatched":  {strings.Replace(good, "</name>", "</nam>", 1), "end tag </nam> does not match <name>"},
		"bad entity":  {strings.Replace(good, "&lt;", "&lx;", 1), "unknown entity &lx;"},
		"bad flags":   {strings.Replace(good, `flags="GE"`, `flags="GQ"`, 1), `unknown dependency flags "GQ"`},
		"bad count":   {strings.Replace(good, `packages="4"`, `packages="5"`, 1), "declares 5 packages but holds 4"},
		"not xml":     {"<html>Not found</html>", "document element is <html>, want <metadata>"},
		"empty":       {"", "empty document"},
		"unquoted":    {strings.Replace(good, `epoch="0"`, `epoch=0`, 1), "is not quoted"},
		"bad epoch":   {strings.Replace(good, `epoch="0"`, `epoch="x"`, 1), `epoch "x" is not`},
		"no name":     {strings.Replace(good, "<name>alpha-alpha0</name>", "", 1), "package without name"},
		"stray text":  {good + "junk", "text outside the document element"},
		"open at end": {strings.TrimSuffix(good, "</metadata>\n"), "unexpected end of file inside <metadata>"},
	} {
		t.Run(name, func(t *testing.T) {
			dir := writeOneFileRepo(t, tc.xml)
			_, err := loadDir(t, "r1", dir, repo.Options{})
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "repo r1: repodata/primary.xml") {
				t.Fatalf("error %v, want one naming the repo, file and %q", err, tc.want)
			}
		})
	}
}

// TestLoadTruncatedGzip: a truncated compressed file whose repomd matches
// is a clear error, not a short package list.
func TestLoadTruncatedGzip(t *testing.T) {
	var full bytes.Buffer
	repotest.WritePrimary(&full, repotest.Spec{Packages: 50})
	gz := repotest.Gzip(full.Bytes())
	dir := t.TempDir()
	repotest.WriteRepoMD(dir, []repotest.File{{Type: "primary", Name: "primary.xml.gz", Content: gz[:len(gz)/2]}})
	_, err := loadDir(t, "r2", dir, repo.Options{})
	if err == nil || !strings.Contains(err.Error(), "unexpected EOF") || !strings.Contains(err.Error(), "repodata/primary.xml.gz") {
		t.Fatalf("error %v", err)
	}
}

func TestReadPrimaryEntities(t *testing.T) {
	doc := `<?xml version="1.0"?><!-- c --><metadata packages="1"><package type="rpm"><name>a&amp;b</name>` +
		`<arch>noarch</arch><version epoch="0" ver="1&#46;0" rel="1"/><summary><![CDATA[x <y>]]> &#x263A;</summary>` +
		`<format><rpm:provides><rpm:entry name="p(&quot;q&quot;)" flags="LE" epoch="1" ver="2" rel='3&apos;'/></rpm:provides>` +
		`<file type="ghost">/var/a b</file></format></package></metadata>`
	pk, err := repo.ReadPrimary(strings.NewReader(doc), "x.xml")
	if err != nil {
		t.Fatal(err)
	}
	p := pk[0]
	if p.Name != "a&b" || p.Version != "1.0" || p.Summary != "x <y> ☺" || p.Provides[0].Name != `p("q")` ||
		p.Provides[0].EVR.Release != "3'" || p.Provides[0].Flags != 1<<1|1<<3 || p.Files[0] != "/var/a b" ||
		p.FileTypes[0] != repo.FileGhost {
		t.Errorf("%+v", p)
	}
}

// TestFilters: includepkgs/excludepkgs from the config and the options.
func TestFilters(t *testing.T) {
	dir := t.TempDir()
	repotest.WriteRepo(dir, repotest.Spec{Packages: 40})
	src := repo.DirSource(dir)
	load := func(cfg repo.Config, opts repo.Options) []string {
		cfg.ID = "f"
		r, err := repo.Load(context.Background(), &cfg, src, opts)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, p := range r.Packages {
			names = append(names, p.Name+"."+p.Arch)
		}
		return names
	}
	all := load(repo.Config{}, repo.Options{})
	inc := load(repo.Config{Include: []string{"alpha-*", "bravo-alpha1.x86_64"}}, repo.Options{})
	if strings.Join(inc, " ") != "alpha-alpha0.x86_64 bravo-alpha1.x86_64 alpha-bravo36.x86_64" || len(all) != 40 {
		t.Errorf("include: %q (of %d)", inc, len(all))
	}
	exc := load(repo.Config{Exclude: []string{"*.noarch"}}, repo.Options{Exclude: []string{"c*"}, Include: []string{"[a-d]*"}})
	for _, n := range exc {
		if strings.HasSuffix(n, ".noarch") || n[0] == 'c' || n[0] > 'd' {
			t.Errorf("excluded %s kept", n)
		}
	}
	if len(exc) == 0 {
		t.Error("everything excluded")
	}
}

// TestCache: a second load comes from the cache with equal packages; a
// corrupt cache file is detected and rewritten.
func TestCache(t *testing.T) {
	dir := t.TempDir()
	if err := repotest.WriteRepo(dir, repotest.Spec{Packages: 300, Seed: 7}); err != nil {
		t.Fatal(err)
	}
	cache := repo.NewCache(t.TempDir())
	opts := repo.Options{Cache: cache, WithFilelists: true}
	first, err := loadDir(t, "c", dir, opts)
	if err != nil || first.PrimaryCached {
		t.Fatalf("first load: %v cached=%v", err, first.PrimaryCached)
	}
	second, err := loadDir(t, "c", dir, opts)
	if err != nil || !second.PrimaryCached {
		t.Fatalf("second load: %v cached=%v", err, second != nil && second.PrimaryCached)
	}
	if !reflect.DeepEqual(first.Packages, second.Packages) {
		t.Fatal("cached packages differ from parsed ones")
	}
	entries, _ := filepath.Glob(filepath.Join(cache.Dir, "primary-*"))
	if len(entries) != 1 {
		t.Fatalf("cache entries %q", entries)
	}
	data, _ := os.ReadFile(entries[0])
	data[len(data)-3] ^= 1
	os.WriteFile(entries[0], data, 0o644)
	third, err := loadDir(t, "c", dir, opts)
	if err != nil || third.PrimaryCached || !reflect.DeepEqual(first.Packages, third.Packages) {
		t.Fatalf("corrupt cache: %v cached=%v", err, third != nil && third.PrimaryCached)
	}
	if fourth, err := loadDir(t, "c", dir, opts); err != nil || !fourth.PrimaryCached {
		t.Fatalf("cache not rewritten: %v", err)
	}
}

// TestCodecKnowsEveryField fails when Package grows a field that the
// cache encoding would silently drop.
func TestCodecKnowsEveryField(t *testing.T) {
	if n := reflect.TypeOf(repo.Package{}).NumField() + reflect.TypeOf(repo.Package{}.EVR).NumField() - 1; n != repo.CodecFields {
		t.Fatalf("Package has %d fields (EVR's counted), the cache codec writes %d: update codec.go", n, repo.CodecFields)
	}
}

// TestHTTPSource loads a repository over HTTP from a local server.
func TestHTTPSource(t *testing.T) {
	dir := t.TempDir()
	repotest.WriteRepo(dir, repotest.Spec{Packages: 20})
	srv := httptest.NewServer(http.FileServer(http.Dir(dir)))
	defer srv.Close()
	src, err := repo.NewSource(srv.URL+"/", nil)
	if err != nil {
		t.Fatal(err)
	}
	r, err := repo.Load(context.Background(), &repo.Config{ID: "web"}, src, repo.Options{WithFilelists: true})
	if err != nil || len(r.Packages) != 20 || !r.Packages[0].FilesComplete {
		t.Fatalf("%v", err)
	}
	bad, _ := repo.NewSource(srv.URL+"/missing/", nil)
	_, err = repo.Load(context.Background(), &repo.Config{ID: "web"}, bad, repo.Options{})
	if err == nil || !strings.Contains(err.Error(), "404") || !strings.Contains(err.Error(), "/missing/repodata/repomd.xml") {
		t.Fatalf("missing repo: %v", err)
	}
}

// TestRepoMDHashes: a metalink's digest of repomd.xml is checked.
func TestRepoMDHashes(t *testing.T) {
	dir := t.TempDir()
	repotest.WriteRepo(dir, repotest.Spec{Packages: 2})
	md, _ := os.ReadFile(filepath.Join(dir, "repodata/repomd.xml"))
	sum := sha256.Sum256(md)
	good := repo.Checksum{Type: "sha256", Value: hex.EncodeToString(sum[:])}
	md5 := repo.Checksum{Type: "md5", Value: "00"}
	if _, err := loadDir(t, "m", dir, repo.Options{RepoMDHashes: []repo.Checksum{md5, good}}); err != nil {
		t.Fatal(err)
	}
	bad := repo.Checksum{Type: "sha256", Value: strings.Repeat("0", 64)}
	_, err := loadDir(t, "m", dir, repo.Options{RepoMDHashes: []repo.Checksum{md5, bad}})
	var ce *repo.ChecksumError
	if !errors.As(err, &ce) || ce.File != "repodata/repomd.xml" || ce.RepoID != "m" {
		t.Fatalf("error %v", err)
	}
}

func TestDirSourceStaysInside(t *testing.T) {
	dir := t.TempDir()
	for _, p := range []string{"../x", "/etc/passwd", "repodata/../../x"} {
		if _, err := repo.DirSource(dir).Open(context.Background(), p); err == nil || !strings.Contains(err.Error(), "leaves the repository") {
			t.Errorf("%s: %v", p, err)
		}
	}
}

// TestChecksumTypes: createrepo_c -s for each digest rpm-md allows; the
// loader verifies with the same one, and catches a corrupt file with it.
func TestChecksumTypes(t *testing.T) {
	for _, typ := range []string{"sha1", "sha224", "sha384", "sha512"} {
		t.Run(typ, func(t *testing.T) {
			rd := makeRepo(t, "--general-compress-type=gz", "--checksum="+typ)
			r, err := loadDir(t, "ck", rd, repo.Options{WithFilelists: true})
			if err != nil {
				t.Fatal(err)
			}
			if got := r.MD.Find("primary").Checksum.Type; got != typ || r.Packages[0].ChecksumType != typ {
				t.Fatalf("repomd checksum type %q, package %q", got, r.Packages[0].ChecksumType)
			}
			fl := filepath.Join(rd, r.MD.Find("filelists").Location)
			data, _ := os.ReadFile(fl)
			os.WriteFile(fl, append(data, 0), 0o644)
			err = r.LoadFilelists(context.Background(), repo.DirSource(rd))
			var ce *repo.ChecksumError
			if !errors.As(err, &ce) || ce.Want.Type != typ || !strings.Contains(err.Error(), "filelists.xml.gz") {
				t.Fatalf("corrupt filelists: %v", err)
			}
		})
	}
}

func TestLoadCancelled(t *testing.T) {
	dir := t.TempDir()
	repotest.WriteRepo(dir, repotest.Spec{Packages: 300})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := repo.Load(ctx, &repo.Config{ID: "x"}, repo.DirSource(dir), repo.Options{})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want context.Canceled", err)
	}
}

// TestRepoMDBadChecksum: a primary entry with an unknown digest type or a
// value that is not hex is refused before anything is read or cached.
func TestRepoMDBadChecksum(t *testing.T) {
	for name, edit := range map[string][2]string{
		"type":  {`<checksum type="sha256">`, `<checksum type="md5">`},
		"value": {`<checksum type="sha256">`, `<checksum type="sha256">../../x`},
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			repotest.WriteRepo(dir, repotest.Spec{Packages: 2})
			p := filepath.Join(dir, "repodata/repomd.xml")
			md, _ := os.ReadFile(p)
			i := strings.Index(string(md), `<data type="primary">`)
			os.WriteFile(p, []byte(string(md[:i])+strings.Replace(string(md[i:]), edit[0], edit[1], 1)), 0o644)
			cache := repo.NewCache(t.TempDir())
			_, err := loadDir(t, "bad", dir, repo.Options{Cache: cache})
			if err == nil || !strings.Contains(err.Error(), "repo bad: repodata/") {
				t.Fatalf("error %v", err)
			}
			if ents, _ := os.ReadDir(cache.Dir); len(ents) != 0 {
				t.Fatalf("cache written: %v", ents)
			}
		})
	}
}
