package repo_test

import (
	"strings"
	"testing"

	"github.com/disco-build/disco/stages/repo"
)

func TestParseMirrorList(t *testing.T) {
	body := "# mirrors\n\nhttp://a.example/fedora/40/x86_64/\n  https://b.example/f/  \nfile:///srv/mirror\n"
	urls, err := repo.ParseMirrorList("ml", []byte(body))
	if err != nil || strings.Join(urls, " ") != "http://a.example/fedora/40/x86_64/ https://b.example/f/ file:///srv/mirror" {
		t.Fatalf("%q %v", urls, err)
	}
	_, err = repo.ParseMirrorList("ml", []byte("http://ok.example/\n<html><body>Oops</body></html>\n"))
	if err == nil || !strings.HasPrefix(err.Error(), "ml:2: ") {
		t.Fatalf("html: %v", err)
	}
	if _, err := repo.ParseMirrorList("ml", []byte("# nothing\n")); err == nil {
		t.Fatal("empty list accepted")
	}
}

const metalinkDoc = `<?xml version="1.0" encoding="utf-8"?>
<metalink version="3.0" xmlns="http://www.metalinker.org/" type="dynamic" pubdate="Thu, 26 Nov 2026 06:00:00 GMT" generator="mirrormanager" xmlns:mm0="http://fedorahosted.org/mirrormanager">
 <files>
  <file name="repomd.xml">
   <mm0:timestamp>1713868000</mm0:timestamp>
   <size>6321</size>
   <verification>
    <hash type="md5">0123456789abcdef0123456789abcdef</hash>
    <hash type="sha256">ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef0123456789</hash>
   </verification>
   <resources maxconnections="1">
    <url protocol="http" type="http" location="DE" preference="90">http://de.example/fedora/40/Everything/x86_64/os/repodata/repomd.xml</url>
    <url protocol="https" type="https" location="US" preference="100">https://us.example/fedora/40/Everything/x86_64/os/repodata/repomd.xml</url>
    <url protocol="rsync" type="rsync" location="US" preference="100">rsync://us.example/fedora/40/os/repodata/repomd.xml</url>
   </resources>
  </file>
 </files>
</metalink>`

func TestParseMetalink(t *testing.T) {
	m, err := repo.ParseMetalink("ml", []byte(metalinkDoc))
	if err != nil {
		t.Fatal(err)
	}
	base := m.BaseURLs()
	if m.Size != 6321 || m.Timestamp != 1713868000 || len(base) != 3 ||
		base[0] != "https://us.example/fedora/40/Everything/x86_64/os/" || base[2] != "http://de.example/fedora/40/Everything/x86_64/os/" {
		t.Errorf("%+v %q", m, base)
	}
	if len(m.Hashes) != 2 || m.Hashes[1] != (repo.Checksum{Type: "sha256", Value: "abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789"}) {
		t.Errorf("hashes %+v", m.Hashes)
	}
	if _, err := repo.ParseMetalink("ml", []byte("<metalink><files></files></metalink>")); err == nil {
		t.Error("metalink without repomd.xml accepted")
	}
	if _, err := repo.ParseMetalink("ml", []byte("<metalink><files>")); err == nil || !strings.HasPrefix(err.Error(), "ml: ") {
		t.Errorf("truncated: %v", err)
	}
}
