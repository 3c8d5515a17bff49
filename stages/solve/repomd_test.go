package solve

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"github.com/disco-build/disco/stages/repo"
	"github.com/disco-build/disco/stages/rpmver"
)

// writeRepo materialises pkgs as an rpm-md repository (repomd.xml and
// primary.xml.gz, files listed in full) that dnf reads, straight from the
// same in-memory model the resolver is fed.
func writeRepo(dir string, pkgs []*repo.Package) error {
	if err := os.MkdirAll(filepath.Join(dir, "repodata"), 0o755); err != nil {
		return err
	}
	var x bytes.Buffer
	fmt.Fprintf(&x, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<metadata xmlns=\"http://linux.duke.edu/metadata/common\" xmlns:rpm=\"http://linux.duke.edu/metadata/rpm\" packages=\"%d\">\n", len(pkgs))
	for _, p := range pkgs {
		writePackageXML(&x, p)
	}
	x.WriteString("</metadata>\n")
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(x.Bytes())
	zw.Close()
	if err := os.WriteFile(filepath.Join(dir, "repodata", "primary.xml.gz"), gz.Bytes(), 0o644); err != nil {
		return err
	}
	sum := func(b []byte) string { s := sha256.Sum256(b); return hex.EncodeToString(s[:]) }
	repomd := fmt.Sprintf(`<?xml version="1.0" encoding="UTF-8"?>
<repomd xmlns="http://linux.duke.edu/metadata/repo" xmlns:rpm="http://linux.duke.edu/metadata/rpm">
  <revision>1</revision>
  <data type="primary">
    <checksum type="sha256">%s</checksum>
    <open-checksum type="sha256">%s</open-checksum>
    <location href="repodata/primary.xml.gz"/>
    <timestamp>1</timestamp>
    <size>%d</size>
    <open-size>%d</open-size>
  </data>
</repomd>
`, sum(gz.Bytes()), sum(x.Bytes()), gz.Len(), x.Len())
	return os.WriteFile(filepath.Join(dir, "repodata", "repomd.xml"), []byte(repomd), 0o644)
}

func esc(s string) string {
	var b bytes.Buffer
	xml.EscapeText(&b, []byte(s))
	return b.String()
}

func writePackageXML(x *bytes.Buffer, p *repo.Package) {
	fmt.Fprintf(x, "<package type=\"rpm\"><name>%s</name><arch>%s</arch>", esc(p.Name), p.Arch)
	fmt.Fprintf(x, "<version epoch=\"%d\" ver=\"%s\" rel=\"%s\"/>", p.Epoch, esc(p.Version), esc(p.Release))
	fmt.Fprintf(x, "<checksum type=\"sha256\" pkgid=\"YES\">%s</checksum>", p.Checksum)
	fmt.Fprintf(x, "<summary>%s</summary><description/><packager/><url/><time file=\"1\" build=\"1\"/>", esc(p.Name))
	fmt.Fprintf(x, "<size package=\"1\" installed=\"1\" archive=\"1\"/><location href=\"%s\"/>", esc(p.Location))
	x.WriteString("<format><rpm:license>MIT</rpm:license><rpm:vendor/><rpm:group>Unspecified</rpm:group><rpm:buildhost>h</rpm:buildhost>")
	fmt.Fprintf(x, "<rpm:sourcerpm>%s</rpm:sourcerpm><rpm:header-range start=\"0\" end=\"1\"/>", esc(p.SourceRPM))
	for _, s := range []struct {
		tag  string
		deps []rpmver.Dep
	}{
		{"provides", p.Provides}, {"requires", p.Requires}, {"conflicts", p.Conflicts},
		{"obsoletes", p.Obsoletes}, {"suggests", p.Suggests}, {"recommends", p.Recommends},
		{"supplements", p.Supplements}, {"enhances", p.Enhances},
	} {
		if len(s.deps) == 0 {
			continue
		}
		fmt.Fprintf(x, "<rpm:%s>", s.tag)
		for _, d := range s.deps {
			writeEntry(x, d)
		}
		fmt.Fprintf(x, "</rpm:%s>", s.tag)
	}
	for _, f := range p.Files {
		fmt.Fprintf(x, "<file>%s</file>", esc(f))
	}
	x.WriteString("</format></package>\n")
}

var flagNames = map[rpmver.Flags]string{rpmver.LT: "LT", rpmver.LE: "LE", rpmver.EQ: "EQ", rpmver.GE: "GE", rpmver.GT: "GT"}

func writeEntry(x *bytes.Buffer, d rpmver.Dep) {
	fmt.Fprintf(x, "<rpm:entry name=\"%s\"", esc(d.Name))
	if f, ok := flagNames[d.Flags]; ok {
		fmt.Fprintf(x, " flags=\"%s\" epoch=\"%d\" ver=\"%s\"", f, d.EVR.Epoch, esc(d.EVR.Version))
		if d.EVR.Release != "" {
			fmt.Fprintf(x, " rel=\"%s\"", esc(d.EVR.Release))
		}
	}
	if d.Pre {
		x.WriteString(" pre=\"1\"")
	}
	x.WriteString("/>")
}

var _ = strconv.Itoa
