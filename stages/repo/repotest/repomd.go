package repotest

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"sort"
)

// File is one metadata file to put in a repository: its repomd type
// ("primary", "filelists", ...) and its content as stored (already
// compressed, or not).
type File struct {
	Type    string
	Name    string // file name under repodata/, e.g. "primary.xml.gz"
	Content []byte
	Base    string // xml:base for its <location>, usually ""
}

// WriteRepoMD writes files under dir/repodata/ and a repomd.xml describing
// them with correct sha256 checksums and sizes. Timestamps are fixed.
func WriteRepoMD(dir string, files []File) error {
	rd := filepath.Join(dir, "repodata")
	if err := os.MkdirAll(rd, 0o755); err != nil {
		return err
	}
	var b bytes.Buffer
	b.WriteString("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<repomd xmlns=\"http://linux.duke.edu/metadata/repo\" xmlns:rpm=\"http://linux.duke.edu/metadata/rpm\">\n  <revision>1700000000</revision>\n")
	sort.SliceStable(files, func(i, j int) bool { return files[i].Type < files[j].Type })
	for _, f := range files {
		if err := os.WriteFile(filepath.Join(rd, f.Name), f.Content, 0o644); err != nil {
			return err
		}
		sum := sha256.Sum256(f.Content)
		base := ""
		if f.Base != "" {
			base = fmt.Sprintf(" xml:base=%q", f.Base)
		}
		fmt.Fprintf(&b, "  <data type=%q>\n    <checksum type=\"sha256\">%s</checksum>\n    <location%s href=\"repodata/%s\"/>\n    <timestamp>1700000000</timestamp>\n    <size>%d</size>\n  </data>\n",
			f.Type, hex.EncodeToString(sum[:]), base, f.Name, len(f.Content))
	}
	b.WriteString("</repomd>\n")
	return os.WriteFile(filepath.Join(rd, "repomd.xml"), b.Bytes(), 0o644)
}

// WriteRepo writes a synthetic repository for spec in dir: gzip-compressed
// primary.xml and filelists.xml and their repomd.xml. The packages it
// names do not exist; the repository is for reading metadata only.
func WriteRepo(dir string, spec Spec) error {
	var prim, fl bytes.Buffer
	if err := WritePrimary(&prim, spec); err != nil {
		return err
	}
	if err := WriteFilelists(&fl, spec); err != nil {
		return err
	}
	return WriteRepoMD(dir, []File{
		{Type: "primary", Name: "primary.xml.gz", Content: Gzip(prim.Bytes())},
		{Type: "filelists", Name: "filelists.xml.gz", Content: Gzip(fl.Bytes())},
	})
}

// Gzip compresses b (deterministically: no name, no time).
func Gzip(b []byte) []byte {
	var out bytes.Buffer
	zw := gzip.NewWriter(&out)
	zw.Write(b)
	zw.Close()
	return out.Bytes()
}
